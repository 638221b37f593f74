DROP FUNCTION data_version();
