//! Yearly ESG data per supplier (DESIGN §2.9): rows, the checked input shared
//! by the form, the §5 `esg` import and the API, list queries, audited
//! writes with version checks, and the year's climate figures (§4).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::{count_star, sum};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::audit_log::{self, Actor, BatchEntry};
use super::supplier::{Supplier, SupplierBrief};
use super::{like_pattern, loose_text, now, Paged};
use crate::db::schema::{esg_data, suppliers};
use crate::db::{DbBackend, DbConnection};
use crate::domain::esg::{
    self, ClimateFigures, ClimateRow, ClimateTotals, Jump, Metrics, Verification,
};
use crate::domain::values;
use crate::error::{AppError, FieldErrors};

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = esg_data)]
pub struct EsgRecord {
    #[serde(skip)]
    pub id: i32,
    #[serde(skip)]
    pub supplier_id: i32,
    pub year: i32,
    pub renewable_mwh: Option<f64>,
    pub scope1_t: f64,
    pub scope2_t: f64,
    pub has_target: bool,
    pub target_text: String,
    pub target_year: Option<i32>,
    pub ghg_verification: String,
    pub verifier: String,
    #[serde(skip)]
    pub statement_attachment_id: Option<i32>,
    pub wastewater_t: Option<f64>,
    pub exhaust_t: Option<f64>,
    pub hazardous_waste_t: Option<f64>,
    pub revenue_mcny: Option<f64>,
    #[serde(skip)]
    pub created_by: Option<i32>,
    #[serde(skip)]
    pub created_at: NaiveDateTime,
    #[schema(value_type = String)]
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

impl EsgRecord {
    pub fn metrics(&self) -> Metrics {
        Metrics {
            renewable_mwh: self.renewable_mwh,
            scope1_t: self.scope1_t,
            scope2_t: self.scope2_t,
            wastewater_t: self.wastewater_t,
            exhaust_t: self.exhaust_t,
            hazardous_waste_t: self.hazardous_waste_t,
            revenue_mcny: self.revenue_mcny,
        }
    }

    pub fn verification(&self) -> Verification {
        Verification::parse(&self.ghg_verification).unwrap_or(Verification::None)
    }

    /// Scope 1 + 2, tCO2e.
    pub fn emissions_t(&self) -> f64 {
        self.scope1_t + self.scope2_t
    }

    pub fn intensity(&self) -> Option<f64> {
        self.revenue_mcny
            .and_then(|revenue| esg::intensity(self.emissions_t(), revenue))
    }

    pub fn find(
        conn: &mut DbConnection,
        supplier_id: i32,
        year: i32,
    ) -> QueryResult<Option<EsgRecord>> {
        esg_data::table
            .filter(esg_data::supplier_id.eq(supplier_id))
            .filter(esg_data::year.eq(year))
            .select(EsgRecord::as_select())
            .first(conn)
            .optional()
    }

    /// The audit-log id of a supplier's year: `S000123/2021`.
    pub fn entity_id(supplier_code: &str, year: i32) -> String {
        format!("{supplier_code}/{year}")
    }
}

/// A year's ESG data as given by a form, a file row or an API body: DESIGN
/// §5 names (plus the optional `target_text`, `verifier`, `revenue_mcny`),
/// everything as text so each problem is reported against what was typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct EsgInput {
    #[serde(deserialize_with = "loose_text")]
    pub supplier_code: String,
    #[serde(deserialize_with = "loose_text")]
    pub year: String,
    #[serde(deserialize_with = "loose_text")]
    pub renewable_mwh: String,
    #[serde(deserialize_with = "loose_text")]
    pub scope1_t: String,
    #[serde(deserialize_with = "loose_text")]
    pub scope2_t: String,
    #[serde(deserialize_with = "loose_text")]
    pub has_target: String,
    #[serde(deserialize_with = "loose_text")]
    pub target_text: String,
    #[serde(deserialize_with = "loose_text")]
    pub target_year: String,
    #[serde(deserialize_with = "loose_text")]
    pub ghg_verification: String,
    #[serde(deserialize_with = "loose_text")]
    pub verifier: String,
    #[serde(deserialize_with = "loose_text")]
    pub wastewater_t: String,
    #[serde(deserialize_with = "loose_text")]
    pub exhaust_t: String,
    #[serde(deserialize_with = "loose_text")]
    pub hazardous_waste_t: String,
    #[serde(deserialize_with = "loose_text")]
    pub revenue_mcny: String,
}

/// An amount as the input shows it: plain digits, no grouping, so it
/// parses back to the same value.
pub fn amount_text(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

impl EsgInput {
    pub fn from_record(supplier_code: &str, r: &EsgRecord) -> Self {
        Self {
            supplier_code: supplier_code.to_owned(),
            year: r.year.to_string(),
            renewable_mwh: amount_text(r.renewable_mwh),
            scope1_t: amount_text(Some(r.scope1_t)),
            scope2_t: amount_text(Some(r.scope2_t)),
            has_target: r.has_target.to_string(),
            target_text: r.target_text.clone(),
            target_year: r.target_year.map(|y| y.to_string()).unwrap_or_default(),
            ghg_verification: r.ghg_verification.clone(),
            verifier: r.verifier.clone(),
            wastewater_t: amount_text(r.wastewater_t),
            exhaust_t: amount_text(r.exhaust_t),
            hazardous_waste_t: amount_text(r.hazardous_waste_t),
            revenue_mcny: amount_text(r.revenue_mcny),
        }
    }

    /// Everything that can be checked without the database: values are
    /// numbers ≥ 0 in their units, the year is not in the future, the
    /// verification status is one of the three. Errors: field → i18n key.
    pub fn check(&self, today: NaiveDate) -> Result<EsgFields, FieldErrors> {
        let mut problems = FieldErrors::new();
        let mut take = |field: &str, result: Result<Option<f64>, &'static str>| match result {
            Ok(v) => v,
            Err(key) => {
                problems.insert(field.into(), key.into());
                None
            }
        };
        let renewable_mwh = take("renewable_mwh", esg::amount(&self.renewable_mwh));
        let scope1_t = take("scope1_t", esg::required_amount(&self.scope1_t).map(Some));
        let scope2_t = take("scope2_t", esg::required_amount(&self.scope2_t).map(Some));
        let wastewater_t = take("wastewater_t", esg::amount(&self.wastewater_t));
        let exhaust_t = take("exhaust_t", esg::amount(&self.exhaust_t));
        let hazardous_waste_t = take("hazardous_waste_t", esg::amount(&self.hazardous_waste_t));
        let revenue_mcny = take("revenue_mcny", esg::amount(&self.revenue_mcny));
        let supplier_code = values::code(&self.supplier_code)
            .map_err(|key| problems.insert("supplier_code".into(), key.into()))
            .unwrap_or_default();
        let year = esg::year(&self.year, today)
            .map_err(|key| problems.insert("year".into(), key.into()))
            .ok();
        let has_target = values::flag(&self.has_target, false)
            .map_err(|key| problems.insert("has_target".into(), key.into()))
            .unwrap_or(false);
        let target_year = match year {
            Some(y) => esg::target_year(&self.target_year, has_target, y)
                .map_err(|key| problems.insert("target_year".into(), key.into()))
                .unwrap_or(None),
            None => None,
        };
        let target_text = values::text(&self.target_text, 500, false)
            .map_err(|key| problems.insert("target_text".into(), key.into()))
            .unwrap_or_default();
        let verification = match self.ghg_verification.trim() {
            "" => Verification::None,
            v => Verification::parse(v).unwrap_or_else(|| {
                problems.insert("ghg_verification".into(), "esg.verification".into());
                Verification::None
            }),
        };
        let verifier = values::text(&self.verifier, 200, false)
            .map_err(|key| problems.insert("verifier".into(), key.into()))
            .unwrap_or_default();
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(EsgFields {
            supplier_code,
            year: year.unwrap_or_default(),
            metrics: Metrics {
                renewable_mwh,
                scope1_t: scope1_t.unwrap_or_default(),
                scope2_t: scope2_t.unwrap_or_default(),
                wastewater_t,
                exhaust_t,
                hazardous_waste_t,
                revenue_mcny,
            },
            has_target,
            target_text,
            target_year,
            verification,
            verifier,
        })
    }
}

/// Checked values, ready to be written.
#[derive(Debug, Clone, PartialEq)]
pub struct EsgFields {
    pub supplier_code: String,
    pub year: i32,
    pub metrics: Metrics,
    pub has_target: bool,
    pub target_text: String,
    pub target_year: Option<i32>,
    pub verification: Verification,
    pub verifier: String,
}

impl EsgFields {
    /// Whether a stored record already holds exactly these values.
    pub fn same_as(&self, r: &EsgRecord) -> bool {
        self.year == r.year
            && self.metrics == r.metrics()
            && self.has_target == r.has_target
            && self.target_text == r.target_text
            && self.target_year == r.target_year
            && self.verification.as_str() == r.ghg_verification
            && self.verifier == r.verifier
    }

    /// The values that need confirmation: more than ten times last year's
    /// and not already stored as they are (a jump confirmed once is not
    /// asked about again).
    pub fn jumps(&self, previous: Option<&Metrics>, stored: Option<&EsgRecord>) -> Vec<Jump> {
        let Some(previous) = previous else {
            return Vec::new();
        };
        let stored = stored.map(EsgRecord::metrics);
        esg::jumps(&self.metrics, previous)
            .into_iter()
            .filter(|jump| {
                stored.is_none_or(|s| {
                    s.values()
                        .iter()
                        .find(|(field, _)| *field == jump.field)
                        .and_then(|(_, v)| *v)
                        != Some(jump.current)
                })
            })
            .collect()
    }
}

/// The problems of jumps, for a form or an API answer (field → i18n key).
pub fn jump_problems(jumps: &[Jump]) -> FieldErrors {
    jumps
        .iter()
        .map(|j| (j.field.to_owned(), "esg.jump".to_owned()))
        .collect()
}

/// What the audit log keeps of a year's data.
pub fn snapshot(r: &EsgRecord) -> serde_json::Value {
    serde_json::to_value(r).unwrap_or_default()
}

#[derive(Insertable)]
#[diesel(table_name = esg_data)]
#[diesel(treat_none_as_default_value = false)]
struct NewEsgRecord<'a> {
    supplier_id: i32,
    year: i32,
    renewable_mwh: Option<f64>,
    scope1_t: f64,
    scope2_t: f64,
    has_target: bool,
    target_text: &'a str,
    target_year: Option<i32>,
    ghg_verification: &'static str,
    verifier: &'a str,
    statement_attachment_id: Option<i32>,
    wastewater_t: Option<f64>,
    exhaust_t: Option<f64>,
    hazardous_waste_t: Option<f64>,
    revenue_mcny: Option<f64>,
    created_by: Option<i32>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i32,
}

impl<'a> NewEsgRecord<'a> {
    fn new(
        supplier_id: i32,
        fields: &'a EsgFields,
        statement: Option<i32>,
        created_by: Option<i32>,
        at: NaiveDateTime,
    ) -> Self {
        let m = &fields.metrics;
        NewEsgRecord {
            supplier_id,
            year: fields.year,
            renewable_mwh: m.renewable_mwh,
            scope1_t: m.scope1_t,
            scope2_t: m.scope2_t,
            has_target: fields.has_target,
            target_text: &fields.target_text,
            target_year: fields.target_year,
            ghg_verification: fields.verification.as_str(),
            verifier: &fields.verifier,
            statement_attachment_id: statement,
            wastewater_t: m.wastewater_t,
            exhaust_t: m.exhaust_t,
            hazardous_waste_t: m.hazardous_waste_t,
            revenue_mcny: m.revenue_mcny,
            created_by,
            created_at: at,
            updated_at: at,
            version: 1,
        }
    }
}

/// What to write: checked values, a verification statement already stored
/// (`None`: none new), and how it arrived (`create`, `update`, `import`…).
pub struct Write<'a> {
    pub fields: &'a EsgFields,
    pub statement: Option<i32>,
    pub action: &'a str,
}

/// Inserts a supplier's year and logs it.
pub fn insert(
    conn: &mut DbConnection,
    actor: &Actor,
    supplier: &Supplier,
    write: Write,
) -> Result<EsgRecord, AppError> {
    let Write {
        fields,
        statement,
        action,
    } = write;
    let row = NewEsgRecord::new(supplier.id, fields, statement, actor.user_id, now());
    diesel::insert_into(esg_data::table)
        .values(&row)
        .execute(conn)?;
    let record = EsgRecord::find(conn, supplier.id, fields.year)?.ok_or(AppError::NotFound)?;
    if let Some(attachment) = statement {
        super::attachment::set_owner(conn, attachment, "esg_data", record.id)?;
    }
    audit_log::record::<(), _>(
        conn,
        actor,
        "esg_data",
        &EsgRecord::entity_id(&supplier.code, record.year),
        action,
        None,
        Some(&snapshot(&record)),
    )?;
    Ok(record)
}

/// Inserts many suppliers' years at once (imports, the demo) with one
/// audit-log entry each: (supplier id, supplier code, fields).
pub fn insert_many(
    conn: &mut DbConnection,
    actor: &Actor,
    rows: &[(i32, String, EsgFields)],
    action: &'static str,
) -> Result<usize, AppError> {
    let at = now();
    let new_rows: Vec<NewEsgRecord> = rows
        .iter()
        .map(|(id, _, fields)| NewEsgRecord::new(*id, fields, None, actor.user_id, at))
        .collect();
    let inserted = crate::db::insert_batch!(conn, esg_data::table, new_rows);
    let entries: Vec<BatchEntry> = rows
        .iter()
        .map(|(_, code, f)| {
            (
                EsgRecord::entity_id(code, f.year),
                action,
                serde_json::json!({
                    "year": f.year,
                    "scope1_t": f.metrics.scope1_t,
                    "scope2_t": f.metrics.scope2_t,
                    "renewable_mwh": f.metrics.renewable_mwh,
                    "has_target": f.has_target,
                    "ghg_verification": f.verification.as_str(),
                }),
            )
        })
        .collect();
    audit_log::record_many(conn, actor, "esg_data", &entries)?;
    Ok(inserted)
}

/// Saves new values if the row still has `version`; without a new
/// statement the current one is kept.
pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    supplier: &Supplier,
    before: &EsgRecord,
    version: i32,
    write: Write,
) -> Result<EsgRecord, AppError> {
    let Write {
        fields,
        statement,
        action,
    } = write;
    let m = &fields.metrics;
    let changed = diesel::update(
        esg_data::table
            .filter(esg_data::id.eq(before.id))
            .filter(esg_data::version.eq(version)),
    )
    .set((
        esg_data::renewable_mwh.eq(m.renewable_mwh),
        esg_data::scope1_t.eq(m.scope1_t),
        esg_data::scope2_t.eq(m.scope2_t),
        esg_data::has_target.eq(fields.has_target),
        esg_data::target_text.eq(&fields.target_text),
        esg_data::target_year.eq(fields.target_year),
        esg_data::ghg_verification.eq(fields.verification.as_str()),
        esg_data::verifier.eq(&fields.verifier),
        esg_data::statement_attachment_id.eq(statement.or(before.statement_attachment_id)),
        esg_data::wastewater_t.eq(m.wastewater_t),
        esg_data::exhaust_t.eq(m.exhaust_t),
        esg_data::hazardous_waste_t.eq(m.hazardous_waste_t),
        esg_data::revenue_mcny.eq(m.revenue_mcny),
        esg_data::updated_at.eq(now()),
        esg_data::version.eq(version + 1),
    ))
    .execute(conn)?;
    let entity_id = EsgRecord::entity_id(&supplier.code, before.year);
    if changed == 0 {
        return Err(audit_log::stale(conn, "esg_data", &entity_id)?);
    }
    if let Some(attachment) = statement {
        super::attachment::set_owner(conn, attachment, "esg_data", before.id)?;
    }
    let after = EsgRecord::find(conn, supplier.id, before.year)?.ok_or(AppError::NotFound)?;
    audit_log::record(
        conn,
        actor,
        "esg_data",
        &entity_id,
        action,
        Some(&snapshot(before)),
        Some(&snapshot(&after)),
    )?;
    Ok(after)
}

/// A supplier's years, newest first.
pub fn for_supplier(conn: &mut DbConnection, supplier_id: i32) -> QueryResult<Vec<EsgRecord>> {
    esg_data::table
        .filter(esg_data::supplier_id.eq(supplier_id))
        .order(esg_data::year.desc())
        .select(EsgRecord::as_select())
        .load(conn)
}

/// The records of the given suppliers for one year, by supplier id (for
/// imports: last year's values and the current ones, without a query per row).
pub fn for_year(
    conn: &mut DbConnection,
    supplier_ids: &[i32],
    year: i32,
) -> QueryResult<std::collections::HashMap<i32, EsgRecord>> {
    let mut found = std::collections::HashMap::new();
    for chunk in supplier_ids.chunks(500) {
        for r in esg_data::table
            .filter(esg_data::year.eq(year))
            .filter(esg_data::supplier_id.eq_any(chunk))
            .select(EsgRecord::as_select())
            .load(conn)?
        {
            found.insert(r.supplier_id, r);
        }
    }
    Ok(found)
}

/// Filters of the ESG data list, shared by the page, the export and the API.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EsgFilter {
    pub q: Option<String>,
    #[param(value_type = Option<i32>)]
    pub year: Option<String>,
    pub business_unit: Option<String>,
    pub ghg_verification: Option<String>,
    pub has_target: Option<String>,
    /// A supplier code.
    pub supplier: Option<String>,
    pub sort: Option<String>,
    pub dir: Option<String>,
    /// Set by the server for a supplier contact: only their own company.
    #[serde(skip)]
    pub only_supplier: Option<i32>,
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// Sortable columns of the list.
pub const SORTS: &[&str] = &[
    "supplier",
    "year",
    "business_unit",
    "scope1_t",
    "scope2_t",
    "renewable_mwh",
    "ghg_verification",
];

type Joined = diesel::dsl::InnerJoin<esg_data::table, suppliers::table>;
type BoxedJoined = diesel::dsl::IntoBoxed<'static, Joined, DbBackend>;

impl EsgFilter {
    /// Refuses values that could never match.
    pub fn problems(&self) -> FieldErrors {
        let mut problems = FieldErrors::new();
        if let Some(y) = present(&self.year) {
            if y.parse::<i32>().is_err() {
                problems.insert("year".into(), "field.number".into());
            }
        }
        if let Some(v) = present(&self.ghg_verification) {
            if Verification::parse(v).is_none() {
                problems.insert("ghg_verification".into(), "esg.verification".into());
            }
        }
        if let Some(t) = present(&self.has_target) {
            if values::flag(t, false).is_err() {
                problems.insert("has_target".into(), "field.flag".into());
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

    pub fn year(&self) -> Option<i32> {
        present(&self.year).and_then(|y| y.parse().ok())
    }

    pub fn sort_column(&self) -> &str {
        present(&self.sort).unwrap_or("year")
    }

    /// Years sort newest first unless asked otherwise; other columns ascending.
    pub fn descending(&self) -> bool {
        match present(&self.dir) {
            Some(d) => d == "desc",
            None => self.sort_column() == "year",
        }
    }

    fn query(&self) -> BoxedJoined {
        let mut query = esg_data::table.inner_join(suppliers::table).into_boxed();
        if let Some(q) = present(&self.q) {
            query = query.filter(suppliers::search_text.like(like_pattern(q)).escape('\\'));
        }
        if let Some(y) = self.year() {
            query = query.filter(esg_data::year.eq(y));
        }
        if let Some(bu) = present(&self.business_unit) {
            query = query.filter(suppliers::business_unit.eq(bu.to_lowercase()));
        }
        if let Some(v) = present(&self.ghg_verification).and_then(Verification::parse) {
            query = query.filter(esg_data::ghg_verification.eq(v.as_str()));
        }
        if let Some(t) = present(&self.has_target).and_then(|t| values::flag(t, false).ok()) {
            query = query.filter(esg_data::has_target.eq(t));
        }
        if let Some(code) = present(&self.supplier) {
            query = query.filter(suppliers::code.eq(code.to_owned()));
        }
        if let Some(id) = self.only_supplier {
            query = query.filter(esg_data::supplier_id.eq(id));
        }
        query
    }

    fn ordered(&self) -> BoxedJoined {
        let query = self.query();
        macro_rules! by {
            ($column:expr) => {
                if self.descending() {
                    query.order(($column.desc(), suppliers::code.asc(), esg_data::year.desc()))
                } else {
                    query.order(($column.asc(), suppliers::code.asc(), esg_data::year.desc()))
                }
            };
        }
        match self.sort_column() {
            "supplier" if self.descending() => {
                query.order((suppliers::code.desc(), esg_data::year.desc()))
            }
            "supplier" => query.order((suppliers::code.asc(), esg_data::year.desc())),
            "business_unit" => by!(suppliers::business_unit),
            "scope1_t" => by!(esg_data::scope1_t),
            "scope2_t" => by!(esg_data::scope2_t),
            "renewable_mwh" => by!(esg_data::renewable_mwh),
            "ghg_verification" => by!(esg_data::ghg_verification),
            _ => by!(esg_data::year),
        }
    }

    pub fn page(
        &self,
        conn: &mut DbConnection,
        page: i64,
        per_page: i64,
    ) -> QueryResult<Paged<(EsgRecord, SupplierBrief)>> {
        let total = self.query().count().get_result(conn)?;
        let items = self
            .ordered()
            .limit(per_page)
            .offset((page - 1) * per_page)
            .select((EsgRecord::as_select(), SupplierBrief::as_select()))
            .load(conn)?;
        Ok(Paged {
            items,
            total,
            page,
            per_page,
        })
    }

    /// Every matching record, for exports.
    pub fn all(&self, conn: &mut DbConnection) -> QueryResult<Vec<(EsgRecord, SupplierBrief)>> {
        self.ordered()
            .select((EsgRecord::as_select(), SupplierBrief::as_select()))
            .load(conn)
    }
}

/// DESIGN §4 `climate` for year `year`: of the suppliers in scope (the
/// business unit, when given) with ESG data for the year, those with a
/// reduction target, GHG-verified and in verification. One grouped query.
pub fn climate_figures(
    conn: &mut DbConnection,
    year: i32,
    business_unit: Option<&str>,
) -> QueryResult<ClimateFigures> {
    let mut query = esg_data::table
        .inner_join(suppliers::table)
        .filter(esg_data::year.eq(year))
        .group_by((esg_data::has_target, esg_data::ghg_verification))
        .select((
            esg_data::has_target,
            esg_data::ghg_verification,
            count_star(),
        ))
        .into_boxed();
    if let Some(bu) = business_unit.map(str::trim).filter(|b| !b.is_empty()) {
        query = query.filter(suppliers::business_unit.eq(bu.to_lowercase()));
    }
    let groups: Vec<(bool, String, i64)> = query.load(conn)?;
    let mut figures = ClimateFigures::default();
    for (has_target, verification, count) in groups {
        figures.add(has_target, Verification::parse(&verification), count);
    }
    Ok(figures)
}

/// One group of the climate query: business unit, year, target,
/// verification, suppliers, then sums of scope 1, scope 2, renewable,
/// wastewater, exhaust and hazardous waste.
type ClimateGroup = (
    String,
    i32,
    bool,
    String,
    i64,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
);

/// Business unit, year, sums of scope 1, scope 2 and revenue of the
/// suppliers that reported revenue.
type RevenueGroup = (String, i32, Option<f64>, Option<f64>, Option<f64>);

/// The climate view: per business unit, the totals of `year` and of the
/// year before (DESIGN §2.9 figures, year over year). Two grouped queries,
/// whatever the number of suppliers.
pub fn climate_rows(
    conn: &mut DbConnection,
    year: i32,
    business_unit: Option<&str>,
) -> QueryResult<Vec<ClimateRow>> {
    let bu = business_unit
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .map(str::to_lowercase);
    let years = [year, year - 1];
    let mut grouped = esg_data::table
        .inner_join(suppliers::table)
        .filter(esg_data::year.eq_any(years))
        .group_by((
            suppliers::business_unit,
            esg_data::year,
            esg_data::has_target,
            esg_data::ghg_verification,
        ))
        .select((
            suppliers::business_unit,
            esg_data::year,
            esg_data::has_target,
            esg_data::ghg_verification,
            count_star(),
            sum(esg_data::scope1_t),
            sum(esg_data::scope2_t),
            sum(esg_data::renewable_mwh),
            sum(esg_data::wastewater_t),
            sum(esg_data::exhaust_t),
            sum(esg_data::hazardous_waste_t),
        ))
        .into_boxed();
    let mut with_revenue = esg_data::table
        .inner_join(suppliers::table)
        .filter(esg_data::year.eq_any(years))
        .filter(esg_data::revenue_mcny.gt(0.0))
        .group_by((suppliers::business_unit, esg_data::year))
        .select((
            suppliers::business_unit,
            esg_data::year,
            sum(esg_data::scope1_t),
            sum(esg_data::scope2_t),
            sum(esg_data::revenue_mcny),
        ))
        .into_boxed();
    if let Some(bu) = &bu {
        grouped = grouped.filter(suppliers::business_unit.eq(bu.clone()));
        with_revenue = with_revenue.filter(suppliers::business_unit.eq(bu.clone()));
    }
    let groups: Vec<ClimateGroup> = grouped.load(conn)?;
    let with_revenue: Vec<RevenueGroup> = with_revenue.load(conn)?;

    let mut by_unit: BTreeMap<String, (ClimateTotals, ClimateTotals)> = BTreeMap::new();
    fn slot<'a>(
        map: &'a mut BTreeMap<String, (ClimateTotals, ClimateTotals)>,
        unit: &str,
        current: bool,
    ) -> &'a mut ClimateTotals {
        let entry = map.entry(unit.to_owned()).or_default();
        if current {
            &mut entry.0
        } else {
            &mut entry.1
        }
    }
    for (unit, y, has_target, verification, count, s1, s2, renewable, water, exhaust, hazardous) in
        groups
    {
        let t = slot(&mut by_unit, &unit, y == year);
        t.reporting += count;
        t.figures
            .add(has_target, Verification::parse(&verification), count);
        t.scope1_t += s1.unwrap_or(0.0);
        t.scope2_t += s2.unwrap_or(0.0);
        t.renewable_mwh += renewable.unwrap_or(0.0);
        t.wastewater_t += water.unwrap_or(0.0);
        t.exhaust_t += exhaust.unwrap_or(0.0);
        t.hazardous_waste_t += hazardous.unwrap_or(0.0);
    }
    for (unit, y, s1, s2, revenue) in with_revenue {
        let t = slot(&mut by_unit, &unit, y == year);
        t.emissions_with_revenue_t += s1.unwrap_or(0.0) + s2.unwrap_or(0.0);
        t.revenue_mcny += revenue.unwrap_or(0.0);
    }
    Ok(by_unit
        .into_iter()
        .map(|(business_unit, (current, previous))| ClimateRow {
            business_unit,
            current,
            previous,
        })
        .collect())
}

/// What the supplier page shows of a supplier's ESG side: its data by
/// year, its improvement programmes, the trainings it attended and the
/// requests for data it received. Four queries.
pub struct SupplierEsg {
    pub data: Vec<EsgRecord>,
    pub programmes: Vec<(super::programme::Programme, Vec<super::programme::Item>)>,
    pub trainings: Vec<(super::training::Session, i32)>,
    pub requests: Vec<super::esg_request::EsgRequest>,
}

impl SupplierEsg {
    pub fn load(conn: &mut DbConnection, supplier_id: i32) -> QueryResult<SupplierEsg> {
        Ok(SupplierEsg {
            data: for_supplier(conn, supplier_id)?,
            programmes: super::programme::for_supplier(conn, supplier_id)?,
            trainings: super::training::for_supplier(conn, supplier_id)?,
            requests: super::esg_request::for_supplier(conn, supplier_id)?,
        })
    }

    /// Requests whose year has no data yet.
    pub fn open_requests(&self) -> Vec<&super::esg_request::EsgRequest> {
        self.requests
            .iter()
            .filter(|r| !self.data.iter().any(|d| d.year == r.year))
            .collect()
    }
}

/// Years that have ESG data, newest first (for the year menus).
pub fn years(conn: &mut DbConnection) -> QueryResult<Vec<i32>> {
    esg_data::table
        .select(esg_data::year)
        .distinct()
        .order(esg_data::year.desc())
        .load(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    fn input() -> EsgInput {
        EsgInput {
            supplier_code: "S1".into(),
            year: "2021".into(),
            renewable_mwh: "1,200".into(),
            scope1_t: "350.5".into(),
            scope2_t: "4200".into(),
            has_target: "yes".into(),
            target_text: "-30 % by 2030".into(),
            target_year: "2030".into(),
            ghg_verification: "verified".into(),
            verifier: "SGS".into(),
            ..EsgInput::default()
        }
    }

    #[test]
    fn a_valid_year_is_normalised() {
        let f = input().check(today()).unwrap();
        assert_eq!(f.year, 2021);
        assert_eq!(f.metrics.renewable_mwh, Some(1200.0));
        assert_eq!(f.metrics.wastewater_t, None);
        assert_eq!(f.metrics.emissions_t(), 4550.5);
        assert!(f.has_target);
        assert_eq!(f.target_year, Some(2030));
        assert_eq!(f.verification, Verification::Verified);
    }

    #[test]
    fn each_bad_value_names_its_field() {
        let problems = |f: &dyn Fn(&mut EsgInput)| {
            let mut i = input();
            f(&mut i);
            i.check(today()).unwrap_err()
        };
        assert_eq!(
            problems(&|i| i.scope1_t = "-1".into())["scope1_t"],
            "esg.negative"
        );
        assert_eq!(
            problems(&|i| i.scope2_t = "lots".into())["scope2_t"],
            "esg.number"
        );
        assert_eq!(
            problems(&|i| i.scope2_t.clear())["scope2_t"],
            "field.required"
        );
        assert_eq!(
            problems(&|i| i.year = "2027".into())["year"],
            "esg.future_year"
        );
        assert_eq!(
            problems(&|i| i.ghg_verification = "maybe".into())["ghg_verification"],
            "esg.verification"
        );
        assert_eq!(
            problems(&|i| i.has_target = "no".into())["target_year"],
            "esg.target_year_without_target"
        );
        assert_eq!(
            problems(&|i| i.supplier_code = "a b".into())["supplier_code"],
            "field.code"
        );
        let all = problems(&|i| {
            i.hazardous_waste_t = "-2".into();
            i.exhaust_t = "x".into();
        });
        assert_eq!(all.len(), 2);
    }

    #[test]
    fn loose_text_reads_numbers_and_strings() {
        let from_json: EsgInput = serde_json::from_value(serde_json::json!({
            "supplier_code": "S1", "year": 2021, "scope1_t": 12.5, "scope2_t": "3",
            "has_target": true, "target_year": null
        }))
        .unwrap();
        assert_eq!(from_json.year, "2021");
        assert_eq!(from_json.scope1_t, "12.5");
        assert_eq!(from_json.has_target, "true");
        assert_eq!(from_json.target_year, "");
        assert!(serde_json::from_value::<EsgInput>(serde_json::json!({"year": [1]})).is_err());
    }
}
