-- A claim moves a recipient to 'sending' and its result moves it on moments later: two updates
-- that cannot be HOT (status is in index predicates), so each adds an entry to every index whose
-- predicate the new row matches. 'sending' is transient and has its own index
-- (recipient_lease_idx), so the status listing index (GET /messages?status=) leaves it out: one
-- index entry fewer per claim, and no dead 'sending' entries in it for vacuum to clean. The search
-- writes the status as a literal, so the planner can prove this index applies to the other
-- statuses; a search for status=sending reads recipient_lease_idx.
drop index recipient_status_created_idx;
create index recipient_status_created_idx on recipient (status, created_at desc, message_id desc)
    where status <> 'sending';
