-- What kept pages are stamped with (see src/db/mod.rs, DataVersion): the
-- current snapshot, which moves with every commit of a transaction that
-- wrote. A function, so that queries reading it keep a fixed text and stay
-- prepared. SQLite reads the audit log's newest id instead.
CREATE FUNCTION data_version() RETURNS text
    LANGUAGE sql STABLE
    AS 'SELECT pg_current_snapshot()::text';
