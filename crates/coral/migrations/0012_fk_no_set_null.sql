-- Citus refuses ON DELETE SET NULL on a foreign key that includes the distribution column,
-- even in the column-list form `SET NULL (col)` (issue 22 item 3; docs/citus-findings.md,
-- "Fixed in item 3"). These four keys become NO ACTION; the repository functions that delete
-- a collection, a type or a stock location clear the references first, in the same
-- transaction (db/catalog/taxonomy.rs, db/inventory.rs), so behaviour is unchanged.
-- One subcommand per ALTER TABLE: Citus refuses ADD CONSTRAINT combined with others.
ALTER TABLE products DROP CONSTRAINT products_tenant_id_collection_id_fkey;
ALTER TABLE products ADD CONSTRAINT products_tenant_id_collection_id_fkey
    FOREIGN KEY (tenant_id, collection_id) REFERENCES product_collections (tenant_id, id);
ALTER TABLE products DROP CONSTRAINT products_tenant_id_type_id_fkey;
ALTER TABLE products ADD CONSTRAINT products_tenant_id_type_id_fkey
    FOREIGN KEY (tenant_id, type_id) REFERENCES product_types (tenant_id, id);

ALTER TABLE fulfillments DROP CONSTRAINT fulfillments_location_fkey;
ALTER TABLE fulfillments ADD CONSTRAINT fulfillments_location_fkey
    FOREIGN KEY (tenant_id, location_id) REFERENCES stock_locations (tenant_id, id);

ALTER TABLE order_items DROP CONSTRAINT order_items_location_fkey;
ALTER TABLE order_items ADD CONSTRAINT order_items_location_fkey
    FOREIGN KEY (tenant_id, location_id) REFERENCES stock_locations (tenant_id, id);
