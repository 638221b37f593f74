//! Supplier ESG: ESG risk management over a maker's production suppliers.
//! See README.md for the map of the code.

pub mod auth;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod export;
pub mod i18n;
pub mod import;
pub mod jobs;
pub mod mail;
pub mod models;
pub mod server;
pub mod web;
