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
