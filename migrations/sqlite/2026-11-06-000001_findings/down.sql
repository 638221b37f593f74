DROP TABLE action_progress;
DROP TABLE corrective_actions;
DROP TABLE findings;
DROP TABLE rba_clauses;
