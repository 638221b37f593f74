CREATE TABLE risk_assessments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    supplier_id INTEGER NOT NULL REFERENCES suppliers(id),
    assessed_on DATE NOT NULL,
    saq_score INTEGER,
    score INTEGER NOT NULL,
    computed_tier TEXT NOT NULL,
    tier TEXT NOT NULL,
    override_reason TEXT NOT NULL DEFAULT '',
    factors_json TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX risk_assessments_supplier ON risk_assessments(supplier_id, assessed_on);
CREATE INDEX risk_assessments_date ON risk_assessments(assessed_on);

CREATE TABLE audits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    audit_ref TEXT NOT NULL UNIQUE,
    supplier_id INTEGER NOT NULL REFERENCES suppliers(id),
    kind TEXT NOT NULL,
    firm TEXT NOT NULL DEFAULT '',
    auditor_id INTEGER REFERENCES users(id),
    plan_year INTEGER,
    plan_reason TEXT NOT NULL DEFAULT '',
    planned_on DATE,
    performed_on DATE,
    score INTEGER,
    status TEXT NOT NULL DEFAULT 'planned',
    report_attachment_id INTEGER REFERENCES attachments(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX audits_supplier ON audits(supplier_id, performed_on);
CREATE INDEX audits_performed ON audits(performed_on);
CREATE INDEX audits_planned ON audits(planned_on);
CREATE INDEX audits_auditor ON audits(auditor_id, status);
CREATE INDEX audits_status ON audits(status);
