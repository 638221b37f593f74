-- E-mail goes through this table first (DESIGN §6). The unique key (rule,
-- object, recipient, period) makes queueing idempotent: a rerun of a day or a
-- second instance never adds a duplicate. Senders claim rows with a lease.
CREATE TABLE outbox (
    id SERIAL PRIMARY KEY,
    rule TEXT NOT NULL,
    object_key TEXT NOT NULL,
    recipient TEXT NOT NULL,
    period TEXT NOT NULL,
    language TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_owner TEXT,
    lease_until TIMESTAMP,
    last_error TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    UNIQUE (rule, object_key, recipient, period)
);
CREATE INDEX outbox_pending ON outbox (status, next_attempt_at);
CREATE INDEX outbox_created ON outbox (created_at);
