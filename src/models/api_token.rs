//! Bearer tokens for the JSON API: shown once at creation, stored as SHA-256.

use diesel::prelude::*;

use super::now;
use super::user::User;
use crate::auth::tokens::{hash_token, random_token};
use crate::db::schema::{api_tokens, users};
use crate::db::DbConnection;

/// Tokens carry a recognisable prefix so they are easy to spot in leaked text.
pub const TOKEN_PREFIX: &str = "sesg_";

pub fn create(conn: &mut DbConnection, user_id: i32) -> QueryResult<String> {
    let token = format!("{TOKEN_PREFIX}{}", random_token());
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::user_id.eq(user_id),
            api_tokens::token_hash.eq(hash_token(&token)),
            api_tokens::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(token)
}

/// The active user a bearer token belongs to.
pub fn user_for(conn: &mut DbConnection, token: &str) -> QueryResult<Option<User>> {
    let hash = hash_token(token);
    let user: Option<User> = api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(&hash))
        .filter(users::active.eq(true))
        .select(User::as_select())
        .first(conn)
        .optional()?;
    if user.is_some() {
        diesel::update(api_tokens::table.filter(api_tokens::token_hash.eq(&hash)))
            .set(api_tokens::last_used_at.eq(now()))
            .execute(conn)?;
    }
    Ok(user)
}
