CREATE TABLE suppliers (
    id SERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_local TEXT NOT NULL DEFAULT '',
    uscc TEXT UNIQUE,
    country TEXT NOT NULL,
    business_unit TEXT NOT NULL,
    category TEXT NOT NULL DEFAULT '',
    tier INTEGER NOT NULL DEFAULT 1,
    parent_id INTEGER REFERENCES suppliers(id),
    production BOOLEAN NOT NULL DEFAULT TRUE,
    status TEXT NOT NULL DEFAULT 'prospective',
    approved_on DATE,
    exited_on DATE,
    contact_name TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    buyer_email TEXT NOT NULL DEFAULT '',
    csr_signed_on DATE,
    -- Lower-cased code, names and USCC: one column to search with LIKE on both backends.
    search_text TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX suppliers_status ON suppliers(status);
CREATE INDEX suppliers_bu ON suppliers(business_unit, status);
CREATE INDEX suppliers_country ON suppliers(country);
CREATE INDEX suppliers_parent ON suppliers(parent_id);
CREATE INDEX suppliers_buyer ON suppliers(buyer_email);
CREATE INDEX suppliers_approved ON suppliers(production, approved_on);

CREATE TABLE attachments (
    id SERIAL PRIMARY KEY,
    owner_type TEXT NOT NULL,
    owner_id INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content BYTEA NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by INTEGER REFERENCES users(id)
);
CREATE INDEX attachments_owner ON attachments(owner_type, owner_id);

CREATE TABLE onboarding_reviews (
    id SERIAL PRIMARY KEY,
    supplier_id INTEGER NOT NULL REFERENCES suppliers(id),
    decided_on DATE NOT NULL,
    decision TEXT NOT NULL,
    evidence_type TEXT,
    evidence_firm TEXT NOT NULL DEFAULT '',
    evidence_date DATE,
    evidence_attachment_id INTEGER REFERENCES attachments(id),
    csr_signed_on DATE,
    failed_red_lines TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX onboarding_reviews_supplier ON onboarding_reviews(supplier_id, decided_on);
CREATE INDEX onboarding_reviews_decided ON onboarding_reviews(decided_on);

CREATE TABLE review_red_lines (
    review_id INTEGER NOT NULL REFERENCES onboarding_reviews(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    assessment TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (review_id, code)
);

ALTER TABLE users ADD COLUMN supplier_id INTEGER REFERENCES suppliers(id);
