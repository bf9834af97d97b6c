-- GET /messages: keyset pagination newest first on (created_at, id), with filters. Every filter
-- that can be rare gets an index ordered like the listing, so that a page is one ordered index
-- range read that stops after `limit` rows, whether the filter matches millions or none:
-- recipient.created_at and message_tag.created_at always equal their message's created_at (all
-- written at accept), so the keyset bounds apply to them unchanged.

-- template=
create index message_template_created_idx on message (template, created_at desc, id desc);
drop index message_template_idx;

-- metadata.<key>=<value> (jsonb containment). Values are mostly ids (orderId), which this finds at
-- once; common values are found by walking message_created_idx.
create index message_metadata_idx on message using gin (metadata jsonb_path_ops);

-- status=: recipient status changes are never HOT updates anyway (status is in the predicate of
-- recipient_due_idx), so this index adds one entry per change, not a new kind of cost.
create index recipient_status_created_idx on recipient (status, created_at desc, message_id desc);

-- recipient=<address>; also serves the plain lower(email) look-ups recipient_email_idx was for.
create index recipient_email_created_idx on recipient (lower(email), created_at desc, message_id desc);
drop index recipient_email_idx;

-- tag=: a GIN index on message.tags cannot return rows in order, so a tag that matches nothing
-- (a typo) made PostgreSQL walk every message. Tags are written once, at accept.
create table message_tag (
    tag        text        not null,
    created_at timestamptz not null,
    message_id uuid        not null references message (id) on delete cascade,
    primary key (tag, created_at, message_id)
);
create index message_tag_message_idx on message_tag (message_id);
drop index message_tags_idx;
