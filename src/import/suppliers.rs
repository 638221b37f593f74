//! DESIGN §5 `suppliers`: the registry from a file. New rows are created
//! (history may say `approved` with its date: suppliers approved before this
//! system); existing rows (same code) are updated; an existing supplier's
//! status may only follow the allowed transitions, never into approved or
//! rejected, which come only from onboarding reviews.

use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};

use super::table::{self, Column, Problem};
use super::Outcome;
use crate::db::DbConnection;
use crate::domain::supplier_status::{can_change, SupplierStatus};
use crate::error::AppError;
use crate::models::audit_log::Actor;
use crate::models::supplier::{self, Supplier, SupplierFields, SupplierInput};

pub const COLUMNS: &[Column] = &[
    Column {
        key: "code",
        label_zh: "供应商代码",
        required: true,
    },
    Column {
        key: "name",
        label_zh: "名称",
        required: true,
    },
    Column {
        key: "name_local",
        label_zh: "中文名称",
        required: false,
    },
    Column {
        key: "uscc",
        label_zh: "统一社会信用代码",
        required: false,
    },
    Column {
        key: "country",
        label_zh: "国家",
        required: true,
    },
    Column {
        key: "business_unit",
        label_zh: "业务部门",
        required: true,
    },
    Column {
        key: "category",
        label_zh: "品类",
        required: false,
    },
    Column {
        key: "tier",
        label_zh: "层级",
        required: false,
    },
    Column {
        key: "parent_code",
        label_zh: "上级供应商代码",
        required: false,
    },
    Column {
        key: "production",
        label_zh: "生产性",
        required: false,
    },
    Column {
        key: "status",
        label_zh: "状态",
        required: false,
    },
    Column {
        key: "approved_on",
        label_zh: "批准日期",
        required: false,
    },
    Column {
        key: "exited_on",
        label_zh: "退出日期",
        required: false,
    },
    Column {
        key: "contact_name",
        label_zh: "联系人",
        required: false,
    },
    Column {
        key: "contact_email",
        label_zh: "联系人邮箱",
        required: false,
    },
    Column {
        key: "buyer_email",
        label_zh: "负责采购邮箱",
        required: false,
    },
    Column {
        key: "csr_signed_on",
        label_zh: "CSR协议签署日期",
        required: false,
    },
    // Exports carry the derived region; it is accepted and ignored on import.
    Column {
        key: "region",
        label_zh: "区域",
        required: false,
    },
];

fn input_of(table: &table::Table, row: &table::Row) -> SupplierInput {
    let get = |key| table.get(row, key).to_owned();
    SupplierInput {
        code: get("code"),
        name: get("name"),
        name_local: get("name_local"),
        uscc: get("uscc"),
        country: get("country"),
        business_unit: get("business_unit"),
        category: get("category"),
        tier: get("tier"),
        parent_code: get("parent_code"),
        production: get("production"),
        status: get("status"),
        approved_on: get("approved_on"),
        exited_on: get("exited_on"),
        contact_name: get("contact_name"),
        contact_email: get("contact_email"),
        buyer_email: get("buyer_email"),
        csr_signed_on: get("csr_signed_on"),
    }
}

/// What a checked row will do.
enum Plan {
    Create(SupplierFields),
    Update(Box<Supplier>, SupplierFields),
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
    let mut checked: Vec<(usize, SupplierInput, SupplierFields)> = Vec::new();
    for row in table.rows() {
        let input = input_of(&table, row);
        match input.check(today, &SupplierStatus::ALL) {
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

    // Within the file: each code and USCC once.
    let mut codes = HashSet::new();
    let mut usccs = HashSet::new();
    for (number, input, fields) in &checked {
        if !codes.insert(fields.code.clone()) {
            problems.push(problem(
                *number,
                "code",
                &input.code,
                "field.duplicate_in_file",
            ));
        }
        if let Some(u) = &fields.uscc {
            if !usccs.insert(u.clone()) {
                problems.push(problem(
                    *number,
                    "uscc",
                    &input.uscc,
                    "field.duplicate_in_file",
                ));
            }
        }
    }

    // Against the database, in batches rather than a query per row.
    let file_codes: Vec<String> = checked.iter().map(|(_, _, f)| f.code.clone()).collect();
    let parent_codes: Vec<String> = checked
        .iter()
        .filter_map(|(_, _, f)| f.parent_code.clone())
        .collect();
    let existing = supplier::by_codes(conn, &file_codes)?;
    let parents = supplier::by_codes(conn, &parent_codes)?;
    let uscc_list: Vec<String> = usccs.into_iter().collect();
    let uscc_holders = supplier::uscc_holders(conn, &uscc_list)?;
    let tier_in_file: HashMap<&str, i32> = checked
        .iter()
        .map(|(_, _, f)| (f.code.as_str(), f.tier))
        .collect();
    let parent_ids: Vec<i32> = existing.values().filter_map(|s| s.parent_id).collect();
    let existing_parent_codes = supplier::codes_of(conn, &parent_ids)?;

    let mut plans = Vec::new();
    for (number, input, fields) in &checked {
        if let Some(u) = &fields.uscc {
            if uscc_holders
                .get(u)
                .is_some_and(|holder| *holder != fields.code)
            {
                problems.push(problem(*number, "uscc", &input.uscc, "field.uscc_taken"));
            }
        }
        if let Some(parent) = &fields.parent_code {
            let tier = tier_in_file
                .get(parent.as_str())
                .copied()
                .or_else(|| parents.get(parent).map(|p| p.tier));
            match tier {
                None => problems.push(problem(
                    *number,
                    "parent_code",
                    parent,
                    "field.parent_unknown",
                )),
                Some(t) if t != 1 || parent == &fields.code => problems.push(problem(
                    *number,
                    "parent_code",
                    parent,
                    "field.parent_not_tier1",
                )),
                Some(_) => {}
            }
        }
        match existing.get(&fields.code) {
            None => plans.push(Plan::Create(fields.clone())),
            Some(current) => {
                let parent_code = current
                    .parent_id
                    .and_then(|p| existing_parent_codes.get(&p))
                    .map(String::as_str);
                let as_is = SupplierInput::from_supplier(current, parent_code)
                    .check(NaiveDate::MAX, &SupplierStatus::ALL)
                    .ok();
                if as_is.as_ref() == Some(fields) {
                    plans.push(Plan::Unchanged);
                    continue;
                }
                let (from, to) = (current.status(), fields.status);
                let decided_elsewhere =
                    matches!(to, SupplierStatus::Approved | SupplierStatus::Rejected);
                if from != to && (decided_elsewhere || !can_change(from, to)) {
                    problems.push(problem(
                        *number,
                        "status",
                        &input.status,
                        "field.status_change",
                    ));
                }
                if from == SupplierStatus::Approved && fields.approved_on != current.approved_on {
                    problems.push(problem(
                        *number,
                        "approved_on",
                        &input.approved_on,
                        "field.status_change",
                    ));
                }
                plans.push(Plan::Update(Box::new(current.clone()), fields.clone()));
            }
        }
    }
    if !problems.is_empty() {
        problems.sort_by(|a, b| a.row.cmp(&b.row).then(a.column.cmp(&b.column)));
        return Ok(Err(problems));
    }

    let mut outcome = Outcome {
        rows: checked.len(),
        ..Outcome::default()
    };
    for plan in &plans {
        match plan {
            Plan::Create(_) => outcome.created += 1,
            Plan::Update(..) => outcome.updated += 1,
            Plan::Unchanged => outcome.unchanged += 1,
        }
    }
    if dry_run {
        return Ok(Ok(outcome));
    }
    // Tier-1 rows first, so tier-2 rows can point at parents from the same file.
    let mut ordered: Vec<&Plan> = plans.iter().collect();
    ordered.sort_by_key(|plan| match plan {
        Plan::Create(f) | Plan::Update(_, f) => f.tier,
        Plan::Unchanged => 0,
    });
    let mut ids: HashMap<String, i32> = parents
        .iter()
        .map(|(code, s)| (code.clone(), s.id))
        .collect();
    ids.extend(existing.iter().map(|(code, s)| (code.clone(), s.id)));
    for plan in ordered {
        match plan {
            Plan::Unchanged => {}
            Plan::Create(fields) => {
                let parent_id = fields
                    .parent_code
                    .as_ref()
                    .and_then(|p| ids.get(p).copied());
                let created = supplier::insert(conn, actor, fields, parent_id, "import")?;
                ids.insert(created.code, created.id);
            }
            Plan::Update(current, fields) => {
                let parent_id = fields
                    .parent_code
                    .as_ref()
                    .and_then(|p| ids.get(p).copied());
                let mut saved = supplier::update(
                    conn,
                    actor,
                    current,
                    current.version,
                    fields,
                    parent_id,
                    "import_update",
                )?;
                if saved.status() != fields.status {
                    saved = supplier::set_status(
                        conn,
                        actor,
                        &saved,
                        saved.version,
                        supplier::StatusChange::by_hand(fields.status),
                    )?;
                }
                let _ = saved;
            }
        }
    }
    Ok(Ok(outcome))
}

fn problem(row: usize, column: &str, value: &str, reason: &str) -> Problem {
    Problem {
        row,
        column: column.to_owned(),
        value: value.to_owned(),
        reason: reason.to_owned(),
    }
}
