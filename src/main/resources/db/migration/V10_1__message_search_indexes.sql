-- GET /messages: keyset pagination newest first on (created_at, id) with filters.
-- recipient.created_at is always its message's created_at (both written at accept), so recipient
-- filters can use the same keyset bounds on recipient's own indexes.

-- template: ordered like the listing, so a page is an index range read.
create index message_template_created_idx on message (template, created_at desc, id desc);
drop index message_template_idx;

-- metadata.<key>=<value> filters use jsonb containment (metadata @> '{"key": "value"}').
create index message_metadata_idx on message using gin (metadata jsonb_path_ops);

-- status: rare statuses (bounced, failed, scheduled) are read from here in order instead of
-- probing every message. Recipient status changes are never HOT updates anyway (status is in the
-- predicate of recipient_due_idx), so this index adds one entry per change, not a new kind of cost.
create index recipient_status_created_idx on recipient (status, created_at desc, message_id desc);

-- recipient=<address>: every message to one address, newest first. Also serves the plain
-- lower(email) look-ups recipient_email_idx was for.
create index recipient_email_created_idx on recipient (lower(email), created_at desc, message_id desc);
drop index recipient_email_idx;
