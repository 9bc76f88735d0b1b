-- Plans, per-tenant overrides and usage counters (issue 7). All control plane: no RLS,
-- and coral_app gets no access (the platform layer reads them; the directory holds each
-- tenant's effective limits in memory).

-- A named plan. `limits` is core::plans::Limits as JSON (an absent or null field is
-- unlimited); `features` maps flag names to on/off.
CREATE TABLE plans (
    id         text PRIMARY KEY,
    name       text NOT NULL,
    limits     jsonb NOT NULL DEFAULT '{}',
    features   jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- The built-in set; operators change them (and add others) through /platform/plans.
INSERT INTO plans (id, name, limits, features, created_at) VALUES
    ('free', 'Free',
     '{"store_rps": 20, "store_burst": 40, "admin_rps": 5, "admin_burst": 20,
       "max_products": 100, "max_staff": 2, "max_publishable_keys": 2,
       "max_storage_bytes": 104857600}',
     '{}', now() - interval '2 seconds'),
    ('standard', 'Standard',
     '{"store_rps": 200, "store_burst": 400, "admin_rps": 20, "admin_burst": 60,
       "max_products": 10000, "max_staff": 10, "max_publishable_keys": 10,
       "max_storage_bytes": 5368709120}',
     '{"multi_currency": true}', now() - interval '1 second'),
    ('enterprise', 'Enterprise',
     '{}',
     '{"multi_currency": true, "dedicated_placement": true}', now());

ALTER TABLE tenants
    -- Every placement holds the schema, so an anchor row elsewhere gets the default too.
    ADD COLUMN plan_id text NOT NULL DEFAULT 'standard' REFERENCES plans (id),
    -- core::plans::Overrides: limits and feature flags that win over the plan's.
    ADD COLUMN overrides jsonb NOT NULL DEFAULT '{}',
    -- The operator wants this tenant's own series in /metrics (bounded cardinality).
    ADD COLUMN detailed_metrics boolean NOT NULL DEFAULT false;

-- Usage totals per tenant since it was created: `metric` is e.g. `requests.store.2xx`,
-- `rate_limited.store`, `orders`, `revenue.eur`. Coral adds its in-memory counts at
-- least once a minute and at shutdown (ON CONFLICT … value + EXCLUDED.value).
CREATE TABLE tenant_usage (
    tenant_id  text NOT NULL REFERENCES tenants (id),
    metric     text NOT NULL,
    value      numeric NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, metric)
);
