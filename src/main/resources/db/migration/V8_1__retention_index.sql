-- The body purge looks for old messages whose body is still there. Without this index each batch
-- would walk past every message purged before (months of them) to find the next few.
create index message_body_retention_idx on message (created_at) where body_purged_at is null;
