//! Who is asking: a signed-in browser session or an API bearer token, and the
//! role guards. Guards are extractors, so a handler that takes
//! `Authorized<Staff>` cannot run for anybody else.

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;
use std::marker::PhantomData;
use std::ops::Deref;

use super::SESSION_COOKIE;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::models::api_token;
use crate::models::session::{Session, SessionLookup};
use crate::models::user::User;
use crate::web::AppState;

#[derive(Debug, Clone)]
pub struct Identity {
    pub user: User,
    /// `None` for API calls authenticated by a bearer token.
    pub session: Option<Session>,
}

impl Identity {
    pub fn role(&self) -> Role {
        self.user.role()
    }

    pub fn actor(&self) -> crate::models::audit_log::Actor {
        crate::models::audit_log::Actor::user(self.user.id, &self.user.email)
    }
}

/// The per-request cache of the lookup, so guards, CSRF checks and error
/// pages share one database round trip.
#[derive(Clone)]
struct Resolved(Option<Identity>);

/// Set when a session cookie was present but its session had expired.
#[derive(Clone, Copy)]
pub struct SessionExpired;

/// Finds the identity of a request (cached per request).
pub async fn resolve(req: &HttpRequest) -> Result<Option<Identity>, AppError> {
    if let Some(Resolved(found)) = req.extensions().get::<Resolved>() {
        return Ok(found.clone());
    }
    let bearer = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned());
    let cookie = req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned());
    let state = req
        .app_data::<actix_web::web::Data<AppState>>()
        .ok_or_else(|| AppError::Internal("application state missing".into()))?
        .clone();
    let found = match (bearer, cookie) {
        (Some(token), _) => state
            .db(move |conn| Ok(api_token::user_for(conn, &token)?))
            .await?
            .map(|user| Identity {
                user,
                session: None,
            }),
        (None, Some(token)) => {
            match state
                .db(move |conn| Ok(Session::resume(conn, &token)?))
                .await?
            {
                SessionLookup::Valid(found) => {
                    let (session, user, version) = *found;
                    req.extensions_mut().insert(version);
                    Some(Identity {
                        user,
                        session: Some(session),
                    })
                }
                SessionLookup::Expired => {
                    req.extensions_mut().insert(SessionExpired);
                    None
                }
                SessionLookup::Missing => None,
            }
        }
        (None, None) => None,
    };
    req.extensions_mut().insert(Resolved(found.clone()));
    Ok(found)
}

/// A set of roles allowed through a guard.
pub trait Policy {
    const ROLES: &'static [Role];
}

pub struct AdminOnly;
impl Policy for AdminOnly {
    const ROLES: &'static [Role] = &[Role::Admin];
}

/// Programme staff who change records: admin and procurement.
pub struct Staff;
impl Policy for Staff {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Procurement];
}

/// Everyone who may read the organisation-wide lists and figures.
pub struct Readers;
impl Policy for Readers {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Procurement, Role::Viewer];
}

/// Who may see ESG data: the readers, and a supplier contact (their own).
pub struct EsgReaders;
impl Policy for EsgReaders {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Procurement, Role::Viewer, Role::Supplier];
}

/// Who may enter ESG data: staff, and a supplier contact (their own).
pub struct EsgEditors;
impl Policy for EsgEditors {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Procurement, Role::Supplier];
}

pub struct AnyRole;
impl Policy for AnyRole {
    const ROLES: &'static [Role] = &Role::ALL;
}

/// A signed-in identity whose role the policy `P` allows.
pub struct Authorized<P: Policy> {
    pub identity: Identity,
    _policy: PhantomData<P>,
}

impl<P: Policy> Deref for Authorized<P> {
    type Target = Identity;
    fn deref(&self) -> &Identity {
        &self.identity
    }
}

impl<P: Policy + 'static> FromRequest for Authorized<P> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let identity = resolve(&req).await?.ok_or(AppError::LoginRequired)?;
            if !P::ROLES.contains(&identity.role()) {
                return Err(AppError::Forbidden);
            }
            Ok(Authorized {
                identity,
                _policy: PhantomData,
            })
        })
    }
}

/// The identity if there is one; never fails for anonymous requests.
pub struct MaybeIdentity(pub Option<Identity>);

impl FromRequest for MaybeIdentity {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(MaybeIdentity(resolve(&req).await?)) })
    }
}
