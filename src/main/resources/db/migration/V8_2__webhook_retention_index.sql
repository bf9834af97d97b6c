-- Retention deletes finished webhook deliveries (and their attempts, by cascade) once they are older
-- than the metadata period; this index lets each batch find the oldest finished ones directly.
create index webhook_delivery_finished_idx on webhook_delivery (created_at) where status in ('delivered', 'failed');
