//! Failed sign-ins, counted per account and per client address for throttling.
//! Kept in the database so several app instances share one count.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::now;
use crate::db::schema::login_failures;
use crate::db::DbConnection;

pub const WINDOW: Duration = Duration::minutes(15);
pub const MAX_PER_ACCOUNT: i64 = 10;
/// Higher than per account: many people may sit behind one office NAT.
pub const MAX_PER_ADDRESS: i64 = 50;

/// If sign-in is currently blocked for this account or address, the minutes
/// left until the oldest counted failure leaves the window.
pub fn blocked_for(
    conn: &mut DbConnection,
    account: &str,
    address: &str,
) -> QueryResult<Option<i64>> {
    let at = now();
    let since = at - WINDOW;
    let by_account = login_failures::table
        .filter(login_failures::account.eq(account))
        .filter(login_failures::failed_at.gt(since));
    let by_address = login_failures::table
        .filter(login_failures::address.eq(address))
        .filter(login_failures::failed_at.gt(since));
    let mut oldest_blocking: Option<NaiveDateTime> = None;
    if by_account.count().get_result::<i64>(conn)? >= MAX_PER_ACCOUNT {
        oldest_blocking = by_account
            .select(diesel::dsl::min(login_failures::failed_at))
            .first(conn)?;
    } else if by_address.count().get_result::<i64>(conn)? >= MAX_PER_ADDRESS {
        oldest_blocking = by_address
            .select(diesel::dsl::min(login_failures::failed_at))
            .first(conn)?;
    }
    Ok(oldest_blocking.map(|oldest| ((oldest + WINDOW - at).num_seconds() + 59).max(60) / 60))
}

pub fn record(conn: &mut DbConnection, account: &str, address: &str) -> QueryResult<()> {
    let at = now();
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::account.eq(account),
            login_failures::address.eq(address),
            login_failures::failed_at.eq(at),
        ))
        .execute(conn)?;
    // Old rows are of no use; drop them as we go so the table stays small.
    diesel::delete(login_failures::table.filter(login_failures::failed_at.lt(at - WINDOW)))
        .execute(conn)?;
    Ok(())
}

pub fn clear_account(conn: &mut DbConnection, account: &str) -> QueryResult<()> {
    diesel::delete(login_failures::table.filter(login_failures::account.eq(account)))
        .execute(conn)?;
    Ok(())
}
