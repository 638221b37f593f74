//! A supplier's conflict-minerals pages: its CMRT/EMRT submissions and the
//! smelters they declare (supplier → smelters), the upload of a new file
//! (check, then confirm — for procurement and for the supplier's own
//! contact), and the check report of each submission.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::Datelike;
use serde::Deserialize;
use std::collections::HashMap;

use super::chrome::Chrome;
use super::session::redirect;
use super::smelters::{
    country_label, metal_label, plan_action_label, plan_badge, plan_status_label, status_badge,
    status_label,
};
use super::suppliers::visible_supplier;
use super::{upload, AppState, RenderHtml};
use crate::auth::{AnyRole, Authorized, CsrfForm, Identity};
use crate::domain::minerals::RowIssue;
use crate::domain::role::Role;
use crate::error::{AppError, AppResult};
use crate::import::cmrt::{self, CmrtResult};
use crate::import::table::Problem;
use crate::import::{reason_text, ImportOptions};
use crate::models::mineral_submission::{self, Declaration, DeclarationDoc, Submission};
use crate::models::replacement_plan::{PlanFilter, PlanRow};
use crate::models::smelter::{self, Smelter};
use crate::models::supplier::Supplier;
use crate::models::{attachment, now};

/// Who may upload a supplier's files: programme staff, and the supplier's
/// own contact.
fn may_upload(identity: &Identity, supplier: &Supplier) -> bool {
    match identity.role() {
        Role::Admin | Role::Procurement => true,
        Role::Supplier => identity.user.supplier_id == Some(supplier.id),
        Role::Viewer | Role::Auditor => false,
    }
}

/// The supplier of the path, if the user may see it and (for writes) upload.
async fn supplier_for(
    state: &AppState,
    identity: &Identity,
    code: String,
    to_upload: bool,
) -> AppResult<Supplier> {
    let supplier = visible_supplier(state, identity, code).await?;
    if to_upload && !may_upload(identity, &supplier) {
        return Err(AppError::Forbidden);
    }
    Ok(supplier)
}

#[derive(Deserialize, Default)]
pub struct YearQuery {
    year: Option<String>,
}

#[derive(Template)]
#[template(path = "smelters/supplier.html")]
struct SupplierPage {
    chrome: Chrome,
    supplier: Supplier,
    submissions: Vec<Submission>,
    year: Option<i32>,
    years: Vec<i32>,
    smelters: Vec<Smelter>,
    unmatched: i64,
    plans: Vec<PlanRow>,
    can_upload: bool,
    upload_year: i32,
    is_contact: bool,
}

impl SupplierPage {
    fn metal(&self, metal: &str) -> &'static str {
        metal_label(self.chrome.lang, metal)
    }

    fn status(&self, status: &str) -> &'static str {
        status_label(self.chrome.lang, status)
    }

    fn badge(&self, status: &str) -> &'static str {
        status_badge(status)
    }

    fn country(&self, stored: &str) -> String {
        country_label(self.chrome.lang, stored)
    }

    fn plan_status(&self, status: &str) -> &'static str {
        plan_status_label(self.chrome.lang, status)
    }

    fn plan_action(&self, action: &str) -> &'static str {
        plan_action_label(self.chrome.lang, action)
    }

    fn plan_badge(&self, row: &PlanRow) -> &'static str {
        plan_badge(row)
    }

    fn not_conformant(&self) -> usize {
        self.smelters.iter().filter(|s| !s.is_conformant()).count()
    }

    fn is_year(&self, y: &i32) -> bool {
        self.year == Some(*y)
    }
}

pub async fn supplier_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<AnyRole>,
    code: web::Path<String>,
    query: web::Query<YearQuery>,
) -> AppResult<HttpResponse> {
    let supplier = supplier_for(&state, &user, code.into_inner(), false).await?;
    let asked = match query
        .year
        .as_deref()
        .map(str::trim)
        .filter(|y| !y.is_empty())
    {
        Some(y) => Some(
            y.parse::<i32>()
                .map_err(|_| AppError::BadInput(format!("{y:?} is not a year")))?,
        ),
        None => None,
    };
    let today = now().date();
    let target = supplier.clone();
    let (submissions, year, smelters, unmatched, plans) = state
        .db(move |conn| {
            let submissions = mineral_submission::for_supplier(conn, target.id)?;
            let year = asked.or_else(|| submissions.first().map(|s| s.year));
            let (smelters, unmatched) = match year {
                Some(year) => (
                    mineral_submission::supplier_smelters(conn, target.id, year)?,
                    submissions
                        .iter()
                        .filter(|s| s.year == year)
                        .map(|s| i64::from(s.rows_total - s.rows_matched))
                        .sum(),
                ),
                None => (Vec::new(), 0),
            };
            let plans = PlanFilter {
                supplier: Some(target.code.clone()),
                ..PlanFilter::default()
            }
            .all(conn, today)?;
            Ok((submissions, year, smelters, unmatched, plans))
        })
        .await?;
    let mut years: Vec<i32> = submissions.iter().map(|s| s.year).collect();
    years.dedup();
    SupplierPage {
        can_upload: may_upload(&user, &supplier),
        is_contact: user.role() == Role::Supplier,
        chrome: Chrome::new(&req, Some(&user), "smelters"),
        supplier,
        submissions,
        year,
        years,
        smelters,
        unmatched,
        plans,
        upload_year: today.year() - 1,
    }
    .page()
}

#[derive(Template)]
#[template(path = "smelters/upload.html")]
struct UploadPage {
    chrome: Chrome,
    supplier: Supplier,
    year: String,
    file_name: String,
    result: Option<CmrtResult>,
    problems: Vec<Problem>,
    /// The stored upload to confirm, after a good check.
    pending: Option<i32>,
}

impl UploadPage {
    fn reason(&self, problem: &Problem) -> String {
        let text = reason_text(self.chrome.lang, &problem.reason);
        if problem.reason == "cmrt.missing_sheet" {
            format!("{text} {}", problem.value)
        } else {
            text
        }
    }

    fn template_label(&self) -> &'static str {
        self.result.as_ref().map_or("", |r| r.template.label())
    }
}

/// Step 1: check the file (nothing is written) and keep it for step 2.
pub async fn check(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<AnyRole>,
    code: web::Path<String>,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let supplier = supplier_for(&state, &user, code.into_inner(), true).await?;
    let submitted = upload::read(&req, &state, payload, upload::IMPORT_KINDS).await?;
    let file = submitted
        .files
        .get("file")
        .cloned()
        .ok_or_else(|| AppError::BadInput("choose the CMRT or EMRT workbook (.xlsx)".into()))?;
    let year = submitted.field("year").trim().to_owned();
    let options = ImportOptions {
        supplier: supplier.code.clone(),
        year: year.clone(),
        file_name: file.file_name.clone(),
        auditor: None,
    };
    let actor = user.actor();
    let user_id = user.user.id;
    let upload = file.clone();
    let (result, pending) = state
        .transaction(move |conn| {
            let result = cmrt::import(conn, &actor, &upload.bytes, true, now().date(), &options)?;
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
    let ok = result.is_ok();
    let (result, problems) = match result {
        Ok(result) => (Some(result), Vec::new()),
        Err(problems) => (None, problems),
    };
    let page = UploadPage {
        chrome: Chrome::new(&req, Some(&user), "smelters"),
        supplier,
        year,
        file_name: file.file_name,
        result,
        problems,
        pending,
    };
    Ok(HttpResponse::build(if ok {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    })
    .content_type("text/html; charset=utf-8")
    .body(page.render_html()?))
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    upload: i32,
    #[serde(default)]
    year: String,
}

/// Step 2: import the checked file (checked again in the write
/// transaction), then show its check report.
pub async fn confirm(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<AnyRole>,
    code: web::Path<String>,
    form: CsrfForm<ConfirmForm>,
) -> AppResult<HttpResponse> {
    let supplier = supplier_for(&state, &user, code.into_inner(), true).await?;
    let form = form.0;
    let actor = user.actor();
    let user_id = user.user.id;
    let upload_id = form.upload;
    let year = form.year.trim().to_owned();
    let supplier_code = supplier.code.clone();
    let (file_name, result) = state
        .transaction(move |conn| {
            let (info, bytes) =
                attachment::pending_import(conn, upload_id, user_id)?.ok_or(AppError::NotFound)?;
            let options = ImportOptions {
                supplier: supplier_code,
                year,
                file_name: info.file_name.clone(),
                auditor: None,
            };
            let result = cmrt::import(conn, &actor, &bytes, false, now().date(), &options)?;
            if result.is_ok() {
                attachment::delete(conn, upload_id)?;
            }
            Ok((info.file_name, result))
        })
        .await?;
    match result {
        Ok(CmrtResult {
            submission_id: Some(id),
            ..
        }) => Ok(redirect(&format!("/smelters/submissions/{id}"))),
        Ok(_) => Err(AppError::Internal("the submission was not written".into())),
        Err(problems) => {
            let page = UploadPage {
                chrome: Chrome::new(&req, Some(&user), "smelters"),
                supplier,
                year: form.year,
                file_name,
                result: None,
                problems,
                pending: None,
            };
            Ok(HttpResponse::UnprocessableEntity()
                .content_type("text/html; charset=utf-8")
                .body(page.render_html()?))
        }
    }
}

/// A submission the user may see: staff and viewers all, a supplier
/// contact only their own company's; anyone else gets a 404.
async fn visible_submission(
    state: &AppState,
    identity: &Identity,
    id: i32,
) -> AppResult<(Submission, Supplier)> {
    let (submission, supplier) = state
        .db(move |conn| {
            let submission = Submission::find(conn, id)?.ok_or(AppError::NotFound)?;
            let supplier =
                Supplier::find(conn, submission.supplier_id)?.ok_or(AppError::NotFound)?;
            Ok((submission, supplier))
        })
        .await?;
    let allowed = match identity.role() {
        Role::Admin | Role::Procurement | Role::Viewer => true,
        Role::Supplier => identity.user.supplier_id == Some(supplier.id),
        Role::Auditor => false,
    };
    if allowed {
        Ok((submission, supplier))
    } else {
        Err(AppError::NotFound)
    }
}

#[derive(Template)]
#[template(path = "smelters/submission.html")]
struct SubmissionPage {
    chrome: Chrome,
    supplier: Supplier,
    submission: Submission,
    doc: DeclarationDoc,
    rows: Vec<Declaration>,
    smelters: HashMap<i32, Smelter>,
    /// (issue code, rows with it)
    issue_counts: Vec<(&'static str, usize)>,
}

impl SubmissionPage {
    fn metal(&self, metal: &str) -> &'static str {
        metal_label(self.chrome.lang, metal)
    }

    fn status(&self, status: &str) -> &'static str {
        status_label(self.chrome.lang, status)
    }

    fn badge(&self, status: &str) -> &'static str {
        status_badge(status)
    }

    fn country(&self, stored: &str) -> String {
        country_label(self.chrome.lang, stored)
    }

    fn smelter_of(&self, row: &Declaration) -> Option<&Smelter> {
        row.smelter_ref_id.and_then(|id| self.smelters.get(&id))
    }

    fn issue_labels(&self, row: &Declaration) -> Vec<&'static str> {
        row.issue_list()
            .into_iter()
            .map(|i| self.chrome.t(&format!("cmrt.issue.{}", i.as_str())))
            .collect()
    }

    fn issue_label(&self, code: &str) -> &'static str {
        self.chrome.t(&format!("cmrt.issue.{code}"))
    }

    fn flagged(&self) -> Vec<&Declaration> {
        self.rows.iter().filter(|r| !r.issues.is_empty()).collect()
    }

    fn metal_of(&self, row: &Declaration) -> String {
        match &row.metal {
            Some(m) => metal_label(self.chrome.lang, m).to_owned(),
            None => row.metal_text.clone(),
        }
    }
}

pub async fn submission(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<AnyRole>,
    id: web::Path<i32>,
) -> AppResult<HttpResponse> {
    let (submission, supplier) = visible_submission(&state, &user, id.into_inner()).await?;
    let submission_id = submission.id;
    let (rows, smelters) = state
        .db(move |conn| {
            let rows = mineral_submission::declarations_of(conn, submission_id)?;
            let ids: Vec<i32> = rows.iter().filter_map(|r| r.smelter_ref_id).collect();
            let smelters = smelter::by_ids(conn, &ids)?;
            Ok((rows, smelters))
        })
        .await?;
    let issue_counts = RowIssue::ALL
        .iter()
        .map(|issue| {
            (
                issue.as_str(),
                rows.iter()
                    .filter(|r| r.issue_list().contains(issue))
                    .count(),
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    SubmissionPage {
        chrome: Chrome::new(&req, Some(&user), "smelters"),
        doc: submission.declaration(),
        supplier,
        submission,
        rows,
        smelters,
        issue_counts,
    }
    .page()
}

/// The workbook as uploaded, for those who may see the submission.
pub async fn submission_file(
    state: web::Data<AppState>,
    user: Authorized<AnyRole>,
    id: web::Path<i32>,
) -> AppResult<HttpResponse> {
    let (submission, _) = visible_submission(&state, &user, id.into_inner()).await?;
    let attachment_id = submission.attachment_id.ok_or(AppError::NotFound)?;
    let (info, bytes) = state
        .db(move |conn| {
            let info = attachment::info(conn, attachment_id)?.ok_or(AppError::NotFound)?;
            Ok((info, attachment::content(conn, attachment_id)?))
        })
        .await?;
    let encoded: String = serde_urlencoded::to_string([("", &info.file_name)])
        .unwrap_or_default()
        .trim_start_matches('=')
        .to_owned();
    Ok(HttpResponse::Ok()
        .content_type(info.content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"submission.xlsx\"; filename*=UTF-8''{encoded}"),
        ))
        .body(bytes))
}
