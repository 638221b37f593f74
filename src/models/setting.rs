//! Key/value settings that admins change at run time (thresholds, limits,
//! reminder schedule). Absent keys fall back to the defaults in code.

use diesel::prelude::*;

use super::audit_log::{self, Actor};
use super::now;
use crate::db::schema::settings;
use crate::db::DbConnection;

pub fn get(conn: &mut DbConnection, key: &str) -> QueryResult<Option<String>> {
    settings::table
        .find(key)
        .select(settings::value)
        .first(conn)
        .optional()
}

pub fn get_i64(conn: &mut DbConnection, key: &str, default: i64) -> QueryResult<i64> {
    Ok(get(conn, key)?
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default))
}

/// Writes a setting and its audit-log entry; call inside a transaction.
pub fn set(conn: &mut DbConnection, actor: &Actor, key: &str, value: &str) -> QueryResult<()> {
    let before = get(conn, key)?;
    let at = now();
    let updated = diesel::update(settings::table.find(key))
        .set((
            settings::value.eq(value),
            settings::updated_at.eq(at),
            settings::updated_by.eq(actor.user_id),
            settings::version.eq(settings::version + 1),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(settings::table)
            .values((
                settings::key.eq(key),
                settings::value.eq(value),
                settings::updated_at.eq(at),
                settings::updated_by.eq(actor.user_id),
                settings::version.eq(1),
            ))
            .execute(conn)?;
    }
    audit_log::record(
        conn,
        actor,
        "setting",
        key,
        "update",
        before.as_ref(),
        Some(&value),
    )
}
