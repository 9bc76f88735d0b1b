-- Every reference between tenant tables is a composite foreign key (tenant_id, column):
-- a row of one store cannot name a row of another, nor one that does not exist.
-- tests/it/schema.rs finds every `*_id` column of a tenant table from the catalog and
-- fails for one without such a key (unless it lists the column with a reason: copies
-- kept after their source is deleted, provider codes, ids of other systems).
--
-- Use cases check references in the writing transaction (db::refs::require); these keys
-- are the backstop, and each is named so the query that can violate it maps the name to
-- the client error (db::refs::OnConstraint).

-- Stock locations are deleted for real; a fulfilment or an order item that named one
-- keeps its history and forgets the location. Rows naming a location that does not
-- exist (before this migration a fulfilment's location was not checked) forget it now.
UPDATE fulfillments f SET location_id = NULL
 WHERE location_id IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM stock_locations l WHERE l.tenant_id = f.tenant_id AND l.id = f.location_id);
ALTER TABLE fulfillments
    ADD CONSTRAINT fulfillments_location_fkey FOREIGN KEY (tenant_id, location_id)
        REFERENCES stock_locations (tenant_id, id) ON DELETE SET NULL (location_id);
CREATE INDEX fulfillments_location_idx ON fulfillments (tenant_id, location_id);

UPDATE order_items i SET location_id = NULL
 WHERE location_id IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM stock_locations l WHERE l.tenant_id = i.tenant_id AND l.id = i.location_id);
ALTER TABLE order_items
    ADD CONSTRAINT order_items_location_fkey FOREIGN KEY (tenant_id, location_id)
        REFERENCES stock_locations (tenant_id, id) ON DELETE SET NULL (location_id);
CREATE INDEX order_items_location_idx ON order_items (tenant_id, location_id);

-- Shipping options and regions are soft-deleted and sales channels are never deleted, so
-- these keys never block a delete; they came from a checked cart, so existing rows hold.
ALTER TABLE cart_shipping_methods
    ADD CONSTRAINT cart_shipping_methods_option_fkey FOREIGN KEY (tenant_id, shipping_option_id)
        REFERENCES shipping_options (tenant_id, id);
ALTER TABLE order_shipping_methods
    ADD CONSTRAINT order_shipping_methods_option_fkey FOREIGN KEY (tenant_id, shipping_option_id)
        REFERENCES shipping_options (tenant_id, id);
ALTER TABLE orders
    ADD CONSTRAINT orders_region_fkey FOREIGN KEY (tenant_id, region_id)
        REFERENCES regions (tenant_id, id),
    ADD CONSTRAINT orders_sales_channel_fkey FOREIGN KEY (tenant_id, sales_channel_id)
        REFERENCES sales_channels (tenant_id, id);
