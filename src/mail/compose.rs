//! The e-mails' words: subject, text and HTML bodies from the templates in
//! `templates/email/`, in the recipient's language.

use askama::Template;

use crate::domain::reminders::Rule;
use crate::i18n::Lang;
use crate::models::finding::ReminderCandidate;

/// One reminder about one corrective action.
pub struct ActionMail<'a> {
    pub lang: Lang,
    pub rule: Rule,
    /// Days left, days overdue or days without progress (by rule).
    pub days: i64,
    pub action: &'a ReminderCandidate,
    pub link: String,
}

fn fill(text: &str, pairs: &[(&str, &str)]) -> String {
    pairs.iter().fold(text.to_owned(), |acc, (k, v)| {
        acc.replace(&format!("{{{k}}}"), v)
    })
}

fn prefixed(lang: Lang, subject: String) -> String {
    format!("[{}] {subject}", lang.t("app.name"))
}

impl ActionMail<'_> {
    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    fn fill(&self, key: &str) -> String {
        fill(
            self.t(key),
            &[
                ("ref", &self.action.finding_ref),
                ("supplier", &self.action.supplier_code),
                ("days", &self.days.to_string()),
                ("due", &self.action.due_on.to_string()),
            ],
        )
    }

    pub fn subject(&self) -> String {
        prefixed(
            self.lang,
            self.fill(&format!("mail.subject.{}", self.rule.as_str())),
        )
    }

    pub fn intro(&self) -> String {
        self.fill(&format!("mail.intro.{}", self.rule.as_str()))
    }

    pub fn supplier(&self) -> String {
        let a = self.action;
        let name = match self.lang {
            Lang::ZhCn if !a.supplier_name_local.is_empty() => &a.supplier_name_local,
            _ => &a.supplier_name,
        };
        format!("{} {name}", a.supplier_code)
    }

    pub fn severity(&self) -> &'static str {
        self.t(&format!("severity.{}", self.action.severity))
    }

    pub fn status(&self) -> &'static str {
        self.t(&format!("action.status.{}", self.action.status))
    }

    pub fn last_progress(&self) -> String {
        self.action
            .last_progress_on
            .map_or_else(|| "–".to_owned(), |d| d.to_string())
    }

    /// (subject, text, HTML)
    pub fn render(&self) -> Result<(String, String, String), askama::Error> {
        Ok((
            self.subject(),
            ActionText { m: self }.render()?,
            ActionHtml { m: self }.render()?,
        ))
    }
}

#[derive(Template)]
#[template(path = "email/action.txt")]
struct ActionText<'a> {
    m: &'a ActionMail<'a>,
}

#[derive(Template)]
#[template(path = "email/action.html")]
struct ActionHtml<'a> {
    m: &'a ActionMail<'a>,
}

/// A line of a buyer's digest.
pub struct DigestItem {
    pub finding_ref: String,
    pub due_on: String,
    /// "12 days overdue", "due in 3 days" …
    pub state: String,
    pub status: &'static str,
    pub link: String,
}

pub struct DigestGroup {
    pub supplier: String,
    pub items: Vec<DigestItem>,
}

/// The weekly digest of one buyer.
pub struct DigestMail {
    pub lang: Lang,
    pub week: String,
    pub due_within: i64,
    pub overdue: usize,
    pub due_soon: usize,
    pub groups: Vec<DigestGroup>,
    pub list_link: String,
}

impl DigestMail {
    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    pub fn subject(&self) -> String {
        prefixed(
            self.lang,
            fill(
                self.t("mail.subject.digest"),
                &[
                    ("week", &self.week),
                    ("overdue", &self.overdue.to_string()),
                    ("soon", &self.due_soon.to_string()),
                ],
            ),
        )
    }

    pub fn intro(&self) -> String {
        fill(
            self.t("mail.intro.digest"),
            &[("days", &self.due_within.to_string())],
        )
    }

    /// The words for an action `days` from due (negative: overdue).
    pub fn state_text(lang: Lang, days_left: i64) -> String {
        let (key, n) = match days_left {
            d if d < 0 => ("mail.digest.overdue", -d),
            0 => ("mail.digest.due_today", 0),
            d => ("mail.digest.due_in", d),
        };
        fill(lang.t(key), &[("days", &n.to_string())])
    }

    pub fn render(&self) -> Result<(String, String, String), askama::Error> {
        Ok((
            self.subject(),
            DigestText { m: self }.render()?,
            DigestHtml { m: self }.render()?,
        ))
    }
}

#[derive(Template)]
#[template(path = "email/digest.txt")]
struct DigestText<'a> {
    m: &'a DigestMail,
}

#[derive(Template)]
#[template(path = "email/digest.html")]
struct DigestHtml<'a> {
    m: &'a DigestMail,
}
