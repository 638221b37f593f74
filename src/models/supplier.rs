//! The supplier registry (DESIGN §2.1): rows, the checked input shared by
//! forms, imports and the API, list queries and audited writes.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::audit_log::{self, Actor};
use super::{like_pattern, now, Paged};
use crate::db::schema::suppliers;
use crate::db::DbConnection;
use crate::domain::country::{self, Region};
use crate::domain::supplier_status::{can_change, SupplierStatus};
use crate::domain::{uscc, values};
use crate::error::{AppError, FieldErrors};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = suppliers)]
pub struct Supplier {
    pub id: i32,
    pub code: String,
    pub name: String,
    pub name_local: String,
    pub uscc: Option<String>,
    pub country: String,
    pub business_unit: String,
    pub category: String,
    pub tier: i32,
    #[serde(skip)]
    pub parent_id: Option<i32>,
    pub production: bool,
    pub status: String,
    pub approved_on: Option<NaiveDate>,
    pub exited_on: Option<NaiveDate>,
    pub contact_name: String,
    pub contact_email: String,
    pub buyer_email: String,
    pub csr_signed_on: Option<NaiveDate>,
    #[serde(skip)]
    pub search_text: String,
    #[serde(skip)]
    pub created_at: NaiveDateTime,
    #[serde(skip)]
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

impl Supplier {
    pub fn region(&self) -> Region {
        country::region_of(&self.country)
    }

    pub fn status(&self) -> SupplierStatus {
        SupplierStatus::parse(&self.status).unwrap_or(SupplierStatus::Prospective)
    }

    /// The statuses a person may move this supplier to by hand.
    pub fn next_statuses(&self) -> Vec<SupplierStatus> {
        SupplierStatus::ALL
            .into_iter()
            .filter(|to| can_change(self.status(), *to))
            .collect()
    }

    pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Option<Supplier>> {
        suppliers::table
            .find(id)
            .select(Supplier::as_select())
            .get_result(conn)
            .optional()
    }

    pub fn by_code(conn: &mut DbConnection, code: &str) -> QueryResult<Option<Supplier>> {
        suppliers::table
            .filter(suppliers::code.eq(code.trim()))
            .select(Supplier::as_select())
            .first(conn)
            .optional()
    }

    /// The tier-2 suppliers that supply this tier-1 supplier.
    pub fn children(&self, conn: &mut DbConnection) -> QueryResult<Vec<Supplier>> {
        suppliers::table
            .filter(suppliers::parent_id.eq(self.id))
            .order(suppliers::code)
            .select(Supplier::as_select())
            .load(conn)
    }

    pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
        suppliers::table.count().get_result(conn)
    }
}

/// A supplier as given by a form, a file row or an API body: DESIGN §5 names,
/// everything as text, so each problem can be reported against what was typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SupplierInput {
    pub code: String,
    pub name: String,
    pub name_local: String,
    pub uscc: String,
    pub country: String,
    pub business_unit: String,
    pub category: String,
    pub tier: String,
    pub parent_code: String,
    pub production: String,
    pub status: String,
    pub approved_on: String,
    pub exited_on: String,
    pub contact_name: String,
    pub contact_email: String,
    pub buyer_email: String,
    pub csr_signed_on: String,
}

impl SupplierInput {
    pub fn from_supplier(s: &Supplier, parent_code: Option<&str>) -> Self {
        let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        Self {
            code: s.code.clone(),
            name: s.name.clone(),
            name_local: s.name_local.clone(),
            uscc: s.uscc.clone().unwrap_or_default(),
            country: s.country.clone(),
            business_unit: s.business_unit.clone(),
            category: s.category.clone(),
            tier: s.tier.to_string(),
            parent_code: parent_code.unwrap_or_default().to_owned(),
            production: s.production.to_string(),
            status: s.status.clone(),
            approved_on: date(s.approved_on),
            exited_on: date(s.exited_on),
            contact_name: s.contact_name.clone(),
            contact_email: s.contact_email.clone(),
            buyer_email: s.buyer_email.clone(),
            csr_signed_on: date(s.csr_signed_on),
        }
    }
}

/// Checked values, ready to be written.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplierFields {
    pub code: String,
    pub name: String,
    pub name_local: String,
    pub uscc: Option<String>,
    pub country: String,
    pub business_unit: String,
    pub category: String,
    pub tier: i32,
    pub parent_code: Option<String>,
    pub production: bool,
    pub status: SupplierStatus,
    pub approved_on: Option<NaiveDate>,
    pub exited_on: Option<NaiveDate>,
    pub contact_name: String,
    pub contact_email: String,
    pub buyer_email: String,
    pub csr_signed_on: Option<NaiveDate>,
}

impl SupplierFields {
    fn search_text(&self) -> String {
        format!(
            "{} {} {} {}",
            self.code,
            self.name,
            self.name_local,
            self.uscc.as_deref().unwrap_or("")
        )
        .to_lowercase()
    }
}

/// Collects field problems (field → i18n key) while parsing.
struct Checker {
    problems: FieldErrors,
}

impl Checker {
    fn take<T>(&mut self, field: &str, result: Result<T, &'static str>) -> Option<T> {
        result
            .map_err(|key| {
                self.problems
                    .entry(field.into())
                    .or_insert_with(|| key.into());
            })
            .ok()
    }

    fn fail(&mut self, field: &str, key: &str) {
        self.problems
            .entry(field.into())
            .or_insert_with(|| key.into());
    }
}

impl SupplierInput {
    /// Everything that can be checked without the database. `today` bounds
    /// the dates; the status must be one `allowed` for this kind of write.
    pub fn check(
        &self,
        today: NaiveDate,
        allowed: &[SupplierStatus],
    ) -> Result<SupplierFields, FieldErrors> {
        let mut c = Checker {
            problems: FieldErrors::new(),
        };
        let code = c.take("code", values::code(&self.code));
        let name = c.take("name", values::text(&self.name, 200, true));
        let name_local = c.take("name_local", values::text(&self.name_local, 200, false));
        let country_code = self.country.trim().to_uppercase();
        if country_code.is_empty() {
            c.fail("country", "field.required");
        } else if !country::is_valid(&country_code) {
            c.fail("country", "field.country");
        }
        let uscc_text = uscc::normalize(&self.uscc);
        let uscc_value = if uscc_text.is_empty() {
            if country_code == "CN" {
                c.fail("uscc", "field.uscc_required");
            }
            None
        } else if uscc::validate(&uscc_text).is_err() {
            c.fail("uscc", "field.uscc");
            None
        } else {
            Some(uscc_text)
        };
        let business_unit = c.take("business_unit", values::slug(&self.business_unit));
        let category = if self.category.trim().is_empty() {
            Some(String::new())
        } else {
            c.take("category", values::slug(&self.category))
        };
        let tier = match self.tier.trim() {
            "" | "1" => 1,
            "2" => 2,
            _ => {
                c.fail("tier", "field.tier");
                1
            }
        };
        let parent_code = match (tier, self.parent_code.trim()) {
            (2, "") => {
                c.fail("parent_code", "field.parent_required");
                None
            }
            (1, p) if !p.is_empty() => {
                c.fail("parent_code", "field.parent_tier1");
                None
            }
            (_, "") => None,
            (_, p) => Some(p.to_owned()),
        };
        let production = c
            .take("production", values::flag(&self.production, true))
            .unwrap_or(true);
        let status = match self.status.trim() {
            "" => Some(SupplierStatus::Prospective),
            s => SupplierStatus::parse(s),
        };
        let status = match status {
            Some(s) if allowed.contains(&s) => Some(s),
            Some(_) => {
                c.fail("status", "field.status_not_allowed");
                None
            }
            None => {
                c.fail("status", "field.status");
                None
            }
        };
        let approved_on = c
            .take("approved_on", values::past_date(&self.approved_on, today))
            .flatten();
        let exited_on = c
            .take("exited_on", values::past_date(&self.exited_on, today))
            .flatten();
        let csr_signed_on = c
            .take(
                "csr_signed_on",
                values::past_date(&self.csr_signed_on, today),
            )
            .flatten();
        if let (Some(a), Some(e)) = (approved_on, exited_on) {
            if e < a {
                c.fail("exited_on", "field.exit_before_approval");
            }
        }
        match status {
            Some(SupplierStatus::Approved | SupplierStatus::Suspended) if approved_on.is_none() => {
                c.fail("approved_on", "field.approved_on_required")
            }
            Some(SupplierStatus::Exited) if exited_on.is_none() => {
                c.fail("exited_on", "field.exited_on_required")
            }
            _ => {}
        }
        let contact_name = c.take("contact_name", values::text(&self.contact_name, 200, false));
        let contact_email = c.take("contact_email", values::email(&self.contact_email));
        let buyer_email = c.take("buyer_email", values::email(&self.buyer_email));
        if !c.problems.is_empty() {
            return Err(c.problems);
        }
        Ok(SupplierFields {
            code: code.unwrap_or_default(),
            name: name.unwrap_or_default(),
            name_local: name_local.unwrap_or_default(),
            uscc: uscc_value,
            country: country_code,
            business_unit: business_unit.unwrap_or_default(),
            category: category.unwrap_or_default(),
            tier,
            parent_code,
            production,
            status: status.unwrap_or(SupplierStatus::Prospective),
            approved_on,
            exited_on,
            contact_name: contact_name.unwrap_or_default(),
            contact_email: contact_email.unwrap_or_default(),
            buyer_email: buyer_email.unwrap_or_default(),
            csr_signed_on,
        })
    }
}

/// Checks against other records: unique USCC, an existing tier-1 parent.
/// Returns the parent's id. `own_id` is the supplier being updated, if any.
pub fn check_references(
    conn: &mut DbConnection,
    fields: &SupplierFields,
    own_id: Option<i32>,
) -> QueryResult<Result<Option<i32>, FieldErrors>> {
    let mut problems = FieldErrors::new();
    if let Some(code) = &fields.uscc {
        let holder: Option<String> = suppliers::table
            .filter(suppliers::uscc.eq(code))
            .filter(suppliers::id.ne(own_id.unwrap_or(-1)))
            .select(suppliers::code)
            .first(conn)
            .optional()?;
        if holder.is_some() {
            problems.insert("uscc".into(), "field.uscc_taken".into());
        }
    }
    let mut parent_id = None;
    if let Some(parent_code) = &fields.parent_code {
        match Supplier::by_code(conn, parent_code)? {
            None => {
                problems.insert("parent_code".into(), "field.parent_unknown".into());
            }
            Some(parent) if parent.tier != 1 || Some(parent.id) == own_id => {
                problems.insert("parent_code".into(), "field.parent_not_tier1".into());
            }
            Some(parent) => parent_id = Some(parent.id),
        }
    }
    Ok(if problems.is_empty() {
        Ok(parent_id)
    } else {
        Err(problems)
    })
}

/// What the audit log keeps of a supplier (the row minus bookkeeping).
pub fn snapshot(s: &Supplier) -> serde_json::Value {
    serde_json::to_value(s).unwrap_or_default()
}

/// Inserts a new supplier and logs it; `action` says how it arrived
/// (`create`, or `import` for history loaded from a file).
pub fn insert(
    conn: &mut DbConnection,
    actor: &Actor,
    fields: &SupplierFields,
    parent_id: Option<i32>,
    action: &str,
) -> Result<Supplier, AppError> {
    let at = now();
    let id: i32 = diesel::insert_into(suppliers::table)
        .values((
            suppliers::code.eq(&fields.code),
            suppliers::name.eq(&fields.name),
            suppliers::name_local.eq(&fields.name_local),
            suppliers::uscc.eq(&fields.uscc),
            suppliers::country.eq(&fields.country),
            suppliers::business_unit.eq(&fields.business_unit),
            suppliers::category.eq(&fields.category),
            suppliers::tier.eq(fields.tier),
            suppliers::parent_id.eq(parent_id),
            suppliers::production.eq(fields.production),
            suppliers::status.eq(fields.status.as_str()),
            suppliers::approved_on.eq(fields.approved_on),
            suppliers::exited_on.eq(fields.exited_on),
            suppliers::contact_name.eq(&fields.contact_name),
            suppliers::contact_email.eq(&fields.contact_email),
            suppliers::buyer_email.eq(&fields.buyer_email),
            suppliers::csr_signed_on.eq(fields.csr_signed_on),
            suppliers::search_text.eq(fields.search_text()),
            suppliers::created_at.eq(at),
            suppliers::updated_at.eq(at),
            suppliers::version.eq(1),
        ))
        .returning(suppliers::id)
        .get_result(conn)?;
    let supplier = Supplier::find(conn, id)?.ok_or(AppError::NotFound)?;
    audit_log::record::<(), _>(
        conn,
        actor,
        "supplier",
        &supplier.code,
        action,
        None,
        Some(&snapshot(&supplier)),
    )?;
    Ok(supplier)
}

/// Saves edited fields if the row still has `version`; the status is not
/// touched here (it changes only through transitions and reviews).
pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    before: &Supplier,
    version: i32,
    fields: &SupplierFields,
    parent_id: Option<i32>,
    action: &str,
) -> Result<Supplier, AppError> {
    let changed = diesel::update(
        suppliers::table
            .filter(suppliers::id.eq(before.id))
            .filter(suppliers::version.eq(version)),
    )
    .set((
        suppliers::name.eq(&fields.name),
        suppliers::name_local.eq(&fields.name_local),
        suppliers::uscc.eq(&fields.uscc),
        suppliers::country.eq(&fields.country),
        suppliers::business_unit.eq(&fields.business_unit),
        suppliers::category.eq(&fields.category),
        suppliers::tier.eq(fields.tier),
        suppliers::parent_id.eq(parent_id),
        suppliers::production.eq(fields.production),
        suppliers::approved_on.eq(fields.approved_on),
        suppliers::exited_on.eq(fields.exited_on),
        suppliers::contact_name.eq(&fields.contact_name),
        suppliers::contact_email.eq(&fields.contact_email),
        suppliers::buyer_email.eq(&fields.buyer_email),
        suppliers::csr_signed_on.eq(fields.csr_signed_on),
        suppliers::search_text.eq(fields.search_text()),
        suppliers::updated_at.eq(now()),
        suppliers::version.eq(version + 1),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Err(stale(conn, &before.code)?);
    }
    let after = Supplier::find(conn, before.id)?.ok_or(AppError::NotFound)?;
    audit_log::record(
        conn,
        actor,
        "supplier",
        &after.code,
        action,
        Some(&snapshot(before)),
        Some(&snapshot(&after)),
    )?;
    Ok(after)
}

/// A status move: by hand (checked by the caller against `can_change`) or
/// the outcome of an onboarding review, which also sets the approval date.
pub struct StatusChange {
    pub to: SupplierStatus,
    pub approved_on: Option<NaiveDate>,
    pub csr_signed_on: Option<NaiveDate>,
    pub action: &'static str,
}

impl StatusChange {
    pub fn by_hand(to: SupplierStatus) -> Self {
        Self {
            to,
            approved_on: None,
            csr_signed_on: None,
            action: "status",
        }
    }
}

pub fn set_status(
    conn: &mut DbConnection,
    actor: &Actor,
    before: &Supplier,
    version: i32,
    change: StatusChange,
) -> Result<Supplier, AppError> {
    let StatusChange {
        to,
        approved_on,
        csr_signed_on,
        action,
    } = change;
    let today = now().date();
    let exited_on = match to {
        SupplierStatus::Exited => before.exited_on.or(Some(today)),
        _ => before.exited_on,
    };
    let changed = diesel::update(
        suppliers::table
            .filter(suppliers::id.eq(before.id))
            .filter(suppliers::version.eq(version)),
    )
    .set((
        suppliers::status.eq(to.as_str()),
        suppliers::approved_on.eq(approved_on.or(before.approved_on)),
        suppliers::csr_signed_on.eq(csr_signed_on.or(before.csr_signed_on)),
        suppliers::exited_on.eq(exited_on),
        suppliers::updated_at.eq(now()),
        suppliers::version.eq(version + 1),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Err(stale(conn, &before.code)?);
    }
    let after = Supplier::find(conn, before.id)?.ok_or(AppError::NotFound)?;
    audit_log::record(
        conn,
        actor,
        "supplier",
        &after.code,
        action,
        Some(&serde_json::json!({ "status": before.status })),
        Some(&serde_json::json!({ "status": after.status })),
    )?;
    Ok(after)
}

fn stale(conn: &mut DbConnection, code: &str) -> Result<AppError, AppError> {
    audit_log::stale(conn, "supplier", code)
}

/// Filters of the supplier list, shared by the page, the export and the API.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SupplierFilter {
    pub q: Option<String>,
    pub status: Option<String>,
    pub business_unit: Option<String>,
    pub region: Option<String>,
    pub tier: Option<String>,
    pub category: Option<String>,
    pub buyer: Option<String>,
    pub sort: Option<String>,
    pub dir: Option<String>,
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// Sortable columns of the list.
pub const SORTS: &[&str] = &[
    "code",
    "name",
    "status",
    "country",
    "business_unit",
    "tier",
    "approved_on",
];

impl SupplierFilter {
    /// Refuses values that could never match (a typo in a bookmarked URL
    /// should say so rather than show an empty list).
    pub fn problems(&self) -> FieldErrors {
        let mut problems = FieldErrors::new();
        if let Some(s) = present(&self.status) {
            if SupplierStatus::parse(s).is_none() {
                problems.insert("status".into(), "field.status".into());
            }
        }
        if let Some(r) = present(&self.region) {
            if Region::parse(r).is_none() {
                problems.insert("region".into(), "field.region".into());
            }
        }
        if let Some(t) = present(&self.tier) {
            if t != "1" && t != "2" {
                problems.insert("tier".into(), "field.tier".into());
            }
        }
        if let Some(s) = present(&self.sort) {
            if !SORTS.contains(&s) {
                problems.insert("sort".into(), "field.sort".into());
            }
        }
        if let Some(d) = present(&self.dir) {
            if d != "asc" && d != "desc" {
                problems.insert("dir".into(), "field.sort".into());
            }
        }
        problems
    }

    pub fn sort_column(&self) -> &str {
        present(&self.sort).unwrap_or("code")
    }

    pub fn descending(&self) -> bool {
        present(&self.dir) == Some("desc")
    }

    fn query(&self) -> suppliers::BoxedQuery<'static, crate::db::DbBackend> {
        let mut query = suppliers::table.into_boxed();
        if let Some(q) = present(&self.q) {
            query = query.filter(suppliers::search_text.like(like_pattern(q)).escape('\\'));
        }
        if let Some(s) = present(&self.status) {
            query = query.filter(suppliers::status.eq(s.to_owned()));
        }
        if let Some(bu) = present(&self.business_unit) {
            query = query.filter(suppliers::business_unit.eq(bu.to_lowercase()));
        }
        match present(&self.region).and_then(Region::parse) {
            Some(Region::MainlandChina) => query = query.filter(suppliers::country.eq("CN")),
            Some(Region::International) => query = query.filter(suppliers::country.ne("CN")),
            None => {}
        }
        if let Some(t) = present(&self.tier).and_then(|t| t.parse::<i32>().ok()) {
            query = query.filter(suppliers::tier.eq(t));
        }
        if let Some(c) = present(&self.category) {
            query = query.filter(suppliers::category.eq(c.to_lowercase()));
        }
        if let Some(b) = present(&self.buyer) {
            query = query.filter(suppliers::buyer_email.eq(b.to_lowercase()));
        }
        query
    }

    fn ordered(&self) -> suppliers::BoxedQuery<'static, crate::db::DbBackend> {
        let query = self.query();
        macro_rules! by {
            ($column:expr) => {
                if self.descending() {
                    query.order(($column.desc(), suppliers::code.asc()))
                } else {
                    query.order(($column.asc(), suppliers::code.asc()))
                }
            };
        }
        match self.sort_column() {
            "name" => by!(suppliers::name),
            "status" => by!(suppliers::status),
            "country" => by!(suppliers::country),
            "business_unit" => by!(suppliers::business_unit),
            "tier" => by!(suppliers::tier),
            "approved_on" => by!(suppliers::approved_on),
            _ if self.descending() => query.order(suppliers::code.desc()),
            _ => query.order(suppliers::code.asc()),
        }
    }

    pub fn page(
        &self,
        conn: &mut DbConnection,
        page: i64,
        per_page: i64,
    ) -> QueryResult<Paged<Supplier>> {
        let total = self.query().count().get_result(conn)?;
        // The page's codes first, then their rows. Asked for whole rows,
        // PostgreSQL's generic plan walks the code index and reads every
        // supplier to test the filter (10 ms at 13,730 suppliers when few
        // match); the codes alone come from the list index, table untouched.
        let codes: Vec<String> = self
            .ordered()
            .limit(per_page)
            .offset((page - 1) * per_page)
            .select(suppliers::code)
            .load(conn)?;
        let mut items = by_codes(conn, &codes)?;
        let items = codes.iter().filter_map(|code| items.remove(code)).collect();
        Ok(Paged {
            items,
            total,
            page,
            per_page,
        })
    }

    /// Every matching supplier, for exports.
    pub fn all(&self, conn: &mut DbConnection) -> QueryResult<Vec<Supplier>> {
        self.ordered().select(Supplier::as_select()).load(conn)
    }
}

/// Suppliers with the given codes, by code (in batches: files can hold
/// tens of thousands of rows, more than a statement may bind).
pub fn by_codes(
    conn: &mut DbConnection,
    codes: &[String],
) -> QueryResult<std::collections::HashMap<String, Supplier>> {
    let mut found = std::collections::HashMap::new();
    for chunk in codes.chunks(500) {
        for s in suppliers::table
            .filter(suppliers::code.eq_any(chunk))
            .select(Supplier::as_select())
            .load(conn)?
        {
            found.insert(s.code.clone(), s);
        }
    }
    Ok(found)
}

/// USCC → code of the supplier holding it, for the given USCCs.
pub fn uscc_holders(
    conn: &mut DbConnection,
    usccs: &[String],
) -> QueryResult<std::collections::HashMap<String, String>> {
    let mut found = std::collections::HashMap::new();
    for chunk in usccs.chunks(500) {
        for (uscc, code) in suppliers::table
            .filter(suppliers::uscc.eq_any(chunk))
            .select((suppliers::uscc.assume_not_null(), suppliers::code))
            .load::<(String, String)>(conn)?
        {
            found.insert(uscc, code);
        }
    }
    Ok(found)
}

/// Codes of the given supplier ids (to show parents without N+1 queries).
pub fn codes_of(
    conn: &mut DbConnection,
    ids: &[i32],
) -> QueryResult<std::collections::HashMap<i32, String>> {
    Ok(suppliers::table
        .filter(suppliers::id.eq_any(ids))
        .select((suppliers::id, suppliers::code))
        .load::<(i32, String)>(conn)?
        .into_iter()
        .collect())
}

/// Distinct business units in use, for filter menus.
pub fn business_units(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    suppliers::table
        .select(suppliers::business_unit)
        .distinct()
        .order(suppliers::business_unit)
        .load(conn)
}

/// The few fields of a supplier that lists of other records show.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = suppliers)]
pub struct SupplierBrief {
    #[serde(skip)]
    pub id: i32,
    pub code: String,
    pub name: String,
    pub name_local: String,
    pub business_unit: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    fn input() -> SupplierInput {
        SupplierInput {
            code: "S1".into(),
            name: "Dongguan Huake Precision Co., Ltd.".into(),
            name_local: "东莞华科精密有限公司".into(),
            uscc: "91350100M000100Y43".into(),
            country: "cn".into(),
            business_unit: "Phones".into(),
            ..SupplierInput::default()
        }
    }

    const NEW: &[SupplierStatus] = &[SupplierStatus::Prospective, SupplierStatus::UnderReview];

    #[test]
    fn a_valid_supplier_is_normalised() {
        let fields = input().check(today(), NEW).unwrap();
        assert_eq!(fields.country, "CN");
        assert_eq!(fields.business_unit, "phones");
        assert_eq!(fields.tier, 1);
        assert!(fields.production);
        assert_eq!(fields.status, SupplierStatus::Prospective);
    }

    #[test]
    fn each_rule_names_its_field() {
        let problems = |f: &dyn Fn(&mut SupplierInput)| {
            let mut i = input();
            f(&mut i);
            i.check(today(), NEW).unwrap_err()
        };
        assert_eq!(
            problems(&|i| i.uscc = "91350100M000100Y44".into())["uscc"],
            "field.uscc"
        );
        assert_eq!(problems(&|i| i.uscc.clear())["uscc"], "field.uscc_required");
        assert_eq!(
            problems(&|i| i.country = "XX".into())["country"],
            "field.country"
        );
        assert_eq!(
            problems(&|i| i.tier = "2".into())["parent_code"],
            "field.parent_required"
        );
        assert_eq!(
            problems(&|i| i.parent_code = "S0".into())["parent_code"],
            "field.parent_tier1"
        );
        assert_eq!(problems(&|i| i.tier = "3".into())["tier"], "field.tier");
        assert_eq!(
            problems(&|i| i.approved_on = "2021-13-01".into())["approved_on"],
            "field.date"
        );
        assert_eq!(
            problems(&|i| i.status = "approved".into())["status"],
            "field.status_not_allowed"
        );
        assert_eq!(
            problems(&|i| i.status = "done".into())["status"],
            "field.status"
        );
        assert_eq!(
            problems(&|i| i.contact_email = "x@".into())["contact_email"],
            "field.email"
        );
        assert_eq!(
            problems(&|i| i.csr_signed_on = "2099-01-01".into())["csr_signed_on"],
            "field.future_date"
        );
    }

    #[test]
    fn history_may_say_approved_with_its_date() {
        let mut i = input();
        i.status = "approved".into();
        let all = &SupplierStatus::ALL;
        assert_eq!(
            i.check(today(), all).unwrap_err()["approved_on"],
            "field.approved_on_required"
        );
        i.approved_on = "2019-05-01".into();
        i.exited_on = "2018-01-01".into();
        assert_eq!(
            i.check(today(), all).unwrap_err()["exited_on"],
            "field.exit_before_approval"
        );
        i.exited_on.clear();
        assert_eq!(
            i.check(today(), all).unwrap().status,
            SupplierStatus::Approved
        );
    }

    #[test]
    fn hong_kong_needs_no_uscc() {
        let mut i = input();
        i.country = "HK".into();
        i.uscc.clear();
        assert_eq!(i.check(today(), NEW).unwrap().uscc, None);
    }
}
