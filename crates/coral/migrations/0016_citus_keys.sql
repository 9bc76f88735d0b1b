-- Issue 22 item 3: keys and states a Citus layout needs, the same on plain PostgreSQL.

-- Provisioning runs as three transactions, one role each (app::platform::create_tenant):
-- between them the store exists as `provisioning`, never served; one left behind by a
-- crash is removed at the next start.
ALTER TABLE tenants DROP CONSTRAINT tenants_status_check;
ALTER TABLE tenants ADD CONSTRAINT tenants_status_check
    CHECK (status IN ('provisioning', 'active', 'suspended', 'deactivated'));

-- A distributed table's unique keys must include its distribution column (tenant_id).
-- Publishable tokens stay globally unique through `publishable_keys` (token primary
-- key, migration 0011), written in the same transaction as the api_keys row.
ALTER TABLE api_keys DROP CONSTRAINT api_keys_token_key;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_token_key UNIQUE (tenant_id, token);

-- The global lookups are reference tables under Citus, written by the store's own
-- transaction as coral_app. Citus locks every reference table a modified reference
-- table's foreign keys reach (tenants, and through it countries, currencies, plans,
-- placements), which needs more than the SELECT coral_app has there ("permission denied
-- for table countries"). The lookups keep no foreign key: their rows are written and
-- removed with the store's own rows (db::tenants::FIRST_ROW_TABLES).
ALTER TABLE publishable_keys DROP CONSTRAINT publishable_keys_tenant_id_fkey;
ALTER TABLE staff_logins DROP CONSTRAINT staff_logins_tenant_id_fkey;
