//! The demo organisation: loaded by `supplier-esg demo` and `serve --demo`
//! into an empty database.

use crate::db::DbConnection;
use crate::error::AppError;
use crate::models::audit_log::Actor;
use crate::models::user::{create_user, User, UserInput};

pub const DEMO_PASSWORD: &str = "esg-demo-2021!";
pub const DEMO_LOGIN: &str = "admin@supplier-esg.demo";

/// (e-mail, name, role, language)
const DEMO_USERS: &[(&str, &str, &str, &str)] = &[
    (DEMO_LOGIN, "Lin Yue 林悦", "admin", "en"),
    (
        "buyer@supplier-esg.demo",
        "Wang Lei 王磊",
        "procurement",
        "zh-CN",
    ),
    (
        "auditor@supplier-esg.demo",
        "Zhang Min 张敏",
        "auditor",
        "zh-CN",
    ),
    ("viewer@supplier-esg.demo", "Liu Yang 刘洋", "viewer", "en"),
];

pub fn is_empty(conn: &mut DbConnection) -> Result<bool, AppError> {
    Ok(User::count(conn)? == 0)
}

/// Loads the demo organisation; refuses a database that already has data.
pub fn load(conn: &mut DbConnection) -> Result<(), AppError> {
    if !is_empty(conn)? {
        return Err(AppError::BadInput(
            "the database already has data; the demo loads only into an empty one".into(),
        ));
    }
    let actor = Actor::system("demo");
    for (email, name, role, language) in DEMO_USERS {
        let input = UserInput {
            email: (*email).into(),
            name: (*name).into(),
            role: (*role).into(),
            language: (*language).into(),
            password: DEMO_PASSWORD.into(),
        };
        create_user(conn, &actor, &input)?
            .map_err(|problems| AppError::Internal(format!("demo user refused: {problems:?}")))?;
    }
    Ok(())
}
