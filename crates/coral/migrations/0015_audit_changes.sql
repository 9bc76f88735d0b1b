-- Change capture that works when tenant tables are sharded (issue 22, item 3;
-- docs/citus-findings.md, runtime finding 6).
--
-- Until now the capture trigger appended its lines to the transaction-local setting
-- `coral.audit_changes`. Under Citus the trigger of a distributed table fires on the
-- worker holding the shard, so the setting lands in the worker's session and the
-- coordinator's record saw nothing. Now:
--
-- * `coral.audit` carries the id of the audit record the transaction may write
--   (`alog_…`, set with `SET LOCAL`, which Citus carries to the workers with
--   `citus.propagate_set_commands = 'local'`); empty means capture off.
-- * A change of a tenant table is staged as a row of the tenant table `audit_changes`
--   (same tenant, so under Citus the colocated shard on the same node); the commit
--   turns the staged rows into the record and deletes them (db::audit::record).
-- * A change of a control-plane table (tenants, tenant_domains, plans, placements: no
--   tenant scope, reference tables under Citus whose coordinator placement is written
--   in the coordinator's session) still goes to the setting, as before.

-- Staged changes: one row per changed tenant row of an audited transaction, deleted by
-- the same transaction's commit (so none is ever seen by another transaction).
CREATE TABLE audit_changes (
    tenant_id text NOT NULL,
    -- The id the audit record will have (`coral.audit`).
    audit_id  text NOT NULL,
    -- Order within the transaction (`coral.audit_seq`, a transaction-local counter).
    seq       integer NOT NULL,
    -- {table, op, id, before, after}, secrets masked.
    line      jsonb NOT NULL,
    PRIMARY KEY (tenant_id, audit_id, seq)
);
SELECT coral_tenant_table('audit_changes');
-- Staging its own rows would recurse; coral_app only inserts, reads and deletes them.
DROP TRIGGER coral_audit ON audit_changes;
REVOKE UPDATE, TRUNCATE ON audit_changes FROM coral_app;

CREATE OR REPLACE FUNCTION coral_audit_capture() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    -- On a Citus worker the trigger fires on a shard (`products_102008`); the record
    -- names the logical table. No Coral table name ends in digits (tests/it/schema.rs).
    tbl      text := regexp_replace(TG_TABLE_NAME, '_\d+$', '');
    old_row  jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
    new_row  jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
    any_row  jsonb := coalesce(new_row, old_row);
    b_row    jsonb;
    a_row    jsonb;
    k        text;
    line     jsonb;
    so_far   text;
    n        integer;
    size     bigint;
BEGIN
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
    line := jsonb_build_object(
        'table', tbl,
        'op', lower(TG_OP),
        'id', coalesce(any_row ->> 'id', any_row ->> 'name'),
        'before', b_row,
        'after', a_row);

    IF tbl IN ('tenants', 'tenant_domains', 'plans', 'placements') THEN
        so_far := coalesce(current_setting('coral.audit_changes', true), '');
        -- A huge batch keeps its first megabyte of changes; the record stays bounded.
        IF length(so_far) > 1000000 THEN
            RETURN NULL;
        END IF;
        PERFORM set_config('coral.audit_changes', so_far || (line || jsonb_build_object(
            'tenant_id', coalesce(any_row ->> 'tenant_id',
                                  CASE WHEN tbl = 'tenants' THEN any_row ->> 'id' END)))::text || chr(10), true);
        RETURN NULL;
    END IF;

    -- The same megabyte bound, counted in the session that stages the rows.
    size := coalesce(nullif(current_setting('coral.audit_size', true), ''), '0')::bigint;
    IF size > 1000000 THEN
        RETURN NULL;
    END IF;
    n := coalesce(nullif(current_setting('coral.audit_seq', true), ''), '0')::integer + 1;
    PERFORM set_config('coral.audit_seq', n::text, true);
    PERFORM set_config('coral.audit_size', (size + length(line::text))::text, true);
    INSERT INTO audit_changes (tenant_id, audit_id, seq, line)
        VALUES (any_row ->> 'tenant_id', current_setting('coral.audit'), n, line);
    RETURN NULL;
END
$$;

-- The switch is now "an audit id is set" (it was `= 'on'`).
CREATE OR REPLACE FUNCTION coral_audit_table(tbl regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format(
        'CREATE OR REPLACE TRIGGER coral_audit AFTER INSERT OR UPDATE OR DELETE ON %s FOR EACH ROW
             WHEN (current_setting(''coral.audit'', true) <> '''')
             EXECUTE FUNCTION coral_audit_capture()', tbl);
END
$$;

DO $$
DECLARE
    t regclass;
BEGIN
    FOR t IN SELECT tgrelid::regclass FROM pg_trigger WHERE tgname = 'coral_audit' AND NOT tgisinternal LOOP
        PERFORM coral_audit_table(t);
    END LOOP;
END
$$;
