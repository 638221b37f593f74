//! Capability-building training (DESIGN §2.9): sessions (date, topic,
//! format, provider) with attendance per supplier (number of people), and
//! the year's training figures (§4).

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::dsl::{count, count_star, sum};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use super::audit_log::{self, Actor};
use super::supplier::{Supplier, SupplierBrief};
use super::{like_pattern, loose_text, lower, now, Paged};
use crate::db::schema::{suppliers, training_attendance, training_sessions};
use crate::db::DbConnection;
use crate::domain::esg::{TrainingFigures, TRAINING_FORMATS};
use crate::domain::values;
use crate::error::{AppError, FieldErrors};

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = training_sessions)]
pub struct Session {
    #[serde(skip)]
    pub id: i32,
    pub session_ref: String,
    pub held_on: NaiveDate,
    pub topic: String,
    pub format: String,
    pub provider: String,
    #[serde(skip)]
    pub created_by: Option<i32>,
    #[serde(skip)]
    pub created_at: NaiveDateTime,
    #[serde(skip)]
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

impl Session {
    pub fn by_ref(conn: &mut DbConnection, session_ref: &str) -> QueryResult<Option<Session>> {
        training_sessions::table
            .filter(training_sessions::session_ref.eq(session_ref.trim()))
            .select(Session::as_select())
            .first(conn)
            .optional()
    }

    fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Session> {
        training_sessions::table
            .find(id)
            .select(Session::as_select())
            .get_result(conn)
    }
}

/// A session as typed into the form, a file row or an API body (§5 names).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SessionInput {
    #[serde(deserialize_with = "loose_text")]
    pub session_ref: String,
    #[serde(deserialize_with = "loose_text")]
    pub held_on: String,
    #[serde(deserialize_with = "loose_text")]
    pub topic: String,
    #[serde(deserialize_with = "loose_text")]
    pub format: String,
    #[serde(deserialize_with = "loose_text")]
    pub provider: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionFields {
    pub session_ref: String,
    pub held_on: NaiveDate,
    pub topic: String,
    pub format: String,
    pub provider: String,
}

impl SessionFields {
    pub fn same_as(&self, s: &Session) -> bool {
        self.held_on == s.held_on
            && self.topic == s.topic
            && self.format == s.format
            && self.provider == s.provider
    }
}

impl SessionInput {
    pub fn from_session(s: &Session) -> Self {
        Self {
            session_ref: s.session_ref.clone(),
            held_on: s.held_on.to_string(),
            topic: s.topic.clone(),
            format: s.format.clone(),
            provider: s.provider.clone(),
        }
    }

    /// A session took place: its date is not in the future.
    pub fn check(&self, today: NaiveDate) -> Result<SessionFields, FieldErrors> {
        let mut problems = FieldErrors::new();
        let mut fail = |field: &str, key: &str| {
            problems.insert(field.to_owned(), key.to_owned());
        };
        let session_ref = values::code(&self.session_ref)
            .map_err(|k| fail("session_ref", k))
            .unwrap_or_default();
        let held_on = match values::past_date(&self.held_on, today) {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                fail("held_on", "field.required");
                None
            }
            Err(k) => {
                fail("held_on", k);
                None
            }
        };
        let topic = values::text(&self.topic, 300, true)
            .map_err(|k| fail("topic", k))
            .unwrap_or_default();
        let format = self.format.trim().to_lowercase();
        if !format.is_empty() && !TRAINING_FORMATS.contains(&format.as_str()) {
            fail("format", "training.format_unknown");
        }
        let provider = values::text(&self.provider, 200, false)
            .map_err(|k| fail("provider", k))
            .unwrap_or_default();
        match held_on {
            Some(held_on) if problems.is_empty() => Ok(SessionFields {
                session_ref,
                held_on,
                topic,
                format,
                provider,
            }),
            _ => Err(problems),
        }
    }
}

/// People of one supplier at a session: a whole number from 1.
pub fn people(value: &str) -> Result<i32, &'static str> {
    let value = value.trim();
    if value.is_empty() {
        return Err("field.required");
    }
    match value.parse::<i64>() {
        Ok(n) if (1..=100_000).contains(&n) => Ok(n as i32),
        Ok(_) => Err("training.people_count"),
        Err(_) => Err("training.people_count"),
    }
}

/// What the audit log keeps of a session.
fn snapshot(s: &Session) -> serde_json::Value {
    serde_json::to_value(s).unwrap_or_default()
}

pub fn insert(
    conn: &mut DbConnection,
    actor: &Actor,
    fields: &SessionFields,
    action: &str,
) -> Result<Session, AppError> {
    let at = now();
    let id: i32 = diesel::insert_into(training_sessions::table)
        .values((
            training_sessions::session_ref.eq(&fields.session_ref),
            training_sessions::held_on.eq(fields.held_on),
            training_sessions::topic.eq(&fields.topic),
            training_sessions::format.eq(&fields.format),
            training_sessions::provider.eq(&fields.provider),
            training_sessions::created_by.eq(actor.user_id),
            training_sessions::created_at.eq(at),
            training_sessions::updated_at.eq(at),
            training_sessions::version.eq(1),
        ))
        .returning(training_sessions::id)
        .get_result(conn)?;
    let session = Session::find(conn, id)?;
    audit_log::record::<(), _>(
        conn,
        actor,
        "training",
        &session.session_ref,
        action,
        None,
        Some(&snapshot(&session)),
    )?;
    Ok(session)
}

/// Saves a session's details if it still has `version` (the reference is
/// its natural key and does not change).
pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    before: &Session,
    version: i32,
    fields: &SessionFields,
    action: &str,
) -> Result<Session, AppError> {
    let changed = diesel::update(
        training_sessions::table
            .filter(training_sessions::id.eq(before.id))
            .filter(training_sessions::version.eq(version)),
    )
    .set((
        training_sessions::held_on.eq(fields.held_on),
        training_sessions::topic.eq(&fields.topic),
        training_sessions::format.eq(&fields.format),
        training_sessions::provider.eq(&fields.provider),
        training_sessions::updated_at.eq(now()),
        training_sessions::version.eq(version + 1),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Err(audit_log::stale(conn, "training", &before.session_ref)?);
    }
    let after = Session::find(conn, before.id)?;
    audit_log::record(
        conn,
        actor,
        "training",
        &after.session_ref,
        action,
        Some(&snapshot(before)),
        Some(&snapshot(&after)),
    )?;
    Ok(after)
}

/// What recording attendance did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attendance {
    Created,
    Updated,
    Unchanged,
}

/// Records that `people` from `supplier` attended (replacing an earlier
/// count for the same supplier). Logged on the session.
pub fn set_attendance(
    conn: &mut DbConnection,
    actor: &Actor,
    session: &Session,
    supplier: &Supplier,
    people: i32,
    action: &str,
) -> Result<Attendance, AppError> {
    let current: Option<i32> = training_attendance::table
        .filter(training_attendance::session_id.eq(session.id))
        .filter(training_attendance::supplier_id.eq(supplier.id))
        .select(training_attendance::people)
        .first(conn)
        .optional()?;
    let outcome = match current {
        Some(n) if n == people => return Ok(Attendance::Unchanged),
        Some(_) => {
            diesel::update(
                training_attendance::table
                    .filter(training_attendance::session_id.eq(session.id))
                    .filter(training_attendance::supplier_id.eq(supplier.id)),
            )
            .set(training_attendance::people.eq(people))
            .execute(conn)?;
            Attendance::Updated
        }
        None => {
            diesel::insert_into(training_attendance::table)
                .values((
                    training_attendance::session_id.eq(session.id),
                    training_attendance::supplier_id.eq(supplier.id),
                    training_attendance::people.eq(people),
                ))
                .execute(conn)?;
            Attendance::Created
        }
    };
    audit_log::record(
        conn,
        actor,
        "training",
        &session.session_ref,
        action,
        current
            .map(|n| serde_json::json!({"supplier_code": supplier.code, "people": n}))
            .as_ref(),
        Some(&serde_json::json!({"supplier_code": supplier.code, "people": people})),
    )?;
    Ok(outcome)
}

#[derive(Insertable)]
#[diesel(table_name = training_attendance)]
pub struct NewAttendance {
    pub session_id: i32,
    pub supplier_id: i32,
    pub people: i32,
}

/// Adds many attendance rows at once (the demo, large imports) for
/// sessions that have none of these suppliers yet.
pub fn insert_attendance(conn: &mut DbConnection, rows: &[NewAttendance]) -> QueryResult<usize> {
    Ok(crate::db::insert_batch!(
        conn,
        training_attendance::table,
        rows
    ))
}

pub fn remove_attendance(
    conn: &mut DbConnection,
    actor: &Actor,
    session: &Session,
    supplier: &SupplierBrief,
) -> Result<(), AppError> {
    let removed = diesel::delete(
        training_attendance::table
            .filter(training_attendance::session_id.eq(session.id))
            .filter(training_attendance::supplier_id.eq(supplier.id)),
    )
    .execute(conn)?;
    if removed == 0 {
        return Err(AppError::NotFound);
    }
    audit_log::record::<_, ()>(
        conn,
        actor,
        "training",
        &session.session_ref,
        "attendance_removed",
        Some(&serde_json::json!({"supplier_code": supplier.code})),
        None,
    )?;
    Ok(())
}

/// Who attended a session: supplier and people, by supplier code.
pub fn attendance(
    conn: &mut DbConnection,
    session_id: i32,
) -> QueryResult<Vec<(SupplierBrief, i32)>> {
    training_attendance::table
        .inner_join(suppliers::table)
        .filter(training_attendance::session_id.eq(session_id))
        .order(suppliers::code)
        .select((SupplierBrief::as_select(), training_attendance::people))
        .load(conn)
}

/// The attendance of the given sessions: session id → (supplier code,
/// people), by supplier code. One query per 500 sessions.
pub fn attendance_for(
    conn: &mut DbConnection,
    session_ids: &[i32],
) -> QueryResult<HashMap<i32, Vec<(String, i32)>>> {
    let mut found: HashMap<i32, Vec<(String, i32)>> = HashMap::new();
    for chunk in session_ids.chunks(500) {
        for (session, code, people) in training_attendance::table
            .inner_join(suppliers::table)
            .filter(training_attendance::session_id.eq_any(chunk))
            .order(suppliers::code)
            .select((
                training_attendance::session_id,
                suppliers::code,
                training_attendance::people,
            ))
            .load::<(i32, String, i32)>(conn)?
        {
            found.entry(session).or_default().push((code, people));
        }
    }
    Ok(found)
}

/// (session ref, supplier code) → people, for the given sessions (imports).
pub fn attendance_of(
    conn: &mut DbConnection,
    session_ids: &[i32],
) -> QueryResult<HashMap<(i32, i32), i32>> {
    let mut found = HashMap::new();
    for chunk in session_ids.chunks(500) {
        for (session, supplier, people) in training_attendance::table
            .filter(training_attendance::session_id.eq_any(chunk))
            .select((
                training_attendance::session_id,
                training_attendance::supplier_id,
                training_attendance::people,
            ))
            .load::<(i32, i32, i32)>(conn)?
        {
            found.insert((session, supplier), people);
        }
    }
    Ok(found)
}

/// Sessions by reference (imports).
pub fn by_refs(conn: &mut DbConnection, refs: &[String]) -> QueryResult<HashMap<String, Session>> {
    let mut found = HashMap::new();
    for chunk in refs.chunks(500) {
        for s in training_sessions::table
            .filter(training_sessions::session_ref.eq_any(chunk))
            .select(Session::as_select())
            .load(conn)?
        {
            found.insert(s.session_ref.clone(), s);
        }
    }
    Ok(found)
}

/// A supplier's trainings: session and its people, newest first.
pub fn for_supplier(conn: &mut DbConnection, supplier_id: i32) -> QueryResult<Vec<(Session, i32)>> {
    training_attendance::table
        .inner_join(training_sessions::table)
        .filter(training_attendance::supplier_id.eq(supplier_id))
        .order(training_sessions::held_on.desc())
        .select((Session::as_select(), training_attendance::people))
        .load(conn)
}

fn year_bounds(year: i32) -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default(),
        NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default(),
    )
}

/// DESIGN §4 `training` for year `year`: distinct suppliers (of the business
/// unit, when given) and the sum of their people over sessions held in the
/// year. One query.
pub fn training_figures(
    conn: &mut DbConnection,
    year: i32,
    business_unit: Option<&str>,
) -> QueryResult<TrainingFigures> {
    let (from, to) = year_bounds(year);
    let mut query = training_attendance::table
        .inner_join(training_sessions::table)
        .inner_join(suppliers::table)
        .filter(training_sessions::held_on.between(from, to))
        .into_boxed();
    if let Some(bu) = business_unit.map(str::trim).filter(|b| !b.is_empty()) {
        query = query.filter(suppliers::business_unit.eq(bu.to_lowercase()));
    }
    let (suppliers, people): (i64, Option<i64>) = query
        .select((
            count(training_attendance::supplier_id).aggregate_distinct(),
            sum(training_attendance::people),
        ))
        .first(conn)?;
    Ok(TrainingFigures {
        suppliers,
        people: people.unwrap_or(0),
    })
}

/// Filters of the session list, shared by the page, the export and the API.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SessionFilter {
    pub q: Option<String>,
    #[param(value_type = Option<i32>)]
    pub year: Option<String>,
    /// A supplier code: sessions it attended.
    pub supplier: Option<String>,
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// A session with its totals.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SessionSummary {
    #[serde(flatten)]
    pub session: Session,
    pub suppliers: i64,
    pub people: i64,
}

impl SessionFilter {
    pub fn problems(&self) -> FieldErrors {
        let mut problems = FieldErrors::new();
        if present(&self.year).is_some() && self.year().is_none() {
            problems.insert("year".into(), "field.number".into());
        }
        problems
    }

    pub fn year(&self) -> Option<i32> {
        present(&self.year).and_then(|y| y.parse().ok())
    }

    fn query(&self) -> training_sessions::BoxedQuery<'static, crate::db::DbBackend> {
        let mut query = training_sessions::table.into_boxed();
        if let Some(q) = present(&self.q) {
            let pattern = like_pattern(q);
            query = query.filter(
                lower(training_sessions::topic)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(lower(training_sessions::session_ref)
                        .like(pattern.clone())
                        .escape('\\'))
                    .or(lower(training_sessions::provider)
                        .like(pattern)
                        .escape('\\')),
            );
        }
        if let Some(y) = self.year() {
            let (from, to) = year_bounds(y);
            query = query.filter(training_sessions::held_on.between(from, to));
        }
        if let Some(code) = present(&self.supplier) {
            query = query.filter(
                training_sessions::id.eq_any(
                    training_attendance::table
                        .inner_join(suppliers::table)
                        .filter(suppliers::code.eq(code.to_owned()))
                        .select(training_attendance::session_id),
                ),
            );
        }
        query
    }

    /// A page of sessions, newest first, with their totals (three queries).
    pub fn page(
        &self,
        conn: &mut DbConnection,
        page: i64,
        per_page: i64,
    ) -> QueryResult<Paged<SessionSummary>> {
        let total = self.query().count().get_result(conn)?;
        let sessions: Vec<Session> = self
            .query()
            .order((
                training_sessions::held_on.desc(),
                training_sessions::session_ref,
            ))
            .limit(per_page)
            .offset((page - 1) * per_page)
            .select(Session::as_select())
            .load(conn)?;
        let items = summaries(conn, sessions)?;
        Ok(Paged {
            items,
            total,
            page,
            per_page,
        })
    }

    /// Every matching session's attendance rows (the §5 `training` rows),
    /// for exports: (session, supplier code, people).
    pub fn attendance_rows(
        &self,
        conn: &mut DbConnection,
    ) -> QueryResult<Vec<(Session, String, i32)>> {
        let ids: Vec<i32> = self.query().select(training_sessions::id).load(conn)?;
        let mut rows = Vec::new();
        for chunk in ids.chunks(500) {
            rows.extend(
                training_attendance::table
                    .inner_join(training_sessions::table)
                    .inner_join(suppliers::table)
                    .filter(training_attendance::session_id.eq_any(chunk))
                    .select((
                        Session::as_select(),
                        suppliers::code,
                        training_attendance::people,
                    ))
                    .load::<(Session, String, i32)>(conn)?,
            );
        }
        rows.sort_by(|(a, code_a, _), (b, code_b, _)| {
            b.held_on
                .cmp(&a.held_on)
                .then_with(|| a.session_ref.cmp(&b.session_ref))
                .then_with(|| code_a.cmp(code_b))
        });
        Ok(rows)
    }
}

fn summaries(conn: &mut DbConnection, sessions: Vec<Session>) -> QueryResult<Vec<SessionSummary>> {
    let ids: Vec<i32> = sessions.iter().map(|s| s.id).collect();
    let totals: HashMap<i32, (i64, Option<i64>)> = training_attendance::table
        .filter(training_attendance::session_id.eq_any(&ids))
        .group_by(training_attendance::session_id)
        .select((
            training_attendance::session_id,
            count_star(),
            sum(training_attendance::people),
        ))
        .load::<(i32, i64, Option<i64>)>(conn)?
        .into_iter()
        .map(|(id, n, people)| (id, (n, people)))
        .collect();
    Ok(sessions
        .into_iter()
        .map(|session| {
            let (suppliers, people) = totals.get(&session.id).copied().unwrap_or((0, None));
            SessionSummary {
                session,
                suppliers,
                people: people.unwrap_or(0),
            }
        })
        .collect())
}

/// The years that have sessions, newest first, with their figures (for the
/// list's summary): one query for the dates, one per year for the figures.
pub fn yearly_figures(conn: &mut DbConnection) -> QueryResult<Vec<(i32, TrainingFigures)>> {
    let dates: Vec<NaiveDate> = training_sessions::table
        .select(training_sessions::held_on)
        .distinct()
        .load(conn)?;
    let mut years: Vec<i32> = dates.iter().map(|d| d.year()).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    years
        .into_iter()
        .take(5)
        .map(|y| Ok((y, training_figures(conn, y, None)?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_took_place_and_has_a_topic() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let input = SessionInput {
            session_ref: "TR-2021-01".into(),
            held_on: "2021-04-20".into(),
            topic: "RBA Code of Conduct 7.0".into(),
            format: "Online".into(),
            provider: "RBA".into(),
        };
        let f = input.check(today).unwrap();
        assert_eq!(f.format, "online");
        let bad = SessionInput {
            held_on: "2027-01-01".into(),
            topic: " ".into(),
            format: "carrier pigeon".into(),
            ..input
        }
        .check(today)
        .unwrap_err();
        assert_eq!(bad["held_on"], "field.future_date");
        assert_eq!(bad["topic"], "field.required");
        assert_eq!(bad["format"], "training.format_unknown");
    }

    #[test]
    fn people_are_whole_and_positive() {
        assert_eq!(people(" 12 "), Ok(12));
        assert_eq!(people("0"), Err("training.people_count"));
        assert_eq!(people("-3"), Err("training.people_count"));
        assert_eq!(people("2.5"), Err("training.people_count"));
        assert_eq!(people(""), Err("field.required"));
    }
}
