-- Inbound bounces, complaints and auto-replies, kept raw whether or not they matched a message we
-- sent, so nothing a remote MTA returned is ever lost and unmatched ones can be looked at.
create table inbound_message (
    id             uuid primary key,               -- UUIDv7: sorts by arrival, keys the pagination
    received_at    timestamptz not null,
    source         text        not null check (source in ('http', 'smtp')),
    type           text        not null check (type in ('bounce', 'delay', 'complaint', 'auto-reply', 'unknown')),
    status         text        not null check (status in ('matched', 'unmatched', 'ignored')),
    matched        boolean     not null,
    message_id     uuid,
    recipient_id   uuid,
    size           int         not null,           -- of the message as received
    raw            bytea       not null,           -- the first mailroom.bounce.max-stored-size bytes
    raw_truncated  boolean     not null,
    summary        jsonb       not null            -- what the reader found and what was done
);
create index inbound_message_status_idx on inbound_message (status, id desc);
create index inbound_message_received_idx on inbound_message (received_at);

-- Soft bounces of the last days, one per recipient row: five for one address within a week
-- suppress it for a day. Rows older than the window are deleted (BounceHousekeeping).
create table soft_bounce (
    recipient_id uuid primary key,
    email        text        not null,             -- normalised like suppression.email
    occurred_at  timestamptz not null
);
create index soft_bounce_email_idx on soft_bounce (email, occurred_at);
create index soft_bounce_occurred_idx on soft_bounce (occurred_at);

-- Bounces without a VERP token are matched on the returned Message-ID.
create index message_message_id_header_idx on message (message_id_header);
