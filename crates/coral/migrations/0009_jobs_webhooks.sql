-- Durable per-tenant jobs fed by the outbox, and signed webhooks (issue 18;
-- docs/architecture.md, "Jobs and webhooks (decisions)").

-- A store's webhook endpoint. `sealed` is the signing secret (whsec_…) sealed like the
-- other tenant secrets (app::secrets::Sealer, name "webhook:{id}"); the column name makes
-- the audit trail mask it. `consecutive_failures` counts failed attempts since the last
-- success: at the configured threshold the endpoint is disabled with a reason.
CREATE TABLE webhook_endpoints (
    tenant_id            text NOT NULL REFERENCES tenants (id),
    id                   text NOT NULL,
    url                  text NOT NULL,
    description          text,
    event_types          text[] NOT NULL,
    sealed               bytea NOT NULL,
    enabled              boolean NOT NULL DEFAULT true,
    disabled_reason      text,
    consecutive_failures int NOT NULL DEFAULT 0,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
SELECT coral_tenant_table('webhook_endpoints');

-- One unit of background work of one tenant. The dispatcher turns each outbox event
-- into one job per matching enabled endpoint; `idempotency_key` (event id and endpoint)
-- makes that at most once even if two dispatchers race. States: ready (waiting for
-- run_at), running (claimed until locked_until: a worker that dies loses its lease and
-- the job is claimed again), done, dead (out of attempts, or its endpoint is gone).
CREATE TABLE jobs (
    tenant_id       text NOT NULL REFERENCES tenants (id),
    id              text NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('webhook.deliver')),
    idempotency_key text NOT NULL,
    event_id        text NOT NULL,
    endpoint_id     text,
    state           text NOT NULL DEFAULT 'ready' CHECK (state IN ('ready', 'running', 'done', 'dead')),
    attempts        int NOT NULL DEFAULT 0,
    max_attempts    int NOT NULL CHECK (max_attempts > 0),
    run_at          timestamptz NOT NULL DEFAULT now(),
    locked_until    timestamptz,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, idempotency_key),
    FOREIGN KEY (tenant_id, event_id) REFERENCES outbox (tenant_id, id),
    FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints (tenant_id, id) ON DELETE CASCADE
);
-- The claim query: a tenant's runnable jobs, oldest first.
CREATE INDEX jobs_runnable_idx ON jobs (tenant_id, run_at, id) WHERE state IN ('ready', 'running');
CREATE INDEX jobs_state_idx ON jobs (tenant_id, state, created_at);
CREATE INDEX jobs_event_idx ON jobs (tenant_id, event_id);
SELECT coral_tenant_table('jobs');

-- Every delivery attempt of a webhook job: what the endpoint answered and how fast.
CREATE TABLE webhook_deliveries (
    tenant_id       text NOT NULL REFERENCES tenants (id),
    id              text NOT NULL,
    endpoint_id     text NOT NULL,
    job_id          text NOT NULL,
    event_id        text NOT NULL,
    event_type      text NOT NULL,
    attempt         int NOT NULL,
    status          text NOT NULL CHECK (status IN ('succeeded', 'failed')),
    response_status int,
    latency_ms      int NOT NULL,
    error           text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, job_id) REFERENCES jobs (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, event_id) REFERENCES outbox (tenant_id, id)
);
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (tenant_id, endpoint_id, created_at DESC);
SELECT coral_tenant_table('webhook_deliveries');

-- The plans' cap on a store's jobs running at once (absent: only the worker pool bounds it).
UPDATE plans SET limits = limits || '{"max_concurrent_jobs": 2}' WHERE id = 'free';
UPDATE plans SET limits = limits || '{"max_concurrent_jobs": 5}' WHERE id = 'standard';
