-- The master catalog in one role per transaction (issue 22 item 3; docs/architecture.md,
-- "Master catalog"; docs/citus-findings.md, "Fixed in item 3 (session 6)").
--
-- Until now the four master-catalog tables had no row level security and no grant to
-- coral_app: `CrossTenantTx` switched to the schema owner (`SET LOCAL ROLE NONE`) between
-- tenant steps to reach them. Citus refuses a transaction that writes placements as one
-- role and then touches them as another ("cannot perform query on placements that were
-- modified in this transaction by a different user"), so every step now runs as
-- coral_app in some tenant's scope, and these tables get policies keyed on
-- `coral.tenant_id`, like tenant tables, each as narrow as the code's use of it:
--
-- | table                  | policy                | who (the tenant in scope)      | may                    |
-- |------------------------|-----------------------|--------------------------------|------------------------|
-- | catalog_sources        | source_owner          | the source's tenant            | read, insert, delete   |
-- | catalog_source_grants  | grant_source          | the source's tenant            | read, insert, delete   |
-- | catalog_source_grants  | grant_subscriber_read | the grantee                    | read                   |
-- | catalog_links          | link_subscriber       | the subscriber                 | read, insert, delete   |
-- | catalog_links          | link_source_read      | the source product's tenant    | read                   |
-- | catalog_link_items     | link_item_subscriber  | the subscriber                 | read, insert, delete   |
--
-- No table is granted UPDATE: Coral never updates these rows (a grant or link is
-- created or deleted; an item map is replaced by delete + insert).
-- Not granted, deliberately:
-- - A grantee does not read `catalog_sources`: what it needs of a source (id, tenant) is
--   on its grant, and the source's creation time is read in the source's own scope.
-- - The source never deletes a link nor touches an item map: withdrawing a copy
--   (revoke, unpublish, deleting a source product) drafts the copy and drops its link in
--   the subscriber's scope, the step that already writes the subscriber's product.
-- - No policy looks into another table (`EXISTS (SELECT … FROM catalog_source_grants …)`):
--   each is a comparison of the row's own tenant column with the setting, which is what
--   a Citus worker can evaluate on its shard, and what routes a statement. Hence the
--   source's tenant is copied onto each grant (`source_tenant_id`), kept true by a
--   foreign key to the source's `(id, tenant_id)`.
--
-- The foreign key from a link to the SOURCE product (another tenant's row, not colocated
-- under Citus, which refuses it) is dropped; the application drops those links itself,
-- in the transaction that deletes the source product (`app/catalog/admin.rs::delete`).
-- The subscriber-side key to its own copy stays (colocated), and so do the keys between
-- these tables: referential actions and checks run as the table owner and are not
-- subject to row level security.
--
-- The keys from a source and a grant to `tenants` are dropped too. Under Citus the
-- source and grant tables are reference tables, and a write to a reference table locks
-- every reference table its keys reach (tenants, and through it currencies, countries,
-- plans) on the first worker with `lock_shard_resources`, which demands a write
-- privilege on each: as coral_app, `INSERT INTO catalog_sources` failed with
-- "permission denied for table currencies". coral_app must not write the control plane;
-- the tenants a source and a grant name are the request's own and one the directory
-- resolved in the same placement, and tenants are never deleted.

-- ---------------------------------------------------------------- keys
ALTER TABLE catalog_links DROP CONSTRAINT catalog_links_source_tenant_id_source_product_id_fkey;
ALTER TABLE catalog_sources DROP CONSTRAINT catalog_sources_tenant_id_fkey;
ALTER TABLE catalog_source_grants DROP CONSTRAINT catalog_source_grants_subscriber_tenant_id_fkey;

ALTER TABLE catalog_sources ADD CONSTRAINT catalog_sources_id_tenant_key UNIQUE (id, tenant_id);

-- A grant names its source's tenant, the column the source's policy and statements use.
ALTER TABLE catalog_source_grants ADD COLUMN source_tenant_id text;
UPDATE catalog_source_grants g SET source_tenant_id = s.tenant_id FROM catalog_sources s WHERE s.id = g.source_id;
ALTER TABLE catalog_source_grants ALTER COLUMN source_tenant_id SET NOT NULL;
ALTER TABLE catalog_source_grants DROP CONSTRAINT catalog_source_grants_source_id_fkey;
ALTER TABLE catalog_source_grants ADD CONSTRAINT catalog_source_grants_source_fkey
    FOREIGN KEY (source_id, source_tenant_id) REFERENCES catalog_sources (id, tenant_id) ON DELETE CASCADE;
ALTER TABLE catalog_source_grants ADD CONSTRAINT catalog_source_grants_source_tenant_key
    UNIQUE (source_id, subscriber_tenant_id, source_tenant_id);
CREATE INDEX catalog_source_grants_source_tenant_idx ON catalog_source_grants (source_tenant_id);

-- A link's source tenant (what the source's read policy keys on) is its grant's.
ALTER TABLE catalog_links DROP CONSTRAINT catalog_links_source_id_subscriber_tenant_id_fkey;
ALTER TABLE catalog_links ADD CONSTRAINT catalog_links_grant_fkey
    FOREIGN KEY (source_id, subscriber_tenant_id, source_tenant_id)
    REFERENCES catalog_source_grants (source_id, subscriber_tenant_id, source_tenant_id);

-- ---------------------------------------------------------------- policies
-- Forced, so the owner (which sees no tenant rows) is under them too; an unset setting
-- reads as NULL and matches no row.
ALTER TABLE catalog_sources ENABLE ROW LEVEL SECURITY;
ALTER TABLE catalog_sources FORCE ROW LEVEL SECURITY;
ALTER TABLE catalog_source_grants ENABLE ROW LEVEL SECURITY;
ALTER TABLE catalog_source_grants FORCE ROW LEVEL SECURITY;
ALTER TABLE catalog_links ENABLE ROW LEVEL SECURITY;
ALTER TABLE catalog_links FORCE ROW LEVEL SECURITY;
ALTER TABLE catalog_link_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE catalog_link_items FORCE ROW LEVEL SECURITY;

-- A store publishes, reads and withdraws its own source.
CREATE POLICY source_owner ON catalog_sources TO coral_app
    USING (tenant_id = current_setting('coral.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('coral.tenant_id', true));

-- The source grants and revokes its subscribers and lists them.
CREATE POLICY grant_source ON catalog_source_grants TO coral_app
    USING (source_tenant_id = current_setting('coral.tenant_id', true))
    WITH CHECK (source_tenant_id = current_setting('coral.tenant_id', true));
-- A store sees the grants made to it (which sources it may browse and subscribe to).
CREATE POLICY grant_subscriber_read ON catalog_source_grants FOR SELECT TO coral_app
    USING (subscriber_tenant_id = current_setting('coral.tenant_id', true));

-- A subscriber links, lists and unlinks its own copies.
CREATE POLICY link_subscriber ON catalog_links TO coral_app
    USING (subscriber_tenant_id = current_setting('coral.tenant_id', true))
    WITH CHECK (subscriber_tenant_id = current_setting('coral.tenant_id', true));
-- A source finds the copies of its products (to keep them in step, to withdraw them).
CREATE POLICY link_source_read ON catalog_links FOR SELECT TO coral_app
    USING (source_tenant_id = current_setting('coral.tenant_id', true));

-- The item map of a copy is the subscriber's alone (synced in the subscriber's scope).
CREATE POLICY link_item_subscriber ON catalog_link_items TO coral_app
    USING (subscriber_tenant_id = current_setting('coral.tenant_id', true))
    WITH CHECK (subscriber_tenant_id = current_setting('coral.tenant_id', true));

GRANT SELECT, INSERT, DELETE ON catalog_sources, catalog_source_grants, catalog_links, catalog_link_items TO coral_app;
