//! Audit findings and their corrective actions (DESIGN §2.5–2.6): checked
//! input, the four-month clock, the action flow with progress entries,
//! verification and extensions, and the lists that run the week.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::audit::Audit;
use super::audit_log::{self, Actor};
use super::{like_pattern, now, Paged};
use crate::db::schema::{
    action_progress, audits, corrective_actions, findings, rba_clauses, suppliers,
};
use crate::db::DbConnection;
use crate::domain::corrective::{check_progress, due_date, ActionStatus, Severity, Step};
use crate::domain::red_lines::is_red_line;
use crate::domain::values;
use crate::error::{AppError, FieldErrors};

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = rba_clauses)]
pub struct Clause {
    pub code: String,
    pub section: String,
    pub title_en: String,
    pub title_zh: String,
    pub code_version: String,
    pub position: i32,
    pub active: bool,
}

pub fn clauses(conn: &mut DbConnection) -> QueryResult<Vec<Clause>> {
    rba_clauses::table
        .filter(rba_clauses::active.eq(true))
        .order(rba_clauses::position)
        .select(Clause::as_select())
        .load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = findings)]
pub struct Finding {
    #[serde(skip)]
    pub id: i32,
    pub finding_ref: String,
    #[serde(skip)]
    pub audit_id: i32,
    pub clause: String,
    pub severity: String,
    pub red_line: Option<String>,
    pub description: String,
    pub found_on: NaiveDate,
    #[serde(skip)]
    pub created_by: Option<i32>,
    #[serde(skip)]
    pub created_at: NaiveDateTime,
    #[serde(skip)]
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = corrective_actions)]
pub struct CorrectiveAction {
    pub id: i32,
    #[serde(skip)]
    pub finding_id: i32,
    #[serde(skip)]
    pub supplier_id: i32,
    pub status: String,
    pub due_on: NaiveDate,
    pub original_due_on: NaiveDate,
    pub root_cause: String,
    pub planned_actions: String,
    pub owner: String,
    pub last_progress_on: Option<NaiveDate>,
    pub percent_done: i32,
    pub closed_on: Option<NaiveDate>,
    #[serde(skip)]
    pub verified_by: Option<i32>,
    pub verification_note: String,
    #[serde(skip)]
    pub verification_attachment_id: Option<i32>,
    #[serde(skip)]
    pub created_at: NaiveDateTime,
    #[serde(skip)]
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

impl CorrectiveAction {
    pub fn status(&self) -> ActionStatus {
        ActionStatus::parse(&self.status).unwrap_or(ActionStatus::Open)
    }

    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        crate::domain::corrective::is_overdue(self.status(), self.due_on, today)
    }

    pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Option<CorrectiveAction>> {
        corrective_actions::table
            .find(id)
            .select(CorrectiveAction::as_select())
            .get_result(conn)
            .optional()
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = action_progress)]
pub struct ProgressEntry {
    #[serde(skip)]
    pub id: i32,
    #[serde(skip)]
    pub action_id: i32,
    pub entry_on: NaiveDate,
    pub percent: i32,
    pub note: String,
    #[serde(skip)]
    pub attachment_id: Option<i32>,
    #[serde(skip)]
    pub created_by: Option<i32>,
    #[serde(skip)]
    pub created_at: NaiveDateTime,
}

/// A finding as typed, imported or posted (DESIGN §5 `findings` names).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct FindingInput {
    pub finding_ref: String,
    pub audit_ref: String,
    pub clause: String,
    pub severity: String,
    pub red_line: String,
    pub description: String,
    pub found_on: String,
    /// Historical data: the day the action was closed (empty = open).
    pub closed_on: String,
    /// For an observation: open a corrective action anyway.
    pub needs_action: String,
}

/// Checked values, ready to write.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingFields {
    pub finding_ref: String,
    pub audit: Audit,
    pub clause: String,
    pub severity: Severity,
    pub red_line: Option<String>,
    pub description: String,
    pub found_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub with_action: bool,
}

impl PartialEq for Audit {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl FindingInput {
    /// `known_clauses` are the active clause codes (one query per file).
    pub fn check(
        &self,
        conn: &mut DbConnection,
        known_clauses: &[String],
        today: NaiveDate,
    ) -> QueryResult<Result<FindingFields, FieldErrors>> {
        let mut problems = FieldErrors::new();
        let finding_ref = values::code(&self.finding_ref)
            .map_err(|k| problems.insert("finding_ref".into(), k.into()))
            .ok();
        let audit = Audit::by_ref(conn, &self.audit_ref)?;
        if audit.is_none() {
            problems.insert("audit_ref".into(), "finding.unknown_audit".into());
        }
        let clause = self.clause.trim().to_uppercase();
        if !known_clauses.contains(&clause) {
            problems.insert("clause".into(), "finding.clause_invalid".into());
        }
        let severity = Severity::parse(&self.severity);
        if severity.is_none() {
            problems.insert("severity".into(), "finding.severity_invalid".into());
        }
        let red_line = match self.red_line.trim() {
            "" => None,
            code if is_red_line(code) => Some(code.to_owned()),
            _ => {
                problems.insert("red_line".into(), "review.unknown_red_line".into());
                None
            }
        };
        let description = values::text(&self.description, 4000, true)
            .map_err(|k| problems.insert("description".into(), k.into()))
            .ok();
        let found_on = match values::past_date(&self.found_on, today) {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                problems.insert("found_on".into(), "field.required".into());
                None
            }
            Err(k) => {
                problems.insert("found_on".into(), k.into());
                None
            }
        };
        let closed_on = values::past_date(&self.closed_on, today)
            .map_err(|k| problems.insert("closed_on".into(), k.into()))
            .ok()
            .flatten();
        if let (Some(found), Some(closed)) = (found_on, closed_on) {
            if closed < found {
                problems.insert("closed_on".into(), "finding.closed_before_found".into());
            }
        }
        if let (Some(a), Some(found)) = (&audit, found_on) {
            if a.performed_on.is_some_and(|p| found < p) {
                problems.insert("found_on".into(), "finding.before_audit".into());
            }
        }
        let with_action = severity.is_some_and(Severity::needs_action)
            || values::flag(&self.needs_action, false).unwrap_or(false);
        if !problems.is_empty() {
            return Ok(Err(problems));
        }
        Ok(Ok(FindingFields {
            finding_ref: finding_ref.unwrap_or_default(),
            audit: audit.expect("checked above"),
            clause,
            severity: severity.unwrap_or(Severity::Minor),
            red_line,
            description: description.unwrap_or_default(),
            found_on: found_on.unwrap_or(today),
            closed_on,
            with_action,
        }))
    }
}

/// The next free finding reference of an audit: `<audit_ref>-F<n>`.
pub fn next_ref(conn: &mut DbConnection, audit: &Audit) -> QueryResult<String> {
    let count: i64 = findings::table
        .filter(findings::audit_id.eq(audit.id))
        .count()
        .get_result(conn)?;
    let mut n = count + 1;
    loop {
        let candidate = format!("{}-F{n:02}", audit.audit_ref);
        let taken: bool = diesel::select(diesel::dsl::exists(
            findings::table.filter(findings::finding_ref.eq(&candidate)),
        ))
        .get_result(conn)?;
        if !taken {
            return Ok(candidate);
        }
        n += 1;
    }
}

/// Records a finding and, when it needs one, its corrective action (due
/// four months after it was found). A red-line finding puts the supplier's
/// tier at high at once.
pub fn insert(
    conn: &mut DbConnection,
    actor: &Actor,
    fields: &FindingFields,
    action: &str,
) -> Result<(Finding, Option<CorrectiveAction>), AppError> {
    let at = now();
    let id: i32 = diesel::insert_into(findings::table)
        .values((
            findings::finding_ref.eq(&fields.finding_ref),
            findings::audit_id.eq(fields.audit.id),
            findings::clause.eq(&fields.clause),
            findings::severity.eq(fields.severity.as_str()),
            findings::red_line.eq(&fields.red_line),
            findings::description.eq(&fields.description),
            findings::found_on.eq(fields.found_on),
            findings::created_by.eq(actor.user_id),
            findings::created_at.eq(at),
            findings::updated_at.eq(at),
            findings::version.eq(1),
        ))
        .returning(findings::id)
        .get_result(conn)?;
    let finding = findings::table
        .find(id)
        .select(Finding::as_select())
        .get_result(conn)?;
    audit_log::record::<(), _>(
        conn,
        actor,
        "audit",
        &fields.audit.audit_ref,
        action,
        None,
        Some(&finding),
    )?;
    let corrective = if fields.with_action {
        let due = due_date(fields.found_on);
        let closed = fields.closed_on;
        let action_id: i32 = diesel::insert_into(corrective_actions::table)
            .values((
                corrective_actions::finding_id.eq(id),
                corrective_actions::supplier_id.eq(fields.audit.supplier_id),
                corrective_actions::status.eq(if closed.is_some() { "closed" } else { "open" }),
                corrective_actions::due_on.eq(due),
                corrective_actions::original_due_on.eq(due),
                corrective_actions::closed_on.eq(closed),
                corrective_actions::percent_done.eq(if closed.is_some() { 100 } else { 0 }),
                corrective_actions::created_at.eq(at),
                corrective_actions::updated_at.eq(at),
                corrective_actions::version.eq(1),
            ))
            .returning(corrective_actions::id)
            .get_result(conn)?;
        CorrectiveAction::find(conn, action_id)?
    } else {
        None
    };
    if fields.red_line.is_some() && fields.closed_on.is_none() {
        force_high(conn, actor, fields.audit.supplier_id, fields.found_on)?;
    }
    Ok((finding, corrective))
}

/// An open red-line finding makes the supplier high risk now: a new
/// assessment is recorded (the model forces high) with the latest
/// self-assessment score carried over.
fn force_high(
    conn: &mut DbConnection,
    actor: &Actor,
    supplier_id: i32,
    on: NaiveDate,
) -> Result<(), AppError> {
    let Some(supplier) = super::supplier::Supplier::find(conn, supplier_id)? else {
        return Ok(());
    };
    let last_saq = super::risk::history(conn, supplier_id)?
        .first()
        .and_then(|r| r.saq_score);
    let model = super::setting::Settings::load(conn)?.risk_model();
    let input = super::risk::RiskInput {
        assessed_on: on.to_string(),
        saq_score: last_saq.map(|s| s.to_string()).unwrap_or_default(),
        tier: String::new(),
        reason: String::new(),
    };
    super::risk::record(conn, actor, &supplier, &input, &model, on.max(now().date()))?
        .map_err(|p| AppError::Internal(format!("red-line reassessment refused: {p:?}")))?;
    Ok(())
}

/// The findings of an audit with their actions, in reference order.
pub fn for_audit(
    conn: &mut DbConnection,
    audit_id: i32,
) -> QueryResult<Vec<(Finding, Option<CorrectiveAction>)>> {
    findings::table
        .left_join(corrective_actions::table)
        .filter(findings::audit_id.eq(audit_id))
        .order(findings::finding_ref)
        .select((
            Finding::as_select(),
            Option::<CorrectiveAction>::as_select(),
        ))
        .load(conn)
}

pub fn by_ref(conn: &mut DbConnection, finding_ref: &str) -> QueryResult<Option<Finding>> {
    findings::table
        .filter(findings::finding_ref.eq(finding_ref.trim()))
        .select(Finding::as_select())
        .first(conn)
        .optional()
}

/// What a step carries: the plan, a progress entry, or the verification.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct StepInput {
    pub root_cause: String,
    pub planned_actions: String,
    pub owner: String,
    pub entry_on: String,
    pub percent: String,
    pub note: String,
}

/// Takes one step of the action flow (DESIGN §2.6). `attachment` is the
/// progress file or the verification evidence. `Ok(Err(..))` writes nothing.
pub fn take_step(
    conn: &mut DbConnection,
    actor: &Actor,
    before: &CorrectiveAction,
    version: i32,
    (step, input, attachment): (Step, &StepInput, Option<i32>),
    today: NaiveDate,
) -> Result<Result<CorrectiveAction, FieldErrors>, AppError> {
    let Some(next) = step.apply(before.status()) else {
        return Ok(Err(FieldErrors::from([(
            "status".to_owned(),
            "action.step_not_allowed".to_owned(),
        )])));
    };
    let mut problems = FieldErrors::new();
    let finding_found_on: NaiveDate = findings::table
        .find(before.finding_id)
        .select(findings::found_on)
        .get_result(conn)?;
    let mut changes = (
        before.root_cause.clone(),
        before.planned_actions.clone(),
        before.owner.clone(),
        before.percent_done,
        before.last_progress_on,
        before.closed_on,
        before.verification_note.clone(),
    );
    match step {
        Step::SubmitPlan => {
            for (field, value, max) in [
                ("root_cause", &input.root_cause, 4000),
                ("planned_actions", &input.planned_actions, 4000),
                ("owner", &input.owner, 200),
            ] {
                if let Err(k) = values::text(value, max, true) {
                    problems.insert(field.into(), k.into());
                }
            }
            changes.0 = input.root_cause.trim().to_owned();
            changes.1 = input.planned_actions.trim().to_owned();
            changes.2 = input.owner.trim().to_owned();
        }
        Step::Progress => {
            let entry_on = match values::past_date(&input.entry_on, today) {
                Ok(Some(d)) if d < finding_found_on => {
                    problems.insert("entry_on".into(), "action.before_finding".into());
                    None
                }
                Ok(Some(d)) => Some(d),
                Ok(None) => Some(today),
                Err(k) => {
                    problems.insert("entry_on".into(), k.into());
                    None
                }
            };
            let percent = match input.percent.trim().parse::<i32>() {
                Ok(p) => match check_progress(Some(before.percent_done), p, &input.note) {
                    Ok(()) => Some(p),
                    Err(k) => {
                        problems.insert("percent".into(), k.into());
                        None
                    }
                },
                Err(_) => {
                    problems.insert("percent".into(), "action.percent_range".into());
                    None
                }
            };
            if input.note.chars().count() > 4000 {
                problems.insert("note".into(), "field.too_long".into());
            }
            if let (Some(entry_on), Some(percent)) = (entry_on, percent) {
                if problems.is_empty() {
                    diesel::insert_into(action_progress::table)
                        .values((
                            action_progress::action_id.eq(before.id),
                            action_progress::entry_on.eq(entry_on),
                            action_progress::percent.eq(percent),
                            action_progress::note.eq(input.note.trim()),
                            action_progress::attachment_id.eq(attachment),
                            action_progress::created_by.eq(actor.user_id),
                            action_progress::created_at.eq(now()),
                        ))
                        .execute(conn)?;
                    changes.3 = percent;
                    changes.4 = Some(changes.4.map_or(entry_on, |last| last.max(entry_on)));
                }
            }
        }
        Step::RequestVerification => {}
        Step::Verify => {
            // Closing needs evidence: a note of what was checked, or a file.
            if input.note.trim().is_empty() && attachment.is_none() {
                problems.insert("note".into(), "action.evidence_required".into());
            }
            changes.5 = Some(today);
            changes.3 = 100;
            changes.6 = input.note.trim().to_owned();
        }
        Step::Reject => {
            if input.note.trim().is_empty() {
                problems.insert("note".into(), "action.reason_required".into());
            }
            changes.6 = input.note.trim().to_owned();
        }
    }
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let changed = diesel::update(
        corrective_actions::table
            .filter(corrective_actions::id.eq(before.id))
            .filter(corrective_actions::version.eq(version)),
    )
    .set((
        corrective_actions::status.eq(next.as_str()),
        corrective_actions::root_cause.eq(&changes.0),
        corrective_actions::planned_actions.eq(&changes.1),
        corrective_actions::owner.eq(&changes.2),
        corrective_actions::percent_done.eq(changes.3),
        corrective_actions::last_progress_on.eq(changes.4),
        corrective_actions::closed_on.eq(changes.5),
        corrective_actions::verification_note.eq(&changes.6),
        corrective_actions::updated_at.eq(now()),
        corrective_actions::version.eq(version + 1),
    ))
    .execute(conn)?;
    let entity_id = before.id.to_string();
    if changed == 0 {
        return Err(audit_log::stale(conn, "corrective_action", &entity_id)?);
    }
    if step == Step::Verify {
        diesel::update(corrective_actions::table.find(before.id))
            .set((
                corrective_actions::verified_by.eq(actor.user_id),
                corrective_actions::verification_attachment_id.eq(attachment),
            ))
            .execute(conn)?;
    }
    if let Some(file) = attachment {
        super::attachment::set_owner(conn, file, "corrective_action", before.id)?;
    }
    let after = CorrectiveAction::find(conn, before.id)?.ok_or(AppError::NotFound)?;
    audit_log::record(
        conn,
        actor,
        "corrective_action",
        &entity_id,
        step.as_str(),
        Some(before),
        Some(&after),
    )?;
    Ok(Ok(after))
}

/// Moves the due date, with a reason; the approver is the acting user.
pub fn extend(
    conn: &mut DbConnection,
    approver: &Actor,
    before: &CorrectiveAction,
    version: i32,
    new_due: &str,
    reason: &str,
    today: NaiveDate,
) -> Result<Result<CorrectiveAction, FieldErrors>, AppError> {
    let mut problems = FieldErrors::new();
    if before.status() == ActionStatus::Closed {
        problems.insert("status".into(), "action.step_not_allowed".into());
    }
    let due = match values::date(new_due) {
        Ok(d) if d <= before.due_on => {
            problems.insert("due_on".into(), "action.extension_earlier".into());
            None
        }
        Ok(d) if d > today + Duration::days(366) => {
            problems.insert("due_on".into(), "action.extension_too_far".into());
            None
        }
        Ok(d) => Some(d),
        Err(k) => {
            problems.insert("due_on".into(), k.into());
            None
        }
    };
    if reason.trim().is_empty() {
        problems.insert("reason".into(), "action.reason_required".into());
    }
    let Some(due) = due.filter(|_| problems.is_empty()) else {
        return Ok(Err(problems));
    };
    let changed = diesel::update(
        corrective_actions::table
            .filter(corrective_actions::id.eq(before.id))
            .filter(corrective_actions::version.eq(version)),
    )
    .set((
        corrective_actions::due_on.eq(due),
        corrective_actions::updated_at.eq(now()),
        corrective_actions::version.eq(version + 1),
    ))
    .execute(conn)?;
    let entity_id = before.id.to_string();
    if changed == 0 {
        return Err(audit_log::stale(conn, "corrective_action", &entity_id)?);
    }
    audit_log::record(
        conn,
        approver,
        "corrective_action",
        &entity_id,
        "extend",
        Some(&serde_json::json!({ "due_on": before.due_on })),
        Some(
            &serde_json::json!({ "due_on": due, "reason": reason.trim(), "approved_by": approver.label }),
        ),
    )?;
    CorrectiveAction::find(conn, before.id)?
        .ok_or(AppError::NotFound)
        .map(Ok)
}

pub fn progress_of(conn: &mut DbConnection, action_id: i32) -> QueryResult<Vec<ProgressEntry>> {
    action_progress::table
        .filter(action_progress::action_id.eq(action_id))
        .order((action_progress::entry_on.desc(), action_progress::id.desc()))
        .select(ProgressEntry::as_select())
        .load(conn)
}

/// Who may see which actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActionScope {
    All,
    /// A supplier contact: their company's actions.
    Supplier(i32),
    /// An auditor: actions from the audits assigned to them.
    Auditor(i32),
}

/// Filters of the action lists (pages, export, API).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActionFilter {
    pub q: Option<String>,
    pub status: Option<String>,
    /// `true`: only overdue actions.
    #[param(value_type = Option<bool>)]
    pub overdue: Option<String>,
    /// Due in the next N days (e.g. 14), not closed.
    #[param(value_type = Option<i32>)]
    pub due_within: Option<String>,
    /// No progress entry for N days (e.g. 7), not closed.
    #[param(value_type = Option<i32>)]
    pub stale_days: Option<String>,
    pub business_unit: Option<String>,
    pub buyer: Option<String>,
    pub supplier: Option<String>,
    pub severity: Option<String>,
    pub audit: Option<String>,
}

/// A row of the action list.
#[derive(Debug, Clone, Queryable, Serialize, utoipa::ToSchema)]
pub struct ActionRow {
    #[serde(flatten)]
    pub action: CorrectiveAction,
    pub finding_ref: String,
    pub clause: String,
    pub severity: String,
    pub red_line: Option<String>,
    pub description: String,
    pub found_on: NaiveDate,
    pub audit_ref: String,
    pub supplier_code: String,
    pub supplier_name: String,
    pub business_unit: String,
    pub buyer_email: String,
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

type ActionQuery = diesel::dsl::IntoBoxed<
    'static,
    diesel::dsl::InnerJoin<
        diesel::dsl::InnerJoin<
            corrective_actions::table,
            diesel::dsl::InnerJoin<findings::table, audits::table>,
        >,
        suppliers::table,
    >,
    crate::db::DbBackend,
>;

/// An action with its finding, audit and supplier, for the list rows.
fn joined() -> ActionQuery {
    corrective_actions::table
        .inner_join(findings::table.inner_join(audits::table))
        .inner_join(suppliers::table)
        .into_boxed()
}

/// Lists run by due date; a finding's reference breaks ties. The reference
/// is read per row, so the order serves the actions alone (for a page's
/// ids) as well as joined (for their rows).
fn due_order() -> (
    diesel::dsl::Asc<corrective_actions::due_on>,
    diesel::dsl::Asc<diesel::expression::SqlLiteral<diesel::sql_types::Text>>,
) {
    (
        corrective_actions::due_on.asc(),
        diesel::dsl::sql::<diesel::sql_types::Text>(
            "(SELECT finding_ref FROM findings WHERE findings.id = corrective_actions.finding_id)",
        )
        .asc(),
    )
}

impl ActionFilter {
    pub fn problems(&self) -> FieldErrors {
        let mut problems = FieldErrors::new();
        if let Some(s) = present(&self.status) {
            if ActionStatus::parse(s).is_none() {
                problems.insert("status".into(), "action.status_invalid".into());
            }
        }
        if let Some(s) = present(&self.severity) {
            if Severity::parse(s).is_none() {
                problems.insert("severity".into(), "finding.severity_invalid".into());
            }
        }
        if let Some(o) = present(&self.overdue) {
            if values::flag(o, false).is_err() {
                problems.insert("overdue".into(), "field.flag".into());
            }
        }
        for (field, value) in [
            ("due_within", &self.due_within),
            ("stale_days", &self.stale_days),
        ] {
            if let Some(v) = present(value) {
                if v.parse::<i64>().map_or(true, |n| !(0..=3650).contains(&n)) {
                    problems.insert(field.into(), "field.number".into());
                }
            }
        }
        problems
    }

    /// The matching actions, from their own table. Conditions on findings,
    /// audits and suppliers are subqueries, so a count joins nothing and a
    /// page joins only its own rows.
    fn matching(
        &self,
        scope: ActionScope,
        today: NaiveDate,
    ) -> corrective_actions::BoxedQuery<'static, crate::db::DbBackend> {
        // Conditions on other tables as subqueries on the action's own
        // columns (boxed subqueries cannot serve both databases, and the
        // traits a generic function would name are private to Diesel).
        macro_rules! of_suppliers {
            ($predicate:expr) => {
                corrective_actions::supplier_id
                    .eq_any(suppliers::table.filter($predicate).select(suppliers::id))
            };
        }
        macro_rules! of_findings {
            ($predicate:expr) => {
                corrective_actions::finding_id
                    .eq_any(findings::table.filter($predicate).select(findings::id))
            };
        }
        macro_rules! of_audits {
            ($predicate:expr) => {
                corrective_actions::finding_id.eq_any(
                    findings::table
                        .inner_join(audits::table)
                        .filter($predicate)
                        .select(findings::id),
                )
            };
        }
        let mut query = corrective_actions::table.into_boxed();
        match scope {
            ActionScope::All => {}
            ActionScope::Supplier(id) => {
                query = query.filter(corrective_actions::supplier_id.eq(id))
            }
            ActionScope::Auditor(id) => query = query.filter(of_audits!(audits::auditor_id.eq(id))),
        }
        if let Some(q) = present(&self.q) {
            let pattern = like_pattern(q);
            let finding_matches = super::lower(findings::finding_ref)
                .like(pattern.clone())
                .escape('\\')
                .or(super::lower(findings::description)
                    .like(pattern.clone())
                    .escape('\\'));
            query = query.filter(
                of_suppliers!(suppliers::search_text.like(pattern).escape('\\'))
                    .or(of_findings!(finding_matches)),
            );
        }
        if let Some(s) = present(&self.status) {
            query = query.filter(corrective_actions::status.eq(s.to_owned()));
        }
        // Named rather than "not closed", so the (status, due_on) index
        // serves: closed actions are most of the table.
        let open = || {
            corrective_actions::status.eq_any(
                ActionStatus::ALL
                    .into_iter()
                    .filter(|s| *s != ActionStatus::Closed)
                    .map(ActionStatus::as_str),
            )
        };
        if present(&self.overdue).is_some_and(|o| values::flag(o, false) == Ok(true)) {
            query = query
                .filter(open())
                .filter(corrective_actions::due_on.lt(today));
        }
        if let Some(days) = present(&self.due_within).and_then(|d| d.parse::<i64>().ok()) {
            query = query
                .filter(open())
                .filter(corrective_actions::due_on.between(today, today + Duration::days(days)));
        }
        if let Some(days) = present(&self.stale_days).and_then(|d| d.parse::<i64>().ok()) {
            // Work under way (a plan exists) with no entry for `days`.
            let since = today - Duration::days(days);
            query = query
                .filter(corrective_actions::status.eq_any([
                    ActionStatus::PlanSubmitted.as_str(),
                    ActionStatus::InProgress.as_str(),
                ]))
                .filter(
                    corrective_actions::last_progress_on
                        .is_null()
                        .or(corrective_actions::last_progress_on.lt(since)),
                );
        }
        if let Some(bu) = present(&self.business_unit) {
            query = query.filter(of_suppliers!(suppliers::business_unit.eq(bu.to_lowercase())));
        }
        if let Some(b) = present(&self.buyer) {
            query = query.filter(of_suppliers!(suppliers::buyer_email.eq(b.to_lowercase())));
        }
        if let Some(code) = present(&self.supplier) {
            query = query.filter(of_suppliers!(suppliers::code.eq(code.to_owned())));
        }
        if let Some(s) = present(&self.severity) {
            query = query.filter(of_findings!(findings::severity.eq(s.to_lowercase())));
        }
        if let Some(a) = present(&self.audit) {
            query = query.filter(of_audits!(audits::audit_ref.eq(a.to_owned())));
        }
        query
    }

    /// Ids of the matching actions in list order.
    fn ordered_ids(
        &self,
        scope: ActionScope,
        today: NaiveDate,
    ) -> diesel::dsl::Select<
        corrective_actions::BoxedQuery<'static, crate::db::DbBackend>,
        corrective_actions::id,
    > {
        self.matching(scope, today)
            .order(due_order())
            .select(corrective_actions::id)
    }

    pub fn page(
        &self,
        conn: &mut DbConnection,
        scope: ActionScope,
        today: NaiveDate,
        page: i64,
        per_page: i64,
    ) -> QueryResult<Paged<ActionRow>> {
        let total = self.matching(scope, today).count().get_result(conn)?;
        let ids: Vec<i32> = self
            .ordered_ids(scope, today)
            .limit(per_page)
            .offset((page - 1) * per_page)
            .load(conn)?;
        let items = rows_in_order(conn, &ids)?;
        Ok(Paged {
            items,
            total,
            page,
            per_page,
        })
    }

    pub fn all(
        &self,
        conn: &mut DbConnection,
        scope: ActionScope,
        today: NaiveDate,
    ) -> QueryResult<Vec<ActionRow>> {
        let ids: Vec<i32> = self.ordered_ids(scope, today).load(conn)?;
        rows_in_order(conn, &ids)
    }
}

/// The rows of the given actions, in list order (the ids are in list order;
/// each batch is a contiguous run of it).
fn rows_in_order(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<Vec<ActionRow>> {
    let mut rows = Vec::with_capacity(ids.len());
    for batch in ids.chunks(crate::db::BATCH_ROWS) {
        rows.extend(
            joined()
                .filter(corrective_actions::id.eq_any(batch))
                .order(due_order())
                .select(row_columns())
                .load::<ActionRow>(conn)?,
        );
    }
    Ok(rows)
}

#[allow(clippy::type_complexity)]
fn row_columns() -> (
    diesel::dsl::AsSelect<CorrectiveAction, crate::db::DbBackend>,
    findings::finding_ref,
    findings::clause,
    findings::severity,
    findings::red_line,
    findings::description,
    findings::found_on,
    audits::audit_ref,
    suppliers::code,
    suppliers::name,
    suppliers::business_unit,
    suppliers::buyer_email,
) {
    (
        CorrectiveAction::as_select(),
        findings::finding_ref,
        findings::clause,
        findings::severity,
        findings::red_line,
        findings::description,
        findings::found_on,
        audits::audit_ref,
        suppliers::code,
        suppliers::name,
        suppliers::business_unit,
        suppliers::buyer_email,
    )
}

/// One action with everything its page shows.
pub fn row_of(conn: &mut DbConnection, action_id: i32) -> QueryResult<Option<ActionRow>> {
    joined()
        .filter(corrective_actions::id.eq(action_id))
        .select(row_columns())
        .first(conn)
        .optional()
}

/// Audit id → (due, closed) of each of its actions.
pub type DueAndClosed = std::collections::HashMap<i32, Vec<(NaiveDate, Option<NaiveDate>)>>;

/// (due, closed) of every action from the given audits, by audit id: the
/// on-time completion rate of each audit.
pub fn due_and_closed_by_audit(
    conn: &mut DbConnection,
    audit_ids: &[i32],
) -> QueryResult<DueAndClosed> {
    let rows: Vec<(i32, NaiveDate, Option<NaiveDate>)> = corrective_actions::table
        .inner_join(findings::table)
        .filter(findings::audit_id.eq_any(audit_ids))
        .select((
            findings::audit_id,
            corrective_actions::due_on,
            corrective_actions::closed_on,
        ))
        .load(conn)?;
    let mut by_audit: std::collections::HashMap<i32, Vec<_>> = std::collections::HashMap::new();
    for (audit, due, closed) in rows {
        by_audit.entry(audit).or_default().push((due, closed));
    }
    Ok(by_audit)
}

/// Filters of the findings list (API).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FindingFilter {
    pub audit: Option<String>,
    pub supplier: Option<String>,
    pub severity: Option<String>,
    pub red_line: Option<String>,
}

/// A finding with its audit and supplier.
#[derive(Debug, Clone, Queryable, Serialize, utoipa::ToSchema)]
pub struct FindingRow {
    #[serde(flatten)]
    pub finding: Finding,
    pub audit_ref: String,
    pub supplier_code: String,
}

impl FindingFilter {
    pub fn page(
        &self,
        conn: &mut DbConnection,
        scope: ActionScope,
        page: i64,
        per_page: i64,
    ) -> QueryResult<Paged<FindingRow>> {
        let query = || {
            let mut query = findings::table
                .inner_join(audits::table.inner_join(suppliers::table))
                .into_boxed();
            match scope {
                ActionScope::All => {}
                ActionScope::Supplier(id) => query = query.filter(audits::supplier_id.eq(id)),
                ActionScope::Auditor(id) => query = query.filter(audits::auditor_id.eq(id)),
            }
            if let Some(a) = present(&self.audit) {
                query = query.filter(audits::audit_ref.eq(a.to_owned()));
            }
            if let Some(s) = present(&self.supplier) {
                query = query.filter(suppliers::code.eq(s.to_owned()));
            }
            if let Some(s) = present(&self.severity) {
                query = query.filter(findings::severity.eq(s.to_lowercase()));
            }
            if let Some(r) = present(&self.red_line) {
                query = query.filter(findings::red_line.eq(r.to_owned()));
            }
            query
        };
        let total = query().count().get_result(conn)?;
        let items = query()
            .order(findings::finding_ref)
            .limit(per_page)
            .offset((page - 1) * per_page)
            .select((Finding::as_select(), audits::audit_ref, suppliers::code))
            .load(conn)?;
        Ok(Paged {
            items,
            total,
            page,
            per_page,
        })
    }
}

/// An action the reminder rules look at, with what its e-mails show.
#[derive(Debug, Clone, Queryable)]
pub struct ReminderCandidate {
    pub id: i32,
    pub status: String,
    pub due_on: NaiveDate,
    pub last_progress_on: Option<NaiveDate>,
    pub percent_done: i32,
    pub updated_at: NaiveDateTime,
    pub finding_ref: String,
    pub clause: String,
    pub severity: String,
    pub description: String,
    pub supplier_code: String,
    pub supplier_name: String,
    pub supplier_name_local: String,
    pub country: String,
    pub business_unit: String,
    pub contact_email: String,
    pub buyer_email: String,
}

/// Every open action that a reminder rule could concern today, in one
/// query: due by `today + horizon_days` (before-due, due-date, overdue,
/// escalation and digest rules), or with work under way (no-progress rule).
pub fn reminder_candidates(
    conn: &mut DbConnection,
    today: NaiveDate,
    horizon_days: i64,
) -> QueryResult<Vec<ReminderCandidate>> {
    corrective_actions::table
        .inner_join(findings::table)
        .inner_join(suppliers::table)
        .filter(corrective_actions::status.ne(ActionStatus::Closed.as_str()))
        .filter(
            corrective_actions::due_on
                .le(today + Duration::days(horizon_days))
                .or(corrective_actions::status.eq_any([
                    ActionStatus::PlanSubmitted.as_str(),
                    ActionStatus::InProgress.as_str(),
                ])),
        )
        .order(corrective_actions::id)
        .select((
            corrective_actions::id,
            corrective_actions::status,
            corrective_actions::due_on,
            corrective_actions::last_progress_on,
            corrective_actions::percent_done,
            corrective_actions::updated_at,
            findings::finding_ref,
            findings::clause,
            findings::severity,
            findings::description,
            suppliers::code,
            suppliers::name,
            suppliers::name_local,
            suppliers::country,
            suppliers::business_unit,
            suppliers::contact_email,
            suppliers::buyer_email,
        ))
        .load(conn)
}
