//! Configuration from flags and the environment (DESIGN §7).

use std::path::PathBuf;

use crate::db::DatabaseLocation;

#[derive(Debug, Clone)]
pub struct Config {
    pub database: DatabaseLocation,
    pub data_dir: PathBuf,
    /// The address people use to reach the app, e.g. `https://esg.example.com`.
    /// Decides the `Secure` cookie flag and the accepted `Origin`.
    pub public_url: Option<String>,
    /// `SMTP_URL`; unset: messages are written as `.eml` files under
    /// `DATA_DIR/mail/`.
    pub smtp_url: Option<String>,
    /// `MAIL_FROM`, the sender of every message.
    pub mail_from: String,
}

pub const DEFAULT_MAIL_FROM: &str = "Supplier ESG <no-reply@supplier-esg.localhost>";

impl Config {
    /// Reads `DATABASE_URL`, `DATA_DIR` and `PUBLIC_URL`; the default database is
    /// the embedded SQLite file `DATA_DIR/supplier-esg.db`.
    pub fn from_env() -> Self {
        let data_dir = PathBuf::from(env_non_empty("DATA_DIR").unwrap_or_else(|| "data".into()));
        let database = match env_non_empty("DATABASE_URL") {
            Some(url) => DatabaseLocation::parse(&url),
            None => DatabaseLocation::Sqlite(data_dir.join("supplier-esg.db")),
        };
        Self {
            database,
            data_dir,
            public_url: env_non_empty("PUBLIC_URL").map(|u| u.trim_end_matches('/').to_owned()),
            smtp_url: env_non_empty("SMTP_URL").map(|u| u.trim().to_owned()),
            mail_from: env_non_empty("MAIL_FROM").unwrap_or_else(|| DEFAULT_MAIL_FROM.into()),
        }
    }

    /// Where links in e-mails point.
    pub fn link_base(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| "http://127.0.0.1:8080".into())
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }
}

fn env_non_empty(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}
