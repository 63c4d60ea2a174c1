-- Backordered lines are retried by SKU, oldest first, whenever that SKU's free stock grows.
CREATE INDEX allocations_backordered ON allocations (site_id, sku, created_at, order_id) WHERE status = 'BACKORDERED';
