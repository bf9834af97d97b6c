-- Clones the oldest message in the database (accepted through the API, so its MIME is real) into
-- :n queued messages of one recipient each, shaped as MessageStore writes them: message row,
-- recipient row (queued, due now), message.queued event. IDs are UUIDv7-like (time-ordered),
-- as the application's.
\set ON_ERROR_STOP 1
create function pg_temp.v7(ms bigint, salt bigint) returns uuid language sql immutable as $$
  select (lpad(to_hex(ms), 12, '0') || '7' || substr(h, 1, 3) || '8' || substr(h, 4, 15))::uuid
  from (select md5(salt::text || ':' || ms::text) as h) x
$$;
create temp table seed as select * from message order by created_at limit 1;
create temp table seed_recipient as select * from recipient where message_id = (select id from seed);
create temp table seed_event as select * from message_event where message_id = (select id from seed) and type = 'message.queued';
create temp table clone as
  select i, pg_temp.v7(base + i, 1) as message_id, pg_temp.v7(base + i, 2) as recipient_id,
         pg_temp.v7(base + i, 3) as event_id, 'rcpt-' || i || '@bench.test' as email
  from generate_series(1, :n) i, (select (extract(epoch from clock_timestamp()) * 1000)::bigint - :n as base) b;

insert into message (id, api_key_id, test, template, template_version, locale, category, from_email, from_name,
  reply_to, subject, text_body, html_body, mime, message_id_header, tags, metadata, priority, send_at, created_at)
select c.message_id, s.api_key_id, s.test, s.template, s.template_version, s.locale, s.category, s.from_email,
  s.from_name, s.reply_to, s.subject, s.text_body, s.html_body, s.mime, '<' || c.message_id || '@bench.test>',
  s.tags, s.metadata, s.priority, null, now()
from clone c, seed s;

insert into recipient (id, message_id, seq, kind, email, name, domain, status, priority, next_attempt_at,
  created_at, updated_at)
select c.recipient_id, c.message_id, 0, 'to', c.email, r.name, 'bench.test', 'queued', r.priority, now(), now(), now()
from clone c, seed_recipient r;

insert into message_event (id, message_id, recipient_id, type, occurred_at, data, fanned_out)
select c.event_id, c.message_id, c.recipient_id, 'message.queued', now(),
  e.data || jsonb_build_object('messageId', 'msg_' || replace(c.message_id::text, '-', ''), 'recipient', c.email),
  not exists (select 1 from webhook_endpoint where enabled)
from clone c, seed_event e;
