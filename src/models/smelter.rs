//! The RMI smelter reference list (DESIGN §2.8): rows, the checked input of
//! the `smelters` import, the dated RMAP status history, list queries, and
//! the year's figures over the smelters suppliers declared (DESIGN §4).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use super::audit_log::Actor;
use super::{insert_many, like_pattern, now, Paged};
use crate::db::schema::{
    mineral_submissions, smelter_declarations, smelter_status_history, smelters, suppliers,
};
use crate::db::DbConnection;
use crate::domain::minerals::{
    self, country_code, name_key, normalize_smelter_id, DeclaredSmelter, Metal, Reference,
    ReferenceSmelter, RmapStatus, SmelterFigures, SmelterIdText,
};
use crate::error::FieldErrors;

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = smelters)]
pub struct Smelter {
    #[serde(skip)]
    pub id: i32,
    pub smelter_id: String,
    pub metal: String,
    pub name: String,
    pub country: String,
    pub rmap_status: String,
    pub status_since: NaiveDate,
    #[serde(skip)]
    pub name_key: String,
    #[serde(skip)]
    pub search_text: String,
    #[serde(skip)]
    pub created_at: NaiveDateTime,
    #[serde(skip)]
    pub updated_at: NaiveDateTime,
}

impl Smelter {
    pub fn status(&self) -> Option<RmapStatus> {
        RmapStatus::parse(&self.rmap_status)
    }

    pub fn is_conformant(&self) -> bool {
        self.status() == Some(RmapStatus::Conformant)
    }

    pub fn by_smelter_id(
        conn: &mut DbConnection,
        smelter_id: &str,
    ) -> QueryResult<Option<Smelter>> {
        let wanted = match normalize_smelter_id(smelter_id) {
            SmelterIdText::Valid(id) => id,
            _ => return Ok(None),
        };
        smelters::table
            .filter(smelters::smelter_id.eq(wanted))
            .select(Smelter::as_select())
            .first(conn)
            .optional()
    }

    pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
        smelters::table.count().get_result(conn)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = smelter_status_history)]
pub struct StatusChange {
    #[serde(skip)]
    pub id: i32,
    #[serde(skip)]
    pub smelter_ref_id: i32,
    pub changed_on: NaiveDate,
    pub previous_status: Option<String>,
    pub status: String,
    #[serde(skip)]
    pub recorded_at: NaiveDateTime,
    #[serde(skip)]
    pub recorded_by: Option<i32>,
}

/// A smelter as a row of the RMI list gives it (DESIGN §5 `smelters`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SmelterInput {
    pub smelter_id: String,
    pub metal: String,
    pub name: String,
    pub country: String,
    pub rmap_status: String,
}

/// Checked values of a reference row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmelterFields {
    pub smelter_id: String,
    pub metal: Metal,
    pub name: String,
    /// ISO code when the name is known, else the name as given.
    pub country: String,
    pub status: RmapStatus,
}

impl SmelterInput {
    pub fn check(&self) -> Result<SmelterFields, FieldErrors> {
        let mut problems = FieldErrors::new();
        let mut fail = |field: &str, key: &str| {
            problems.insert(field.into(), key.into());
        };
        let smelter_id = match normalize_smelter_id(&self.smelter_id) {
            SmelterIdText::Valid(id) => Some(id),
            SmelterIdText::Empty => {
                fail("smelter_id", "field.required");
                None
            }
            SmelterIdText::Malformed => {
                fail("smelter_id", "field.smelter_id");
                None
            }
        };
        let metal = if self.metal.trim().is_empty() {
            fail("metal", "field.required");
            None
        } else {
            let metal = Metal::parse(&self.metal);
            if metal.is_none() {
                fail("metal", "field.metal");
            }
            metal
        };
        let name = self.name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            fail("name", "field.required");
        } else if name.chars().count() > 300 {
            fail("name", "field.too_long");
        }
        let country_text = self.country.trim();
        if country_text.is_empty() {
            fail("country", "field.required");
        } else if country_text.chars().count() > 100 {
            fail("country", "field.too_long");
        }
        let status = if self.rmap_status.trim().is_empty() {
            fail("rmap_status", "field.required");
            None
        } else {
            let status = RmapStatus::parse(&self.rmap_status);
            if status.is_none() {
                fail("rmap_status", "field.rmap_status");
            }
            status
        };
        match (smelter_id, metal, status) {
            (Some(smelter_id), Some(metal), Some(status)) if problems.is_empty() => {
                Ok(SmelterFields {
                    smelter_id,
                    metal,
                    name,
                    country: country_code(country_text)
                        .map(str::to_owned)
                        .unwrap_or_else(|| country_text.to_owned()),
                    status,
                })
            }
            _ => Err(problems),
        }
    }
}

impl SmelterFields {
    fn search_text(&self) -> String {
        format!("{} {} {}", self.smelter_id, self.name, self.country).to_lowercase()
    }

    /// Whether the stored row already says exactly this.
    pub fn same_as(&self, s: &Smelter) -> bool {
        s.smelter_id == self.smelter_id
            && s.metal == self.metal.as_str()
            && s.name == self.name
            && s.country == self.country
            && s.rmap_status == self.status.as_str()
    }
}

#[derive(Insertable)]
#[diesel(table_name = smelters)]
#[diesel(treat_none_as_default_value = false)]
struct NewSmelter {
    smelter_id: String,
    metal: String,
    name: String,
    country: String,
    rmap_status: String,
    status_since: NaiveDate,
    name_key: String,
    search_text: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = smelter_status_history)]
#[diesel(treat_none_as_default_value = false)]
struct NewStatusChange {
    smelter_ref_id: i32,
    changed_on: NaiveDate,
    previous_status: Option<String>,
    status: String,
    recorded_at: NaiveDateTime,
    recorded_by: Option<i32>,
}

/// Every reference smelter with the given IDs, by ID (in batches).
pub fn by_smelter_ids(
    conn: &mut DbConnection,
    ids: &[String],
) -> QueryResult<HashMap<String, Smelter>> {
    let mut found = HashMap::new();
    for chunk in ids.chunks(500) {
        for s in smelters::table
            .filter(smelters::smelter_id.eq_any(chunk))
            .select(Smelter::as_select())
            .load(conn)?
        {
            found.insert(s.smelter_id.clone(), s);
        }
    }
    Ok(found)
}

/// Reference smelters by row id.
pub fn by_ids(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<HashMap<i32, Smelter>> {
    let mut found = HashMap::new();
    for chunk in ids.chunks(500) {
        for s in smelters::table
            .filter(smelters::id.eq_any(chunk))
            .select(Smelter::as_select())
            .load(conn)?
        {
            found.insert(s.id, s);
        }
    }
    Ok(found)
}

/// What writing a reference list changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyCounts {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub status_changes: usize,
}

/// Writes checked reference rows: new smelters are created, known ones
/// updated; every new smelter and every status change adds a history row
/// dated `as_of`. Rows already as stored change nothing.
pub fn apply(
    conn: &mut DbConnection,
    actor: &Actor,
    rows: &[SmelterFields],
    as_of: NaiveDate,
) -> QueryResult<ApplyCounts> {
    let ids: Vec<String> = rows.iter().map(|r| r.smelter_id.clone()).collect();
    let existing = by_smelter_ids(conn, &ids)?;
    let at = now();
    let mut counts = ApplyCounts::default();
    let mut new_rows = Vec::new();
    let mut history = Vec::new();
    for row in rows {
        match existing.get(&row.smelter_id) {
            None => {
                counts.created += 1;
                new_rows.push(NewSmelter {
                    smelter_id: row.smelter_id.clone(),
                    metal: row.metal.as_str().to_owned(),
                    name: row.name.clone(),
                    country: row.country.clone(),
                    rmap_status: row.status.as_str().to_owned(),
                    status_since: as_of,
                    name_key: name_key(&row.name),
                    search_text: row.search_text(),
                    created_at: at,
                    updated_at: at,
                });
            }
            Some(current) if row.same_as(current) => counts.unchanged += 1,
            Some(current) => {
                counts.updated += 1;
                let status_changed = current.rmap_status != row.status.as_str();
                diesel::update(smelters::table.find(current.id))
                    .set((
                        smelters::metal.eq(row.metal.as_str()),
                        smelters::name.eq(&row.name),
                        smelters::country.eq(&row.country),
                        smelters::rmap_status.eq(row.status.as_str()),
                        smelters::status_since.eq(if status_changed {
                            as_of
                        } else {
                            current.status_since
                        }),
                        smelters::name_key.eq(name_key(&row.name)),
                        smelters::search_text.eq(row.search_text()),
                        smelters::updated_at.eq(at),
                    ))
                    .execute(conn)?;
                if status_changed {
                    counts.status_changes += 1;
                    history.push(NewStatusChange {
                        smelter_ref_id: current.id,
                        changed_on: as_of,
                        previous_status: Some(current.rmap_status.clone()),
                        status: row.status.as_str().to_owned(),
                        recorded_at: at,
                        recorded_by: actor.user_id,
                    });
                }
            }
        }
    }
    if !new_rows.is_empty() {
        insert_many!(conn, smelters::table, new_rows);
        let created_ids: Vec<String> = new_rows.iter().map(|r| r.smelter_id.clone()).collect();
        let created = by_smelter_ids(conn, &created_ids)?;
        for row in &new_rows {
            if let Some(s) = created.get(&row.smelter_id) {
                history.push(NewStatusChange {
                    smelter_ref_id: s.id,
                    changed_on: as_of,
                    previous_status: None,
                    status: row.rmap_status.clone(),
                    recorded_at: at,
                    recorded_by: actor.user_id,
                });
            }
        }
    }
    if !history.is_empty() {
        insert_many!(conn, smelter_status_history::table, history);
    }
    if counts.created + counts.updated > 0 {
        super::audit_log::record::<(), _>(
            conn,
            actor,
            "smelter_list",
            &as_of.to_string(),
            "import",
            None,
            Some(&serde_json::json!({
                "rows": rows.len(),
                "created": counts.created,
                "updated": counts.updated,
                "status_changes": counts.status_changes,
            })),
        )?;
    }
    Ok(counts)
}

/// The dated status history of a smelter, newest first.
pub fn history(conn: &mut DbConnection, smelter_ref_id: i32) -> QueryResult<Vec<StatusChange>> {
    smelter_status_history::table
        .filter(smelter_status_history::smelter_ref_id.eq(smelter_ref_id))
        .order(smelter_status_history::id.desc())
        .select(StatusChange::as_select())
        .load(conn)
}

/// The whole reference as matching needs it.
pub fn reference(conn: &mut DbConnection) -> QueryResult<Reference> {
    let rows: Vec<(i32, String, String, String)> = smelters::table
        .select((
            smelters::id,
            smelters::smelter_id,
            smelters::metal,
            smelters::name,
        ))
        .load(conn)?;
    Ok(Reference::new(rows.into_iter().filter_map(
        |(key, smelter_id, metal, name)| {
            Some(ReferenceSmelter {
                key,
                smelter_id,
                metal: Metal::parse(&metal)?,
                name,
            })
        },
    )))
}

/// A declared reference smelter: (row id, smelter ID, metal, country, RMAP
/// status).
pub type DeclaredRef = (i32, String, String, String, String);

/// The smelters declared in the files of reporting year `year` by suppliers
/// of `business_unit` (all when `None`): (row id, smelter ID, metal,
/// country, RMAP status), each smelter once.
pub fn declared(
    conn: &mut DbConnection,
    year: i32,
    business_unit: Option<&str>,
) -> QueryResult<Vec<DeclaredRef>> {
    let mut query = smelter_declarations::table
        .inner_join(mineral_submissions::table.inner_join(suppliers::table))
        .inner_join(smelters::table)
        .filter(mineral_submissions::year.eq(year))
        .select((
            smelters::id,
            smelters::smelter_id,
            smelters::metal,
            smelters::country,
            smelters::rmap_status,
        ))
        .distinct()
        .into_boxed();
    if let Some(bu) = business_unit.map(str::trim).filter(|b| !b.is_empty()) {
        query = query.filter(suppliers::business_unit.eq(bu.to_lowercase()));
    }
    query.load(conn)
}

fn as_declared(rows: &[DeclaredRef]) -> Vec<DeclaredSmelter> {
    rows.iter()
        .map(|(_, smelter_id, metal, country, status)| DeclaredSmelter {
            smelter_id: smelter_id.clone(),
            metal: metal.clone(),
            country: country.clone(),
            conformant: status == RmapStatus::Conformant.as_str(),
        })
        .collect()
}

/// DESIGN §4 `smelters` for reporting year `year`, over suppliers of
/// `business_unit` when given: distinct (smelter ID, metal) pairs declared
/// in that year's CMRT/EMRT files, their countries, and the share that is
/// RMAP-conformant, in total and per metal.
pub fn smelter_figures(
    conn: &mut DbConnection,
    year: i32,
    business_unit: Option<&str>,
) -> QueryResult<SmelterFigures> {
    let rows = declared(conn, year, business_unit)?;
    Ok(minerals::smelter_figures(&as_declared(&rows)))
}

/// The supply-chain view of a year: the figures, countries per metal, and
/// the ids of the smelters behind them.
pub struct SupplyChain {
    pub figures: SmelterFigures,
    pub countries_by_metal: HashMap<String, i64>,
    pub smelter_ids: Vec<i32>,
}

pub fn supply_chain(
    conn: &mut DbConnection,
    year: i32,
    business_unit: Option<&str>,
) -> QueryResult<SupplyChain> {
    let rows = declared(conn, year, business_unit)?;
    let declared = as_declared(&rows);
    Ok(SupplyChain {
        figures: minerals::smelter_figures(&declared),
        countries_by_metal: minerals::countries_by_metal(&declared),
        smelter_ids: rows.iter().map(|r| r.0).collect(),
    })
}

/// How many distinct suppliers (of `business_unit`) declared each smelter
/// in `year`.
pub fn supplier_counts(
    conn: &mut DbConnection,
    year: i32,
    business_unit: Option<&str>,
) -> QueryResult<HashMap<i32, i64>> {
    let mut query = smelter_declarations::table
        .inner_join(mineral_submissions::table.inner_join(suppliers::table))
        .filter(mineral_submissions::year.eq(year))
        .filter(smelter_declarations::smelter_ref_id.is_not_null())
        .select((
            smelter_declarations::smelter_ref_id,
            mineral_submissions::supplier_id,
        ))
        .distinct()
        .into_boxed();
    if let Some(bu) = business_unit.map(str::trim).filter(|b| !b.is_empty()) {
        query = query.filter(suppliers::business_unit.eq(bu.to_lowercase()));
    }
    let pairs: Vec<(Option<i32>, i32)> = query.load(conn)?;
    let mut counts = HashMap::new();
    for (smelter, _) in pairs {
        if let Some(smelter) = smelter {
            *counts.entry(smelter).or_insert(0) += 1;
        }
    }
    Ok(counts)
}

/// Years that have submissions, newest first.
pub fn submission_years(conn: &mut DbConnection) -> QueryResult<Vec<i32>> {
    mineral_submissions::table
        .select(mineral_submissions::year)
        .distinct()
        .order(mineral_submissions::year.desc())
        .load(conn)
}

/// Filters of the smelter lists (reference list, declared smelters of a
/// year), shared by pages, exports and the API.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SmelterFilter {
    pub q: Option<String>,
    pub metal: Option<String>,
    pub rmap_status: Option<String>,
    pub country: Option<String>,
    pub sort: Option<String>,
    pub dir: Option<String>,
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

pub const SORTS: &[&str] = &["smelter_id", "metal", "name", "country", "rmap_status"];

impl SmelterFilter {
    pub fn problems(&self) -> FieldErrors {
        let mut problems = FieldErrors::new();
        if present(&self.metal).is_some_and(|m| Metal::parse(m).is_none()) {
            problems.insert("metal".into(), "field.metal".into());
        }
        if present(&self.rmap_status).is_some_and(|s| RmapStatus::parse(s).is_none()) {
            problems.insert("rmap_status".into(), "field.rmap_status".into());
        }
        if present(&self.sort).is_some_and(|s| !SORTS.contains(&s)) {
            problems.insert("sort".into(), "field.sort".into());
        }
        if present(&self.dir).is_some_and(|d| d != "asc" && d != "desc") {
            problems.insert("dir".into(), "field.sort".into());
        }
        problems
    }

    pub fn sort_column(&self) -> &str {
        present(&self.sort).unwrap_or("smelter_id")
    }

    pub fn descending(&self) -> bool {
        present(&self.dir) == Some("desc")
    }

    /// `only`: restrict to these smelters (the declared ones of a year).
    fn query(&self, only: Option<&[i32]>) -> smelters::BoxedQuery<'static, crate::db::DbBackend> {
        let mut query = smelters::table.into_boxed();
        if let Some(ids) = only {
            query = query.filter(smelters::id.eq_any(ids.to_vec()));
        }
        if let Some(q) = present(&self.q) {
            query = query.filter(smelters::search_text.like(like_pattern(q)).escape('\\'));
        }
        if let Some(metal) = present(&self.metal).and_then(Metal::parse) {
            query = query.filter(smelters::metal.eq(metal.as_str()));
        }
        if let Some(status) = present(&self.rmap_status).and_then(RmapStatus::parse) {
            query = query.filter(smelters::rmap_status.eq(status.as_str()));
        }
        if let Some(country) = present(&self.country) {
            let stored = country_code(country)
                .map(str::to_owned)
                .unwrap_or_else(|| country.to_owned());
            query = query.filter(smelters::country.eq(stored));
        }
        query
    }

    fn ordered(&self, only: Option<&[i32]>) -> smelters::BoxedQuery<'static, crate::db::DbBackend> {
        let query = self.query(only);
        macro_rules! by {
            ($column:expr) => {
                if self.descending() {
                    query.order(($column.desc(), smelters::smelter_id.asc()))
                } else {
                    query.order(($column.asc(), smelters::smelter_id.asc()))
                }
            };
        }
        match self.sort_column() {
            "metal" => by!(smelters::metal),
            "name" => by!(smelters::name),
            "country" => by!(smelters::country),
            "rmap_status" => by!(smelters::rmap_status),
            _ if self.descending() => query.order(smelters::smelter_id.desc()),
            _ => query.order(smelters::smelter_id.asc()),
        }
    }

    pub fn page(
        &self,
        conn: &mut DbConnection,
        only: Option<&[i32]>,
        page: i64,
        per_page: i64,
    ) -> QueryResult<Paged<Smelter>> {
        let total = self.query(only).count().get_result(conn)?;
        let items = self
            .ordered(only)
            .limit(per_page)
            .offset((page - 1) * per_page)
            .select(Smelter::as_select())
            .load(conn)?;
        Ok(Paged {
            items,
            total,
            page,
            per_page,
        })
    }

    pub fn all(&self, conn: &mut DbConnection, only: Option<&[i32]>) -> QueryResult<Vec<Smelter>> {
        self.ordered(only).select(Smelter::as_select()).load(conn)
    }
}

/// A supplier's declaration of a smelter: (year, template, supplier code,
/// supplier name, business unit, submission id).
pub type Declarer = (i32, String, String, String, String, i32);

/// Who declared a smelter, newest year first.
pub fn declarers(conn: &mut DbConnection, smelter_ref_id: i32) -> QueryResult<Vec<Declarer>> {
    smelter_declarations::table
        .inner_join(mineral_submissions::table.inner_join(suppliers::table))
        .filter(smelter_declarations::smelter_ref_id.eq(smelter_ref_id))
        .select((
            mineral_submissions::year,
            mineral_submissions::template,
            suppliers::code,
            suppliers::name,
            suppliers::business_unit,
            mineral_submissions::id,
        ))
        .distinct()
        .order((mineral_submissions::year.desc(), suppliers::code.asc()))
        .load(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> SmelterInput {
        SmelterInput {
            smelter_id: "cid 000 001".into(),
            metal: "Gold".into(),
            name: "  Asahi   Refining ".into(),
            country: "Japan".into(),
            rmap_status: "Conformant".into(),
        }
    }

    #[test]
    fn a_reference_row_is_normalised() {
        let fields = input().check().unwrap();
        assert_eq!(fields.smelter_id, "CID000001");
        assert_eq!(fields.metal, Metal::Gold);
        assert_eq!(fields.name, "Asahi Refining");
        assert_eq!(fields.country, "JP");
        assert_eq!(fields.status, RmapStatus::Conformant);
        let mut unknown_country = input();
        unknown_country.country = "Atlantis".into();
        assert_eq!(unknown_country.check().unwrap().country, "Atlantis");
    }

    #[test]
    fn each_rule_names_its_field() {
        let problems = |f: &dyn Fn(&mut SmelterInput)| {
            let mut i = input();
            f(&mut i);
            i.check().unwrap_err()
        };
        assert_eq!(
            problems(&|i| i.smelter_id = "CID12".into())["smelter_id"],
            "field.smelter_id"
        );
        assert_eq!(
            problems(&|i| i.smelter_id.clear())["smelter_id"],
            "field.required"
        );
        assert_eq!(
            problems(&|i| i.metal = "Silver".into())["metal"],
            "field.metal"
        );
        assert_eq!(problems(&|i| i.name.clear())["name"], "field.required");
        assert_eq!(
            problems(&|i| i.country.clear())["country"],
            "field.required"
        );
        assert_eq!(
            problems(&|i| i.rmap_status = "pending".into())["rmap_status"],
            "field.rmap_status"
        );
    }
}
