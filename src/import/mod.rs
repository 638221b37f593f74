//! Bulk import of DESIGN §5 files: CSV or XLSX spreadsheets of records users
//! already keep elsewhere. Each kind reads its file with [`table`], checks it
//! whole, and writes nothing unless every row is good.

pub mod audits;
pub mod cmrt;
pub mod esg;
pub mod findings;
pub mod onboarding;
pub mod risk;
pub mod smelters;
pub mod suppliers;
pub mod table;
pub mod training;

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
    /// Values the file may well mean but that look wrong (an ESG value more
    /// than ten times last year's): importing needs an explicit confirmation.
    pub warnings: Vec<Problem>,
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
    /// An auditor importing findings: only into the audits assigned to them.
    pub auditor: Option<i32>,
}

/// The kinds of DESIGN §5 this release imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Suppliers,
    Onboarding,
    Risk,
    Audits,
    Findings,
    Esg,
    Training,
    Smelters,
    Cmrt,
}

impl ImportKind {
    pub const ALL: [ImportKind; 9] = [
        ImportKind::Suppliers,
        ImportKind::Onboarding,
        ImportKind::Risk,
        ImportKind::Audits,
        ImportKind::Findings,
        ImportKind::Esg,
        ImportKind::Training,
        ImportKind::Smelters,
        ImportKind::Cmrt,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Suppliers => "suppliers",
            ImportKind::Onboarding => "onboarding",
            ImportKind::Risk => "risk",
            ImportKind::Audits => "audits",
            ImportKind::Findings => "findings",
            ImportKind::Esg => "esg",
            ImportKind::Training => "training",
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
            ImportKind::Risk => risk::COLUMNS,
            ImportKind::Audits => audits::COLUMNS,
            ImportKind::Findings => findings::COLUMNS,
            ImportKind::Esg => esg::COLUMNS,
            ImportKind::Training => training::COLUMNS,
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
        crate::db::write_transaction(conn, |conn| {
            let result = match self {
                ImportKind::Suppliers => suppliers::run(conn, actor, bytes, dry_run, today)?,
                ImportKind::Onboarding => onboarding::run(conn, actor, bytes, dry_run, today)?,
                ImportKind::Risk => risk::run(conn, actor, bytes, dry_run, today)?,
                ImportKind::Audits => audits::run(conn, actor, bytes, dry_run, today)?,
                ImportKind::Findings => {
                    findings::run(conn, actor, bytes, dry_run, today, options.auditor)?
                }
                ImportKind::Esg => esg::run(conn, actor, bytes, dry_run, today)?,
                ImportKind::Training => training::run(conn, actor, bytes, dry_run, today)?,
                ImportKind::Smelters => smelters::run(conn, actor, bytes, dry_run, today)?,
                ImportKind::Cmrt => cmrt::import(conn, actor, bytes, dry_run, today, options)?
                    .map(|result| result.outcome),
            };
            Ok(result)
        })
    }
}

impl ImportKind {
    /// Only findings can be imported by an auditor, and only into the
    /// audits assigned to them (`ImportOptions::auditor`).
    pub fn for_auditor(self) -> bool {
        self == ImportKind::Findings
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
