//! Sign-in, sign-out and the language switch.

use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::chrome::Chrome;
use super::AppState;
use super::RenderHtml;
use crate::auth::csrf::CsrfOnly;
use crate::auth::identity::{resolve, MaybeIdentity};
use crate::auth::tokens::random_token;
use crate::auth::{password, CsrfForm, ANON_CSRF_COOKIE, LANG_COOKIE, SESSION_COOKIE};
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::models::session::Session;
use crate::models::user::User;
use crate::models::{audit_log, login_failure};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    email: String,
    next: String,
    error: Option<String>,
    notice: Option<&'static str>,
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    next: Option<String>,
    expired: Option<String>,
    signed_out: Option<String>,
}

/// Only same-site paths are followed after sign-in (no open redirect).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

fn cookie<'a>(state: &AppState, name: &'a str, value: String) -> Cookie<'a> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies())
        .finish()
}

pub async fn login_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<LoginQuery>,
    identity: MaybeIdentity,
) -> AppResult<HttpResponse> {
    if identity.0.is_some() {
        return Ok(redirect(&safe_next(query.next.as_deref())));
    }
    // Before sign-in there is no session to hold the CSRF token, so a cookie does.
    let token = req
        .cookie(ANON_CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_else(random_token);
    let mut chrome = Chrome::new(&req, None, "login");
    chrome.csrf = token.clone();
    let notice = if query.expired.is_some() {
        Some("login.expired")
    } else if query.signed_out.is_some() {
        Some("login.signed_out")
    } else {
        None
    };
    let page = LoginPage {
        chrome,
        email: String::new(),
        next: safe_next(query.next.as_deref()),
        error: None,
        notice,
    };
    Ok(html_with_cookie(
        page.render_html()?,
        cookie(&state, ANON_CSRF_COOKIE, token),
        actix_web::http::StatusCode::OK,
    ))
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: CsrfForm<LoginForm>,
) -> AppResult<HttpResponse> {
    let form = form.0;
    let account = form.email.trim().to_lowercase();
    let address = req
        .connection_info()
        .realip_remote_addr()
        .unwrap_or("unknown")
        .to_owned();
    let outcome = {
        let (account, address, password) = (account.clone(), address, form.password.clone());
        state
            .db(move |conn| {
                if let Some(minutes) = login_failure::blocked_for(conn, &account, &address)? {
                    return Ok(Err(Some(minutes)));
                }
                let user = User::by_email(conn, &account)?;
                let verified = match &user {
                    Some(u) if u.active => password::verify(&password, &u.password_hash),
                    _ => {
                        password::burn_time(&password);
                        false
                    }
                };
                match user {
                    Some(user) if verified => {
                        login_failure::clear_account(conn, &account)?;
                        let (token, _) = Session::start(conn, user.id)?;
                        audit_log::record::<(), ()>(
                            conn,
                            &audit_log::Actor::user(user.id, &user.email),
                            "user",
                            &user.id.to_string(),
                            "sign_in",
                            None,
                            None,
                        )?;
                        Ok(Ok(token))
                    }
                    _ => {
                        login_failure::record(conn, &account, &address)?;
                        Ok(Err(None))
                    }
                }
            })
            .await?
    };
    match outcome {
        Ok(token) => {
            let mut res = redirect(&safe_next(form.next.as_deref()));
            res.add_cookie(&cookie(&state, SESSION_COOKIE, token))
                .map_err(|e| crate::error::AppError::Internal(e.to_string()))?;
            Ok(res)
        }
        Err(throttled) => {
            let mut chrome = Chrome::new(&req, None, "login");
            chrome.csrf = crate::auth::csrf::expected_token(&req)
                .await?
                .unwrap_or_default();
            let (error, status) = match throttled {
                Some(minutes) => (
                    format!(
                        "{} {minutes} {}",
                        chrome.t("login.throttled"),
                        chrome.t("login.minutes")
                    ),
                    actix_web::http::StatusCode::TOO_MANY_REQUESTS,
                ),
                None => (
                    chrome.t("login.failed").to_owned(),
                    actix_web::http::StatusCode::UNAUTHORIZED,
                ),
            };
            let page = LoginPage {
                chrome,
                email: account,
                next: safe_next(form.next.as_deref()),
                error: Some(error),
                notice: None,
            };
            Ok(HttpResponse::build(status)
                .content_type("text/html; charset=utf-8")
                .body(page.render_html()?))
        }
    }
}

pub async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    _form: CsrfForm<CsrfOnly>,
) -> AppResult<HttpResponse> {
    if let Some(session) = resolve(&req).await?.and_then(|i| i.session) {
        state
            .db(move |conn| Ok(Session::end(conn, &session.token_hash)?))
            .await?;
    }
    let mut res = redirect("/login?signed_out=1");
    let mut gone = cookie(&state, SESSION_COOKIE, String::new());
    gone.make_removal();
    res.add_cookie(&gone)
        .map_err(|e| crate::error::AppError::Internal(e.to_string()))?;
    Ok(res)
}

#[derive(Deserialize)]
pub struct LanguageForm {
    lang: String,
    next: Option<String>,
}

/// Remembers the choice in a cookie and, when signed in, on the account.
pub async fn switch_language(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: CsrfForm<LanguageForm>,
) -> AppResult<HttpResponse> {
    let form = form.0;
    let lang = Lang::parse(&form.lang).ok_or_else(|| {
        crate::error::AppError::BadInput(format!("unknown language {:?}", form.lang))
    })?;
    if let Some(identity) = resolve(&req).await? {
        let id = identity.user.id;
        state
            .db(move |conn| Ok(User::set_language(conn, id, lang.code())?))
            .await?;
    }
    let mut res = redirect(&safe_next(form.next.as_deref()));
    let mut remembered = cookie(&state, LANG_COOKIE, lang.code().to_owned());
    remembered.set_max_age(CookieDuration::days(365));
    res.add_cookie(&remembered)
        .map_err(|e| crate::error::AppError::Internal(e.to_string()))?;
    Ok(res)
}

pub fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to.to_owned()))
        .finish()
}

fn html_with_cookie(
    html: String,
    cookie: Cookie<'_>,
    status: actix_web::http::StatusCode,
) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .cookie(cookie)
        .body(html)
}

#[cfg(test)]
mod tests {
    #[test]
    fn next_only_follows_local_paths() {
        assert_eq!(super::safe_next(Some("/suppliers?q=a")), "/suppliers?q=a");
        assert_eq!(super::safe_next(Some("//evil.example")), "/");
        assert_eq!(super::safe_next(Some("https://evil.example")), "/");
        assert_eq!(super::safe_next(None), "/");
    }
}
