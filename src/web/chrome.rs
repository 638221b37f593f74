//! What every page's layout needs: language, the signed-in user, the CSRF
//! token for the header's forms, and the navigation for the user's role.

use actix_web::HttpRequest;

use crate::auth::identity::{resolve, Identity};
use crate::auth::ANON_CSRF_COOKIE;
use crate::domain::role::Role;
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::models::user::User;

pub struct Chrome {
    pub lang: Lang,
    pub user: Option<User>,
    pub csrf: String,
    /// The navigation section to highlight.
    pub section: &'static str,
    /// Path and query of this page, where the language switch returns to.
    pub here: String,
}

pub struct NavLink {
    pub key: &'static str,
    pub href: &'static str,
    pub active: bool,
}

/// One entry of the main navigation.
struct NavEntry {
    /// Section name and i18n key (`nav.<key>`).
    key: &'static str,
    href: &'static str,
    /// The roles that see it.
    roles: &'static [Role],
}

const fn entry(key: &'static str, href: &'static str, roles: &'static [Role]) -> NavEntry {
    NavEntry { key, href, roles }
}

const NAV: &[NavEntry] = {
    use Role::*;
    const READERS: &[Role] = &[Admin, Procurement, Viewer];
    &[
        entry("home", "/", &Role::ALL),
        entry("suppliers", "/suppliers", READERS),
        entry("risk", "/risk", READERS),
        entry("audits", "/audits", &[Admin, Procurement, Viewer, Auditor]),
        entry("actions", "/corrective-actions", &Role::ALL),
        // Supplier contacts land on their own company's smelters page.
        entry(
            "smelters",
            "/smelters",
            &[Admin, Procurement, Viewer, Supplier],
        ),
        entry("esg", "/esg", &[Admin, Procurement, Viewer, Supplier]),
        entry("reports", "/reports", READERS),
        entry("import", "/import", &[Admin, Procurement, Auditor]),
        entry("users", "/admin/users", &[Admin]),
        entry("settings", "/admin/settings", &[Admin]),
        entry("outbox", "/admin/outbox", &[Admin]),
    ]
};

impl Chrome {
    pub async fn for_request(req: &HttpRequest, section: &'static str) -> AppResult<Chrome> {
        let identity = resolve(req).await?;
        Ok(Self::new(req, identity.as_ref(), section))
    }

    pub fn new(req: &HttpRequest, identity: Option<&Identity>, section: &'static str) -> Chrome {
        let user = identity.map(|i| i.user.clone());
        let csrf = identity
            .and_then(|i| i.session.as_ref())
            .map(|s| s.csrf_token.clone())
            .or_else(|| req.cookie(ANON_CSRF_COOKIE).map(|c| c.value().to_owned()))
            .unwrap_or_default();
        let here = match req.query_string() {
            "" => req.path().to_owned(),
            q => format!("{}?{q}", req.path()),
        };
        Chrome {
            lang: Lang::for_request(req, user.as_ref().map(|u| u.language.as_str())),
            user,
            csrf,
            section,
            here,
        }
    }

    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    /// The translated problem of a form field, if it has one.
    pub fn problem(
        &self,
        problems: &crate::error::FieldErrors,
        field: &str,
    ) -> Option<&'static str> {
        problems.get(field).map(|key| self.t(key))
    }

    pub fn html_lang(&self) -> &'static str {
        self.lang.code()
    }

    pub fn role_label(&self) -> &'static str {
        match &self.user {
            Some(u) => self.t(&format!("role.{}", u.role().as_str())),
            None => "",
        }
    }

    pub fn nav(&self) -> Vec<NavLink> {
        let Some(user) = &self.user else {
            return Vec::new();
        };
        let role = user.role();
        NAV.iter()
            .filter(|e| e.roles.contains(&role))
            .map(|e| NavLink {
                key: e.key,
                href: e.href,
                active: e.key == self.section,
            })
            .collect()
    }

    pub fn nav_label(&self, link: &NavLink) -> &'static str {
        self.t(&format!("nav.{}", link.key))
    }

    pub fn langs(&self) -> [(&'static str, &'static str, bool); 2] {
        [
            ("en", "English", self.lang == Lang::En),
            ("zh-CN", "简体中文", self.lang == Lang::ZhCn),
        ]
    }
}
