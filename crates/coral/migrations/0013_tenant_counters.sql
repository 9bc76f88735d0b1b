-- Per-tenant counters in the tenant's own rows (issue 22 item 3). Order display ids
-- (1, 2, 3… per store) came from one SEQUENCE per tenant behind coral_next_display_id()
-- (0003); under Citus those sequences live on the coordinator only and do not travel
-- with a tenant's rows (export, import, moves between placements). A counter row does.
--
-- A counter is taken in its own short transaction, committed before the transaction that
-- uses the value (db/orders.rs::next_display_id): its row lock is then held for one
-- statement, not until an order commits, so checkouts of one store do not queue on it.
-- Like a sequence, a number taken by a completion that then fails is never reused (gaps).
CREATE TABLE tenant_counters (
    tenant_id text NOT NULL REFERENCES tenants (id),
    -- What is counted: 'order_display_id'.
    name      text NOT NULL,
    -- The last value handed out.
    value     bigint NOT NULL,
    PRIMARY KEY (tenant_id, name)
);
SELECT coral_tenant_table('tenant_counters');
-- Not audited: a counter is bookkeeping that moves with every order, whose own rows
-- are the record of what happened.
-- (Through EXECUTE: see the backfill below on Citus and whole query strings.)
DO $$ BEGIN EXECUTE 'DROP TRIGGER coral_audit ON tenant_counters'; END $$;

-- Backfill: each store continues after its highest display id. A plain owner sees no
-- tenant rows under FORCE RLS; as the tables' owner it lifts FORCE for this transaction
-- only (ALTER TABLE holds an ACCESS EXCLUSIVE lock until commit, so no other statement
-- runs meanwhile), as 0011 does. Each ALTER runs through EXECUTE: on a distributed
-- (Citus) database, `[NO] FORCE ROW LEVEL SECURITY` is sent to the workers as the whole
-- query string, which for a migration file holds many commands and is refused ("cannot
-- insert multiple commands into a prepared statement"); inside EXECUTE it is one.
DO $$
BEGIN
    EXECUTE 'ALTER TABLE orders NO FORCE ROW LEVEL SECURITY';
    EXECUTE 'ALTER TABLE tenant_counters NO FORCE ROW LEVEL SECURITY';
    INSERT INTO tenant_counters (tenant_id, name, value)
    SELECT tenant_id, 'order_display_id', max(display_id) FROM orders GROUP BY tenant_id;
    EXECUTE 'ALTER TABLE orders FORCE ROW LEVEL SECURITY';
    EXECUTE 'ALTER TABLE tenant_counters FORCE ROW LEVEL SECURITY';
END
$$;

-- The old counters: the function, then every tenant's sequence it created (in public:
-- the function ran with search_path = public).
DROP FUNCTION coral_next_display_id();
DO $$
DECLARE
    seq text;
BEGIN
    FOR seq IN
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind = 'S' AND c.relname LIKE 'order\_display\_%'
    LOOP
        EXECUTE format('DROP SEQUENCE public.%I', seq);
    END LOOP;
END
$$;
