//! The integration tests: one binary, a module per area, shared fixtures in
//! `support`. Every test runs on SQLite and, with `TEST_DATABASE_URL`, on
//! PostgreSQL, each in a fresh database.

mod actions;
mod admin;
mod api;
mod audits;
mod authorization;
mod bench;
mod browser;
mod caches;
mod cli;
mod cmrt_files;
mod esg;
mod health;
mod imports;
mod language;
mod openapi;
mod reminders;
mod reports;
mod security;
mod sessions;
mod smelters;
mod smtp;
mod suppliers;
mod support;
mod writers;
