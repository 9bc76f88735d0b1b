-- The catalog: products with options, variants and prices; images, tags, types,
-- collections, categories; availability per sales channel; stock per location.
-- Every table is a tenant table: row level security is enabled and forced on each by
-- coral_tenant_table() (see 0001), keys lead with tenant_id, foreign keys include it.

-- Tax rate per country of a region (percent, e.g. 20 for 20 %).
ALTER TABLE region_countries ADD COLUMN tax_rate numeric(7, 4) NOT NULL DEFAULT 0 CHECK (tax_rate >= 0 AND tax_rate <= 100);

CREATE TABLE product_collections (
    tenant_id   text NOT NULL REFERENCES tenants (id),
    id          text NOT NULL,
    title       text NOT NULL,
    handle      text NOT NULL,
    external_id text,
    metadata    jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT product_collections_handle_key UNIQUE (tenant_id, handle)
);
SELECT coral_tenant_table('product_collections');

CREATE TABLE product_categories (
    tenant_id          text NOT NULL REFERENCES tenants (id),
    id                 text NOT NULL,
    name               text NOT NULL,
    description        text NOT NULL DEFAULT '',
    handle             text NOT NULL,
    rank               int  NOT NULL DEFAULT 0,
    parent_category_id text,
    is_active          boolean NOT NULL DEFAULT true,
    is_internal        boolean NOT NULL DEFAULT false,
    external_id        text,
    metadata           jsonb,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT product_categories_handle_key UNIQUE (tenant_id, handle),
    FOREIGN KEY (tenant_id, parent_category_id) REFERENCES product_categories (tenant_id, id) ON DELETE CASCADE
);
SELECT coral_tenant_table('product_categories');

CREATE TABLE product_types (
    tenant_id  text NOT NULL REFERENCES tenants (id),
    id         text NOT NULL,
    value      text NOT NULL,
    metadata   jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT product_types_value_key UNIQUE (tenant_id, value)
);
SELECT coral_tenant_table('product_types');

CREATE TABLE product_tags (
    tenant_id  text NOT NULL REFERENCES tenants (id),
    id         text NOT NULL,
    value      text NOT NULL,
    metadata   jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT product_tags_value_key UNIQUE (tenant_id, value)
);
SELECT coral_tenant_table('product_tags');

CREATE TABLE products (
    tenant_id      text NOT NULL REFERENCES tenants (id),
    id             text NOT NULL,
    title          text NOT NULL,
    subtitle       text,
    description    text,
    handle         text NOT NULL,
    status         text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'proposed', 'published', 'rejected')),
    is_giftcard    boolean NOT NULL DEFAULT false,
    discountable   boolean NOT NULL DEFAULT true,
    thumbnail      text,
    collection_id  text,
    type_id        text,
    weight         numeric,
    length         numeric,
    height         numeric,
    width          numeric,
    hs_code        text,
    origin_country text,
    mid_code       text,
    material       text,
    external_id    text,
    metadata       jsonb,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT products_handle_key UNIQUE (tenant_id, handle),
    FOREIGN KEY (tenant_id, collection_id) REFERENCES product_collections (tenant_id, id) ON DELETE SET NULL (collection_id),
    FOREIGN KEY (tenant_id, type_id) REFERENCES product_types (tenant_id, id) ON DELETE SET NULL (type_id)
);
CREATE INDEX products_created_idx ON products (tenant_id, created_at, id);
SELECT coral_tenant_table('products');

CREATE TABLE product_images (
    tenant_id  text NOT NULL,
    id         text NOT NULL,
    product_id text NOT NULL,
    url        text NOT NULL,
    rank       int  NOT NULL DEFAULT 0,
    metadata   jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX product_images_product_idx ON product_images (tenant_id, product_id);
SELECT coral_tenant_table('product_images');

CREATE TABLE product_tag_links (
    tenant_id  text NOT NULL,
    product_id text NOT NULL,
    tag_id     text NOT NULL,
    PRIMARY KEY (tenant_id, product_id, tag_id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, tag_id) REFERENCES product_tags (tenant_id, id) ON DELETE CASCADE
);
SELECT coral_tenant_table('product_tag_links');

CREATE TABLE product_category_links (
    tenant_id   text NOT NULL,
    product_id  text NOT NULL,
    category_id text NOT NULL,
    PRIMARY KEY (tenant_id, product_id, category_id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, category_id) REFERENCES product_categories (tenant_id, id) ON DELETE CASCADE
);
SELECT coral_tenant_table('product_category_links');

-- A product is visible to a storefront only through the sales channels it is in.
CREATE TABLE product_sales_channels (
    tenant_id        text NOT NULL,
    product_id       text NOT NULL,
    sales_channel_id text NOT NULL,
    PRIMARY KEY (tenant_id, product_id, sales_channel_id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, sales_channel_id) REFERENCES sales_channels (tenant_id, id) ON DELETE CASCADE
);
SELECT coral_tenant_table('product_sales_channels');

CREATE TABLE product_options (
    tenant_id  text NOT NULL,
    id         text NOT NULL,
    product_id text NOT NULL,
    title      text NOT NULL,
    rank       int  NOT NULL DEFAULT 0,
    metadata   jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT product_options_title_key UNIQUE (tenant_id, product_id, title),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE
);
SELECT coral_tenant_table('product_options');

CREATE TABLE product_option_values (
    tenant_id  text NOT NULL,
    id         text NOT NULL,
    option_id  text NOT NULL,
    value      text NOT NULL,
    rank       int  NOT NULL DEFAULT 0,
    metadata   jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT product_option_values_value_key UNIQUE (tenant_id, option_id, value),
    FOREIGN KEY (tenant_id, option_id) REFERENCES product_options (tenant_id, id) ON DELETE CASCADE
);
SELECT coral_tenant_table('product_option_values');

CREATE TABLE product_variants (
    tenant_id        text NOT NULL,
    id               text NOT NULL,
    product_id       text NOT NULL,
    title            text NOT NULL,
    sku              text,
    barcode          text,
    ean              text,
    upc              text,
    allow_backorder  boolean NOT NULL DEFAULT false,
    manage_inventory boolean NOT NULL DEFAULT true,
    hs_code          text,
    origin_country   text,
    mid_code         text,
    material         text,
    weight           numeric,
    length           numeric,
    height           numeric,
    width            numeric,
    variant_rank     int NOT NULL DEFAULT 0,
    thumbnail        text,
    metadata         jsonb,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    -- SKUs are unique within a tenant; two tenants may use the same SKU.
    CONSTRAINT product_variants_sku_key UNIQUE (tenant_id, sku),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX product_variants_product_idx ON product_variants (tenant_id, product_id);
SELECT coral_tenant_table('product_variants');

CREATE TABLE variant_option_values (
    tenant_id       text NOT NULL,
    variant_id      text NOT NULL,
    option_value_id text NOT NULL,
    PRIMARY KEY (tenant_id, variant_id, option_value_id),
    FOREIGN KEY (tenant_id, variant_id) REFERENCES product_variants (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, option_value_id) REFERENCES product_option_values (tenant_id, id) ON DELETE CASCADE
);
SELECT coral_tenant_table('variant_option_values');

-- A variant's price in a currency, optionally only for one region (which wins over the
-- currency-wide price there). Amounts in major units, exact.
CREATE TABLE prices (
    tenant_id     text NOT NULL,
    id            text NOT NULL,
    variant_id    text NOT NULL,
    currency_code text NOT NULL REFERENCES currencies (code),
    region_id     text,
    amount        numeric(20, 6) NOT NULL CHECK (amount >= 0),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT prices_variant_currency_region_key UNIQUE NULLS NOT DISTINCT (tenant_id, variant_id, currency_code, region_id),
    FOREIGN KEY (tenant_id, variant_id) REFERENCES product_variants (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, region_id) REFERENCES regions (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX prices_variant_idx ON prices (tenant_id, variant_id);
SELECT coral_tenant_table('prices');

CREATE TABLE stock_locations (
    tenant_id  text NOT NULL REFERENCES tenants (id),
    id         text NOT NULL,
    name       text NOT NULL,
    address    jsonb,
    metadata   jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
SELECT coral_tenant_table('stock_locations');

CREATE TABLE inventory_levels (
    tenant_id         text NOT NULL,
    variant_id        text NOT NULL,
    location_id       text NOT NULL,
    stocked_quantity  int NOT NULL DEFAULT 0 CHECK (stocked_quantity >= 0),
    reserved_quantity int NOT NULL DEFAULT 0 CHECK (reserved_quantity >= 0),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, variant_id, location_id),
    FOREIGN KEY (tenant_id, variant_id) REFERENCES product_variants (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, location_id) REFERENCES stock_locations (tenant_id, id) ON DELETE CASCADE
);
SELECT coral_tenant_table('inventory_levels');
