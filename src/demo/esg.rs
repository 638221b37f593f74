//! The demo organisation's ESG side, as records (DESIGN §7): the phone
//! suppliers' ESG data for 2020 and 2021 (and the other business units'
//! first year, 2021), the data requests that asked for it, training sessions with their attendance, and one improvement
//! programme. For 2021 the records give exactly the published figures:
//! 103 suppliers with a reduction target, 41 GHG-verified and 9 in
//! verification; training reached [`TRAINED_SUPPLIERS_2021`] suppliers and
//! [`TRAINED_PEOPLE_2021`] people. Everything is `scale` times larger for
//! load tests, and the same on every run (fixed-seed PRNG, no clock).
//!
//! Written in batches (one multi-row insert per table and chunk), so the
//! demo loads in well under a second on either backend.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::suppliers::Rng;
use crate::db::schema::suppliers;
use crate::db::DbConnection;
use crate::domain::esg::{Metrics, Verification};
use crate::error::AppError;
use crate::models::audit_log::{self, Actor, BatchEntry};
use crate::models::esg::{self, EsgFields};
use crate::models::esg_request::{self, RequestFields};
use crate::models::programme::{self, ItemFields, ProgrammeFields};
use crate::models::training::{self, NewAttendance, SessionFields};

/// DESIGN §4 `climate` for 2021 at scale 1.
pub const WITH_TARGET_2021: usize = 103;
pub const GHG_VERIFIED_2021: usize = 41;
pub const GHG_IN_PROGRESS_2021: usize = 9;
/// Phone suppliers reporting ESG data for 2021 and 2020, at scale 1.
pub const REPORTING_2021: usize = 260;
/// Suppliers of the other business units reporting for 2021 (their first
/// year: no targets, no verification yet).
pub const OTHER_UNITS_2021: [(&str, usize); 3] = [("tv", 30), ("ecosystem", 24), ("laptops", 18)];
pub const REPORTING_2020: usize = 196;
/// … and their 2020 figures.
pub const WITH_TARGET_2020: usize = 71;
pub const GHG_VERIFIED_2020: usize = 24;
pub const GHG_IN_PROGRESS_2020: usize = 12;
/// DESIGN §4 `training` for 2021 and 2020 at scale 1.
pub const TRAINED_SUPPLIERS_2021: usize = 212;
pub const TRAINED_PEOPLE_2021: usize = 756;
pub const TRAINED_SUPPLIERS_2020: usize = 138;
pub const TRAINED_PEOPLE_2020: usize = 452;

const SEED: u64 = 0xE5C0_2021_0103_0041;

/// The 2021 reporters by (reduction target, verification), at scale 1; and
/// for each group how its members looked in 2020: how many reported, how
/// many had a target, were verified, were in verification (in that order
/// within the group).
struct Group {
    has_target: bool,
    verification: Verification,
    size: usize,
    reported_2020: usize,
    target_2020: usize,
    verified_2020: usize,
    in_progress_2020: usize,
}

const GROUPS: [Group; 6] = [
    Group {
        has_target: true,
        verification: Verification::Verified,
        size: 38,
        reported_2020: 38,
        target_2020: 38,
        verified_2020: 24,
        in_progress_2020: 10,
    },
    Group {
        has_target: true,
        verification: Verification::InProgress,
        size: 6,
        reported_2020: 6,
        target_2020: 3,
        verified_2020: 0,
        in_progress_2020: 0,
    },
    Group {
        has_target: true,
        verification: Verification::None,
        size: 59,
        reported_2020: 59,
        target_2020: 30,
        verified_2020: 0,
        in_progress_2020: 0,
    },
    Group {
        has_target: false,
        verification: Verification::Verified,
        size: 3,
        reported_2020: 3,
        target_2020: 0,
        verified_2020: 0,
        in_progress_2020: 2,
    },
    Group {
        has_target: false,
        verification: Verification::InProgress,
        size: 3,
        reported_2020: 3,
        target_2020: 0,
        verified_2020: 0,
        in_progress_2020: 0,
    },
    Group {
        has_target: false,
        verification: Verification::None,
        size: 151,
        reported_2020: 87,
        target_2020: 0,
        verified_2020: 0,
        in_progress_2020: 0,
    },
];

/// What the loader needs of a supplier.
#[derive(Queryable)]
struct Row {
    id: i32,
    code: String,
    business_unit: String,
    category: String,
    tier: i32,
    production: bool,
    approved_on: Option<NaiveDate>,
    exited_on: Option<NaiveDate>,
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid demo date")
}

impl Row {
    /// A production supplier approved by `by` and not gone by the end of `year`.
    fn active(&self, by: NaiveDate, year: i32) -> bool {
        self.production
            && self.approved_on.is_some_and(|a| a <= by)
            && self.exited_on.is_none_or(|e| e > ymd(year, 12, 31))
    }
}

/// Uniform in [low, high).
fn between(rng: &mut Rng, low: f64, high: f64) -> f64 {
    let unit = (rng.next() >> 11) as f64 / (1u64 << 53) as f64;
    low + (high - low) * unit
}

fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// tCO2e per million CNY of revenue, by what a supplier makes.
fn base_intensity(category: &str) -> f64 {
    match category {
        "semiconductors" => 45.0,
        "display" => 38.0,
        "pcb" => 35.0,
        "battery" => 30.0,
        "structural_parts" => 24.0,
        "camera_module" => 18.0,
        "connectors" => 16.0,
        "packaging" => 15.0,
        "acoustics" => 12.0,
        _ => 8.0,
    }
}

/// China's average grid factor, tCO2 per MWh: turns scope 2 into electricity.
const GRID_FACTOR: f64 = 0.5703;

/// A supplier's 2021 values.
fn metrics_2021(rng: &mut Rng, category: &str, has_target: bool) -> Metrics {
    let revenue = 80.0 * 2f64.powf(between(rng, 0.0, 6.0));
    let emissions = revenue * base_intensity(category) * between(rng, 0.7, 1.3);
    let direct_share = if category == "structural_parts" {
        between(rng, 0.15, 0.4)
    } else {
        between(rng, 0.04, 0.22)
    };
    let scope1 = emissions * direct_share;
    let scope2 = emissions - scope1;
    let electricity = scope2 / GRID_FACTOR;
    let renewable_share = if has_target {
        between(rng, 0.05, 0.35)
    } else {
        between(rng, 0.0, 0.08)
    };
    Metrics {
        renewable_mwh: Some(round1(electricity * renewable_share)),
        scope1_t: round1(scope1),
        scope2_t: round1(scope2),
        wastewater_t: Some(round1(electricity * between(rng, 0.8, 6.0))),
        exhaust_t: Some(round1(emissions * between(rng, 0.0005, 0.004))),
        hazardous_waste_t: Some(round1(revenue * between(rng, 0.05, 0.6))),
        revenue_mcny: Some(round1(revenue)),
    }
}

/// The year before: suppliers with a target have since cut emissions and
/// grown renewables; the others mostly grew. Never near a ten-fold change.
fn metrics_2020(rng: &mut Rng, now: &Metrics, has_target: bool) -> Metrics {
    let (emissions, renewable) = if has_target {
        (between(rng, 1.02, 1.16), between(rng, 0.5, 0.95))
    } else {
        (between(rng, 0.85, 1.05), between(rng, 0.7, 1.0))
    };
    let scale = |v: Option<f64>, f: f64| v.map(|v| round1(v * f));
    Metrics {
        renewable_mwh: scale(now.renewable_mwh, renewable),
        scope1_t: round1(now.scope1_t * emissions),
        scope2_t: round1(now.scope2_t * emissions),
        wastewater_t: scale(now.wastewater_t, between(rng, 0.9, 1.1)),
        exhaust_t: scale(now.exhaust_t, between(rng, 0.9, 1.2)),
        hazardous_waste_t: scale(now.hazardous_waste_t, between(rng, 0.9, 1.1)),
        revenue_mcny: scale(now.revenue_mcny, between(rng, 0.85, 1.0)),
    }
}

const TARGETS: &[(i32, &str)] = &[
    (2025, "−20 % scope 1 + 2 intensity by 2025 against 2020"),
    (2025, "2025年单位产值范围一、二排放强度较2020年下降20%"),
    (
        2030,
        "−30 % absolute scope 1 + 2 by 2030 against 2020 (SBTi-aligned)",
    ),
    (2030, "2030年前范围一、二排放总量较2020年下降30%"),
    (2030, "100 % renewable electricity by 2030"),
    (2030, "2030年实现100%可再生电力"),
    (2050, "Carbon-neutral operations by 2050"),
    (2060, "2060年前实现运营碳中和"),
];

const VERIFIERS: &[&str] = &[
    "SGS",
    "Bureau Veritas",
    "TÜV Rheinland",
    "DNV",
    "Intertek",
    "中国质量认证中心 (CQC)",
];

fn fields(
    code: &str,
    year: i32,
    metrics: Metrics,
    has_target: bool,
    verification: Verification,
    pick: usize,
) -> EsgFields {
    let (target_year, target_text) = if has_target {
        let (y, text) = TARGETS[pick % TARGETS.len()];
        (Some(y), text.to_owned())
    } else {
        (None, String::new())
    };
    EsgFields {
        supplier_code: code.to_owned(),
        year,
        metrics,
        has_target,
        target_text,
        target_year,
        verification,
        verifier: match verification {
            Verification::None => String::new(),
            _ => VERIFIERS[pick % VERIFIERS.len()].to_owned(),
        },
    }
}

/// (ref, (month, day), topic, format, provider) of a demo training session.
type SessionSeed = (
    &'static str,
    (u32, u32),
    &'static str,
    &'static str,
    &'static str,
);

const SESSIONS_2021: &[SessionSeed] = &[
    (
        "TR-2021-01",
        (3, 18),
        "RBA Code of Conduct 7.0: what changes for suppliers",
        "online",
        "RBA Academy",
    ),
    (
        "TR-2021-02",
        (4, 22),
        "碳核算与减排目标设定（ISO 14064、SBTi）",
        "online",
        "SGS",
    ),
    (
        "TR-2021-03",
        (5, 27),
        "Fire safety and emergency evacuation drills",
        "onsite",
        "TÜV SÜD",
    ),
    (
        "TR-2021-04",
        (6, 24),
        "工时与工资管理最佳实践",
        "hybrid",
        "ELEVATE",
    ),
    (
        "TR-2021-05",
        (9, 16),
        "Hazardous chemicals and waste management",
        "onsite",
        "Intertek",
    ),
    (
        "TR-2021-06",
        (10, 21),
        "Responsible minerals: CMRT 6.x and EMRT",
        "online",
        "Responsible Minerals Initiative",
    ),
    (
        "TR-2021-07",
        (11, 25),
        "员工满意度调查与沟通机制",
        "online",
        "QIMA",
    ),
];
const SESSIONS_2020: &[SessionSeed] = &[
    (
        "TR-2020-01",
        (6, 11),
        "Supplier ESG requirements and the red lines",
        "online",
        "Supplier ESG team",
    ),
    (
        "TR-2020-02",
        (8, 20),
        "新冠疫情防控与复工安全",
        "online",
        "TÜV SÜD",
    ),
    (
        "TR-2020-03",
        (10, 15),
        "Energy management and rooftop solar",
        "hybrid",
        "DNV",
    ),
    (
        "TR-2020-04",
        (11, 26),
        "化学品管理与危险废物合规",
        "onsite",
        "Intertek",
    ),
];

/// Attendance for `sessions`: exactly `distinct` suppliers from `pool`,
/// each at one session or more (`extra` second visits), and exactly
/// `people` people in all.
fn attendance(
    rng: &mut Rng,
    pool: &[&Row],
    sessions: usize,
    distinct: usize,
    extra: usize,
    people: usize,
) -> Vec<Vec<(i32, i32)>> {
    let mut pool: Vec<&Row> = pool.to_vec();
    rng.shuffle(&mut pool);
    let chosen = &pool[..distinct.min(pool.len())];
    let mut by_session: Vec<Vec<(i32, i32)>> = vec![Vec::new(); sessions];
    let mut pairs = std::collections::HashSet::new();
    for (i, s) in chosen.iter().enumerate() {
        let session = if i < sessions { i } else { rng.below(sessions) };
        pairs.insert((session, s.id));
        by_session[session].push((s.id, 1));
    }
    let mut added = 0;
    while added < extra && !chosen.is_empty() {
        let s = chosen[rng.below(chosen.len())];
        let session = rng.below(sessions);
        if pairs.insert((session, s.id)) {
            by_session[session].push((s.id, 1));
            added += 1;
        }
    }
    // One person each so far; hand out the rest, at most eight per supplier.
    let slots: usize = by_session.iter().map(Vec::len).sum();
    let mut left = people.saturating_sub(slots);
    while left > 0 {
        let session = rng.below(sessions);
        if by_session[session].is_empty() {
            continue;
        }
        let i = rng.below(by_session[session].len());
        if by_session[session][i].1 < 8 {
            by_session[session][i].1 += 1;
            left -= 1;
        }
    }
    by_session
}

/// (area, actions, target, indicator, result value, result unit).
type ItemSeed = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<f64>,
    &'static str,
);

/// Loads the ESG records; `programme_supplier` (a phone supplier's code)
/// gets the improvement programme.
pub fn load(
    conn: &mut DbConnection,
    actor: &Actor,
    scale: u32,
    programme_supplier: &str,
) -> Result<(), AppError> {
    let n = scale.max(1) as usize;
    let mut rng = Rng(SEED);
    let rows: Vec<Row> = suppliers::table
        .select((
            suppliers::id,
            suppliers::code,
            suppliers::business_unit,
            suppliers::category,
            suppliers::tier,
            suppliers::production,
            suppliers::approved_on,
            suppliers::exited_on,
        ))
        .order(suppliers::id)
        .load(conn)?;

    // ESG data: tier-1 phone suppliers active through 2021 and approved
    // before 2020, so each can have reported both years.
    let mut reporters: Vec<&Row> = rows
        .iter()
        .filter(|r| r.business_unit == "phones" && r.tier == 1 && r.active(ymd(2019, 12, 31), 2021))
        .collect();
    rng.shuffle(&mut reporters);
    // The programme's supplier (the demo supplier contact's company) leads
    // the way: a target, verified emissions.
    if let Some(i) = reporters.iter().position(|r| r.code == programme_supplier) {
        let star = reporters.remove(i);
        reporters.insert(0, star);
    }
    let mut records = Vec::new();
    let mut taken = 0;
    for group in &GROUPS {
        let members =
            &reporters[taken.min(reporters.len())..(taken + group.size * n).min(reporters.len())];
        taken += group.size * n;
        for (i, s) in members.iter().enumerate() {
            let now = metrics_2021(&mut rng, &s.category, group.has_target);
            let pick = rng.below(1000);
            records.push((
                s.id,
                s.code.clone(),
                fields(
                    &s.code,
                    2021,
                    now,
                    group.has_target,
                    group.verification,
                    pick,
                ),
            ));
            if i >= group.reported_2020 * n {
                continue;
            }
            let target = i < group.target_2020 * n;
            let verification = if i < group.verified_2020 * n {
                Verification::Verified
            } else if i < (group.verified_2020 + group.in_progress_2020) * n {
                Verification::InProgress
            } else {
                Verification::None
            };
            let before = metrics_2020(&mut rng, &now, target);
            records.push((
                s.id,
                s.code.clone(),
                fields(&s.code, 2020, before, target, verification, pick),
            ));
        }
    }
    // The other business units started collecting in 2021, without
    // targets or verification yet.
    for (unit, count) in OTHER_UNITS_2021 {
        let mut pool: Vec<&Row> = rows
            .iter()
            .filter(|r| r.business_unit == unit && r.tier == 1 && r.active(ymd(2020, 12, 31), 2021))
            .collect();
        rng.shuffle(&mut pool);
        for s in pool.into_iter().take(count * n) {
            let now = metrics_2021(&mut rng, &s.category, false);
            records.push((
                s.id,
                s.code.clone(),
                fields(&s.code, 2021, now, false, Verification::None, 0),
            ));
        }
    }
    esg::insert_many(conn, actor, &records, "import")?;

    // The requests that asked for those years.
    for (year, due) in [(2020, ymd(2021, 3, 31)), (2021, ymd(2022, 3, 31))] {
        let fields = RequestFields {
            year,
            business_unit: "phones".into(),
            due_on: Some(due),
            message: format!(
                "请于截止日期前在系统中填报贵司{year}年度ESG数据（范围一、二排放、可再生电力、废水废气与危险废物）。 \
                 Please enter your {year} ESG data (scope 1 and 2, renewable electricity, wastewater, exhaust gas, hazardous waste) by the due date."
            ),
        };
        esg_request::send(conn, actor, &fields)?
            .map_err(|p| AppError::Internal(format!("demo request refused: {p:?}")))?;
    }

    // Training: suppliers of every business unit active in the year.
    for (year, sessions, distinct, extra, people) in [
        (
            2020,
            SESSIONS_2020,
            TRAINED_SUPPLIERS_2020,
            62,
            TRAINED_PEOPLE_2020,
        ),
        (
            2021,
            SESSIONS_2021,
            TRAINED_SUPPLIERS_2021,
            118,
            TRAINED_PEOPLE_2021,
        ),
    ] {
        let pool: Vec<&Row> = rows
            .iter()
            .filter(|r| r.active(ymd(year, 3, 1), year))
            .collect();
        let plan = attendance(
            &mut rng,
            &pool,
            sessions.len(),
            distinct * n,
            extra * n,
            people * n,
        );
        let mut new_rows = Vec::new();
        let mut entries: Vec<BatchEntry> = Vec::new();
        for ((session_ref, (m, d), topic, format, provider), attendees) in sessions.iter().zip(plan)
        {
            let session = training::insert(
                conn,
                actor,
                &SessionFields {
                    session_ref: (*session_ref).into(),
                    held_on: ymd(year, *m, *d),
                    topic: (*topic).into(),
                    format: (*format).into(),
                    provider: (*provider).into(),
                },
                "import",
            )?;
            entries.push((
                session.session_ref.clone(),
                "attendance_import",
                serde_json::json!({ "suppliers": attendees.len() }),
            ));
            new_rows.extend(
                attendees
                    .into_iter()
                    .map(|(supplier_id, people)| NewAttendance {
                        session_id: session.id,
                        supplier_id,
                        people,
                    }),
            );
        }
        training::insert_attendance(conn, &new_rows)?;
        audit_log::record_many(conn, actor, "training", &entries)?;
    }

    // The "satisfied factory" programme with its measured results.
    if let Some(s) = rows.iter().find(|r| r.code == programme_supplier) {
        let created = programme::insert(
            conn,
            actor,
            s.id,
            &s.code,
            &ProgrammeFields {
                title: "满意工厂 Satisfied factory 2021".into(),
                started_on: ymd(2021, 3, 1),
                ended_on: Some(ymd(2021, 12, 31)),
                summary: "A year-long programme with the supplier's management: energy, materials, compliance and the workforce, measured against 2020."
                    .into(),
            },
        )?;
        let items: [ItemSeed; 4] = [
            (
                "energy_saving",
                "Air-compressor waste-heat recovery; LED retrofit of 3 workshops; 1.2 MW rooftop PV",
                "−10 % carbon emissions",
                "Carbon emissions (scope 1 + 2)",
                Some(-14.92),
                "pct_change",
            ),
            (
                "circular_use",
                "Reusable trays and cartons with tier-2 suppliers; cutting-fluid and solvent recovery",
                "≥ 1,000,000 CNY saved",
                "Cost savings",
                Some(1_165_000.0),
                "cny",
            ),
            (
                "worker_satisfaction",
                "Canteen and dormitory upgrade; worker hotline; monthly dialogue with line leaders",
                "+10 % satisfaction",
                "Worker satisfaction survey score",
                Some(14.0),
                "pct_change",
            ),
            (
                "legal_compliance",
                "Working-hour system review; fire-safety permits renewed; chemical inventory",
                "No legal violations",
                "Violations found in audits",
                None,
                "",
            ),
        ];
        for (area, actions, target, indicator, result_value, result_unit) in items {
            programme::add_item(
                conn,
                actor,
                &s.code,
                &created,
                &ItemFields {
                    area: area.into(),
                    actions: actions.into(),
                    target: target.into(),
                    indicator: indicator.into(),
                    result_value,
                    result_unit: result_unit.into(),
                },
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_add_up_to_the_published_figures() {
        let sum = |f: &dyn Fn(&Group) -> usize| GROUPS.iter().map(f).sum::<usize>();
        assert_eq!(sum(&|g| g.size), REPORTING_2021);
        assert_eq!(
            sum(&|g| if g.has_target { g.size } else { 0 }),
            WITH_TARGET_2021
        );
        assert_eq!(
            sum(&|g| if g.verification == Verification::Verified {
                g.size
            } else {
                0
            }),
            GHG_VERIFIED_2021
        );
        assert_eq!(
            sum(&|g| if g.verification == Verification::InProgress {
                g.size
            } else {
                0
            }),
            GHG_IN_PROGRESS_2021
        );
        assert_eq!(sum(&|g| g.reported_2020), REPORTING_2020);
        assert_eq!(sum(&|g| g.target_2020), WITH_TARGET_2020);
        assert_eq!(sum(&|g| g.verified_2020), GHG_VERIFIED_2020);
        assert_eq!(sum(&|g| g.in_progress_2020), GHG_IN_PROGRESS_2020);
        for g in &GROUPS {
            assert!(g.reported_2020 <= g.size);
            assert!(g.target_2020 <= g.reported_2020);
            assert!(g.verified_2020 + g.in_progress_2020 <= g.reported_2020);
        }
    }

    #[test]
    fn demo_values_never_need_a_jump_confirmation() {
        let mut rng = Rng(SEED);
        for i in 0..2000 {
            let target = i % 3 == 0;
            let now = metrics_2021(&mut rng, "structural_parts", target);
            let before = metrics_2020(&mut rng, &now, target);
            assert!(crate::domain::esg::jumps(&now, &before).is_empty());
            assert!(now.scope1_t >= 0.0 && now.scope2_t > 0.0);
        }
    }

    #[test]
    fn attendance_has_exact_suppliers_and_people() {
        let rows: Vec<Row> = (0..500)
            .map(|id| Row {
                id,
                code: format!("S{id}"),
                business_unit: "phones".into(),
                category: "pcb".into(),
                tier: 1,
                production: true,
                approved_on: Some(ymd(2015, 1, 1)),
                exited_on: None,
            })
            .collect();
        let pool: Vec<&Row> = rows.iter().collect();
        let plan = attendance(&mut Rng(SEED), &pool, 7, 212, 118, 756);
        let distinct: std::collections::HashSet<i32> =
            plan.iter().flatten().map(|(id, _)| *id).collect();
        assert_eq!(distinct.len(), 212);
        assert_eq!(plan.iter().flatten().count(), 330);
        assert_eq!(
            plan.iter()
                .flatten()
                .map(|(_, n)| *n as usize)
                .sum::<usize>(),
            756
        );
        assert!(plan.iter().all(|s| !s.is_empty()));
    }
}
