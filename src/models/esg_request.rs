//! ESG data requests (DESIGN §2.9): procurement asks every supplier in scope
//! for year Y's data and sees who has answered. A campaign keeps its
//! recipients; a supplier has answered when its ESG data for Y exists
//! (derived, never stored). The reminder engine picks up the recipients
//! that have not answered ([`awaiting`]) and records each reminder in
//! `last_reminded_at` / `reminders_sent`; this module sends nothing.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::{count_star, exists, not};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::audit_log::{self, Actor};
use super::supplier::SupplierBrief;
use super::{like_pattern, loose_text, now, Paged};
use crate::db::schema::{esg_data, esg_request_recipients, esg_requests, suppliers};
use crate::db::DbConnection;
use crate::domain::esg;
use crate::domain::values;
use crate::error::{AppError, FieldErrors};

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = esg_requests)]
pub struct EsgRequest {
    pub id: i32,
    pub year: i32,
    /// "" = every business unit.
    pub business_unit: String,
    pub due_on: Option<NaiveDate>,
    pub message: String,
    #[serde(skip)]
    pub created_by: Option<i32>,
    pub created_at: NaiveDateTime,
}

impl EsgRequest {
    pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Option<EsgRequest>> {
        esg_requests::table
            .find(id)
            .select(EsgRequest::as_select())
            .get_result(conn)
            .optional()
    }

    /// The audit-log id: `2021/phones`, `2021/all`.
    pub fn entity_id(&self) -> String {
        entity_id(self.year, &self.business_unit)
    }
}

fn entity_id(year: i32, business_unit: &str) -> String {
    let scope = if business_unit.is_empty() {
        "all"
    } else {
        business_unit
    };
    format!("{year}/{scope}")
}

/// A campaign as typed into the form or sent to the API.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RequestInput {
    #[serde(deserialize_with = "loose_text")]
    pub year: String,
    #[serde(deserialize_with = "loose_text")]
    pub business_unit: String,
    #[serde(deserialize_with = "loose_text")]
    pub due_on: String,
    #[serde(deserialize_with = "loose_text")]
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RequestFields {
    pub year: i32,
    pub business_unit: String,
    pub due_on: Option<NaiveDate>,
    pub message: String,
}

impl RequestInput {
    pub fn check(&self, today: NaiveDate) -> Result<RequestFields, FieldErrors> {
        let mut problems = FieldErrors::new();
        let year = esg::year(&self.year, today)
            .map_err(|key| problems.insert("year".into(), key.into()))
            .unwrap_or_default();
        let business_unit = match self.business_unit.trim() {
            "" => String::new(),
            bu => values::slug(bu)
                .map_err(|key| problems.insert("business_unit".into(), key.into()))
                .unwrap_or_default(),
        };
        let due_on = match self.due_on.trim() {
            "" => None,
            d => match values::date(d) {
                Ok(date) if date < today => {
                    problems.insert("due_on".into(), "esg.due_in_past".into());
                    None
                }
                Ok(date) => Some(date),
                Err(key) => {
                    problems.insert("due_on".into(), key.into());
                    None
                }
            },
        };
        let message = values::text(&self.message, 2000, false)
            .map_err(|key| problems.insert("message".into(), key.into()))
            .unwrap_or_default();
        if problems.is_empty() {
            Ok(RequestFields {
                year,
                business_unit,
                due_on,
                message,
            })
        } else {
            Err(problems)
        }
    }
}

/// Suppliers a request for year Y goes to: approved production suppliers
/// of the business unit (all when empty), approved by the end of Y.
fn in_scope(conn: &mut DbConnection, year: i32, business_unit: &str) -> QueryResult<Vec<i32>> {
    let year_end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    let mut query = suppliers::table
        .filter(suppliers::production.eq(true))
        .filter(suppliers::status.eq("approved"))
        .filter(suppliers::approved_on.le(year_end))
        .into_boxed();
    if !business_unit.is_empty() {
        query = query.filter(suppliers::business_unit.eq(business_unit.to_owned()));
    }
    query.select(suppliers::id).order(suppliers::id).load(conn)
}

#[derive(Insertable)]
#[diesel(table_name = esg_request_recipients)]
#[diesel(treat_none_as_default_value = false)]
struct NewRecipient {
    request_id: i32,
    supplier_id: i32,
    added_at: NaiveDateTime,
    last_reminded_at: Option<NaiveDateTime>,
    reminders_sent: i32,
}

/// What sending a request did.
pub struct Sent {
    pub request: EsgRequest,
    pub created: bool,
    /// Recipients added now (all of them for a new campaign; for an existing
    /// one, the suppliers that came into scope since).
    pub added: usize,
}

/// Starts the campaign for (year, business unit), or, when it exists,
/// updates its due date and message and adds suppliers that came into scope
/// since. Logged.
pub fn send(
    conn: &mut DbConnection,
    actor: &Actor,
    fields: &RequestFields,
) -> Result<Result<Sent, FieldErrors>, AppError> {
    let scope = in_scope(conn, fields.year, &fields.business_unit)?;
    if scope.is_empty() {
        return Ok(Err(FieldErrors::from([(
            "business_unit".to_owned(),
            "esg.request_nobody".to_owned(),
        )])));
    }
    let existing: Option<EsgRequest> = esg_requests::table
        .filter(esg_requests::year.eq(fields.year))
        .filter(esg_requests::business_unit.eq(&fields.business_unit))
        .select(EsgRequest::as_select())
        .first(conn)
        .optional()?;
    let created = existing.is_none();
    let request_id = match &existing {
        Some(r) => {
            diesel::update(esg_requests::table.find(r.id))
                .set((
                    esg_requests::due_on.eq(fields.due_on),
                    esg_requests::message.eq(&fields.message),
                ))
                .execute(conn)?;
            r.id
        }
        None => diesel::insert_into(esg_requests::table)
            .values((
                esg_requests::year.eq(fields.year),
                esg_requests::business_unit.eq(&fields.business_unit),
                esg_requests::due_on.eq(fields.due_on),
                esg_requests::message.eq(&fields.message),
                esg_requests::created_by.eq(actor.user_id),
                esg_requests::created_at.eq(now()),
            ))
            .returning(esg_requests::id)
            .get_result(conn)?,
    };
    let already: std::collections::HashSet<i32> = esg_request_recipients::table
        .filter(esg_request_recipients::request_id.eq(request_id))
        .select(esg_request_recipients::supplier_id)
        .load::<i32>(conn)?
        .into_iter()
        .collect();
    let at = now();
    let new_rows: Vec<NewRecipient> = scope
        .into_iter()
        .filter(|id| !already.contains(id))
        .map(|supplier_id| NewRecipient {
            request_id,
            supplier_id,
            added_at: at,
            last_reminded_at: None,
            reminders_sent: 0,
        })
        .collect();
    let added = crate::db::insert_batch!(conn, esg_request_recipients::table, new_rows);
    let request = EsgRequest::find(conn, request_id)?.ok_or(AppError::NotFound)?;
    audit_log::record::<(), _>(
        conn,
        actor,
        "esg_request",
        &request.entity_id(),
        if created { "request" } else { "request_again" },
        None,
        Some(&serde_json::json!({
            "year": request.year,
            "business_unit": request.business_unit,
            "due_on": request.due_on,
            "recipients_added": added,
        })),
    )?;
    Ok(Ok(Sent {
        request,
        created,
        added,
    }))
}

/// A campaign with how many it asked and how many have answered.
#[derive(Debug, Clone, Serialize)]
pub struct RequestSummary {
    #[serde(flatten)]
    pub request: EsgRequest,
    pub recipients: i64,
    pub answered: i64,
}

impl RequestSummary {
    pub fn answered_pct(&self) -> Option<f64> {
        esg::share_pct(self.answered, self.recipients)
    }
}

/// Every campaign, newest year first, with its counts (three queries).
pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<RequestSummary>> {
    let requests: Vec<EsgRequest> = esg_requests::table
        .order((esg_requests::year.desc(), esg_requests::business_unit))
        .select(EsgRequest::as_select())
        .load(conn)?;
    let totals: std::collections::HashMap<i32, i64> = esg_request_recipients::table
        .group_by(esg_request_recipients::request_id)
        .select((esg_request_recipients::request_id, count_star()))
        .load::<(i32, i64)>(conn)?
        .into_iter()
        .collect();
    let answered: std::collections::HashMap<i32, i64> = esg_request_recipients::table
        .inner_join(esg_requests::table)
        .filter(exists(
            esg_data::table
                .filter(esg_data::supplier_id.eq(esg_request_recipients::supplier_id))
                .filter(esg_data::year.eq(esg_requests::year)),
        ))
        .group_by(esg_request_recipients::request_id)
        .select((esg_request_recipients::request_id, count_star()))
        .load::<(i32, i64)>(conn)?
        .into_iter()
        .collect();
    Ok(requests
        .into_iter()
        .map(|request| RequestSummary {
            recipients: totals.get(&request.id).copied().unwrap_or(0),
            answered: answered.get(&request.id).copied().unwrap_or(0),
            request,
        })
        .collect())
}

/// One recipient of a campaign as its page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Recipient {
    #[serde(flatten)]
    pub supplier: SupplierBrief,
    pub contact_email: String,
    pub buyer_email: String,
    pub answered: bool,
    pub last_reminded_at: Option<NaiveDateTime>,
    pub reminders_sent: i32,
}

/// Filters of a campaign's recipients.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RecipientFilter {
    pub q: Option<String>,
    /// "yes" | "no"
    pub answered: Option<String>,
}

impl RecipientFilter {
    pub fn answered(&self) -> Result<Option<bool>, FieldErrors> {
        match self.answered.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(v) => values::flag(v, false)
                .map(Some)
                .map_err(|key| FieldErrors::from([("answered".to_owned(), key.to_owned())])),
        }
    }
}

type RecipientRow = (
    SupplierBrief,
    String,
    String,
    bool,
    Option<NaiveDateTime>,
    i32,
);

/// The recipients of a campaign, by supplier code, with whether each has
/// answered. `per_page` = `None` gives them all (exports).
pub fn recipients(
    conn: &mut DbConnection,
    request: &EsgRequest,
    filter: &RecipientFilter,
    page: i64,
    per_page: Option<i64>,
) -> Result<Paged<Recipient>, AppError> {
    let answered_filter = filter.answered().map_err(AppError::Validation)?;
    let year = request.year;
    let request_id = request.id;
    let q = filter
        .q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(like_pattern);
    let has_data = move || {
        exists(
            esg_data::table
                .filter(esg_data::supplier_id.eq(esg_request_recipients::supplier_id))
                .filter(esg_data::year.eq(year)),
        )
    };
    let query = || {
        let mut query = esg_request_recipients::table
            .inner_join(suppliers::table)
            .filter(esg_request_recipients::request_id.eq(request_id))
            .into_boxed();
        if let Some(q) = &q {
            query = query.filter(suppliers::search_text.like(q.clone()).escape('\\'));
        }
        match answered_filter {
            Some(true) => query = query.filter(has_data()),
            Some(false) => query = query.filter(not(has_data())),
            None => {}
        }
        query
    };
    let total: i64 = query().count().get_result(conn)?;
    let (limit, offset, per) = match per_page {
        Some(per) => (per, (page - 1) * per, per),
        None => (i64::MAX, 0, total.max(1)),
    };
    let rows: Vec<RecipientRow> = query()
        .order(suppliers::code)
        .limit(limit)
        .offset(offset)
        .select((
            SupplierBrief::as_select(),
            suppliers::contact_email,
            suppliers::buyer_email,
            has_data(),
            esg_request_recipients::last_reminded_at,
            esg_request_recipients::reminders_sent,
        ))
        .load(conn)?;
    Ok(Paged {
        items: rows
            .into_iter()
            .map(
                |(supplier, contact_email, buyer_email, answered, last, sent)| Recipient {
                    supplier,
                    contact_email,
                    buyer_email,
                    answered,
                    last_reminded_at: last,
                    reminders_sent: sent,
                },
            )
            .collect(),
        total,
        page,
        per_page: per,
    })
}

/// For the reminder engine: the suppliers of a campaign that have not
/// answered yet, by id.
pub fn awaiting(conn: &mut DbConnection, request: &EsgRequest) -> QueryResult<Vec<i32>> {
    esg_request_recipients::table
        .filter(esg_request_recipients::request_id.eq(request.id))
        .filter(not(exists(
            esg_data::table
                .filter(esg_data::supplier_id.eq(esg_request_recipients::supplier_id))
                .filter(esg_data::year.eq(request.year)),
        )))
        .select(esg_request_recipients::supplier_id)
        .order(esg_request_recipients::supplier_id)
        .load(conn)
}

/// The campaigns that asked this supplier, newest year first.
pub fn for_supplier(conn: &mut DbConnection, supplier_id: i32) -> QueryResult<Vec<EsgRequest>> {
    esg_request_recipients::table
        .inner_join(esg_requests::table)
        .filter(esg_request_recipients::supplier_id.eq(supplier_id))
        .order(esg_requests::year.desc())
        .select(EsgRequest::as_select())
        .load(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    #[test]
    fn a_request_needs_a_past_year_and_a_coming_due_date() {
        let input = RequestInput {
            year: "2025".into(),
            business_unit: "Phones".into(),
            due_on: "2027-01-31".into(),
            message: "Please enter your 2025 data.".into(),
        };
        let f = input.check(today()).unwrap();
        assert_eq!(f.business_unit, "phones");
        assert_eq!(entity_id(f.year, &f.business_unit), "2025/phones");
        assert_eq!(entity_id(2025, ""), "2025/all");
        let bad = RequestInput {
            year: "2030".into(),
            due_on: "2020-01-01".into(),
            business_unit: "tv set".into(),
            ..input
        }
        .check(today())
        .unwrap_err();
        assert_eq!(bad["year"], "esg.future_year");
        assert_eq!(bad["due_on"], "esg.due_in_past");
        assert_eq!(bad["business_unit"], "field.slug");
        let filter = RecipientFilter {
            answered: Some("maybe".into()),
            ..RecipientFilter::default()
        };
        assert!(filter.answered().is_err());
    }
}
