//! The append-only audit log: who changed what, when, with before/after JSON.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::now;
use crate::db::schema::audit_log;
use crate::db::DbConnection;

/// Who is acting: a signed-in user, or the command line / a background job.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i32>,
    pub label: String,
}

impl Actor {
    pub fn user(id: i32, email: &str) -> Self {
        Self {
            user_id: Some(id),
            label: email.to_owned(),
        }
    }

    pub fn system(label: &str) -> Self {
        Self {
            user_id: None,
            label: label.to_owned(),
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: i32,
    pub at: NaiveDateTime,
    pub actor_id: Option<i32>,
    pub actor: String,
    pub entity: String,
    pub entity_id: String,
    pub action: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

fn to_json<T: Serialize>(value: Option<&T>) -> Option<String> {
    value.and_then(|v| serde_json::to_string(v).ok())
}

pub fn record<B: Serialize, A: Serialize>(
    conn: &mut DbConnection,
    actor: &Actor,
    entity: &str,
    entity_id: &str,
    action: &str,
    before: Option<&B>,
    after: Option<&A>,
) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(now()),
            audit_log::actor_id.eq(actor.user_id),
            audit_log::actor.eq(&actor.label),
            audit_log::entity.eq(entity),
            audit_log::entity_id.eq(entity_id),
            audit_log::action.eq(action),
            audit_log::before_json.eq(to_json(before)),
            audit_log::after_json.eq(to_json(after)),
        ))
        .execute(conn)?;
    Ok(())
}

/// One entry of [`record_many`]: (entity id, action, after).
pub type BatchEntry = (String, &'static str, serde_json::Value);

#[derive(Insertable)]
#[diesel(table_name = audit_log)]
#[diesel(treat_none_as_default_value = false)]
struct NewEntry<'a> {
    at: NaiveDateTime,
    actor_id: Option<i32>,
    actor: &'a str,
    entity: &'a str,
    entity_id: &'a str,
    action: &'a str,
    before_json: Option<String>,
    after_json: Option<String>,
}

/// Logs the creation of many records of one kind at once (imports, the
/// demo): one multi-row insert instead of a statement per record.
pub fn record_many(
    conn: &mut DbConnection,
    actor: &Actor,
    entity: &str,
    entries: &[BatchEntry],
) -> QueryResult<usize> {
    let at = now();
    let rows: Vec<NewEntry> = entries
        .iter()
        .map(|(entity_id, action, after)| NewEntry {
            at,
            actor_id: actor.user_id,
            actor: &actor.label,
            entity,
            entity_id,
            action,
            before_json: None,
            after_json: serde_json::to_string(after).ok(),
        })
        .collect();
    Ok(crate::db::insert_batch!(conn, audit_log::table, rows))
}

/// The history of one record, newest first.
pub fn for_entity(
    conn: &mut DbConnection,
    entity: &str,
    entity_id: &str,
    limit: i64,
) -> QueryResult<Vec<AuditEntry>> {
    audit_log::table
        .filter(audit_log::entity.eq(entity))
        .filter(audit_log::entity_id.eq(entity_id))
        .order(audit_log::id.desc())
        .limit(limit)
        .select(AuditEntry::as_select())
        .load(conn)
}

/// The 409 for a record someone else saved first, naming who and when.
pub fn stale(
    conn: &mut DbConnection,
    entity: &str,
    entity_id: &str,
) -> Result<crate::error::AppError, crate::error::AppError> {
    let last = for_entity(conn, entity, entity_id, 1)?;
    Ok(crate::error::AppError::Conflict(match last.first() {
        Some(entry) => format!(
            "{} changed this record at {} UTC; reload the page to see the current version",
            entry.actor,
            entry.at.format("%Y-%m-%d %H:%M")
        ),
        None => "this record was changed meanwhile; reload the page".into(),
    }))
}
