//! Bulk import of DESIGN §5 files: CSV or XLSX spreadsheets of records users
//! already keep elsewhere. Each kind reads its file with [`table`], checks it
//! whole, and writes nothing unless every row is good.

pub mod cmrt;
pub mod onboarding;
pub mod smelters;
pub mod suppliers;
pub mod table;

use chrono::NaiveDate;
use serde::Serialize;

use crate::db::DbConnection;
use crate::error::AppError;
use crate::models::audit_log::Actor;
use table::Problem;

/// What an import did (or, on a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// What a good file still made the check remark on: rows kept as they
    /// are but not (fully) matched (CMRT/EMRT check report).
    pub remarks: Vec<Problem>,
}

/// What some kinds need besides the file: `cmrt` is a supplier's file for a
/// reporting year.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub supplier: String,
    pub year: String,
    /// Kept with the stored file.
    pub file_name: String,
}

/// The kinds of DESIGN §5 this release imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Suppliers,
    Onboarding,
    Smelters,
    Cmrt,
}

impl ImportKind {
    pub const ALL: [ImportKind; 4] = [
        ImportKind::Suppliers,
        ImportKind::Onboarding,
        ImportKind::Smelters,
        ImportKind::Cmrt,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Suppliers => "suppliers",
            ImportKind::Onboarding => "onboarding",
            ImportKind::Smelters => "smelters",
            ImportKind::Cmrt => "cmrt",
        }
    }

    /// Whether the kind needs `--supplier` and `--year`.
    pub fn needs_supplier_and_year(self) -> bool {
        self == ImportKind::Cmrt
    }

    pub fn parse(value: &str) -> Option<ImportKind> {
        ImportKind::ALL
            .into_iter()
            .find(|k| k.as_str() == value.trim())
    }

    pub fn columns(self) -> &'static [table::Column] {
        match self {
            ImportKind::Suppliers => suppliers::COLUMNS,
            ImportKind::Onboarding => onboarding::COLUMNS,
            ImportKind::Smelters => smelters::COLUMNS,
            // A CMRT/EMRT workbook is read by sheet and position.
            ImportKind::Cmrt => &[],
        }
    }

    /// Checks the file and, unless `dry_run`, writes it, all in one
    /// transaction: any problem leaves the database as it was.
    pub fn run(
        self,
        conn: &mut DbConnection,
        actor: &Actor,
        bytes: &[u8],
        dry_run: bool,
        today: NaiveDate,
        options: &ImportOptions,
    ) -> Result<Result<Outcome, Vec<Problem>>, AppError> {
        use diesel::Connection;
        conn.transaction(|conn| {
            let result = match self {
                ImportKind::Suppliers => suppliers::run(conn, actor, bytes, dry_run, today)?,
                ImportKind::Onboarding => onboarding::run(conn, actor, bytes, dry_run, today)?,
                ImportKind::Smelters => smelters::run(conn, actor, bytes, dry_run, today)?,
                ImportKind::Cmrt => cmrt::import(conn, actor, bytes, dry_run, today, options)?
                    .map(|result| result.outcome),
            };
            Ok(result)
        })
    }
}

/// A problem's reason in the reader's language (reasons are i18n keys, or
/// plain English from the file reader).
pub fn reason_text(lang: crate::i18n::Lang, reason: &str) -> String {
    if crate::i18n::has_key(reason) {
        lang.t(reason).to_owned()
    } else {
        reason.to_owned()
    }
}
