-- Whether an event needs fanning out (an enabled webhook endpoint exists) was decided by a
-- plpgsql row trigger: ~6 µs of each event insert's ~13 µs (20,000-row insert on the bench
-- machine, PostgreSQL 15), one event per accepted and one per delivered recipient. The writer
-- (MessageEvents.append) now decides it once per list of events and writes it with them; the
-- NOTIFY that wakes the dispatchers is sent once per statement. A writer that does not set fanned_out leaves
-- the default false: its events are fanned out by the dispatcher, never lost.
drop trigger message_event_fan_out_needed on message_event;
drop function message_event_fan_out_needed();

create function message_event_wake_fan_out() returns trigger language plpgsql as $$
begin
    if exists (select 1 from webhook_endpoint where enabled) then
        perform pg_notify('mailroom_webhook', '');
    end if;
    return null;
end
$$;
create trigger message_event_wake_fan_out after insert on message_event
    for each statement execute function message_event_wake_fan_out();
