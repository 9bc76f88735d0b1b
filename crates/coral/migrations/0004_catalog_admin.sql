-- Catalog administration: payment providers per region, and the master catalog
-- (franchise model) link tables.

-- ---------------------------------------------------------------- tenant tables
-- The payment providers a region offers at checkout (`pp_system_default`, `pp_nmi_nmi`, …).
CREATE TABLE region_payment_providers (
    tenant_id   text NOT NULL,
    region_id   text NOT NULL,
    provider_id text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, region_id, provider_id),
    FOREIGN KEY (tenant_id, region_id) REFERENCES regions (tenant_id, id) ON DELETE CASCADE
);
SELECT coral_tenant_table('region_payment_providers');

-- Regions created before this migration offer the system provider, Medusa's default.
INSERT INTO region_payment_providers (tenant_id, region_id, provider_id)
SELECT tenant_id, id, 'pp_system_default' FROM regions WHERE deleted_at IS NULL;

CREATE INDEX inventory_levels_location_idx ON inventory_levels (tenant_id, location_id);

-- ---------------------------------------------------------------- master catalog
-- Platform tables, like the control plane: no row level security and no grant to
-- coral_app, so tenant code cannot read them at all. They are reached only through
-- `db::CrossTenantTx` (the master catalog's audited cross-tenant path). They live in
-- every placement; a source and its subscribers share one placement.

-- A tenant that publishes its catalog to other tenants (an HQ).
CREATE TABLE catalog_sources (
    id         text PRIMARY KEY,
    tenant_id  text NOT NULL CONSTRAINT catalog_sources_tenant_key UNIQUE REFERENCES tenants (id),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- The tenants a source allows to subscribe (its franchisees), chosen by the source.
CREATE TABLE catalog_source_grants (
    source_id            text NOT NULL REFERENCES catalog_sources (id) ON DELETE CASCADE,
    subscriber_tenant_id text NOT NULL REFERENCES tenants (id),
    created_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source_id, subscriber_tenant_id)
);
CREATE INDEX catalog_source_grants_subscriber_idx ON catalog_source_grants (subscriber_tenant_id);

-- A subscriber's copy of a source product. Deleting either product drops the link
-- (referential actions run as the table owner, so they work from a tenant transaction).
CREATE TABLE catalog_links (
    subscriber_tenant_id text NOT NULL,
    copy_product_id      text NOT NULL,
    source_id            text NOT NULL,
    source_tenant_id     text NOT NULL,
    source_product_id    text NOT NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (subscriber_tenant_id, copy_product_id),
    CONSTRAINT catalog_links_source_product_key UNIQUE (subscriber_tenant_id, source_product_id),
    FOREIGN KEY (source_id, subscriber_tenant_id) REFERENCES catalog_source_grants (source_id, subscriber_tenant_id),
    FOREIGN KEY (subscriber_tenant_id, copy_product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (source_tenant_id, source_product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX catalog_links_source_idx ON catalog_links (source_tenant_id, source_product_id);

-- Which copy option, option value and variant mirrors which source one (ids are unique
-- across kinds by their prefixes).
CREATE TABLE catalog_link_items (
    subscriber_tenant_id text NOT NULL,
    copy_product_id      text NOT NULL,
    source_item_id       text NOT NULL,
    copy_item_id         text NOT NULL,
    PRIMARY KEY (subscriber_tenant_id, copy_product_id, source_item_id),
    FOREIGN KEY (subscriber_tenant_id, copy_product_id)
        REFERENCES catalog_links (subscriber_tenant_id, copy_product_id) ON DELETE CASCADE
);
