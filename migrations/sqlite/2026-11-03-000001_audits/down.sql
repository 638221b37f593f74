DROP TABLE audits;
DROP TABLE risk_assessments;
