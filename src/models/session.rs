//! Server-side sessions. The cookie holds a random token; the table holds only
//! its SHA-256, so a copy of the database cannot be used to sign in.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::now;
use super::user::User;
use crate::auth::tokens::{hash_token, random_token};
use crate::db::functions::data_version;
use crate::db::schema::{sessions, users};
use crate::db::{DataVersion, DbConnection};

/// Idle and absolute limits of DESIGN §9.
pub const IDLE_TIMEOUT: Duration = Duration::minutes(30);
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);
/// `last_seen_at` is refreshed at most this often, to spare a write per request.
const TOUCH_INTERVAL: Duration = Duration::seconds(60);

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub token_hash: String,
    pub user_id: i32,
    pub csrf_token: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
}

pub enum SessionLookup {
    /// With the data version as of the lookup (see `web::cache`), read in
    /// the same statement so that kept pages need no trip of their own.
    Valid(Box<(Session, User, DataVersion)>),
    Expired,
    Missing,
}

impl Session {
    pub fn is_expired(&self, at: NaiveDateTime) -> bool {
        at - self.last_seen_at > IDLE_TIMEOUT || at - self.created_at > ABSOLUTE_TIMEOUT
    }

    /// Starts a session and returns the cookie token (shown only here).
    pub fn start(conn: &mut DbConnection, user_id: i32) -> QueryResult<(String, Session)> {
        let token = random_token();
        let at = now();
        let session = Session {
            token_hash: hash_token(&token),
            user_id,
            csrf_token: random_token(),
            created_at: at,
            last_seen_at: at,
        };
        diesel::insert_into(sessions::table)
            .values(&session)
            .execute(conn)?;
        Ok((token, session))
    }

    /// Finds the session of a cookie token, ends it if it has expired and
    /// keeps it alive otherwise. Sessions of deactivated users are ended.
    pub fn resume(conn: &mut DbConnection, token: &str) -> QueryResult<SessionLookup> {
        let query = sessions::table
            .inner_join(users::table)
            .filter(sessions::token_hash.eq(hash_token(token)));
        // PostgreSQL reads the data version in the same statement (one
        // round trip); for SQLite a second query is as cheap. `get_result`,
        // not `first`: the key is unique, and SQLite prepares a statement
        // with a bound LIMIT again on every run. Each backend's own
        // connection runs it: every signed-in request makes this lookup, and
        // through the MultiConnection each run writes out the SQL anew.
        let found = match conn {
            DbConnection::Postgres(pg) => query
                .select((Session::as_select(), User::as_select(), data_version()))
                .get_result(pg)
                .optional()?
                .map(|(session, user, version)| {
                    (session, user, DataVersion::from_postgres(version))
                }),
            DbConnection::Sqlite(sqlite) => {
                match query
                    .select((Session::as_select(), User::as_select()))
                    .get_result(sqlite)
                    .optional()?
                {
                    Some((session, user)) => Some((session, user, crate::db::data_version(conn)?)),
                    None => None,
                }
            }
        };
        let Some((mut session, user, version)) = found else {
            return Ok(SessionLookup::Missing);
        };
        let at = now();
        if session.is_expired(at) || !user.active {
            Self::end(conn, &session.token_hash)?;
            return Ok(SessionLookup::Expired);
        }
        if at - session.last_seen_at > TOUCH_INTERVAL {
            diesel::update(sessions::table.find(&session.token_hash))
                .set(sessions::last_seen_at.eq(at))
                .execute(conn)?;
            session.last_seen_at = at;
        }
        Ok(SessionLookup::Valid(Box::new((session, user, version))))
    }

    pub fn end(conn: &mut DbConnection, token_hash: &str) -> QueryResult<()> {
        diesel::delete(sessions::table.find(token_hash)).execute(conn)?;
        Ok(())
    }

    pub fn end_all_for_user(conn: &mut DbConnection, user_id: i32) -> QueryResult<()> {
        diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)?;
        Ok(())
    }

    /// Removes sessions past their limits (called at start-up and by a timer).
    pub fn purge_expired(conn: &mut DbConnection) -> QueryResult<usize> {
        let at = now();
        diesel::delete(
            sessions::table.filter(
                sessions::last_seen_at
                    .lt(at - IDLE_TIMEOUT)
                    .or(sessions::created_at.lt(at - ABSOLUTE_TIMEOUT)),
            ),
        )
        .execute(conn)
    }
}
