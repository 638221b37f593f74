//! Replacement plans (DESIGN §2.8): a smelter that is not RMAP-conformant in
//! a supplier's latest CMRT/EMRT opens a plan for that supplier — replace
//! the smelter, or have it enrol in RMAP — with a due date, an owner and a
//! status. A plan closes by itself when the smelter becomes conformant in the
//! reference or is gone from the supplier's latest file.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

use super::audit_log::{self, Actor};
use super::{now, Paged};
use crate::db::schema::{
    mineral_submissions, replacement_plans, smelter_declarations, smelters, suppliers,
};
use crate::db::DbConnection;
use crate::domain::minerals::{
    needs_plan, plan_due, PlanAction, PlanStatus, RmapStatus, CLOSED_BY_HAND, CLOSED_CONFORMANT,
    CLOSED_REMOVED,
};
use crate::domain::values;
use crate::error::{AppError, FieldErrors};

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = replacement_plans)]
pub struct Plan {
    pub id: i32,
    #[serde(skip)]
    pub supplier_id: i32,
    #[serde(skip)]
    pub smelter_ref_id: i32,
    pub opened_on: NaiveDate,
    pub due_on: NaiveDate,
    pub action: String,
    pub owner_email: String,
    pub status: String,
    pub closed_on: Option<NaiveDate>,
    pub close_reason: String,
    pub note: String,
    #[serde(skip)]
    pub created_at: NaiveDateTime,
    #[serde(skip)]
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

impl Plan {
    pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Option<Plan>> {
        replacement_plans::table
            .find(id)
            .select(Plan::as_select())
            .get_result(conn)
            .optional()
    }

    pub fn is_closed(&self) -> bool {
        self.status == PlanStatus::Closed.as_str()
    }

    /// Not closed and past its due date (derived, never stored).
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        !self.is_closed() && today > self.due_on
    }
}

/// What a plan audit-log entry records.
fn snapshot(p: &Plan) -> serde_json::Value {
    serde_json::to_value(p).unwrap_or_default()
}

fn entity_id(p: &Plan) -> String {
    p.id.to_string()
}

/// The latest submission of each supplier and template (the highest year).
fn latest_submissions(
    conn: &mut DbConnection,
    supplier_ids: Option<&[i32]>,
) -> QueryResult<Vec<(i32, i32)>> {
    let mut all: Vec<(i32, i32, i32, String)> = Vec::new();
    let base = || {
        mineral_submissions::table.select((
            mineral_submissions::id,
            mineral_submissions::supplier_id,
            mineral_submissions::year,
            mineral_submissions::template,
        ))
    };
    match supplier_ids {
        Some(ids) => {
            for chunk in ids.chunks(500) {
                all.extend(
                    base()
                        .filter(mineral_submissions::supplier_id.eq_any(chunk))
                        .load::<(i32, i32, i32, String)>(conn)?,
                );
            }
        }
        None => all = base().load(conn)?,
    }
    let mut latest: HashMap<(i32, String), (i32, i32)> = HashMap::new();
    for (id, supplier_id, year, template) in all {
        let entry = latest.entry((supplier_id, template)).or_insert((year, id));
        if year > entry.0 {
            *entry = (year, id);
        }
    }
    Ok(latest
        .into_iter()
        .map(|((supplier_id, _), (_, id))| (id, supplier_id))
        .collect())
}

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncCounts {
    pub opened: usize,
    pub closed: usize,
}

/// Brings the plans of the given suppliers (all when `None`) in line with
/// their latest files and the reference: a smelter that is not conformant
/// gets an open plan; an open plan whose smelter became conformant, or is no
/// longer listed, closes. `today` dates what opens and closes.
pub fn sync(
    conn: &mut DbConnection,
    actor: &Actor,
    supplier_ids: Option<&[i32]>,
    today: NaiveDate,
) -> Result<SyncCounts, AppError> {
    let latest = latest_submissions(conn, supplier_ids)?;
    let latest_ids: Vec<i32> = latest.iter().map(|(id, _)| *id).collect();
    let mut wanted: HashSet<(i32, i32)> = HashSet::new();
    for chunk in latest_ids.chunks(500) {
        let pairs: Vec<(i32, i32, String)> = smelter_declarations::table
            .inner_join(mineral_submissions::table)
            .inner_join(smelters::table)
            .filter(smelter_declarations::submission_id.eq_any(chunk))
            .select((
                mineral_submissions::supplier_id,
                smelters::id,
                smelters::rmap_status,
            ))
            .distinct()
            .load(conn)?;
        for (supplier_id, smelter_id, status) in pairs {
            if needs_plan(RmapStatus::parse(&status)) {
                wanted.insert((supplier_id, smelter_id));
            }
        }
    }

    let mut open_query = replacement_plans::table
        .filter(replacement_plans::status.ne(PlanStatus::Closed.as_str()))
        .select(Plan::as_select())
        .into_boxed();
    if let Some(ids) = supplier_ids {
        open_query = open_query.filter(replacement_plans::supplier_id.eq_any(ids.to_vec()));
    }
    let open: Vec<Plan> = open_query.load(conn)?;
    let open_pairs: HashSet<(i32, i32)> = open
        .iter()
        .map(|p| (p.supplier_id, p.smelter_ref_id))
        .collect();

    let mut counts = SyncCounts::default();
    let closing: Vec<&Plan> = open
        .iter()
        .filter(|p| !wanted.contains(&(p.supplier_id, p.smelter_ref_id)))
        .collect();
    if !closing.is_empty() {
        let smelter_ids: Vec<i32> = closing.iter().map(|p| p.smelter_ref_id).collect();
        let statuses = super::smelter::by_ids(conn, &smelter_ids)?;
        for plan in closing {
            let conformant = statuses
                .get(&plan.smelter_ref_id)
                .is_some_and(|s| s.is_conformant());
            let reason = if conformant {
                CLOSED_CONFORMANT
            } else {
                CLOSED_REMOVED
            };
            close(conn, actor, plan, reason, today)?;
            counts.closed += 1;
        }
    }

    let mut opening: Vec<(i32, i32)> = wanted
        .into_iter()
        .filter(|pair| !open_pairs.contains(pair))
        .collect();
    opening.sort_unstable();
    if !opening.is_empty() {
        let supplier_list: Vec<i32> = opening.iter().map(|(s, _)| *s).collect();
        let owners: HashMap<i32, String> = {
            let mut found = HashMap::new();
            for chunk in supplier_list.chunks(500) {
                found.extend(
                    suppliers::table
                        .filter(suppliers::id.eq_any(chunk))
                        .select((suppliers::id, suppliers::buyer_email))
                        .load::<(i32, String)>(conn)?,
                );
            }
            found
        };
        let at = now();
        for (supplier_id, smelter_id) in opening {
            let mut plan = Plan {
                id: 0,
                supplier_id,
                smelter_ref_id: smelter_id,
                opened_on: today,
                due_on: plan_due(today),
                action: PlanAction::Undecided.as_str().to_owned(),
                owner_email: owners.get(&supplier_id).cloned().unwrap_or_default(),
                status: PlanStatus::Open.as_str().to_owned(),
                closed_on: None,
                close_reason: String::new(),
                note: String::new(),
                created_at: at,
                updated_at: at,
                version: 1,
            };
            plan.id = diesel::insert_into(replacement_plans::table)
                .values((
                    replacement_plans::supplier_id.eq(plan.supplier_id),
                    replacement_plans::smelter_ref_id.eq(plan.smelter_ref_id),
                    replacement_plans::opened_on.eq(plan.opened_on),
                    replacement_plans::due_on.eq(plan.due_on),
                    replacement_plans::action.eq(&plan.action),
                    replacement_plans::owner_email.eq(&plan.owner_email),
                    replacement_plans::status.eq(&plan.status),
                    replacement_plans::close_reason.eq(&plan.close_reason),
                    replacement_plans::note.eq(&plan.note),
                    replacement_plans::created_at.eq(plan.created_at),
                    replacement_plans::updated_at.eq(plan.updated_at),
                    replacement_plans::version.eq(plan.version),
                ))
                .returning(replacement_plans::id)
                .get_result(conn)?;
            audit_log::record::<(), _>(
                conn,
                actor,
                "replacement_plan",
                &entity_id(&plan),
                "open",
                None,
                Some(&snapshot(&plan)),
            )?;
            counts.opened += 1;
        }
    }
    Ok(counts)
}

fn close(
    conn: &mut DbConnection,
    actor: &Actor,
    plan: &Plan,
    reason: &str,
    today: NaiveDate,
) -> Result<(), AppError> {
    diesel::update(replacement_plans::table.find(plan.id))
        .set((
            replacement_plans::status.eq(PlanStatus::Closed.as_str()),
            replacement_plans::closed_on.eq(Some(today)),
            replacement_plans::close_reason.eq(reason),
            replacement_plans::updated_at.eq(now()),
            replacement_plans::version.eq(plan.version + 1),
        ))
        .execute(conn)?;
    let after = Plan::find(conn, plan.id)?.ok_or(AppError::NotFound)?;
    audit_log::record(
        conn,
        actor,
        "replacement_plan",
        &entity_id(plan),
        &format!("close_{reason}"),
        Some(&snapshot(plan)),
        Some(&snapshot(&after)),
    )?;
    Ok(())
}

/// A plan as the edit form gives it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PlanInput {
    pub action: String,
    pub due_on: String,
    pub owner_email: String,
    pub status: String,
    pub note: String,
}

impl PlanInput {
    pub fn from_plan(p: &Plan) -> Self {
        PlanInput {
            action: p.action.clone(),
            due_on: p.due_on.to_string(),
            owner_email: p.owner_email.clone(),
            status: p.status.clone(),
            note: p.note.clone(),
        }
    }
}

/// Checked edit of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanFields {
    pub action: PlanAction,
    pub due_on: NaiveDate,
    pub owner_email: String,
    pub status: PlanStatus,
    pub note: String,
}

impl PlanInput {
    pub fn check(&self) -> Result<PlanFields, FieldErrors> {
        let mut problems = FieldErrors::new();
        let action = PlanAction::parse(&self.action);
        if action.is_none() {
            problems.insert("action".into(), "field.plan_action".into());
        }
        let status = PlanStatus::parse(&self.status);
        if status.is_none() {
            problems.insert("status".into(), "field.plan_status".into());
        }
        let due_on = if self.due_on.trim().is_empty() {
            problems.insert("due_on".into(), "field.required".into());
            None
        } else {
            values::date(&self.due_on)
                .map_err(|key| problems.insert("due_on".into(), key.into()))
                .ok()
        };
        let owner_email = values::email(&self.owner_email)
            .map_err(|key| problems.insert("owner_email".into(), key.into()))
            .ok();
        let note = values::text(&self.note, 2000, false)
            .map_err(|key| problems.insert("note".into(), key.into()))
            .ok();
        match (action, status, due_on, owner_email, note) {
            (Some(action), Some(status), Some(due_on), Some(owner_email), Some(note))
                if problems.is_empty() =>
            {
                Ok(PlanFields {
                    action,
                    due_on,
                    owner_email,
                    status,
                    note,
                })
            }
            _ => Err(problems),
        }
    }
}

/// Saves an edit if the plan still has `version`. Closing by hand records
/// the reason `manual`; a closed plan is not edited any more.
pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    before: &Plan,
    version: i32,
    fields: &PlanFields,
    today: NaiveDate,
) -> Result<Plan, AppError> {
    if before.is_closed() {
        return Err(AppError::BadInput(
            "this plan is closed; a new file or a status change opens a new one".into(),
        ));
    }
    let closing = fields.status == PlanStatus::Closed;
    let changed = diesel::update(
        replacement_plans::table
            .filter(replacement_plans::id.eq(before.id))
            .filter(replacement_plans::version.eq(version)),
    )
    .set((
        replacement_plans::action.eq(fields.action.as_str()),
        replacement_plans::due_on.eq(fields.due_on),
        replacement_plans::owner_email.eq(&fields.owner_email),
        replacement_plans::status.eq(fields.status.as_str()),
        replacement_plans::note.eq(&fields.note),
        replacement_plans::closed_on.eq(if closing { Some(today) } else { None }),
        replacement_plans::close_reason.eq(if closing { CLOSED_BY_HAND } else { "" }),
        replacement_plans::updated_at.eq(now()),
        replacement_plans::version.eq(version + 1),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Err(audit_log::stale(
            conn,
            "replacement_plan",
            &entity_id(before),
        )?);
    }
    let after = Plan::find(conn, before.id)?.ok_or(AppError::NotFound)?;
    audit_log::record(
        conn,
        actor,
        "replacement_plan",
        &entity_id(before),
        "update",
        Some(&snapshot(before)),
        Some(&snapshot(&after)),
    )?;
    Ok(after)
}

/// A plan with its supplier and smelter, for lists.
#[derive(Debug, Clone, Serialize)]
pub struct PlanRow {
    #[serde(flatten)]
    pub plan: Plan,
    pub supplier_code: String,
    pub supplier_name: String,
    pub smelter_id: String,
    pub metal: String,
    pub smelter_name: String,
    pub rmap_status: String,
    pub overdue: bool,
}

/// Filters of the plan list (page, export and API).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PlanFilter {
    pub status: Option<String>,
    pub overdue: Option<String>,
    pub supplier: Option<String>,
    pub smelter: Option<String>,
    pub business_unit: Option<String>,
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

type PlanQuery<'a> = diesel::dsl::IntoBoxed<
    'a,
    diesel::dsl::InnerJoin<
        diesel::dsl::InnerJoin<replacement_plans::table, suppliers::table>,
        smelters::table,
    >,
    crate::db::DbBackend,
>;

impl PlanFilter {
    pub fn problems(&self) -> FieldErrors {
        let mut problems = FieldErrors::new();
        if let Some(s) = present(&self.status) {
            if s != "not_closed" && PlanStatus::parse(s).is_none() {
                problems.insert("status".into(), "field.plan_status".into());
            }
        }
        if let Some(o) = present(&self.overdue) {
            if values::flag(o, false).is_err() {
                problems.insert("overdue".into(), "field.flag".into());
            }
        }
        problems
    }

    fn overdue_only(&self) -> bool {
        present(&self.overdue).is_some_and(|o| values::flag(o, false).unwrap_or(false))
    }

    fn query(&self, today: NaiveDate) -> PlanQuery<'static> {
        let mut query = replacement_plans::table
            .inner_join(suppliers::table)
            .inner_join(smelters::table)
            .into_boxed();
        match present(&self.status) {
            Some("not_closed") => {
                query = query.filter(replacement_plans::status.ne(PlanStatus::Closed.as_str()))
            }
            Some(s) => query = query.filter(replacement_plans::status.eq(s.to_owned())),
            None => {}
        }
        if self.overdue_only() {
            query = query
                .filter(replacement_plans::status.ne(PlanStatus::Closed.as_str()))
                .filter(replacement_plans::due_on.lt(today));
        }
        if let Some(code) = present(&self.supplier) {
            query = query.filter(suppliers::code.eq(code.to_owned()));
        }
        if let Some(id) = present(&self.smelter) {
            query = query.filter(smelters::smelter_id.eq(id.to_uppercase()));
        }
        if let Some(bu) = present(&self.business_unit) {
            query = query.filter(suppliers::business_unit.eq(bu.to_lowercase()));
        }
        query
    }

    fn rows(
        &self,
        conn: &mut DbConnection,
        today: NaiveDate,
        page: Option<(i64, i64)>,
    ) -> QueryResult<Vec<PlanRow>> {
        let mut query = self
            .query(today)
            .order((
                replacement_plans::due_on.asc(),
                suppliers::code.asc(),
                smelters::smelter_id.asc(),
            ))
            .select((
                Plan::as_select(),
                suppliers::code,
                suppliers::name,
                smelters::smelter_id,
                smelters::metal,
                smelters::name,
                smelters::rmap_status,
            ));
        if let Some((page, per_page)) = page {
            query = query.limit(per_page).offset((page - 1) * per_page);
        }
        let rows: Vec<(Plan, String, String, String, String, String, String)> = query.load(conn)?;
        Ok(rows
            .into_iter()
            .map(
                |(
                    plan,
                    supplier_code,
                    supplier_name,
                    smelter_id,
                    metal,
                    smelter_name,
                    rmap_status,
                )| {
                    PlanRow {
                        overdue: plan.is_overdue(today),
                        plan,
                        supplier_code,
                        supplier_name,
                        smelter_id,
                        metal,
                        smelter_name,
                        rmap_status,
                    }
                },
            )
            .collect())
    }

    pub fn page(
        &self,
        conn: &mut DbConnection,
        today: NaiveDate,
        page: i64,
        per_page: i64,
    ) -> QueryResult<Paged<PlanRow>> {
        let total = self.query(today).count().get_result(conn)?;
        let items = self.rows(conn, today, Some((page, per_page)))?;
        Ok(Paged {
            items,
            total,
            page,
            per_page,
        })
    }

    pub fn all(&self, conn: &mut DbConnection, today: NaiveDate) -> QueryResult<Vec<PlanRow>> {
        self.rows(conn, today, None)
    }
}

/// One plan with its supplier and smelter.
pub fn row(conn: &mut DbConnection, id: i32, today: NaiveDate) -> QueryResult<Option<PlanRow>> {
    let found: Option<(Plan, String, String, String, String, String, String)> =
        replacement_plans::table
            .inner_join(suppliers::table)
            .inner_join(smelters::table)
            .filter(replacement_plans::id.eq(id))
            .select((
                Plan::as_select(),
                suppliers::code,
                suppliers::name,
                smelters::smelter_id,
                smelters::metal,
                smelters::name,
                smelters::rmap_status,
            ))
            .first(conn)
            .optional()?;
    Ok(found.map(
        |(plan, supplier_code, supplier_name, smelter_id, metal, smelter_name, rmap_status)| {
            PlanRow {
                overdue: plan.is_overdue(today),
                plan,
                supplier_code,
                supplier_name,
                smelter_id,
                metal,
                smelter_name,
                rmap_status,
            }
        },
    ))
}

/// Plans that are past due, for reminders' digests: not closed, due before
/// `today`.
pub fn overdue(conn: &mut DbConnection, today: NaiveDate) -> QueryResult<Vec<PlanRow>> {
    PlanFilter {
        overdue: Some("true".into()),
        ..PlanFilter::default()
    }
    .all(conn, today)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_edits_are_checked() {
        let ok = PlanInput {
            action: "replace".into(),
            due_on: "2022-06-30".into(),
            owner_email: " Buyer@Example.com ".into(),
            status: "in_progress".into(),
            note: "asked supplier".into(),
        };
        let fields = ok.check().unwrap();
        assert_eq!(fields.action, PlanAction::Replace);
        assert_eq!(fields.owner_email, "buyer@example.com");
        assert_eq!(fields.status, PlanStatus::InProgress);
        let bad = PlanInput {
            action: "burn".into(),
            due_on: "30.06.2022".into(),
            owner_email: "x@".into(),
            status: "done".into(),
            note: String::new(),
        };
        let problems = bad.check().unwrap_err();
        assert_eq!(problems["action"], "field.plan_action");
        assert_eq!(problems["due_on"], "field.date");
        assert_eq!(problems["owner_email"], "field.email");
        assert_eq!(problems["status"], "field.plan_status");
    }
}
