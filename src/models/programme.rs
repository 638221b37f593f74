//! Improvement programmes per supplier ("satisfied factory", DESIGN §2.9):
//! a programme has lines, each an area (energy saving, circular use, legal
//! compliance, worker satisfaction…) with its actions, target and measured
//! result (carbon −14.92 %, savings 1,165,000 CNY, satisfaction +14 %).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::audit_log::{self, Actor};
use super::now;
use crate::db::schema::{improvement_programmes, programme_items};
use crate::db::DbConnection;
use crate::domain::esg::{format_result, ResultUnit, MAX_AMOUNT, PROGRAMME_AREAS};
use crate::domain::values;
use crate::error::{AppError, FieldErrors};

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = improvement_programmes)]
pub struct Programme {
    pub id: i32,
    #[serde(skip)]
    pub supplier_id: i32,
    pub title: String,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub summary: String,
    #[serde(skip)]
    pub created_by: Option<i32>,
    #[serde(skip)]
    pub created_at: NaiveDateTime,
    #[serde(skip)]
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = programme_items)]
pub struct Item {
    pub id: i32,
    #[serde(skip)]
    pub programme_id: i32,
    pub area: String,
    pub actions: String,
    pub target: String,
    pub indicator: String,
    pub result_value: Option<f64>,
    pub result_unit: String,
}

impl Item {
    /// The measured result as printed ("−14.92 %"), if measured.
    pub fn result_text(&self) -> Option<String> {
        let unit = ResultUnit::parse(&self.result_unit)?;
        self.result_value.map(|v| format_result(v, unit))
    }
}

/// A programme as typed into its form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProgrammeInput {
    pub title: String,
    pub started_on: String,
    pub ended_on: String,
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProgrammeFields {
    pub title: String,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub summary: String,
}

impl ProgrammeInput {
    pub fn from_programme(p: &Programme) -> Self {
        Self {
            title: p.title.clone(),
            started_on: p.started_on.to_string(),
            ended_on: p.ended_on.map(|d| d.to_string()).unwrap_or_default(),
            summary: p.summary.clone(),
        }
    }

    pub fn check(&self) -> Result<ProgrammeFields, FieldErrors> {
        let mut problems = FieldErrors::new();
        let title = values::text(&self.title, 200, true)
            .map_err(|k| problems.insert("title".into(), k.into()))
            .unwrap_or_default();
        let started_on = values::date(&self.started_on)
            .map_err(|k| {
                let key = if self.started_on.trim().is_empty() {
                    "field.required"
                } else {
                    k
                };
                problems.insert("started_on".into(), key.into())
            })
            .ok();
        let ended_on = match self.ended_on.trim() {
            "" => None,
            d => values::date(d)
                .map_err(|k| problems.insert("ended_on".into(), k.into()))
                .ok(),
        };
        if let (Some(s), Some(e)) = (started_on, ended_on) {
            if e < s {
                problems.insert("ended_on".into(), "programme.end_before_start".into());
            }
        }
        let summary = values::text(&self.summary, 2000, false)
            .map_err(|k| problems.insert("summary".into(), k.into()))
            .unwrap_or_default();
        match started_on {
            Some(started_on) if problems.is_empty() => Ok(ProgrammeFields {
                title,
                started_on,
                ended_on,
                summary,
            }),
            _ => Err(problems),
        }
    }
}

/// A programme line as typed into its form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ItemInput {
    pub area: String,
    pub actions: String,
    pub target: String,
    pub indicator: String,
    pub result_value: String,
    pub result_unit: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ItemFields {
    pub area: String,
    pub actions: String,
    pub target: String,
    pub indicator: String,
    pub result_value: Option<f64>,
    pub result_unit: String,
}

impl ItemInput {
    pub fn check(&self) -> Result<ItemFields, FieldErrors> {
        let mut problems = FieldErrors::new();
        let area = self.area.trim().to_owned();
        if !PROGRAMME_AREAS.contains(&area.as_str()) {
            problems.insert("area".into(), "programme.area_unknown".into());
        }
        let mut text = |field: &str, value: &str, max: usize, required: bool| {
            values::text(value, max, required)
                .map_err(|k| problems.insert(field.into(), k.into()))
                .unwrap_or_default()
        };
        let actions = text("actions", &self.actions, 2000, true);
        let target = text("target", &self.target, 300, false);
        let indicator = text("indicator", &self.indicator, 200, false);
        // A result is a signed number (a change may be negative).
        let result_value = match self.result_value.trim().replace([',', ' '], "") {
            v if v.is_empty() => None,
            v => match v.replace('−', "-").parse::<f64>() {
                Ok(n) if n.is_finite() && n.abs() <= MAX_AMOUNT => Some(n),
                _ => {
                    problems.insert("result_value".into(), "esg.number".into());
                    None
                }
            },
        };
        let result_unit = self.result_unit.trim().to_owned();
        match (result_value, ResultUnit::parse(&result_unit)) {
            (Some(_), None) => {
                problems.insert("result_unit".into(), "programme.unit".into());
            }
            (None, Some(_)) if !problems.contains_key("result_value") => {
                problems.insert("result_value".into(), "field.required".into());
            }
            _ => {}
        }
        if problems.is_empty() {
            Ok(ItemFields {
                area,
                actions,
                target,
                indicator,
                result_value,
                result_unit: if result_value.is_some() {
                    result_unit
                } else {
                    String::new()
                },
            })
        } else {
            Err(problems)
        }
    }
}

fn entity_id(supplier_code: &str, id: i32) -> String {
    format!("{supplier_code}/{id}")
}

fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Programme> {
    improvement_programmes::table
        .find(id)
        .select(Programme::as_select())
        .get_result(conn)
}

/// A supplier's programme by id (`None` when it belongs to another).
pub fn for_supplier_by_id(
    conn: &mut DbConnection,
    supplier_id: i32,
    id: i32,
) -> QueryResult<Option<(Programme, Vec<Item>)>> {
    let found: Option<Programme> = improvement_programmes::table
        .find(id)
        .filter(improvement_programmes::supplier_id.eq(supplier_id))
        .select(Programme::as_select())
        .first(conn)
        .optional()?;
    match found {
        None => Ok(None),
        Some(p) => {
            let items = programme_items::table
                .filter(programme_items::programme_id.eq(p.id))
                .order(programme_items::id)
                .select(Item::as_select())
                .load(conn)?;
            Ok(Some((p, items)))
        }
    }
}

pub fn insert(
    conn: &mut DbConnection,
    actor: &Actor,
    supplier_id: i32,
    supplier_code: &str,
    fields: &ProgrammeFields,
) -> Result<Programme, AppError> {
    let at = now();
    let id: i32 = diesel::insert_into(improvement_programmes::table)
        .values((
            improvement_programmes::supplier_id.eq(supplier_id),
            improvement_programmes::title.eq(&fields.title),
            improvement_programmes::started_on.eq(fields.started_on),
            improvement_programmes::ended_on.eq(fields.ended_on),
            improvement_programmes::summary.eq(&fields.summary),
            improvement_programmes::created_by.eq(actor.user_id),
            improvement_programmes::created_at.eq(at),
            improvement_programmes::updated_at.eq(at),
            improvement_programmes::version.eq(1),
        ))
        .returning(improvement_programmes::id)
        .get_result(conn)?;
    let programme = find(conn, id)?;
    audit_log::record::<(), _>(
        conn,
        actor,
        "improvement_programme",
        &entity_id(supplier_code, id),
        "create",
        None,
        Some(&programme),
    )?;
    Ok(programme)
}

pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    supplier_code: &str,
    before: &Programme,
    version: i32,
    fields: &ProgrammeFields,
) -> Result<Programme, AppError> {
    let changed = diesel::update(
        improvement_programmes::table
            .filter(improvement_programmes::id.eq(before.id))
            .filter(improvement_programmes::version.eq(version)),
    )
    .set((
        improvement_programmes::title.eq(&fields.title),
        improvement_programmes::started_on.eq(fields.started_on),
        improvement_programmes::ended_on.eq(fields.ended_on),
        improvement_programmes::summary.eq(&fields.summary),
        improvement_programmes::updated_at.eq(now()),
        improvement_programmes::version.eq(version + 1),
    ))
    .execute(conn)?;
    let id = entity_id(supplier_code, before.id);
    if changed == 0 {
        return Err(audit_log::stale(conn, "improvement_programme", &id)?);
    }
    let after = find(conn, before.id)?;
    audit_log::record(
        conn,
        actor,
        "improvement_programme",
        &id,
        "update",
        Some(before),
        Some(&after),
    )?;
    Ok(after)
}

/// Adds a line to a programme; the programme's version moves on, so a form
/// opened before sees that it changed.
pub fn add_item(
    conn: &mut DbConnection,
    actor: &Actor,
    supplier_code: &str,
    programme: &Programme,
    fields: &ItemFields,
) -> Result<Item, AppError> {
    let id: i32 = diesel::insert_into(programme_items::table)
        .values((
            programme_items::programme_id.eq(programme.id),
            programme_items::area.eq(&fields.area),
            programme_items::actions.eq(&fields.actions),
            programme_items::target.eq(&fields.target),
            programme_items::indicator.eq(&fields.indicator),
            programme_items::result_value.eq(fields.result_value),
            programme_items::result_unit.eq(&fields.result_unit),
        ))
        .returning(programme_items::id)
        .get_result(conn)?;
    touch(conn, programme.id)?;
    let item: Item = programme_items::table
        .find(id)
        .select(Item::as_select())
        .get_result(conn)?;
    audit_log::record::<(), _>(
        conn,
        actor,
        "improvement_programme",
        &entity_id(supplier_code, programme.id),
        "item_added",
        None,
        Some(&item),
    )?;
    Ok(item)
}

pub fn remove_item(
    conn: &mut DbConnection,
    actor: &Actor,
    supplier_code: &str,
    programme: &Programme,
    item_id: i32,
) -> Result<(), AppError> {
    let item: Item = programme_items::table
        .find(item_id)
        .filter(programme_items::programme_id.eq(programme.id))
        .select(Item::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)?;
    diesel::delete(programme_items::table.find(item_id)).execute(conn)?;
    touch(conn, programme.id)?;
    audit_log::record::<_, ()>(
        conn,
        actor,
        "improvement_programme",
        &entity_id(supplier_code, programme.id),
        "item_removed",
        Some(&item),
        None,
    )?;
    Ok(())
}

fn touch(conn: &mut DbConnection, programme_id: i32) -> QueryResult<()> {
    diesel::update(improvement_programmes::table.find(programme_id))
        .set((
            improvement_programmes::updated_at.eq(now()),
            improvement_programmes::version.eq(improvement_programmes::version + 1),
        ))
        .execute(conn)?;
    Ok(())
}

/// A supplier's programmes, newest first, each with its lines: one query.
pub fn for_supplier(
    conn: &mut DbConnection,
    supplier_id: i32,
) -> QueryResult<Vec<(Programme, Vec<Item>)>> {
    let rows: Vec<(Programme, Option<Item>)> = improvement_programmes::table
        .left_join(programme_items::table)
        .filter(improvement_programmes::supplier_id.eq(supplier_id))
        .order((
            improvement_programmes::started_on.desc(),
            improvement_programmes::id.desc(),
            programme_items::id.asc(),
        ))
        .select((Programme::as_select(), Option::<Item>::as_select()))
        .load(conn)?;
    let mut out: Vec<(Programme, Vec<Item>)> = Vec::new();
    for (programme, item) in rows {
        match out.last_mut() {
            Some((last, items)) if last.id == programme.id => items.extend(item),
            _ => out.push((programme, item.into_iter().collect())),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programmes_need_a_title_and_a_start() {
        let ok = ProgrammeInput {
            title: "Satisfied factory 2021".into(),
            started_on: "2021-03-01".into(),
            ended_on: "2021-12-31".into(),
            summary: String::new(),
        };
        assert!(ok.check().is_ok());
        let bad = ProgrammeInput {
            title: String::new(),
            started_on: String::new(),
            ended_on: "2020-01-01".into(),
            summary: String::new(),
        }
        .check()
        .unwrap_err();
        assert_eq!(bad["title"], "field.required");
        assert_eq!(bad["started_on"], "field.required");
        let backwards = ProgrammeInput {
            ended_on: "2021-01-01".into(),
            ..ok
        }
        .check()
        .unwrap_err();
        assert_eq!(backwards["ended_on"], "programme.end_before_start");
    }

    #[test]
    fn items_have_an_area_and_a_result_with_its_unit() {
        let item = ItemInput {
            area: "energy_saving".into(),
            actions: "Air-compressor heat recovery; LED lighting".into(),
            target: "−10 % carbon".into(),
            indicator: "Carbon emissions".into(),
            result_value: "−14.92".into(),
            result_unit: "pct_change".into(),
        };
        let f = item.check().unwrap();
        assert_eq!(f.result_value, Some(-14.92));
        let bad = ItemInput {
            area: "magic".into(),
            actions: String::new(),
            result_value: "a lot".into(),
            ..item.clone()
        }
        .check()
        .unwrap_err();
        assert_eq!(bad["area"], "programme.area_unknown");
        assert_eq!(bad["actions"], "field.required");
        assert_eq!(bad["result_value"], "esg.number");
        let no_unit = ItemInput {
            result_unit: String::new(),
            ..item.clone()
        }
        .check()
        .unwrap_err();
        assert_eq!(no_unit["result_unit"], "programme.unit");
        let no_value = ItemInput {
            result_value: String::new(),
            ..item
        }
        .check()
        .unwrap_err();
        assert_eq!(no_value["result_value"], "field.required");
    }
}
