//! The e-mail outbox (DESIGN §6): messages are queued here first, with a
//! unique key (rule, object, recipient, period) so queueing is idempotent,
//! then claimed by senders with a lease, marked sent only after the server
//! accepted them, and kept with their error and back-off when it did not.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

use super::audit_log::{self, Actor};
use super::Paged;
use crate::db::schema::outbox;
use crate::db::DbConnection;
use crate::error::FieldErrors;

pub const QUEUED: &str = "queued";
pub const SENT: &str = "sent";
/// Will not be retried by itself (e.g. an invalid recipient address); the
/// outbox page shows it and an admin may resend it.
pub const FAILED: &str = "failed";
pub const STATUSES: [&str; 3] = [QUEUED, SENT, FAILED];

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName, Serialize, utoipa::ToSchema)]
#[diesel(table_name = outbox)]
pub struct OutboxMessage {
    pub id: i32,
    pub rule: String,
    pub object_key: String,
    pub recipient: String,
    pub period: String,
    pub language: String,
    pub subject: String,
    #[serde(skip)]
    pub body_text: String,
    #[serde(skip)]
    pub body_html: String,
    pub message_id: String,
    pub status: String,
    pub attempts: i32,
    #[schema(value_type = String)]
    pub next_attempt_at: NaiveDateTime,
    #[serde(skip)]
    pub lease_owner: Option<String>,
    #[serde(skip)]
    pub lease_until: Option<NaiveDateTime>,
    pub last_error: String,
    #[schema(value_type = String)]
    pub created_at: NaiveDateTime,
    #[schema(value_type = Option<String>)]
    pub sent_at: Option<NaiveDateTime>,
}

/// A message to queue.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = outbox)]
pub struct NewMessage {
    pub rule: String,
    pub object_key: String,
    pub recipient: String,
    pub period: String,
    pub language: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub message_id: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_error: String,
    pub created_at: NaiveDateTime,
}

/// (rule, object, recipient, period): the outbox's unique key.
pub type Key = (String, String, String, String);

impl NewMessage {
    pub fn key(&self) -> Key {
        (
            self.rule.clone(),
            self.object_key.clone(),
            self.recipient.clone(),
            self.period.clone(),
        )
    }
}

/// The keys already queued that today's rules could produce again: every
/// row created since `since` (the periods of the recurring rules are at most
/// a few weeks long) and every escalation (one per due date, ever).
pub fn recent_keys(
    conn: &mut DbConnection,
    since: NaiveDateTime,
    long_lived_rules: &[&str],
) -> QueryResult<HashSet<Key>> {
    let rows: Vec<Key> = outbox::table
        .filter(
            outbox::created_at
                .ge(since)
                .or(outbox::rule.eq_any(long_lived_rules.to_vec())),
        )
        .select((
            outbox::rule,
            outbox::object_key,
            outbox::recipient,
            outbox::period,
        ))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Rows per multi-row insert: 14 binds a row stays well under SQLite's
/// limit of 32,766.
const CHUNK: usize = 500;

/// Inserts the messages whose key is not in the outbox yet; returns how many
/// were new. `INSERT OR IGNORE` on SQLite, `ON CONFLICT DO NOTHING` on
/// PostgreSQL (neither goes through `MultiConnection`, nor do multi-row
/// inserts, hence the match on the backend). Safe against a parallel runner:
/// the unique key decides.
pub fn insert_if_absent(conn: &mut DbConnection, messages: &[NewMessage]) -> QueryResult<usize> {
    let mut inserted = 0;
    for chunk in messages.chunks(CHUNK) {
        inserted += match conn {
            // Diesel runs a batch insert on SQLite as one statement per row;
            // one multi-row statement keeps the query count per chunk.
            DbConnection::Sqlite(c) => {
                let row = format!("({})", ["?"; 14].join(", "));
                let sql = format!(
                    "INSERT OR IGNORE INTO outbox (rule, object_key, recipient, period, \
                     language, subject, body_text, body_html, message_id, status, attempts, \
                     next_attempt_at, last_error, created_at) VALUES {}",
                    vec![row; chunk.len()].join(", ")
                );
                let mut query = diesel::sql_query(sql).into_boxed();
                for m in chunk {
                    query = query
                        .bind::<Text, _>(&m.rule)
                        .bind::<Text, _>(&m.object_key)
                        .bind::<Text, _>(&m.recipient)
                        .bind::<Text, _>(&m.period)
                        .bind::<Text, _>(&m.language)
                        .bind::<Text, _>(&m.subject)
                        .bind::<Text, _>(&m.body_text)
                        .bind::<Text, _>(&m.body_html)
                        .bind::<Text, _>(&m.message_id)
                        .bind::<Text, _>(&m.status)
                        .bind::<Integer, _>(m.attempts)
                        .bind::<Timestamp, _>(m.next_attempt_at)
                        .bind::<Text, _>(&m.last_error)
                        .bind::<Timestamp, _>(m.created_at);
                }
                query.execute(c)?
            }
            DbConnection::Postgres(c) => diesel::insert_into(outbox::table)
                .values(chunk)
                .on_conflict_do_nothing()
                .execute(c)?,
        };
    }
    Ok(inserted)
}

#[derive(QueryableByName)]
struct ClaimedId {
    #[diesel(sql_type = Integer)]
    id: i32,
}

/// Claims up to `limit` queued messages whose turn has come and whose lease
/// (if any) has run out, for `owner` until `now + lease`. On PostgreSQL rows
/// locked by another sender are skipped (`FOR UPDATE SKIP LOCKED`); on
/// SQLite the single writer makes the UPDATE … WHERE lease-expired claim
/// atomic. Two senders never hold the same row.
pub fn claim(
    conn: &mut DbConnection,
    owner: &str,
    now: NaiveDateTime,
    lease: Duration,
    limit: i64,
) -> QueryResult<Vec<OutboxMessage>> {
    let until = now + lease;
    let ids: Vec<ClaimedId> = match conn {
        DbConnection::Postgres(c) => diesel::sql_query(
            "UPDATE outbox SET lease_owner = $1, lease_until = $2 WHERE id IN ( \
               SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= $3 \
               AND (lease_until IS NULL OR lease_until < $3) \
               ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED) RETURNING id",
        )
        .bind::<Text, _>(owner)
        .bind::<Timestamp, _>(until)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(limit)
        .load(c)?,
        DbConnection::Sqlite(c) => diesel::sql_query(
            "UPDATE outbox SET lease_owner = ?, lease_until = ? WHERE id IN ( \
               SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= ? \
               AND (lease_until IS NULL OR lease_until < ?) \
               ORDER BY id LIMIT ?) RETURNING id",
        )
        .bind::<Text, _>(owner)
        .bind::<Timestamp, _>(until)
        .bind::<Timestamp, _>(now)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(limit)
        .load(c)?,
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i32> = ids.into_iter().map(|r| r.id).collect();
    outbox::table
        .filter(outbox::id.eq_any(ids))
        .filter(outbox::lease_owner.eq(owner))
        .order(outbox::id)
        .select(OutboxMessage::as_select())
        .load(conn)
}

/// The server accepted the message.
pub fn mark_sent(
    conn: &mut DbConnection,
    id: i32,
    owner: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::lease_owner.eq(owner)),
    )
    .set((
        outbox::status.eq(SENT),
        outbox::sent_at.eq(now),
        outbox::attempts.eq(outbox::attempts + 1),
        outbox::last_error.eq(""),
        outbox::lease_owner.eq(None::<String>),
        outbox::lease_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)
}

/// A try failed: the row stays, with the error, one more attempt and its
/// next turn; `permanent` failures (e.g. an invalid address) wait for an
/// admin's resend instead.
pub fn mark_failed(
    conn: &mut DbConnection,
    message: &OutboxMessage,
    owner: &str,
    error: &str,
    next_attempt_at: NaiveDateTime,
    permanent: bool,
) -> QueryResult<usize> {
    let error: String = error.chars().take(2000).collect();
    diesel::update(
        outbox::table
            .filter(outbox::id.eq(message.id))
            .filter(outbox::lease_owner.eq(owner)),
    )
    .set((
        outbox::status.eq(if permanent { FAILED } else { QUEUED }),
        outbox::attempts.eq(outbox::attempts + 1),
        outbox::next_attempt_at.eq(next_attempt_at),
        outbox::last_error.eq(error),
        outbox::lease_owner.eq(None::<String>),
        outbox::lease_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)
}

/// Gives claimed rows back untried (the sender stopped early).
pub fn release(conn: &mut DbConnection, ids: &[i32], owner: &str) -> QueryResult<usize> {
    if ids.is_empty() {
        return Ok(0);
    }
    diesel::update(
        outbox::table
            .filter(outbox::id.eq_any(ids.to_vec()))
            .filter(outbox::lease_owner.eq(owner)),
    )
    .set((
        outbox::lease_owner.eq(None::<String>),
        outbox::lease_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)
}

pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Option<OutboxMessage>> {
    outbox::table
        .find(id)
        .select(OutboxMessage::as_select())
        .get_result(conn)
        .optional()
}

/// An admin's resend: the message goes back in the queue now, with the same
/// Message-ID. Logged in the audit log.
pub fn resend(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i32,
    now: NaiveDateTime,
) -> QueryResult<Option<OutboxMessage>> {
    let Some(before) = find(conn, id)? else {
        return Ok(None);
    };
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(QUEUED),
            outbox::next_attempt_at.eq(now),
            outbox::lease_owner.eq(None::<String>),
            outbox::lease_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    let after = find(conn, id)?;
    audit_log::record(
        conn,
        actor,
        "outbox",
        &id.to_string(),
        "resend",
        Some(&before),
        after.as_ref(),
    )?;
    Ok(after)
}

/// Filters of the outbox page and API.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxFilter {
    pub status: Option<String>,
    pub rule: Option<String>,
    pub q: Option<String>,
}

impl OutboxFilter {
    fn status(&self) -> Option<&str> {
        self.status
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    fn rule(&self) -> Option<&str> {
        self.rule
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    pub fn problems(&self) -> FieldErrors {
        let mut problems = FieldErrors::new();
        if self.status().is_some_and(|s| !STATUSES.contains(&s)) {
            problems.insert("status".into(), "outbox.status_invalid".into());
        }
        if self
            .rule()
            .is_some_and(|r| crate::domain::reminders::Rule::parse(r).is_none())
        {
            problems.insert("rule".into(), "outbox.rule_invalid".into());
        }
        problems
    }

    fn query(&self) -> outbox::BoxedQuery<'static, crate::db::DbBackend> {
        let mut query = outbox::table.into_boxed();
        if let Some(s) = self.status() {
            query = query.filter(outbox::status.eq(s.to_owned()));
        }
        if let Some(r) = self.rule() {
            query = query.filter(outbox::rule.eq(r.to_owned()));
        }
        if let Some(q) = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let pattern = super::like_pattern(q);
            query = query.filter(
                super::lower(outbox::recipient)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(super::lower(outbox::subject).like(pattern).escape('\\')),
            );
        }
        query
    }

    pub fn page(
        &self,
        conn: &mut DbConnection,
        page: i64,
        per_page: i64,
    ) -> QueryResult<Paged<OutboxMessage>> {
        let total = self.query().count().get_result(conn)?;
        let items = self
            .query()
            .order(outbox::id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
            .select(OutboxMessage::as_select())
            .load(conn)?;
        Ok(Paged {
            items,
            total,
            page,
            per_page,
        })
    }
}

/// Counts by status, for the page's header.
pub fn counts(conn: &mut DbConnection) -> QueryResult<Vec<(String, i64)>> {
    outbox::table
        .group_by(outbox::status)
        .select((outbox::status, diesel::dsl::count_star()))
        .load(conn)
}
