//! The reminder engine (DESIGN §2.7, §6): once per run it asks the database
//! for the open actions the rules could concern (one query), decides in
//! memory what is due (`domain::reminders`), composes the new messages and
//! queues them insert-if-absent in one transaction; then it sends what the
//! outbox holds, claiming rows with a lease. The number of queries does not
//! grow with the number of actions (only with 500-row insert chunks and with
//! each message sent).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::connection::InstrumentationEvent;
use diesel::Connection;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::db::schema::users;
use crate::db::DbConnection;
use crate::domain::corrective::ActionStatus;
use crate::domain::reminders::{
    backoff, digest_period, digest_state, reminders_for, ActionFacts, DigestState, Rule,
};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::mail::compose::{ActionMail, DigestGroup, DigestItem, DigestMail};
use crate::mail::{Mailer, SendError};
use crate::models::finding::{reminder_candidates, ReminderCandidate};
use crate::models::outbox::{self, Key, NewMessage, QUEUED};
use crate::models::setting::Settings;

/// What a run needs besides the database.
#[derive(Debug, Clone)]
pub struct MailContext {
    /// Base of the links in e-mails (`PUBLIC_URL`).
    pub link_base: String,
    /// Domain of the Message-IDs (the sender's).
    pub domain: String,
}

/// What queueing did.
#[derive(Debug, Clone, Default)]
pub struct QueueReport {
    /// New messages per rule.
    pub queued: BTreeMap<&'static str, usize>,
    /// Messages already in the outbox (an earlier run of the same period).
    pub already_queued: usize,
    /// Recipients that are not e-mail addresses: queued as failed, shown on
    /// the outbox page.
    pub invalid_recipients: usize,
    /// Reminders without a recipient (empty contact or buyer e-mail).
    pub no_recipient: usize,
    /// Business units with escalations due but no ESG lead set.
    pub no_lead: Vec<String>,
    pub candidates: usize,
    pub queries: u64,
    pub elapsed: std::time::Duration,
}

impl QueueReport {
    pub fn total(&self) -> usize {
        self.queued.values().sum()
    }
}

/// What sending did.
#[derive(Debug, Clone, Default)]
pub struct SendReport {
    pub sent: usize,
    /// Tries that failed and will be retried after their back-off.
    pub deferred: usize,
    /// Messages refused for good (invalid address, 5xx): kept as failed.
    pub failed: usize,
    /// Why sending stopped early (server unreachable), if it did.
    pub stopped: Option<String>,
    pub queries: u64,
    pub elapsed: std::time::Duration,
}

/// Counts the statements a connection runs, through Diesel's
/// instrumentation (exact, whatever the code path).
pub struct QueryCounter(Arc<AtomicU64>);

impl QueryCounter {
    pub fn attach(conn: &mut DbConnection) -> QueryCounter {
        let count = Arc::new(AtomicU64::new(0));
        let seen = count.clone();
        conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            if let InstrumentationEvent::StartQuery { .. } = event {
                seen.fetch_add(1, Ordering::Relaxed);
            }
        });
        QueryCounter(count)
    }

    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    pub fn detach(self, conn: &mut DbConnection) -> u64 {
        conn.set_instrumentation(|_: InstrumentationEvent<'_>| {});
        self.get()
    }
}

/// The fixed Message-ID of a message, from its outbox key: every try, and
/// every instance racing to queue it, agrees on it.
pub fn message_id(key: &Key, domain: &str) -> String {
    let mut hash = Sha256::new();
    for part in [&key.0, &key.1, &key.2, &key.3] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    let hex: String = hash
        .finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("<{}.{hex}@{domain}>", key.0.replace('_', "-"))
}

fn looks_like_address(email: &str) -> bool {
    email.parse::<lettre::Address>().is_ok()
}

struct Composer<'a> {
    ctx: &'a MailContext,
    languages: HashMap<String, String>,
    existing: std::collections::HashSet<Key>,
    now: NaiveDateTime,
    out: Vec<NewMessage>,
    report: QueueReport,
}

impl Composer<'_> {
    /// The recipient's language: their account's, else Chinese for the
    /// contact of a mainland supplier, else English.
    fn language(&self, email: &str, chinese_default: bool) -> Lang {
        self.languages
            .get(email)
            .and_then(|l| Lang::parse(l))
            .unwrap_or(if chinese_default {
                Lang::ZhCn
            } else {
                Lang::En
            })
    }

    /// Adds one message unless its key is already in the outbox; `render`
    /// is called only for new ones.
    fn add(
        &mut self,
        rule: Rule,
        object_key: String,
        recipient: &str,
        period: &str,
        lang: Lang,
        render: impl FnOnce(Lang) -> Result<(String, String, String), askama::Error>,
    ) -> Result<(), AppError> {
        let recipient = recipient.trim().to_lowercase();
        if recipient.is_empty() {
            self.report.no_recipient += 1;
            return Ok(());
        }
        let key: Key = (
            rule.as_str().to_owned(),
            object_key,
            recipient.clone(),
            period.to_owned(),
        );
        if self.existing.contains(&key) {
            self.report.already_queued += 1;
            return Ok(());
        }
        let (subject, body_text, body_html) =
            render(lang).map_err(|e| AppError::Internal(format!("e-mail template: {e}")))?;
        let valid = looks_like_address(&recipient);
        if !valid {
            self.report.invalid_recipients += 1;
        }
        let message_id = message_id(&key, &self.ctx.domain);
        self.existing.insert(key.clone());
        self.out.push(NewMessage {
            rule: key.0,
            object_key: key.1,
            recipient,
            period: key.3,
            language: lang.code().to_owned(),
            subject,
            body_text,
            body_html,
            message_id,
            status: if valid { QUEUED } else { outbox::FAILED }.to_owned(),
            attempts: 0,
            next_attempt_at: self.now,
            last_error: if valid {
                String::new()
            } else {
                "invalid recipient address; skipped".to_owned()
            },
            created_at: self.now,
        });
        Ok(())
    }
}

fn facts(a: &ReminderCandidate) -> ActionFacts {
    ActionFacts {
        status: ActionStatus::parse(&a.status).unwrap_or(ActionStatus::Open),
        due_on: a.due_on,
        last_progress_on: a.last_progress_on,
        changed_on: a.updated_at.date(),
    }
}

/// Runs the rules for `today` and queues what is new, in one transaction.
pub fn queue(
    conn: &mut DbConnection,
    ctx: &MailContext,
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<QueueReport, AppError> {
    let started = std::time::Instant::now();
    let counter = QueryCounter::attach(conn);
    let result = crate::db::write_transaction(conn, |conn| queue_in(conn, ctx, today, now));
    let queries = counter.detach(conn);
    result.map(|mut report| {
        report.queries = queries;
        report.elapsed = started.elapsed();
        report
    })
}

fn queue_in(
    conn: &mut DbConnection,
    ctx: &MailContext,
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<QueueReport, AppError> {
    use diesel::prelude::*;
    let settings = Settings::load(conn)?;
    let schedule = settings.reminder_schedule();
    let leads = settings.esg_leads();
    let candidates = reminder_candidates(conn, today, schedule.horizon_days())?;
    let languages: HashMap<String, String> = users::table
        .select((users::email, users::language))
        .load::<(String, String)>(conn)?
        .into_iter()
        .map(|(e, l)| (e.to_lowercase(), l))
        .collect();
    // The periods of the recurring rules are a few weeks at most; an
    // escalation's lasts as long as the action stays overdue.
    let since = now - chrono::Duration::days(schedule.horizon_days().max(60) + 7);
    let existing = outbox::recent_keys(conn, since, &[Rule::Escalation.as_str()])?;
    let mut c = Composer {
        ctx,
        languages,
        existing,
        now,
        out: Vec::new(),
        report: QueueReport {
            candidates: candidates.len(),
            ..QueueReport::default()
        },
    };
    let link = |id: i32| format!("{}/corrective-actions/{id}", ctx.link_base);
    let mut no_lead = std::collections::BTreeSet::new();
    for action in &candidates {
        for due in reminders_for(&schedule, &facts(action), today) {
            let object = format!("action:{}", action.id);
            let recipients: Vec<(&str, bool)> = if due.rule == Rule::Escalation {
                match leads.get(&action.business_unit) {
                    Some(lead) => vec![(lead.as_str(), false)],
                    None => {
                        no_lead.insert(action.business_unit.clone());
                        vec![]
                    }
                }
            } else {
                vec![
                    (action.contact_email.as_str(), action.country == "CN"),
                    (action.buyer_email.as_str(), false),
                ]
            };
            for (recipient, chinese) in recipients {
                let lang = c.language(&recipient.trim().to_lowercase(), chinese);
                let (rule, days, url) = (due.rule, due.days, link(action.id));
                c.add(
                    due.rule,
                    object.clone(),
                    recipient,
                    &due.period,
                    lang,
                    |lang| {
                        ActionMail {
                            lang,
                            rule,
                            days,
                            action,
                            link: url,
                        }
                        .render()
                    },
                )?;
            }
        }
    }
    if let Some(week) = digest_period(&schedule, today) {
        // buyer → supplier code → actions
        let mut by_buyer: BTreeMap<String, BTreeMap<String, Vec<&ReminderCandidate>>> =
            BTreeMap::new();
        for action in &candidates {
            if digest_state(&schedule, facts(action).status, action.due_on, today).is_some() {
                by_buyer
                    .entry(action.buyer_email.trim().to_lowercase())
                    .or_default()
                    .entry(action.supplier_code.clone())
                    .or_default()
                    .push(action);
            }
        }
        for (buyer, suppliers) in by_buyer {
            let lang = c.language(&buyer, false);
            let list_link = format!("{}/corrective-actions?buyer={buyer}", ctx.link_base);
            let within = schedule.digest_due_within;
            c.add(
                Rule::Digest,
                format!("buyer:{buyer}"),
                &buyer,
                &week,
                lang,
                |lang| {
                    let mut overdue = 0;
                    let mut due_soon = 0;
                    let groups = suppliers
                        .values()
                        .map(|actions| {
                            let first = actions[0];
                            let name = match lang {
                                Lang::ZhCn if !first.supplier_name_local.is_empty() => {
                                    &first.supplier_name_local
                                }
                                _ => &first.supplier_name,
                            };
                            let mut items: Vec<_> = actions.to_vec();
                            items.sort_by_key(|a| (a.due_on, a.finding_ref.clone()));
                            DigestGroup {
                                supplier: format!("{} {name}", first.supplier_code),
                                items: items
                                    .into_iter()
                                    .map(|a| {
                                        let left = (a.due_on - today).num_days();
                                        match digest_state(
                                            &schedule,
                                            facts(a).status,
                                            a.due_on,
                                            today,
                                        ) {
                                            Some(DigestState::Overdue) => overdue += 1,
                                            _ => due_soon += 1,
                                        }
                                        DigestItem {
                                            finding_ref: a.finding_ref.clone(),
                                            due_on: a.due_on.to_string(),
                                            state: DigestMail::state_text(lang, left),
                                            status: lang.t(&format!("action.status.{}", a.status)),
                                            link: link(a.id),
                                        }
                                    })
                                    .collect(),
                            }
                        })
                        .collect();
                    DigestMail {
                        lang,
                        week: week.clone(),
                        due_within: within,
                        overdue,
                        due_soon,
                        groups,
                        list_link,
                    }
                    .render()
                },
            )?;
        }
    }
    let Composer {
        out, mut report, ..
    } = c;
    report.no_lead = no_lead.into_iter().collect();
    // Another runner may have queued some of these meanwhile: the unique key
    // decides, and only rows really inserted are counted (per rule).
    let mut by_rule: BTreeMap<&'static str, Vec<NewMessage>> = BTreeMap::new();
    for m in out {
        let rule = Rule::parse(&m.rule).map_or("other", Rule::as_str);
        by_rule.entry(rule).or_default().push(m);
    }
    for (rule, messages) in by_rule {
        let inserted = outbox::insert_if_absent(conn, &messages)?;
        report.already_queued += messages.len() - inserted;
        if inserted > 0 {
            report.queued.insert(rule, inserted);
        }
    }
    Ok(report)
}

/// How long a claim holds before another sender may take the rows over.
pub const LEASE: chrono::Duration = chrono::Duration::minutes(10);
const BATCH: i64 = 100;

/// A sender's name for its leases: host, process and a random part.
pub fn sender_name() -> String {
    format!(
        "{}-{}-{}",
        std::env::var("HOSTNAME").unwrap_or_else(|_| "host".into()),
        std::process::id(),
        &crate::auth::tokens::random_token()[..8]
    )
}

/// Sends every queued message whose turn has come, in claimed batches, until
/// none is left or the server cannot be reached.
pub fn send_due(
    conn: &mut DbConnection,
    mailer: &Mailer,
    owner: &str,
) -> Result<SendReport, AppError> {
    let started = std::time::Instant::now();
    let counter = QueryCounter::attach(conn);
    let result = send_in(conn, mailer, owner);
    let queries = counter.detach(conn);
    result.map(|mut report| {
        report.queries = queries;
        report.elapsed = started.elapsed();
        report
    })
}

fn send_in(conn: &mut DbConnection, mailer: &Mailer, owner: &str) -> Result<SendReport, AppError> {
    let mut report = SendReport::default();
    loop {
        let now = crate::models::now();
        let batch = outbox::claim(conn, owner, now, LEASE, BATCH)?;
        if batch.is_empty() {
            return Ok(report);
        }
        for (i, message) in batch.iter().enumerate() {
            match mailer.send(message) {
                Ok(()) => {
                    // A crash right here resends this message once, with the
                    // same Message-ID (README, Operations).
                    outbox::mark_sent(conn, message.id, owner, crate::models::now())?;
                    report.sent += 1;
                }
                Err(error) => {
                    let attempts = message.attempts + 1;
                    let permanent = matches!(
                        error,
                        SendError::InvalidAddress(_) | SendError::Permanent(_)
                    );
                    let next = crate::models::now() + backoff(attempts);
                    outbox::mark_failed(conn, message, owner, error.text(), next, permanent)?;
                    if permanent {
                        report.failed += 1;
                    } else {
                        report.deferred += 1;
                    }
                    if let SendError::Unavailable(text) = &error {
                        let rest: Vec<i32> = batch[i + 1..].iter().map(|m| m.id).collect();
                        outbox::release(conn, &rest, owner)?;
                        report.stopped = Some(text.clone());
                        return Ok(report);
                    }
                }
            }
        }
    }
}

/// One run: queue today's reminders, then send. What `reminders run` and the
/// timer of `serve` do.
pub fn run_once(
    conn: &mut DbConnection,
    mailer: &Mailer,
    link_base: &str,
    today: NaiveDate,
) -> Result<(QueueReport, SendReport), AppError> {
    let ctx = MailContext {
        link_base: link_base.trim_end_matches('/').to_owned(),
        domain: mailer.domain(),
    };
    let queued = queue(conn, &ctx, today, crate::models::now())?;
    let sent = send_due(conn, mailer, &sender_name())?;
    Ok((queued, sent))
}

/// The lines `reminders run` prints.
pub fn describe(queued: &QueueReport, sent: &SendReport) -> Vec<String> {
    let mut lines = vec![format!(
        "queued {} new message(s) from {} open action(s) ({} already queued earlier); {} queries, {} ms",
        queued.total(),
        queued.candidates,
        queued.already_queued,
        queued.queries,
        queued.elapsed.as_millis()
    )];
    for (rule, n) in &queued.queued {
        lines.push(format!("  {rule}: {n}"));
    }
    if queued.invalid_recipients > 0 {
        lines.push(format!(
            "  {} invalid recipient address(es): kept as failed, see /admin/outbox",
            queued.invalid_recipients
        ));
    }
    if queued.no_recipient > 0 {
        lines.push(format!(
            "  {} reminder(s) without a recipient e-mail",
            queued.no_recipient
        ));
    }
    if !queued.no_lead.is_empty() {
        lines.push(format!(
            "  escalations due but no ESG lead set (setting esg_leads) for: {}",
            queued.no_lead.join(", ")
        ));
    }
    lines.push(format!(
        "sent {}, deferred {} (retried later), failed {}; {} queries, {} ms",
        sent.sent,
        sent.deferred,
        sent.failed,
        sent.queries,
        sent.elapsed.as_millis()
    ));
    if let Some(why) = &sent.stopped {
        lines.push(format!("  sending stopped: {why}"));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_are_fixed_by_the_key() {
        let key: Key = (
            "due_soon".into(),
            "action:7".into(),
            "a@b.c".into(),
            "2026-03-16/d14".into(),
        );
        let id = message_id(&key, "example.com");
        assert_eq!(id, message_id(&key, "example.com"));
        assert!(id.starts_with("<due-soon.") && id.ends_with("@example.com>"));
        let mut other = key.clone();
        other.2 = "x@b.c".into();
        assert_ne!(id, message_id(&other, "example.com"));
    }
}
