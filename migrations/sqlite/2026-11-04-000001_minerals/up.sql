-- Conflict minerals (DESIGN §2.8): the RMI smelter reference with its status
-- history, suppliers' CMRT/EMRT submissions and their smelter rows, and the
-- replacement plans for smelters that are not RMAP-conformant.

CREATE TABLE smelters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The RMI smelter ID: CID and six digits.
    smelter_id TEXT NOT NULL UNIQUE,
    metal TEXT NOT NULL,
    name TEXT NOT NULL,
    -- ISO 3166 alpha-2 when the list's country name is known, else as given.
    country TEXT NOT NULL,
    rmap_status TEXT NOT NULL,
    status_since DATE NOT NULL,
    -- Lower-cased name with single spaces, for exact name matching.
    name_key TEXT NOT NULL,
    search_text TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX smelters_metal ON smelters(metal, rmap_status);
CREATE INDEX smelters_name ON smelters(name_key);

CREATE TABLE smelter_status_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    smelter_ref_id INTEGER NOT NULL REFERENCES smelters(id),
    changed_on DATE NOT NULL,
    previous_status TEXT,
    status TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    recorded_by INTEGER REFERENCES users(id)
);
CREATE INDEX smelter_status_history_smelter ON smelter_status_history(smelter_ref_id, id);

CREATE TABLE mineral_submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    supplier_id INTEGER NOT NULL REFERENCES suppliers(id),
    year INTEGER NOT NULL,
    -- cmrt | emrt
    template TEXT NOT NULL,
    revision TEXT NOT NULL,
    company_name TEXT NOT NULL DEFAULT '',
    declaration_scope TEXT NOT NULL DEFAULT '',
    -- Company fields and the answers of the Declaration sheet, as JSON.
    declaration_json TEXT NOT NULL DEFAULT '{}',
    file_name TEXT NOT NULL DEFAULT '',
    sha256 TEXT NOT NULL DEFAULT '',
    attachment_id INTEGER REFERENCES attachments(id),
    rows_total INTEGER NOT NULL DEFAULT 0,
    rows_matched INTEGER NOT NULL DEFAULT 0,
    rows_flagged INTEGER NOT NULL DEFAULT 0,
    imported_at TIMESTAMP NOT NULL,
    imported_by INTEGER REFERENCES users(id),
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (supplier_id, year, template)
);
CREATE INDEX mineral_submissions_year ON mineral_submissions(year, supplier_id);

CREATE TABLE smelter_declarations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    submission_id INTEGER NOT NULL REFERENCES mineral_submissions(id) ON DELETE CASCADE,
    -- The row of the Smelter List sheet (data starts at row 5).
    row_number INTEGER NOT NULL,
    metal_text TEXT NOT NULL DEFAULT '',
    metal TEXT,
    lookup_name TEXT NOT NULL DEFAULT '',
    smelter_name TEXT NOT NULL DEFAULT '',
    country_text TEXT NOT NULL DEFAULT '',
    id_input TEXT NOT NULL DEFAULT '',
    smelter_id_text TEXT NOT NULL DEFAULT '',
    id_source TEXT NOT NULL DEFAULT '',
    street TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    state_province TEXT NOT NULL DEFAULT '',
    contact_name TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    next_steps TEXT NOT NULL DEFAULT '',
    mine_name TEXT NOT NULL DEFAULT '',
    mine_country TEXT NOT NULL DEFAULT '',
    recycled TEXT NOT NULL DEFAULT '',
    comments TEXT NOT NULL DEFAULT '',
    -- The RMI smelter the row was matched to (by ID, then by exact name).
    smelter_ref_id INTEGER REFERENCES smelters(id),
    match_kind TEXT NOT NULL DEFAULT 'none',
    -- Check-report issues, ';'-separated codes.
    issues TEXT NOT NULL DEFAULT ''
);
CREATE INDEX smelter_declarations_submission ON smelter_declarations(submission_id, row_number);
CREATE INDEX smelter_declarations_smelter ON smelter_declarations(smelter_ref_id, submission_id);

CREATE TABLE replacement_plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    supplier_id INTEGER NOT NULL REFERENCES suppliers(id),
    smelter_ref_id INTEGER NOT NULL REFERENCES smelters(id),
    opened_on DATE NOT NULL,
    due_on DATE NOT NULL,
    -- undecided | replace | enrol
    action TEXT NOT NULL DEFAULT 'undecided',
    owner_email TEXT NOT NULL DEFAULT '',
    -- open | in_progress | closed
    status TEXT NOT NULL DEFAULT 'open',
    closed_on DATE,
    -- conformant | removed | manual
    close_reason TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
-- At most one plan per supplier and smelter is not closed.
CREATE UNIQUE INDEX replacement_plans_open ON replacement_plans(supplier_id, smelter_ref_id)
    WHERE status <> 'closed';
CREATE INDEX replacement_plans_status ON replacement_plans(status, due_on);
CREATE INDEX replacement_plans_smelter ON replacement_plans(smelter_ref_id);
