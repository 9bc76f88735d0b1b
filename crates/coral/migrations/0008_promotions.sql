-- Promotions, campaigns, customer groups and price lists (issue 13, Medusa v2's models).
-- Every table is a tenant table: tenant_id leads its primary key, every reference column
-- has a (tenant_id, column) foreign key, RLS through coral_tenant_table().

-- A campaign groups promotions under dates and an optional budget. The budget is a
-- usage count (`usage`: completed orders) or an amount of discount (`spend`, in
-- `budget_currency_code`). `budget_used` only grows through a conditional UPDATE at
-- completion, and the CHECK makes "never over budget" a property of the data too.
CREATE TABLE campaigns (
    tenant_id            text NOT NULL REFERENCES tenants (id),
    id                   text NOT NULL,
    name                 text NOT NULL,
    description          text,
    campaign_identifier  text NOT NULL,
    starts_at            timestamptz,
    ends_at              timestamptz,
    budget_type          text CHECK (budget_type IN ('usage', 'spend')),
    budget_currency_code text REFERENCES currencies (code),
    budget_limit         numeric CHECK (budget_limit >= 0),
    budget_used          numeric NOT NULL DEFAULT 0 CHECK (budget_used >= 0),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    deleted_at           timestamptz,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT campaigns_budget_check CHECK (budget_limit IS NULL OR budget_used <= budget_limit)
);
CREATE UNIQUE INDEX campaigns_identifier_key ON campaigns (tenant_id, campaign_identifier) WHERE deleted_at IS NULL;
SELECT coral_tenant_table('campaigns');

-- A promotion and its one application method (Medusa keeps the method in its own table;
-- it is one-to-one, so its columns live here). Rules are small documents read with the
-- promotion: [{id, attribute, operator, values: [..]}].
CREATE TABLE promotions (
    tenant_id              text NOT NULL REFERENCES tenants (id),
    id                     text NOT NULL,
    code                   text NOT NULL,
    type                   text NOT NULL DEFAULT 'standard' CHECK (type IN ('standard', 'buyget')),
    status                 text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'inactive')),
    is_automatic           boolean NOT NULL DEFAULT false,
    is_tax_inclusive       boolean NOT NULL DEFAULT false,
    -- Promotion-level limit on completed orders (Medusa's `limit`), and the count so far.
    usage_limit            int CHECK (usage_limit >= 0),
    used                   int NOT NULL DEFAULT 0 CHECK (used >= 0),
    campaign_id            text,
    method_type            text NOT NULL CHECK (method_type IN ('percentage', 'fixed')),
    target_type            text NOT NULL CHECK (target_type IN ('items', 'shipping_methods', 'order')),
    allocation             text CHECK (allocation IN ('each', 'across')),
    value                  numeric NOT NULL CHECK (value >= 0),
    currency_code          text REFERENCES currencies (code),
    max_quantity           int CHECK (max_quantity > 0),
    apply_to_quantity      int CHECK (apply_to_quantity > 0),
    buy_rules_min_quantity int CHECK (buy_rules_min_quantity > 0),
    rules                  jsonb NOT NULL DEFAULT '[]',
    target_rules           jsonb NOT NULL DEFAULT '[]',
    buy_rules              jsonb NOT NULL DEFAULT '[]',
    metadata               jsonb,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    deleted_at             timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, id),
    CONSTRAINT promotions_limit_check CHECK (usage_limit IS NULL OR used <= usage_limit)
);
-- Codes are case-sensitive, as Medusa matches them (see docs/architecture.md).
CREATE UNIQUE INDEX promotions_code_key ON promotions (tenant_id, code) WHERE deleted_at IS NULL;
CREATE INDEX promotions_automatic_idx ON promotions (tenant_id) WHERE is_automatic AND deleted_at IS NULL;
SELECT coral_tenant_table('promotions');

-- The codes a shopper applied to a cart. Adjustments are not stored for carts: they are
-- computed from these (and the automatic promotions) every time the cart is read.
CREATE TABLE cart_promotions (
    tenant_id    text NOT NULL,
    cart_id      text NOT NULL,
    promotion_id text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, cart_id, promotion_id),
    FOREIGN KEY (tenant_id, cart_id) REFERENCES carts (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, promotion_id) REFERENCES promotions (tenant_id, id)
);
SELECT coral_tenant_table('cart_promotions');

-- The promotions an order used, with the code and the discount it gave (what budgets and
-- reports count). The order's lines keep their adjustments as documents.
CREATE TABLE order_promotions (
    tenant_id    text NOT NULL,
    order_id     text NOT NULL,
    promotion_id text NOT NULL,
    code         text NOT NULL,
    amount       numeric NOT NULL,
    PRIMARY KEY (tenant_id, order_id, promotion_id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, promotion_id) REFERENCES promotions (tenant_id, id)
);
-- Uses per promotion (what admins see as `used`).
CREATE INDEX order_promotions_promotion_idx ON order_promotions (tenant_id, promotion_id);
SELECT coral_tenant_table('order_promotions');

ALTER TABLE order_items ADD COLUMN adjustments jsonb NOT NULL DEFAULT '[]';
ALTER TABLE order_shipping_methods ADD COLUMN adjustments jsonb NOT NULL DEFAULT '[]';

-- Customer groups, for promotion rules and price list conditions.
CREATE TABLE customer_groups (
    tenant_id  text NOT NULL REFERENCES tenants (id),
    id         text NOT NULL,
    name       text NOT NULL,
    metadata   jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT customer_groups_name_key UNIQUE (tenant_id, name)
);
SELECT coral_tenant_table('customer_groups');

CREATE TABLE customer_group_customers (
    tenant_id         text NOT NULL,
    customer_group_id text NOT NULL,
    customer_id       text NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, customer_group_id, customer_id),
    FOREIGN KEY (tenant_id, customer_group_id) REFERENCES customer_groups (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX customer_group_customers_customer_idx ON customer_group_customers (tenant_id, customer_id);
SELECT coral_tenant_table('customer_group_customers');

-- Price lists: `sale` (shown as a reduction of the original price) or `override`, active
-- between optional dates, optionally only for some customer groups.
CREATE TABLE price_lists (
    tenant_id   text NOT NULL REFERENCES tenants (id),
    id          text NOT NULL,
    title       text NOT NULL,
    description text NOT NULL DEFAULT '',
    type        text NOT NULL DEFAULT 'sale' CHECK (type IN ('sale', 'override')),
    status      text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active')),
    starts_at   timestamptz,
    ends_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
SELECT coral_tenant_table('price_lists');

CREATE TABLE price_list_customer_groups (
    tenant_id         text NOT NULL,
    price_list_id     text NOT NULL,
    customer_group_id text NOT NULL,
    PRIMARY KEY (tenant_id, price_list_id, customer_group_id),
    FOREIGN KEY (tenant_id, price_list_id) REFERENCES price_lists (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, customer_group_id) REFERENCES customer_groups (tenant_id, id) ON DELETE CASCADE
);
SELECT coral_tenant_table('price_list_customer_groups');

-- A variant's price in a list: per currency, optionally only in one region.
CREATE TABLE price_list_prices (
    tenant_id     text NOT NULL,
    id            text NOT NULL,
    price_list_id text NOT NULL,
    variant_id    text NOT NULL,
    currency_code text NOT NULL REFERENCES currencies (code),
    region_id     text,
    amount        numeric(20, 6) NOT NULL CHECK (amount >= 0),
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, price_list_id) REFERENCES price_lists (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, variant_id) REFERENCES product_variants (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, region_id) REFERENCES regions (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX price_list_prices_list_idx ON price_list_prices (tenant_id, price_list_id);
SELECT coral_tenant_table('price_list_prices');

-- A cart line bought at a price list's price keeps the original price beside it
-- (Medusa's compare_at_unit_price), so storefronts can strike it through.
ALTER TABLE cart_line_items ADD COLUMN compare_at_unit_price numeric;

-- The `promotions` feature flag: on for the paid plans, off for `free`.
UPDATE plans SET features = features || '{"promotions": true}' WHERE id IN ('standard', 'enterprise');
