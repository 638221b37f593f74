//! DESIGN §5 `training`: one row per supplier attending a session. A
//! session (its `session_ref`) is created once, from its first row; every
//! row of the same session must agree on its date and topic. Attendance is
//! keyed by (session, supplier): re-importing the file changes nothing.

use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};

use super::table::{self, Column, Problem};
use super::Outcome;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::models::audit_log::{self, Actor, BatchEntry};
use crate::models::supplier::{self, Supplier};
use crate::models::training::{self, NewAttendance, Session, SessionFields, SessionInput};

pub const COLUMNS: &[Column] = &[
    Column {
        key: "session_ref",
        label_zh: "培训编号",
        required: true,
    },
    Column {
        key: "held_on",
        label_zh: "培训日期",
        required: true,
    },
    Column {
        key: "topic",
        label_zh: "培训主题",
        required: true,
    },
    Column {
        key: "supplier_code",
        label_zh: "供应商代码",
        required: true,
    },
    Column {
        key: "people",
        label_zh: "参训人数",
        required: true,
    },
    // Optional beyond §5.
    Column {
        key: "format",
        label_zh: "培训形式",
        required: false,
    },
    Column {
        key: "provider",
        label_zh: "培训机构",
        required: false,
    },
];

struct Checked {
    session: SessionFields,
    supplier: Supplier,
    people: i32,
}

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
    let codes: Vec<String> = table
        .rows()
        .iter()
        .map(|r| table.get(r, "supplier_code").to_owned())
        .collect();
    let known = supplier::by_codes(conn, &codes)?;
    let mut problems = Vec::new();
    let mut checked: Vec<Checked> = Vec::new();
    // The first row of each session defines it.
    let mut sessions_in_file: HashMap<String, SessionFields> = HashMap::new();
    let mut pairs = HashSet::new();
    for row in table.rows() {
        let get = |key: &str| table.get(row, key).to_owned();
        let mut push = |column: &str, reason: &str| {
            problems.push(Problem {
                row: row.number,
                column: column.to_owned(),
                value: get(column),
                reason: reason.to_owned(),
            })
        };
        let session = SessionInput {
            session_ref: get("session_ref"),
            held_on: get("held_on"),
            topic: get("topic"),
            format: get("format"),
            provider: get("provider"),
        }
        .check(today);
        let people = training::people(&get("people"));
        let supplier = known.get(&get("supplier_code"));
        let session = match session {
            Ok(s) => Some(s),
            Err(field_problems) => {
                for (field, reason) in field_problems {
                    push(&field, &reason);
                }
                None
            }
        };
        if let Err(reason) = people {
            push("people", reason);
        }
        if supplier.is_none() {
            let reason = if get("supplier_code").is_empty() {
                "field.required"
            } else {
                "field.unknown_supplier"
            };
            push("supplier_code", reason);
        }
        let (Some(session), Ok(people), Some(supplier)) = (session, people, supplier) else {
            continue;
        };
        match sessions_in_file.get(&session.session_ref) {
            Some(first) => {
                for (column, differs) in [
                    ("held_on", first.held_on != session.held_on),
                    ("topic", first.topic != session.topic),
                    ("format", first.format != session.format),
                    ("provider", first.provider != session.provider),
                ] {
                    if differs {
                        push(column, "training.session_mismatch");
                    }
                }
            }
            None => {
                sessions_in_file.insert(session.session_ref.clone(), session.clone());
            }
        }
        if !pairs.insert((session.session_ref.clone(), supplier.id)) {
            push("supplier_code", "field.duplicate_in_file");
            continue;
        }
        checked.push(Checked {
            session,
            supplier: supplier.clone(),
            people,
        });
    }
    if !problems.is_empty() {
        problems.sort_by(|a, b| a.row.cmp(&b.row).then(a.column.cmp(&b.column)));
        return Ok(Err(problems));
    }

    let refs: Vec<String> = sessions_in_file.keys().cloned().collect();
    let existing = training::by_refs(conn, &refs)?;
    let existing_ids: Vec<i32> = existing.values().map(|s| s.id).collect();
    let attended = training::attendance_of(conn, &existing_ids)?;
    let changed_sessions: HashSet<&str> = sessions_in_file
        .iter()
        .filter(|(r, f)| existing.get(*r).is_some_and(|s| !f.same_as(s)))
        .map(|(r, _)| r.as_str())
        .collect();

    let mut outcome = Outcome {
        rows: checked.len(),
        ..Outcome::default()
    };
    for c in &checked {
        let stored = existing
            .get(&c.session.session_ref)
            .and_then(|s| attended.get(&(s.id, c.supplier.id)));
        match stored {
            None => outcome.created += 1,
            Some(n) if *n != c.people => outcome.updated += 1,
            Some(_) if changed_sessions.contains(c.session.session_ref.as_str()) => {
                outcome.updated += 1
            }
            Some(_) => outcome.unchanged += 1,
        }
    }
    if dry_run {
        return Ok(Ok(outcome));
    }

    // Sessions first (a file names few), then attendance: new rows in one
    // batch, changed counts one by one.
    let mut sessions: HashMap<String, Session> = HashMap::new();
    let mut ordered: Vec<&SessionFields> = sessions_in_file.values().collect();
    ordered.sort_by(|a, b| a.session_ref.cmp(&b.session_ref));
    for fields in ordered {
        let session = match existing.get(&fields.session_ref) {
            None => training::insert(conn, actor, fields, "import")?,
            Some(s) if fields.same_as(s) => s.clone(),
            Some(s) => training::update(conn, actor, s, s.version, fields, "import_update")?,
        };
        sessions.insert(fields.session_ref.clone(), session);
    }
    let mut new_rows = Vec::new();
    let mut added: HashMap<&str, Vec<serde_json::Value>> = HashMap::new();
    for c in &checked {
        let session = &sessions[&c.session.session_ref];
        match attended.get(&(session.id, c.supplier.id)) {
            None => {
                new_rows.push(NewAttendance {
                    session_id: session.id,
                    supplier_id: c.supplier.id,
                    people: c.people,
                });
                added.entry(session.session_ref.as_str()).or_default().push(
                    serde_json::json!({"supplier_code": c.supplier.code, "people": c.people}),
                );
            }
            Some(n) if *n != c.people => {
                training::set_attendance(
                    conn,
                    actor,
                    session,
                    &c.supplier,
                    c.people,
                    "attendance_import",
                )?;
            }
            Some(_) => {}
        }
    }
    training::insert_attendance(conn, &new_rows)?;
    let mut entries: Vec<BatchEntry> = added
        .into_iter()
        .map(|(session_ref, rows)| {
            (
                session_ref.to_owned(),
                "attendance_import",
                serde_json::json!({ "attendance": rows }),
            )
        })
        .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    audit_log::record_many(conn, actor, "training", &entries)?;
    Ok(Ok(outcome))
}
