-- Transactional email per store (issue 18; docs/architecture.md, "Jobs and webhooks
-- (decisions)", email). Messages are `email` jobs fed by the outbox like webhooks.

-- The store's sender. One row per store at most; without one the platform's
-- CORAL_EMAIL_FROM is used.
CREATE TABLE email_settings (
    tenant_id    text NOT NULL REFERENCES tenants (id),
    from_name    text,
    from_address text,
    reply_to     text,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id)
);
SELECT coral_tenant_table('email_settings');

-- A store's override of a platform template (core::email::TEMPLATE_NAMES), checked by
-- rendering it against a sample order when saved.
CREATE TABLE email_templates (
    tenant_id  text NOT NULL REFERENCES tenants (id),
    name       text NOT NULL,
    subject    text NOT NULL,
    html       text NOT NULL,
    text       text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);
SELECT coral_tenant_table('email_templates');

-- Addresses a relay refused permanently (an SMTP 5xx reply): later sends to them are
-- skipped. Stored lower-cased.
CREATE TABLE email_suppressions (
    tenant_id  text NOT NULL REFERENCES tenants (id),
    address    text NOT NULL,
    reason     text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, address)
);
SELECT coral_tenant_table('email_suppressions');

ALTER TABLE jobs DROP CONSTRAINT jobs_kind_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_kind_check CHECK (kind IN ('webhook.deliver', 'email'));
