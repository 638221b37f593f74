-- ESG data & capability (DESIGN §2.9): yearly ESG data per supplier, the
-- campaigns that request it, training sessions with attendance, and
-- improvement programmes ("satisfied factory").

CREATE TABLE esg_data (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    supplier_id INTEGER NOT NULL REFERENCES suppliers(id),
    year INTEGER NOT NULL,
    -- Units: MWh, tCO2e, t, million CNY; NULL = not reported.
    renewable_mwh REAL CHECK (renewable_mwh >= 0),
    scope1_t REAL NOT NULL CHECK (scope1_t >= 0),
    scope2_t REAL NOT NULL CHECK (scope2_t >= 0),
    has_target BOOLEAN NOT NULL DEFAULT 0,
    target_text TEXT NOT NULL DEFAULT '',
    target_year INTEGER,
    ghg_verification TEXT NOT NULL DEFAULT 'none'
        CHECK (ghg_verification IN ('none', 'in_progress', 'verified')),
    verifier TEXT NOT NULL DEFAULT '',
    statement_attachment_id INTEGER REFERENCES attachments(id),
    wastewater_t REAL CHECK (wastewater_t >= 0),
    exhaust_t REAL CHECK (exhaust_t >= 0),
    hazardous_waste_t REAL CHECK (hazardous_waste_t >= 0),
    revenue_mcny REAL CHECK (revenue_mcny >= 0),
    created_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (supplier_id, year)
);
CREATE INDEX esg_data_year ON esg_data(year, supplier_id);

-- A request for year Y's data to every supplier in scope ('' = all business
-- units). Recipients are kept so the reminder engine can pick up those who
-- have not answered (answered = esg_data exists for the supplier and year).
CREATE TABLE esg_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    year INTEGER NOT NULL,
    business_unit TEXT NOT NULL DEFAULT '',
    due_on DATE,
    message TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (year, business_unit)
);

CREATE TABLE esg_request_recipients (
    request_id INTEGER NOT NULL REFERENCES esg_requests(id) ON DELETE CASCADE,
    supplier_id INTEGER NOT NULL REFERENCES suppliers(id),
    added_at TIMESTAMP NOT NULL,
    last_reminded_at TIMESTAMP,
    reminders_sent INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (request_id, supplier_id)
);
CREATE INDEX esg_request_recipients_supplier ON esg_request_recipients(supplier_id);

CREATE TABLE training_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_ref TEXT NOT NULL UNIQUE,
    held_on DATE NOT NULL,
    topic TEXT NOT NULL,
    format TEXT NOT NULL DEFAULT '',
    provider TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX training_sessions_held ON training_sessions(held_on);

CREATE TABLE training_attendance (
    session_id INTEGER NOT NULL REFERENCES training_sessions(id) ON DELETE CASCADE,
    supplier_id INTEGER NOT NULL REFERENCES suppliers(id),
    people INTEGER NOT NULL CHECK (people > 0),
    PRIMARY KEY (session_id, supplier_id)
);
CREATE INDEX training_attendance_supplier ON training_attendance(supplier_id);

CREATE TABLE improvement_programmes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    supplier_id INTEGER NOT NULL REFERENCES suppliers(id),
    title TEXT NOT NULL,
    started_on DATE NOT NULL,
    ended_on DATE,
    summary TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX improvement_programmes_supplier ON improvement_programmes(supplier_id);

-- One line of a programme: an area, the actions taken, the target and the
-- measured result (value + unit, e.g. -14.92 pct_change, 1165000 cny).
CREATE TABLE programme_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    programme_id INTEGER NOT NULL REFERENCES improvement_programmes(id) ON DELETE CASCADE,
    area TEXT NOT NULL,
    actions TEXT NOT NULL DEFAULT '',
    target TEXT NOT NULL DEFAULT '',
    indicator TEXT NOT NULL DEFAULT '',
    result_value REAL,
    result_unit TEXT NOT NULL DEFAULT ''
);
CREATE INDEX programme_items_programme ON programme_items(programme_id);
