-- The platform's reads on a plain-owner PostgreSQL (issue 22 item 1; docs/plain-owner.md).
-- Coral's owner role never bypasses row level security: lookups made before a store is
-- known go through global lookup tables, and the few true cross-tenant reads run as
-- `coral_platform`, which sees exactly what the `platform_read` policies below give it.

-- Read-only platform role, created like coral_app (0001): by an owner with CREATEROLE,
-- or beforehand by an administrator (then granted to the owner already).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'coral_platform') THEN
        CREATE ROLE coral_platform NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    END IF;
    -- A non-superuser owner needs membership to switch to it.
    IF NOT pg_has_role(current_user, 'coral_platform', 'MEMBER') THEN
        GRANT coral_platform TO CURRENT_USER;
    END IF;
END
$$;
GRANT USAGE ON SCHEMA public TO coral_platform;

-- Global lookup: publishable token -> its store (resolution happens before the store is
-- known). Written by the store's own transaction with the api_keys row. No foreign key
-- to api_keys: under Citus the two are not colocated (issue 22 item 3).
CREATE TABLE publishable_keys (
    token             text PRIMARY KEY,
    tenant_id         text NOT NULL REFERENCES tenants (id),
    api_key_id        text NOT NULL,
    sales_channel_ids text[] NOT NULL DEFAULT '{}',
    revoked_at        timestamptz
);
CREATE INDEX publishable_keys_tenant_idx ON publishable_keys (tenant_id);

-- Global lookup: staff email -> accounts (sign-in happens before the store is known).
-- Only who: the password check reads staff_users in the store's own scope.
CREATE TABLE staff_logins (
    email     text NOT NULL,
    tenant_id text NOT NULL REFERENCES tenants (id),
    staff_id  text NOT NULL,
    PRIMARY KEY (email, tenant_id)
);

-- Backfill. A plain owner sees no tenant rows under FORCE RLS; as the tables' owner it
-- lifts FORCE for this transaction only (ALTER TABLE holds an ACCESS EXCLUSIVE lock
-- until commit, so no other statement runs meanwhile).
ALTER TABLE api_keys NO FORCE ROW LEVEL SECURITY;
ALTER TABLE api_key_sales_channels NO FORCE ROW LEVEL SECURITY;
ALTER TABLE staff_users NO FORCE ROW LEVEL SECURITY;
INSERT INTO publishable_keys (token, tenant_id, api_key_id, sales_channel_ids, revoked_at)
SELECT k.token, k.tenant_id, k.id,
       COALESCE(array_agg(s.sales_channel_id) FILTER (WHERE s.sales_channel_id IS NOT NULL), '{}'),
       k.revoked_at
  FROM api_keys k
  LEFT JOIN api_key_sales_channels s ON s.tenant_id = k.tenant_id AND s.api_key_id = k.id
 GROUP BY k.tenant_id, k.id;
INSERT INTO staff_logins (email, tenant_id, staff_id)
SELECT email, tenant_id, id FROM staff_users;
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
ALTER TABLE api_key_sales_channels FORCE ROW LEVEL SECURITY;
ALTER TABLE staff_users FORCE ROW LEVEL SECURITY;

-- The tenant policy: a store writes only lookup rows naming itself.
SELECT coral_tenant_table('publishable_keys');
SELECT coral_tenant_table('staff_logins');
-- Mirrors of audited rows (api_keys, staff_users): their change is in the record already.
DROP TRIGGER coral_audit ON publishable_keys;
DROP TRIGGER coral_audit ON staff_logins;

-- The platform's reads, one policy each (tests/it/platform_reads.rs pins the list), SELECT only.
-- `current_user = 'coral_platform'`: a policy TO a role applies to its members too, and
-- the owner is one; the check keeps the rows hidden from the owner itself until a
-- transaction does SET LOCAL ROLE coral_platform (db::handles::PlatformRead).
CREATE POLICY platform_read ON publishable_keys FOR SELECT TO coral_platform
    USING (current_user = 'coral_platform');
CREATE POLICY platform_read ON staff_logins FOR SELECT TO coral_platform
    USING (current_user = 'coral_platform');
CREATE POLICY platform_read ON sales_channels FOR SELECT TO coral_platform
    USING (current_user = 'coral_platform' AND is_default AND deleted_at IS NULL);
CREATE POLICY platform_read ON audit_log FOR SELECT TO coral_platform
    USING (current_user = 'coral_platform');
GRANT SELECT ON publishable_keys, staff_logins, sales_channels, audit_log TO coral_platform;
