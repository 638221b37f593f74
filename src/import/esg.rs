//! DESIGN §5 `esg`: suppliers' yearly ESG data from a file. The natural key
//! is (supplier_code, year): a new pair is created, an existing one updated
//! when its values differ, otherwise left alone. A value more than ten times
//! the supplier's value of the year before (in the file or stored) is a
//! warning: the import then needs an explicit confirmation.

use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};

use super::table::{self, Column, Problem};
use super::Outcome;
use crate::db::DbConnection;
use crate::domain::esg::Jump;
use crate::error::AppError;
use crate::models::audit_log::Actor;
use crate::models::esg::{self, EsgFields, EsgInput, EsgRecord};
use crate::models::supplier::{self, Supplier};

pub const COLUMNS: &[Column] = &[
    Column {
        key: "supplier_code",
        label_zh: "供应商代码",
        required: true,
    },
    Column {
        key: "year",
        label_zh: "年度",
        required: true,
    },
    Column {
        key: "renewable_mwh",
        label_zh: "可再生电力（MWh）",
        required: false,
    },
    Column {
        key: "scope1_t",
        label_zh: "范围一排放（tCO2e）",
        required: true,
    },
    Column {
        key: "scope2_t",
        label_zh: "范围二排放（tCO2e）",
        required: true,
    },
    Column {
        key: "has_target",
        label_zh: "减排目标",
        required: false,
    },
    Column {
        key: "target_year",
        label_zh: "目标年份",
        required: false,
    },
    Column {
        key: "ghg_verification",
        label_zh: "温室气体第三方核查",
        required: false,
    },
    Column {
        key: "wastewater_t",
        label_zh: "废水（吨）",
        required: false,
    },
    Column {
        key: "exhaust_t",
        label_zh: "废气（吨）",
        required: false,
    },
    Column {
        key: "hazardous_waste_t",
        label_zh: "危险废物（吨）",
        required: false,
    },
    // Optional beyond §5: the target in words, who verified, revenue (the
    // denominator of intensity).
    Column {
        key: "target_text",
        label_zh: "目标内容",
        required: false,
    },
    Column {
        key: "verifier",
        label_zh: "核查机构",
        required: false,
    },
    Column {
        key: "revenue_mcny",
        label_zh: "营业收入（百万元）",
        required: false,
    },
    // Exports carry the supplier's name and business unit; accepted and ignored.
    Column {
        key: "supplier_name",
        label_zh: "供应商名称",
        required: false,
    },
    Column {
        key: "business_unit",
        label_zh: "业务部门",
        required: false,
    },
];

fn input_of(table: &table::Table, row: &table::Row) -> EsgInput {
    let get = |key| table.get(row, key).to_owned();
    EsgInput {
        supplier_code: get("supplier_code"),
        year: get("year"),
        renewable_mwh: get("renewable_mwh"),
        scope1_t: get("scope1_t"),
        scope2_t: get("scope2_t"),
        has_target: get("has_target"),
        target_text: get("target_text"),
        target_year: get("target_year"),
        ghg_verification: get("ghg_verification"),
        verifier: get("verifier"),
        wastewater_t: get("wastewater_t"),
        exhaust_t: get("exhaust_t"),
        hazardous_waste_t: get("hazardous_waste_t"),
        revenue_mcny: get("revenue_mcny"),
    }
}

enum Plan {
    Create(Box<Supplier>, EsgFields),
    Update(Box<Supplier>, Box<EsgRecord>, EsgFields),
    Unchanged,
}

/// Checks the whole file, then (unless `dry_run`) writes it in the caller's
/// transaction. `Ok(Err(problems))` means nothing was written.
pub fn run(
    conn: &mut DbConnection,
    actor: &Actor,
    bytes: &[u8],
    dry_run: bool,
    today: NaiveDate,
) -> Result<Result<Outcome, Vec<Problem>>, AppError> {
    let table = match table::read(bytes, COLUMNS) {
        Ok(table) => table,
        Err(problems) => return Ok(Err(problems)),
    };
    let mut problems = Vec::new();
    let mut checked: Vec<(usize, EsgInput, EsgFields)> = Vec::new();
    for row in table.rows() {
        let input = input_of(&table, row);
        match input.check(today) {
            Ok(fields) => checked.push((row.number, input, fields)),
            Err(field_problems) => {
                problems.extend(field_problems.into_iter().map(|(field, reason)| Problem {
                    row: row.number,
                    value: table.get(row, &field).to_owned(),
                    column: field,
                    reason,
                }))
            }
        }
    }
    let codes: Vec<String> = checked
        .iter()
        .map(|(_, _, f)| f.supplier_code.clone())
        .collect();
    let known = supplier::by_codes(conn, &codes)?;
    let mut seen = HashSet::new();
    let mut rows = Vec::new();
    for (number, input, fields) in checked {
        let Some(s) = known.get(&fields.supplier_code) else {
            problems.push(problem(
                number,
                "supplier_code",
                &input.supplier_code,
                "field.unknown_supplier",
            ));
            continue;
        };
        if !seen.insert((s.id, fields.year)) {
            problems.push(problem(
                number,
                "year",
                &input.year,
                "field.duplicate_in_file",
            ));
            continue;
        }
        rows.push((number, input, s.clone(), fields));
    }
    if !problems.is_empty() {
        problems.sort_by(|a, b| a.row.cmp(&b.row).then(a.column.cmp(&b.column)));
        return Ok(Err(problems));
    }

    // Stored records of the file's years and the years before, a query per
    // year rather than per row.
    let ids: Vec<i32> = rows.iter().map(|(_, _, s, _)| s.id).collect();
    let years: HashSet<i32> = rows
        .iter()
        .flat_map(|(_, _, _, f)| [f.year, f.year - 1])
        .collect();
    let mut stored: HashMap<(i32, i32), EsgRecord> = HashMap::new();
    for year in years {
        for (supplier_id, record) in esg::for_year(conn, &ids, year)? {
            stored.insert((supplier_id, year), record);
        }
    }
    let in_file: HashMap<(i32, i32), &EsgFields> = rows
        .iter()
        .map(|(_, _, s, f)| ((s.id, f.year), f))
        .collect();

    let mut outcome = Outcome {
        rows: rows.len(),
        ..Outcome::default()
    };
    let mut plans = Vec::new();
    for (number, input, s, fields) in &rows {
        let current = stored.get(&(s.id, fields.year));
        // Last year as it will be after this import: the file's row if it
        // has one, else what is stored.
        let previous = in_file
            .get(&(s.id, fields.year - 1))
            .map(|f| f.metrics)
            .or_else(|| stored.get(&(s.id, fields.year - 1)).map(EsgRecord::metrics));
        let jumps: Vec<Jump> = fields.jumps(previous.as_ref(), current);
        for jump in jumps {
            let typed = field_text(input, jump.field);
            outcome.warnings.push(Problem {
                row: *number,
                column: jump.field.to_owned(),
                value: format!(
                    "{} → {typed}",
                    crate::domain::esg::grouped(jump.previous, 3)
                ),
                reason: "esg.jump".to_owned(),
            });
        }
        match current {
            None => {
                outcome.created += 1;
                plans.push(Plan::Create(Box::new(s.clone()), fields.clone()));
            }
            Some(c) if fields.same_as(c) => {
                outcome.unchanged += 1;
                plans.push(Plan::Unchanged);
            }
            Some(c) => {
                outcome.updated += 1;
                plans.push(Plan::Update(
                    Box::new(s.clone()),
                    Box::new(c.clone()),
                    fields.clone(),
                ));
            }
        }
    }
    if dry_run {
        return Ok(Ok(outcome));
    }
    let mut creates = Vec::new();
    for plan in plans {
        match plan {
            Plan::Unchanged => {}
            Plan::Create(s, fields) => creates.push((s.id, s.code.clone(), fields)),
            Plan::Update(s, current, fields) => {
                esg::update(
                    conn,
                    actor,
                    &s,
                    &current,
                    current.version,
                    esg::Write {
                        fields: &fields,
                        statement: None,
                        action: "import_update",
                    },
                )?;
            }
        }
    }
    esg::insert_many(conn, actor, &creates, "import")?;
    Ok(Ok(outcome))
}

fn field_text<'a>(input: &'a EsgInput, field: &str) -> &'a str {
    match field {
        "renewable_mwh" => &input.renewable_mwh,
        "scope1_t" => &input.scope1_t,
        "scope2_t" => &input.scope2_t,
        "wastewater_t" => &input.wastewater_t,
        "exhaust_t" => &input.exhaust_t,
        "hazardous_waste_t" => &input.hazardous_waste_t,
        "revenue_mcny" => &input.revenue_mcny,
        _ => "",
    }
}

fn problem(row: usize, column: &str, value: &str, reason: &str) -> Problem {
    Problem {
        row,
        column: column.to_owned(),
        value: value.to_owned(),
        reason: reason.to_owned(),
    }
}
