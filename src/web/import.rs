//! The upload page for DESIGN §5 imports: check the file (dry run), see the
//! report or the counts, then confirm — all or nothing.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::chrome::Chrome;
use super::{upload, AppState, RenderHtml};
use crate::auth::identity::Identity;
use crate::auth::{AnyRole, Authorized, CsrfForm};
use crate::domain::role::Role;
use crate::error::{AppError, AppResult};
use crate::import::table::Problem;
use crate::import::{reason_text, ImportKind, ImportOptions, Outcome};
use crate::models::{attachment, now};

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    chrome: Chrome,
    kind: &'static str,
    file_name: String,
    /// CMRT/EMRT only: the supplier and reporting year of the file.
    supplier: String,
    year: String,
    problems: Vec<Problem>,
    outcome: Option<Outcome>,
    /// Set after a successful check: the stored upload to confirm.
    pending: Option<i32>,
    done: bool,
    /// The file has warnings and the confirmation box was not ticked.
    unconfirmed: bool,
}

/// What an import runs as: programme staff import everything; an auditor
/// only findings, into their own audits. Others are refused.
fn importer(identity: &Identity, kind: Option<ImportKind>) -> AppResult<Option<i32>> {
    match identity.role() {
        Role::Admin | Role::Procurement => Ok(None),
        Role::Auditor if kind.is_none_or(ImportKind::for_auditor) => Ok(Some(identity.user.id)),
        _ => Err(AppError::Forbidden),
    }
}

impl ImportPage {
    /// The supplier and year fields serve only CMRT/EMRT workbooks.
    fn offers_cmrt(&self) -> bool {
        self.kinds().iter().any(|(code, _)| *code == "cmrt")
    }

    fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        let auditor = self
            .chrome
            .user
            .as_ref()
            .is_some_and(|u| u.role() == Role::Auditor);
        ImportKind::ALL
            .iter()
            .filter(|k| !auditor || k.for_auditor())
            .map(|k| {
                (
                    k.as_str(),
                    self.chrome.t(&format!("import.kind.{}", k.as_str())),
                )
            })
            .collect()
    }

    fn columns(&self) -> Vec<(&'static str, &'static str, bool)> {
        ImportKind::parse(self.kind)
            .map(|k| {
                k.columns()
                    .iter()
                    .map(|c| (c.key, c.label_zh, c.required))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn reason(&self, problem: &Problem) -> String {
        reason_text(self.chrome.lang, &problem.reason)
    }

    fn blank(chrome: Chrome, kind: &'static str) -> Self {
        ImportPage {
            chrome,
            kind,
            file_name: String::new(),
            supplier: String::new(),
            year: String::new(),
            problems: Vec::new(),
            outcome: None,
            pending: None,
            done: false,
            unconfirmed: false,
        }
    }
}

#[derive(Deserialize)]
pub struct KindQuery {
    kind: Option<String>,
}

pub async fn page(
    req: HttpRequest,
    user: Authorized<AnyRole>,
    query: web::Query<KindQuery>,
) -> AppResult<HttpResponse> {
    let auditor = importer(&user, None)?.is_some();
    let kind = query
        .kind
        .as_deref()
        .and_then(ImportKind::parse)
        .filter(|k| !auditor || k.for_auditor())
        .unwrap_or(if auditor {
            ImportKind::Findings
        } else {
            ImportKind::Suppliers
        });
    ImportPage::blank(Chrome::new(&req, Some(&user), "import"), kind.as_str()).page()
}

fn parse_kind(value: &str) -> AppResult<ImportKind> {
    ImportKind::parse(value)
        .ok_or_else(|| AppError::BadInput(format!("unknown import kind {value:?}")))
}

/// Step 1: check the uploaded file without writing; keep it for step 2.
pub async fn check(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<AnyRole>,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    importer(&user, None)?;
    let submitted = upload::read(&req, &state, payload, upload::IMPORT_KINDS).await?;
    let kind = parse_kind(submitted.field("kind"))?;
    let options = ImportOptions {
        auditor: importer(&user, Some(kind))?,
        ..options_of(kind, submitted.field("supplier"), submitted.field("year"))
    };
    let file = submitted
        .files
        .get("file")
        .cloned()
        .ok_or_else(|| AppError::BadInput("choose a CSV or XLSX file to import".into()))?;
    let actor = user.actor();
    let user_id = user.user.id;
    let upload = file.clone();
    let check_options = ImportOptions {
        file_name: file.file_name.clone(),
        ..options.clone()
    };
    let (result, pending) = state
        .transaction(move |conn| {
            let result = kind.run(
                conn,
                &actor,
                &upload.bytes,
                true,
                now().date(),
                &check_options,
            )?;
            let pending = match &result {
                Ok(_) => Some(attachment::store(
                    conn,
                    "import_upload",
                    0,
                    &upload,
                    Some(user_id),
                )?),
                Err(_) => None,
            };
            Ok((result, pending))
        })
        .await?;
    let mut page = ImportPage::blank(Chrome::new(&req, Some(&user), "import"), kind.as_str());
    page.file_name = file.file_name;
    page.supplier = options.supplier;
    page.year = options.year;
    page.pending = pending;
    let status = match result {
        Ok(outcome) => {
            page.outcome = Some(outcome);
            actix_web::http::StatusCode::OK
        }
        Err(problems) => {
            page.problems = problems;
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
        }
    };
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(page.render_html()?))
}

/// The supplier and year are kept only for the kinds that need them.
fn options_of(kind: ImportKind, supplier: &str, year: &str) -> ImportOptions {
    if kind.needs_supplier_and_year() {
        ImportOptions {
            supplier: supplier.trim().to_owned(),
            year: year.trim().to_owned(),
            ..ImportOptions::default()
        }
    } else {
        ImportOptions::default()
    }
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    kind: String,
    upload: i32,
    /// Ticked to import a file whose check found warnings.
    #[serde(default)]
    confirm_warnings: String,
    #[serde(default)]
    supplier: String,
    #[serde(default)]
    year: String,
}

/// Step 2: import the checked file. It is checked again inside the write
/// transaction, since the data may have changed in between. A file with
/// warnings is imported only with its confirmation box ticked.
pub async fn confirm(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<AnyRole>,
    form: CsrfForm<ConfirmForm>,
) -> AppResult<HttpResponse> {
    let form = form.0;
    let kind = parse_kind(&form.kind)?;
    let auditor = importer(&user, Some(kind))?;
    let confirmed = crate::domain::values::flag(&form.confirm_warnings, false).unwrap_or(false);
    let actor = user.actor();
    let user_id = user.user.id;
    let upload_id = form.upload;
    let options = ImportOptions {
        auditor,
        ..options_of(kind, &form.supplier, &form.year)
    };
    let run_options = options.clone();
    let (file_name, result, unconfirmed) = state
        .transaction(move |conn| {
            let (info, bytes) =
                attachment::pending_import(conn, upload_id, user_id)?.ok_or(AppError::NotFound)?;
            let run_options = ImportOptions {
                file_name: info.file_name.clone(),
                ..run_options
            };
            if !confirmed {
                let checked = kind.run(conn, &actor, &bytes, true, now().date(), &run_options)?;
                if checked.as_ref().is_ok_and(|o| !o.warnings.is_empty()) {
                    return Ok((info.file_name, checked, true));
                }
            }
            let result = kind.run(conn, &actor, &bytes, false, now().date(), &run_options)?;
            if result.is_ok() {
                attachment::delete(conn, upload_id)?;
            }
            Ok((info.file_name, result, false))
        })
        .await?;
    let mut page = ImportPage::blank(Chrome::new(&req, Some(&user), "import"), kind.as_str());
    page.file_name = file_name;
    page.supplier = options.supplier;
    page.year = options.year;
    let status = match result {
        Ok(outcome) if unconfirmed => {
            page.outcome = Some(outcome);
            page.pending = Some(upload_id);
            page.unconfirmed = true;
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
        }
        Ok(outcome) => {
            page.outcome = Some(outcome);
            page.done = true;
            actix_web::http::StatusCode::OK
        }
        Err(problems) => {
            page.problems = problems;
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
        }
    };
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(page.render_html()?))
}
