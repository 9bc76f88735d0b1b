-- Staff roles and the append-only audit trail (docs/architecture.md, "Roles" and "Audit").

-- The roles core::roles knows; anything else is a bug, not a user error.
ALTER TABLE staff_users ADD CONSTRAINT staff_users_role_check
    CHECK (role IN ('tenant_admin', 'catalog_manager', 'order_ops', 'viewer', 'platform_admin'));

-- ---------------------------------------------------------------- change capture
-- While a transaction has `coral.audit = 'on'` (set by Coral for audited requests
-- only), every row it inserts, updates or deletes in a captured table appends one JSON
-- line to the transaction-local setting `coral.audit_changes`: table, operation, row id,
-- and the changed columns before/after. Secret columns are masked. The request's audit
-- record is written from these lines just before commit (db::audit), so the record and
-- the change share one transaction. Off, the trigger's WHEN clause skips it entirely.
CREATE FUNCTION coral_audit_capture() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_row  jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
    new_row  jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
    any_row  jsonb := coalesce(new_row, old_row);
    b_row    jsonb;
    a_row    jsonb;
    k        text;
    so_far   text := coalesce(current_setting('coral.audit_changes', true), '');
BEGIN
    -- A huge batch keeps its first megabyte of changes; the record stays bounded.
    IF length(so_far) > 1000000 THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        b_row := '{}';
        a_row := '{}';
        FOR k IN SELECT jsonb_object_keys(new_row) LOOP
            IF k <> 'updated_at' AND old_row -> k IS DISTINCT FROM new_row -> k THEN
                b_row := b_row || jsonb_build_object(k, old_row -> k);
                a_row := a_row || jsonb_build_object(k, new_row -> k);
            END IF;
        END LOOP;
        IF a_row = '{}' THEN
            RETURN NULL;
        END IF;
    ELSE
        b_row := old_row - '{tenant_id,created_at,updated_at}'::text[];
        a_row := new_row - '{tenant_id,created_at,updated_at}'::text[];
    END IF;
    FOREACH k IN ARRAY '{password_hash,sealed,url}'::text[] LOOP
        IF b_row ? k THEN b_row := jsonb_set(b_row, ARRAY[k], '"****"'); END IF;
        IF a_row ? k THEN a_row := jsonb_set(a_row, ARRAY[k], '"****"'); END IF;
    END LOOP;
    PERFORM set_config('coral.audit_changes', so_far || jsonb_build_object(
        'tenant_id', coalesce(any_row ->> 'tenant_id',
                              CASE WHEN TG_TABLE_NAME = 'tenants' THEN any_row ->> 'id' END),
        'table', TG_TABLE_NAME,
        'op', lower(TG_OP),
        'id', coalesce(any_row ->> 'id', any_row ->> 'name'),
        'before', b_row,
        'after', a_row)::text || chr(10), true);
    RETURN NULL;
END
$$;

CREATE FUNCTION coral_audit_table(tbl regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format(
        'CREATE TRIGGER coral_audit AFTER INSERT OR UPDATE OR DELETE ON %s FOR EACH ROW
             WHEN (current_setting(''coral.audit'', true) = ''on'')
             EXECUTE FUNCTION coral_audit_capture()', tbl);
END
$$;

-- Every tenant table so far, and the control-plane tables the platform API changes.
DO $$
DECLARE
    t regclass;
BEGIN
    FOR t IN SELECT DISTINCT format('%I', tablename)::regclass FROM pg_policies
             WHERE schemaname = 'public' AND policyname = 'tenant_isolation' LOOP
        PERFORM coral_audit_table(t);
    END LOOP;
END
$$;
SELECT coral_audit_table('tenants');
SELECT coral_audit_table('tenant_domains');
SELECT coral_audit_table('plans');
SELECT coral_audit_table('placements');

-- Tenant tables made by later migrations are captured too.
CREATE OR REPLACE FUNCTION coral_tenant_table(tbl regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
    EXECUTE format(
        'CREATE POLICY tenant_isolation ON %s
             USING (tenant_id = current_setting(''coral.tenant_id'', true))
             WITH CHECK (tenant_id = current_setting(''coral.tenant_id'', true))', tbl);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO coral_app', tbl);
    IF tbl::text NOT LIKE '%audit_log' THEN
        PERFORM coral_audit_table(tbl);
    END IF;
END
$$;

-- ---------------------------------------------------------------- the audit trail
-- Refuses any change to a written record, whoever tries (the schema owner included).
CREATE FUNCTION coral_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;

-- One record per successful mutating /admin request, in the tenant's placement.
CREATE TABLE audit_log (
    tenant_id     text NOT NULL REFERENCES tenants (id),
    id            text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    -- 'user' (a staff user, actor_id), 'platform' (the platform token), 'customer', 'cli'.
    actor_type    text NOT NULL,
    actor_id      text,
    action        text NOT NULL,
    resource_type text NOT NULL,
    resource_id   text,
    -- [{table, op, id, before, after}], secrets masked.
    changes       jsonb NOT NULL,
    request_id    text,
    client_addr   text,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX audit_log_time_idx ON audit_log (tenant_id, created_at DESC, id DESC);
SELECT coral_tenant_table('audit_log');
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM coral_app;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION coral_append_only();

-- Control plane: one record per successful mutating /platform request (and the `coral
-- tenant` commands), with the tenant it acted on, or NULL (plans, placements). Like the
-- other control-plane tables, coral_app cannot reach it at all.
CREATE TABLE platform_audit_log (
    id            text PRIMARY KEY,
    created_at    timestamptz NOT NULL DEFAULT now(),
    tenant_id     text,
    actor_type    text NOT NULL,
    actor_id      text,
    action        text NOT NULL,
    resource_type text NOT NULL,
    resource_id   text,
    changes       jsonb NOT NULL,
    request_id    text,
    client_addr   text
);
CREATE INDEX platform_audit_log_time_idx ON platform_audit_log (created_at DESC, id DESC);
CREATE INDEX platform_audit_log_tenant_idx ON platform_audit_log (tenant_id, created_at DESC);
CREATE TRIGGER platform_audit_log_append_only BEFORE UPDATE OR DELETE ON platform_audit_log
    FOR EACH ROW EXECUTE FUNCTION coral_append_only();
