//! The demo organisation: loaded by `supplier-esg demo` and `serve --demo`
//! into an empty database. Everything is generated as records (suppliers,
//! reviews…) the way real ones would look; no figure is stored.

pub mod audits;
pub mod esg;
pub mod minerals;
pub mod names;
pub mod suppliers;

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::domain::supplier_status::SupplierStatus;
use crate::error::AppError;
use crate::import::onboarding::input_of;
use crate::models::audit_log::Actor;
use crate::models::onboarding;
use crate::models::supplier::{self, Supplier, SupplierInput};
use crate::models::user::{create_user, User, UserInput};

pub const DEMO_PASSWORD: &str = "esg-demo-2021!";
pub const DEMO_LOGIN: &str = "admin@supplier-esg.demo";
pub const DEMO_SUPPLIER_LOGIN: &str = "contact@supplier-esg.demo";

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

const OTHER_BUYERS: [&str; 11] = [
    "Zhao Jing 赵静",
    "Sun Tao 孙涛",
    "Zhou Ying 周颖",
    "Wu Qiang 吴强",
    "Zheng Li 郑丽",
    "Huang Bo 黄波",
    "Xu Min 徐敏",
    "He Jun 何军",
    "Guo Fang 郭芳",
    "Ma Chao 马超",
    "Lin Na 林娜",
];

pub fn is_empty(conn: &mut DbConnection) -> Result<bool, AppError> {
    Ok(User::count(conn)? == 0 && Supplier::count(conn)? == 0)
}

fn add_user(
    conn: &mut DbConnection,
    actor: &Actor,
    (email, name, role, language): (&str, &str, &str, &str),
    supplier_code: &str,
) -> Result<(), AppError> {
    let input = UserInput {
        email: email.into(),
        name: name.into(),
        role: role.into(),
        language: language.into(),
        password: DEMO_PASSWORD.into(),
        supplier_code: supplier_code.into(),
    };
    create_user(conn, actor, &input)?
        .map_err(|problems| AppError::Internal(format!("demo user refused: {problems:?}")))?;
    Ok(())
}

/// Loads the demo organisation (`scale` × 1,221 production suppliers) in one
/// transaction; refuses a database that already has data.
pub fn load(conn: &mut DbConnection, scale: u32) -> Result<(), AppError> {
    if !is_empty(conn)? {
        return Err(AppError::BadInput(
            "the database already has data; the demo loads only into an empty one".into(),
        ));
    }
    let actor = Actor::system("demo");
    conn.transaction(|conn| {
        let seeds = suppliers::generate(scale.max(1));
        let mut ids = std::collections::HashMap::new();
        for seed in &seeds {
            let input = SupplierInput {
                code: seed.code.clone(),
                name: seed.name.clone(),
                name_local: seed.name_local.clone(),
                uscc: seed.uscc.clone().unwrap_or_default(),
                country: seed.country.into(),
                business_unit: seed.business_unit.into(),
                category: seed.category.into(),
                tier: seed.tier.to_string(),
                parent_code: seed.parent_code.clone().unwrap_or_default(),
                production: seed.production.to_string(),
                status: seed.status.into(),
                approved_on: date_text(seed.approved_on),
                exited_on: date_text(seed.exited_on),
                contact_name: seed.contact_name.clone(),
                contact_email: seed.contact_email.clone(),
                buyer_email: seed.buyer_email.clone(),
                csr_signed_on: date_text(seed.csr_signed_on),
            };
            let fields = input
                .check(NaiveDate::MAX, &SupplierStatus::ALL)
                .map_err(|p| {
                    AppError::Internal(format!("demo supplier {} refused: {p:?}", seed.code))
                })?;
            let parent_id = seed.parent_code.as_ref().and_then(|p| ids.get(p).copied());
            let created = supplier::insert(conn, &actor, &fields, parent_id, "import")?;
            ids.insert(created.code.clone(), created.id);
            add_reviews(conn, &actor, &created)?;
        }
        for user in DEMO_USERS {
            add_user(conn, &actor, *user, "")?;
        }
        // The other buyers named on suppliers get accounts too, so their
        // queues and reminders have someone to go to.
        for (email, name) in suppliers::BUYERS.iter().skip(1).zip(OTHER_BUYERS) {
            add_user(conn, &actor, (email, name, "procurement", "zh-CN"), "")?;
        }
        let all = crate::db::schema::suppliers::table
            .select(Supplier::as_select())
            .load::<Supplier>(conn)?;
        audits::load(
            conn,
            &actor,
            &all,
            scale.max(1) as usize,
            crate::models::now().date(),
        )?;
        let first_phone = seeds
            .iter()
            .find(|s| s.business_unit == "phones" && s.status == "approved")
            .map(|s| s.code.clone())
            .unwrap_or_default();
        add_user(
            conn,
            &actor,
            (DEMO_SUPPLIER_LOGIN, "Chen Hao 陈浩", "supplier", "zh-CN"),
            &first_phone,
        )?;
        esg::load(conn, &actor, scale, &first_phone)?;
        minerals::load(conn, &actor)?;
        Ok(())
    })
}

fn date_text(date: Option<NaiveDate>) -> String {
    date.map(|d| d.to_string()).unwrap_or_default()
}

/// Red lines the rejected demo suppliers failed, in turn.
const FAILED_RED_LINES: &[&[&str]] = &[
    &["falsified_hours"],
    &["fire_safety", "health_safety"],
    &["minimum_wage"],
    &["toxic_discharge"],
    &["child_labour"],
    &["falsified_hours", "minimum_wage"],
];

/// The onboarding reviews behind a supplier's history: the approval review
/// of suppliers approved since 2020, and the red-line rejection of rejected
/// ones (half in 2021, half in 2020).
fn add_reviews(conn: &mut DbConnection, actor: &Actor, s: &Supplier) -> Result<(), AppError> {
    let n = s.id as usize;
    let firm = [
        "SGS",
        "Bureau Veritas",
        "Intertek",
        "TÜV SÜD",
        "UL Solutions",
    ][n % 5];
    let evidence = if n % 3 == 0 {
        "rba_vap"
    } else {
        "onsite_audit"
    };
    let review = match (s.status(), s.approved_on) {
        (SupplierStatus::Rejected, _) => {
            let rejected_2021 = rejected_index(conn, s)? % 2 == 0;
            let decided = if rejected_2021 {
                NaiveDate::from_ymd_opt(2021, 3 + (n % 9) as u32, 10)
            } else {
                NaiveDate::from_ymd_opt(2020, 2 + (n % 9) as u32, 14)
            }
            .unwrap_or_default();
            let failed = FAILED_RED_LINES[n % FAILED_RED_LINES.len()];
            input_of(&decided.to_string(), evidence, firm, "", failed)
        }
        (_, Some(approved))
            if approved >= NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or_default() =>
        {
            let csr = s.csr_signed_on.unwrap_or(approved);
            input_of(&approved.to_string(), evidence, firm, &csr.to_string(), &[])
        }
        _ => return Ok(()),
    };
    let assessed = onboarding::assess(&review, NaiveDate::MAX)
        .map_err(|p| AppError::Internal(format!("demo review for {} refused: {p:?}", s.code)))?;
    onboarding::write(conn, actor, s, &assessed, None, false)?;
    Ok(())
}

/// The position of this rejected supplier among the rejected ones so far,
/// so rejections alternate between 2021 and 2020 whatever the ids are.
fn rejected_index(conn: &mut DbConnection, s: &Supplier) -> Result<usize, AppError> {
    use crate::db::schema::suppliers::dsl;
    use diesel::prelude::*;
    let before: i64 = dsl::suppliers
        .filter(dsl::status.eq("rejected"))
        .filter(dsl::id.lt(s.id))
        .count()
        .get_result(conn)?;
    Ok(before as usize)
}
