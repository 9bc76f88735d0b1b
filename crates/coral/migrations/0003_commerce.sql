-- Commerce: shipping options, customers, carts, payments, orders, the event outbox and
-- write-only tenant secrets. Every table is a tenant table (coral_tenant_table).

-- A flat-rate shipping option of a region (the region's countries are its service zone).
CREATE TABLE shipping_options (
    tenant_id        text NOT NULL REFERENCES tenants (id),
    id               text NOT NULL,
    region_id        text NOT NULL,
    name             text NOT NULL,
    type_code        text NOT NULL DEFAULT 'standard',
    type_label       text NOT NULL DEFAULT 'Standard',
    type_description text NOT NULL DEFAULT '',
    provider_id      text NOT NULL DEFAULT 'manual_manual',
    amount           numeric NOT NULL CHECK (amount >= 0),
    enabled_in_store boolean NOT NULL DEFAULT true,
    metadata         jsonb,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    deleted_at       timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, region_id) REFERENCES regions (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX shipping_options_region_idx ON shipping_options (tenant_id, region_id);
SELECT coral_tenant_table('shipping_options');

-- Customers: one pool per tenant. A guest customer (has_account false) is created when a
-- cart gets an email; a registered one has an account. One of each per email.
CREATE TABLE customers (
    tenant_id    text NOT NULL REFERENCES tenants (id),
    id           text NOT NULL,
    email        text NOT NULL,
    first_name   text,
    last_name    text,
    company_name text,
    phone        text,
    has_account  boolean NOT NULL DEFAULT false,
    metadata     jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    deleted_at   timestamptz,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT customers_email_key UNIQUE (tenant_id, email, has_account)
);
SELECT coral_tenant_table('customers');

-- Email/password identities of customers (Medusa's auth identity): registering creates
-- one without a customer; POST /store/customers links it.
CREATE TABLE customer_identities (
    tenant_id     text NOT NULL REFERENCES tenants (id),
    id            text NOT NULL,
    email         text NOT NULL,
    password_hash text NOT NULL,
    customer_id   text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT customer_identities_email_key UNIQUE (tenant_id, email),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
SELECT coral_tenant_table('customer_identities');

CREATE TABLE customer_addresses (
    tenant_id           text NOT NULL,
    id                  text NOT NULL,
    customer_id         text NOT NULL,
    address_name        text,
    is_default_shipping boolean NOT NULL DEFAULT false,
    is_default_billing  boolean NOT NULL DEFAULT false,
    company             text,
    first_name          text,
    last_name           text,
    address_1           text,
    address_2           text,
    city                text,
    country_code        text,
    province            text,
    postal_code         text,
    phone               text,
    metadata            jsonb,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX customer_addresses_customer_idx ON customer_addresses (tenant_id, customer_id);
SELECT coral_tenant_table('customer_addresses');

-- Carts. Addresses are small documents owned by the cart (copied into the order).
CREATE TABLE carts (
    tenant_id        text NOT NULL REFERENCES tenants (id),
    id               text NOT NULL,
    region_id        text NOT NULL,
    currency_code    text NOT NULL REFERENCES currencies (code),
    sales_channel_id text NOT NULL,
    email            text,
    customer_id      text,
    locale           text,
    shipping_address jsonb,
    billing_address  jsonb,
    metadata         jsonb,
    completed_at     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, region_id) REFERENCES regions (tenant_id, id),
    FOREIGN KEY (tenant_id, sales_channel_id) REFERENCES sales_channels (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
SELECT coral_tenant_table('carts');

-- A line item keeps a copy of what it sold (titles, sku, handle…) in `product`, so a
-- later catalog edit or delete does not rewrite carts and orders.
CREATE TABLE cart_line_items (
    tenant_id  text NOT NULL,
    id         text NOT NULL,
    cart_id    text NOT NULL,
    variant_id text NOT NULL,
    product_id text NOT NULL,
    quantity   int NOT NULL CHECK (quantity > 0),
    unit_price numeric NOT NULL CHECK (unit_price >= 0),
    product    jsonb NOT NULL,
    metadata   jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, cart_id) REFERENCES carts (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX cart_line_items_cart_idx ON cart_line_items (tenant_id, cart_id);
SELECT coral_tenant_table('cart_line_items');

CREATE TABLE cart_shipping_methods (
    tenant_id          text NOT NULL,
    id                 text NOT NULL,
    cart_id            text NOT NULL,
    shipping_option_id text NOT NULL,
    name               text NOT NULL,
    amount             numeric NOT NULL CHECK (amount >= 0),
    created_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, cart_id) REFERENCES carts (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX cart_shipping_methods_cart_idx ON cart_shipping_methods (tenant_id, cart_id);
SELECT coral_tenant_table('cart_shipping_methods');

-- Payments: a collection per cart; sessions per provider; a payment once authorised.
CREATE TABLE payment_collections (
    tenant_id         text NOT NULL,
    id                text NOT NULL,
    cart_id           text NOT NULL,
    currency_code     text NOT NULL,
    amount            numeric NOT NULL,
    status            text NOT NULL DEFAULT 'not_paid',
    authorized_amount numeric NOT NULL DEFAULT 0,
    captured_amount   numeric NOT NULL DEFAULT 0,
    refunded_amount   numeric NOT NULL DEFAULT 0,
    completed_at      timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT payment_collections_cart_key UNIQUE (tenant_id, cart_id),
    FOREIGN KEY (tenant_id, cart_id) REFERENCES carts (tenant_id, id) ON DELETE CASCADE
);
SELECT coral_tenant_table('payment_collections');

CREATE TABLE payment_sessions (
    tenant_id             text NOT NULL,
    id                    text NOT NULL,
    payment_collection_id text NOT NULL,
    provider_id           text NOT NULL,
    currency_code         text NOT NULL,
    amount                numeric NOT NULL,
    status                text NOT NULL DEFAULT 'pending',
    data                  jsonb NOT NULL DEFAULT '{}',
    context               jsonb NOT NULL DEFAULT '{}',
    authorized_at         timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, payment_collection_id) REFERENCES payment_collections (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX payment_sessions_collection_idx ON payment_sessions (tenant_id, payment_collection_id);
SELECT coral_tenant_table('payment_sessions');

CREATE TABLE payments (
    tenant_id             text NOT NULL,
    id                    text NOT NULL,
    payment_collection_id text NOT NULL,
    payment_session_id    text NOT NULL,
    provider_id           text NOT NULL,
    currency_code         text NOT NULL,
    amount                numeric NOT NULL,
    captured_amount       numeric NOT NULL DEFAULT 0,
    refunded_amount       numeric NOT NULL DEFAULT 0,
    -- The provider's reference (e.g. NMI's transactionid); never a credential.
    data                  jsonb NOT NULL DEFAULT '{}',
    captured_at           timestamptz,
    canceled_at           timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, payment_collection_id) REFERENCES payment_collections (tenant_id, id),
    FOREIGN KEY (tenant_id, payment_session_id) REFERENCES payment_sessions (tenant_id, id)
);
CREATE INDEX payments_collection_idx ON payments (tenant_id, payment_collection_id);
SELECT coral_tenant_table('payments');

-- Orders. display_id counts 1, 2, 3… per tenant from a per-tenant sequence, so placing
-- orders never waits on a shared counter row (a row lock would serialise every checkout
-- of a tenant on its commit). Tenant code reaches only its own sequence: the function
-- picks it from the transaction's coral.tenant_id, and coral_app has no other access.
CREATE FUNCTION coral_next_display_id() RETURNS int
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    tenant text := current_setting('coral.tenant_id', true);
    seq text;
BEGIN
    IF tenant IS NULL OR tenant = '' THEN
        RAISE EXCEPTION 'coral_next_display_id: no tenant in scope';
    END IF;
    seq := 'order_display_' || lower(tenant);
    BEGIN
        RETURN nextval(quote_ident(seq))::int;
    EXCEPTION WHEN undefined_table THEN
        BEGIN
            EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I', seq);
        EXCEPTION WHEN unique_violation OR duplicate_table THEN
            NULL; -- another transaction created it first
        END;
        RETURN nextval(quote_ident(seq))::int;
    END;
END $$;
REVOKE ALL ON FUNCTION coral_next_display_id() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION coral_next_display_id() TO coral_app;

CREATE TABLE orders (
    tenant_id             text NOT NULL REFERENCES tenants (id),
    id                    text NOT NULL,
    display_id            int NOT NULL,
    cart_id               text NOT NULL,
    region_id             text NOT NULL,
    sales_channel_id      text NOT NULL,
    customer_id           text,
    email                 text,
    currency_code         text NOT NULL,
    locale                text,
    status                text NOT NULL DEFAULT 'pending',
    payment_status        text NOT NULL DEFAULT 'authorized',
    fulfillment_status    text NOT NULL DEFAULT 'not_fulfilled',
    payment_collection_id text NOT NULL,
    shipping_address      jsonb,
    billing_address       jsonb,
    metadata              jsonb,
    canceled_at           timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT orders_display_id_key UNIQUE (tenant_id, display_id),
    CONSTRAINT orders_cart_key UNIQUE (tenant_id, cart_id),
    FOREIGN KEY (tenant_id, cart_id) REFERENCES carts (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id),
    FOREIGN KEY (tenant_id, payment_collection_id) REFERENCES payment_collections (tenant_id, id)
);
CREATE INDEX orders_customer_idx ON orders (tenant_id, customer_id, created_at);
CREATE INDEX orders_created_idx ON orders (tenant_id, created_at);
SELECT coral_tenant_table('orders');

CREATE TABLE order_items (
    tenant_id          text NOT NULL,
    id                 text NOT NULL,
    order_id           text NOT NULL,
    variant_id         text NOT NULL,
    product_id         text NOT NULL,
    quantity           int NOT NULL CHECK (quantity > 0),
    unit_price         numeric NOT NULL,
    tax_rate           numeric NOT NULL DEFAULT 0,
    product            jsonb NOT NULL,
    -- Where the stock was taken from (NULL when the variant does not manage inventory).
    location_id        text,
    fulfilled_quantity int NOT NULL DEFAULT 0,
    metadata           jsonb,
    created_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX order_items_order_idx ON order_items (tenant_id, order_id);
SELECT coral_tenant_table('order_items');

CREATE TABLE order_shipping_methods (
    tenant_id          text NOT NULL,
    id                 text NOT NULL,
    order_id           text NOT NULL,
    shipping_option_id text NOT NULL,
    name               text NOT NULL,
    amount             numeric NOT NULL,
    tax_rate           numeric NOT NULL DEFAULT 0,
    created_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX order_shipping_methods_order_idx ON order_shipping_methods (tenant_id, order_id);
SELECT coral_tenant_table('order_shipping_methods');

CREATE TABLE fulfillments (
    tenant_id   text NOT NULL,
    id          text NOT NULL,
    order_id    text NOT NULL,
    location_id text,
    items       jsonb NOT NULL,
    shipped_at  timestamptz,
    canceled_at timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX fulfillments_order_idx ON fulfillments (tenant_id, order_id);
SELECT coral_tenant_table('fulfillments');

-- Events written in the same transaction as the change they describe, for delivery by a
-- job runner (at least once; consumers dedupe on id).
CREATE TABLE outbox (
    tenant_id     text NOT NULL REFERENCES tenants (id),
    id            text NOT NULL,
    event         text NOT NULL,
    resource_id   text NOT NULL,
    payload       jsonb NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    delivered_at  timestamptz,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX outbox_pending_idx ON outbox (tenant_id, created_at) WHERE delivered_at IS NULL;
SELECT coral_tenant_table('outbox');

-- Write-only secrets (payment and carrier credentials), sealed with a key derived from
-- the master key and the tenant id; the API shows only whether a value is set.
CREATE TABLE tenant_secrets (
    tenant_id  text NOT NULL REFERENCES tenants (id),
    name       text NOT NULL,
    sealed     bytea NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);
SELECT coral_tenant_table('tenant_secrets');
