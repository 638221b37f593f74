DROP TABLE replacement_plans;
DROP TABLE smelter_declarations;
DROP TABLE mineral_submissions;
DROP TABLE smelter_status_history;
DROP TABLE smelters;
