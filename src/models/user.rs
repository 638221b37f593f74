use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::{like_pattern, lower, now, Paged};
use crate::db::schema::users;
use crate::db::DbConnection;
use crate::domain::role::Role;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i32,
    pub email: String,
    pub name: String,
    pub role: String,
    pub language: String,
    #[serde(skip)]
    pub password_hash: String,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
    /// For role `supplier`: the one supplier this contact may see.
    pub supplier_id: Option<i32>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: &'a str,
    pub language: &'a str,
    pub password_hash: &'a str,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
    pub supplier_id: Option<i32>,
}

/// What an audit-log entry records of a user (never the password hash).
#[derive(Debug, Serialize)]
pub struct UserSnapshot<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: &'a str,
    pub language: &'a str,
    pub active: bool,
    pub supplier_id: Option<i32>,
}

impl User {
    pub fn role(&self) -> Role {
        // Roles are validated on every write, so an unknown value means a
        // hand-edited row: treat it as the least privileged role.
        Role::parse(&self.role).unwrap_or(Role::Viewer)
    }

    pub fn snapshot(&self) -> UserSnapshot<'_> {
        UserSnapshot {
            email: &self.email,
            name: &self.name,
            role: &self.role,
            language: &self.language,
            active: self.active,
            supplier_id: self.supplier_id,
        }
    }

    pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Option<User>> {
        users::table
            .find(id)
            .select(User::as_select())
            .get_result(conn)
            .optional()
    }

    pub fn by_email(conn: &mut DbConnection, email: &str) -> QueryResult<Option<User>> {
        users::table
            .filter(users::email.eq(email.trim().to_lowercase()))
            .select(User::as_select())
            .first(conn)
            .optional()
    }

    pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
        users::table.count().get_result(conn)
    }

    /// Users matching `q` (e-mail or name), newest first.
    pub fn search(
        conn: &mut DbConnection,
        q: Option<&str>,
        page: i64,
        per_page: i64,
    ) -> QueryResult<Paged<User>> {
        let filtered = || {
            let mut query = users::table.into_boxed();
            if let Some(term) = q.filter(|t| !t.trim().is_empty()) {
                let pattern = like_pattern(term);
                query = query.filter(
                    users::email
                        .like(pattern.clone())
                        .escape('\\')
                        .or(lower(users::name).like(pattern).escape('\\')),
                );
            }
            query
        };
        let total = filtered().count().get_result(conn)?;
        let items = filtered()
            .order(users::id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
            .select(User::as_select())
            .load(conn)?;
        Ok(Paged {
            items,
            total,
            page,
            per_page,
        })
    }

    pub fn insert(conn: &mut DbConnection, new: &NewUser) -> QueryResult<User> {
        let id: i32 = diesel::insert_into(users::table)
            .values(new)
            .returning(users::id)
            .get_result(conn)?;
        users::table
            .find(id)
            .select(User::as_select())
            .get_result(conn)
    }

    /// Optimistic update: only succeeds when the row still has `version`.
    /// Returns false when someone else changed it first.
    pub fn set_active(
        conn: &mut DbConnection,
        id: i32,
        version: i32,
        active: bool,
    ) -> QueryResult<bool> {
        let changed = diesel::update(
            users::table
                .filter(users::id.eq(id))
                .filter(users::version.eq(version)),
        )
        .set((
            users::active.eq(active),
            users::updated_at.eq(now()),
            users::version.eq(version + 1),
        ))
        .execute(conn)?;
        Ok(changed == 1)
    }

    pub fn set_password_hash(conn: &mut DbConnection, id: i32, hash: &str) -> QueryResult<()> {
        diesel::update(users::table.find(id))
            .set((
                users::password_hash.eq(hash),
                users::updated_at.eq(now()),
                users::version.eq(users::version + 1),
            ))
            .execute(conn)?;
        Ok(())
    }

    pub fn set_language(conn: &mut DbConnection, id: i32, language: &str) -> QueryResult<()> {
        diesel::update(users::table.find(id))
            .set(users::language.eq(language))
            .execute(conn)?;
        Ok(())
    }
}

/// A new account as typed into the admin form, the CLI or the API.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct UserInput {
    pub email: String,
    pub name: String,
    pub role: String,
    #[serde(default)]
    pub language: String,
    /// Empty: a password is generated and shown once.
    #[serde(default)]
    pub password: String,
    /// For role `supplier`: the code of the supplier this contact works for.
    #[serde(default)]
    pub supplier_code: String,
}

impl UserInput {
    /// Field → i18n key of the problem; empty when the input is acceptable.
    pub fn problems(&self) -> crate::error::FieldErrors {
        use validator::ValidateEmail;
        let mut problems = crate::error::FieldErrors::new();
        let email = self.email.trim();
        if email.is_empty() {
            problems.insert("email".into(), "field.required".into());
        } else if !email.validate_email() || email.len() > 254 {
            problems.insert("email".into(), "field.email".into());
        }
        if self.name.trim().is_empty() {
            problems.insert("name".into(), "field.required".into());
        } else if self.name.trim().chars().count() > 200 {
            problems.insert("name".into(), "field.too_long".into());
        }
        if Role::parse(&self.role).is_none() {
            problems.insert("role".into(), "field.role".into());
        }
        if !self.language.trim().is_empty() && crate::i18n::Lang::parse(&self.language).is_none() {
            problems.insert("language".into(), "field.language".into());
        }
        let scoped = Role::parse(&self.role) == Some(Role::Supplier);
        match (scoped, self.supplier_code.trim().is_empty()) {
            (true, true) => {
                problems.insert("supplier_code".into(), "field.supplier_required".into());
            }
            (false, false) => {
                problems.insert("supplier_code".into(), "field.supplier_only".into());
            }
            _ => {}
        }
        if !self.password.is_empty() {
            if let Some(reason) = crate::auth::password::weakness(&self.password) {
                problems.insert("password".into(), reason.into());
            }
        }
        problems
    }
}

/// The outcome of creating an account: the user and, when it was generated,
/// the initial password to hand over once.
pub struct CreatedUser {
    pub user: User,
    pub generated_password: Option<String>,
}

/// Validates and creates an account with its audit-log entry, all or nothing.
/// `Err(problems)` (field → i18n key) when the input is refused.
pub fn create_user(
    conn: &mut DbConnection,
    actor: &crate::models::audit_log::Actor,
    input: &UserInput,
) -> Result<Result<CreatedUser, crate::error::FieldErrors>, crate::error::AppError> {
    use diesel::Connection;
    let mut problems = input.problems();
    let email = input.email.trim().to_lowercase();
    if problems.is_empty() && User::by_email(conn, &email)?.is_some() {
        problems.insert("email".into(), "field.email_taken".into());
    }
    let mut supplier_id = None;
    if problems.is_empty() && !input.supplier_code.trim().is_empty() {
        match crate::models::supplier::Supplier::by_code(conn, &input.supplier_code)? {
            Some(s) => supplier_id = Some(s.id),
            None => {
                problems.insert("supplier_code".into(), "field.unknown_supplier".into());
            }
        }
    }
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let generated_password = input
        .password
        .is_empty()
        .then(crate::auth::password::generate);
    let password = generated_password.as_deref().unwrap_or(&input.password);
    let hash = crate::auth::password::hash(password)?;
    let language = crate::i18n::Lang::parse(&input.language)
        .unwrap_or_default()
        .code();
    let at = now();
    let user = conn.transaction(|conn| {
        let user = User::insert(
            conn,
            &NewUser {
                email: &email,
                name: input.name.trim(),
                role: input.role.trim(),
                language,
                password_hash: &hash,
                active: true,
                created_at: at,
                updated_at: at,
                version: 1,
                supplier_id,
            },
        )?;
        crate::models::audit_log::record::<(), _>(
            conn,
            actor,
            "user",
            &user.id.to_string(),
            "create",
            None,
            Some(&user.snapshot()),
        )?;
        diesel::QueryResult::Ok(user)
    })?;
    Ok(Ok(CreatedUser {
        user,
        generated_password,
    }))
}
