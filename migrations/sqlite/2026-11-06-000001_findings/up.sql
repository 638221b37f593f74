-- The RBA Code of Conduct clauses findings refer to. A table, not code: a
-- new Code version adds rows (and may retire old ones with active = false).
CREATE TABLE rba_clauses (
    code TEXT PRIMARY KEY NOT NULL,
    section TEXT NOT NULL,
    title_en TEXT NOT NULL,
    title_zh TEXT NOT NULL,
    code_version TEXT NOT NULL,
    position INTEGER NOT NULL,
    active BOOLEAN NOT NULL
);
INSERT INTO rba_clauses (code, section, title_en, title_zh, code_version, position, active) VALUES
    ('A1', 'A', 'Freely Chosen Employment', '自由选择职业', '8.0', 0, 1),
    ('A2', 'A', 'Young Workers', '青年工人', '8.0', 1, 1),
    ('A3', 'A', 'Working Hours', '工作时间', '8.0', 2, 1),
    ('A4', 'A', 'Wages and Benefits', '工资和福利', '8.0', 3, 1),
    ('A5', 'A', 'Humane Treatment', '人道待遇', '8.0', 4, 1),
    ('A6', 'A', 'Non-Discrimination / Non-Harassment', '不歧视 / 不骚扰', '8.0', 5, 1),
    ('A7', 'A', 'Freedom of Association', '自由结社', '8.0', 6, 1),
    ('B1', 'B', 'Occupational Safety', '职业安全', '8.0', 7, 1),
    ('B2', 'B', 'Emergency Preparedness', '应急准备', '8.0', 8, 1),
    ('B3', 'B', 'Occupational Injury and Illness', '工伤和职业病', '8.0', 9, 1),
    ('B4', 'B', 'Industrial Hygiene', '工业卫生', '8.0', 10, 1),
    ('B5', 'B', 'Physically Demanding Work', '体力劳动', '8.0', 11, 1),
    ('B6', 'B', 'Machine Safeguarding', '机器防护', '8.0', 12, 1),
    ('B7', 'B', 'Sanitation, Food and Housing', '卫生、饮食和住宿', '8.0', 13, 1),
    ('B8', 'B', 'Health and Safety Communication', '健康安全沟通', '8.0', 14, 1),
    ('C1', 'C', 'Environmental Permits and Reporting', '环境许可和报告', '8.0', 15, 1),
    ('C2', 'C', 'Pollution Prevention and Resource Reduction', '防止污染和节约资源', '8.0', 16, 1),
    ('C3', 'C', 'Hazardous Substances', '有害物质', '8.0', 17, 1),
    ('C4', 'C', 'Solid Waste', '固体废物', '8.0', 18, 1),
    ('C5', 'C', 'Air Emissions', '废气排放', '8.0', 19, 1),
    ('C6', 'C', 'Materials Restrictions', '材料限制', '8.0', 20, 1),
    ('C7', 'C', 'Water Management', '水资源管理', '8.0', 21, 1),
    ('C8', 'C', 'Energy Consumption and Greenhouse Gas Emissions', '能源消耗和温室气体排放', '8.0', 22, 1),
    ('D1', 'D', 'Business Integrity', '诚信经营', '8.0', 23, 1),
    ('D2', 'D', 'No Improper Advantage', '无不正当收益', '8.0', 24, 1),
    ('D3', 'D', 'Disclosure of Information', '信息公开', '8.0', 25, 1),
    ('D4', 'D', 'Intellectual Property', '知识产权', '8.0', 26, 1),
    ('D5', 'D', 'Fair Business, Advertising and Competition', '公平交易、广告和竞争', '8.0', 27, 1),
    ('D6', 'D', 'Protection of Identity and Non-Retaliation', '身份保护和无报复', '8.0', 28, 1),
    ('D7', 'D', 'Responsible Sourcing of Minerals', '负责任的矿物采购', '8.0', 29, 1),
    ('D8', 'D', 'Privacy', '隐私', '8.0', 30, 1),
    ('E1', 'E', 'Company Commitment', '公司承诺', '8.0', 31, 1),
    ('E2', 'E', 'Management Accountability and Responsibility', '管理层的责任与职责', '8.0', 32, 1),
    ('E3', 'E', 'Legal and Customer Requirements', '法律和客户要求', '8.0', 33, 1),
    ('E4', 'E', 'Risk Assessment and Risk Management', '风险评估和风险管理', '8.0', 34, 1),
    ('E5', 'E', 'Improvement Objectives', '改进目标', '8.0', 35, 1),
    ('E6', 'E', 'Training', '培训', '8.0', 36, 1),
    ('E7', 'E', 'Communication', '沟通', '8.0', 37, 1),
    ('E8', 'E', 'Worker Feedback, Participation and Grievance', '员工反馈、参与和申诉', '8.0', 38, 1),
    ('E9', 'E', 'Audits and Assessments', '审核和评估', '8.0', 39, 1),
    ('E10', 'E', 'Corrective Action Process', '纠正措施流程', '8.0', 40, 1),
    ('E11', 'E', 'Documentation and Records', '文件和记录', '8.0', 41, 1),
    ('E12', 'E', 'Supplier Responsibility', '供应商责任', '8.0', 42, 1);

CREATE TABLE findings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    finding_ref TEXT NOT NULL UNIQUE,
    audit_id INTEGER NOT NULL REFERENCES audits(id),
    clause TEXT NOT NULL REFERENCES rba_clauses(code),
    severity TEXT NOT NULL,
    red_line TEXT,
    description TEXT NOT NULL,
    found_on DATE NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX findings_audit ON findings(audit_id);
CREATE INDEX findings_red_line ON findings(red_line);

CREATE TABLE corrective_actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    finding_id INTEGER NOT NULL UNIQUE REFERENCES findings(id),
    supplier_id INTEGER NOT NULL REFERENCES suppliers(id),
    status TEXT NOT NULL DEFAULT 'open',
    due_on DATE NOT NULL,
    original_due_on DATE NOT NULL,
    root_cause TEXT NOT NULL DEFAULT '',
    planned_actions TEXT NOT NULL DEFAULT '',
    owner TEXT NOT NULL DEFAULT '',
    -- Kept with each progress entry, in the same transaction, so the
    -- "no progress for 7 days" list needs no aggregate over all entries.
    last_progress_on DATE,
    percent_done INTEGER NOT NULL DEFAULT 0,
    closed_on DATE,
    verified_by INTEGER REFERENCES users(id),
    verification_note TEXT NOT NULL DEFAULT '',
    verification_attachment_id INTEGER REFERENCES attachments(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX corrective_actions_supplier ON corrective_actions(supplier_id, status);
CREATE INDEX corrective_actions_due ON corrective_actions(status, due_on);
CREATE INDEX corrective_actions_progress ON corrective_actions(status, last_progress_on);

CREATE TABLE action_progress (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    action_id INTEGER NOT NULL REFERENCES corrective_actions(id),
    entry_on DATE NOT NULL,
    percent INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    attachment_id INTEGER REFERENCES attachments(id),
    created_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX action_progress_action ON action_progress(action_id, entry_on);
