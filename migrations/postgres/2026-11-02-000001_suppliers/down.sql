ALTER TABLE users DROP COLUMN supplier_id;
DROP TABLE review_red_lines;
DROP TABLE onboarding_reviews;
DROP TABLE attachments;
DROP TABLE suppliers;
