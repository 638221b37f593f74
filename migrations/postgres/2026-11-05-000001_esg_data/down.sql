DROP TABLE programme_items;
DROP TABLE improvement_programmes;
DROP TABLE training_attendance;
DROP TABLE training_sessions;
DROP TABLE esg_request_recipients;
DROP TABLE esg_requests;
DROP TABLE esg_data;
