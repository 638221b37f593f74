//! The demo organisation's supplier registry.
//!
//! [`generate`] reproduces the published supply base exactly: for 2021,
//! 1,221 production suppliers (DESIGN §4 `production_total`: `production`,
//! `approved_on` ≤ 31 Dec and not exited by then), 1,092 of them in mainland
//! China and 129 elsewhere (Taiwan, Hong Kong and Macao included); by
//! business unit phones 720 (90 of them key tier-2 suppliers), TV 200,
//! ecosystem 181 and laptops 120. Around them are the suppliers a real
//! registry also holds and the figure must leave out: ones that exited in
//! or before 2021, non-production service providers, prospective ones,
//! ones under review and ones rejected at the red-line gate.
//!
//! Every figure is multiplied by `scale` for load testing; the output is
//! the same on every run (fixed-seed PRNG, no clock).

use chrono::{Datelike, Days, NaiveDate};

use crate::demo::names::{self, NameBook};
use crate::domain::uscc;

/// One supplier of the demo organisation, ready to insert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupplierSeed {
    /// "S000123"; in list order, so older suppliers have lower codes.
    pub code: String,
    pub name: String,
    pub name_local: String,
    /// A valid GB 32100 code for every mainland (CN) supplier, `None` otherwise.
    pub uscc: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: &'static str,
    /// "phones" | "tv" | "ecosystem" | "laptops"
    pub business_unit: &'static str,
    pub category: &'static str,
    /// 1 = direct, 2 = key tier-2 (phones only).
    pub tier: i32,
    /// Tier 2: code of the tier-1 phones supplier it supplies; that supplier
    /// comes earlier in the list and is approved and counted for 2021.
    pub parent_code: Option<String>,
    pub production: bool,
    /// prospective | under_review | approved | rejected | suspended | exited
    pub status: &'static str,
    pub approved_on: Option<NaiveDate>,
    pub exited_on: Option<NaiveDate>,
    /// "Zhang Wei 张伟"
    pub contact_name: String,
    /// "zhang.wei@dongguan-huake-precision-electronics.example.cn"; unique.
    pub contact_email: String,
    /// One of [`BUYERS`], by business unit.
    pub buyer_email: String,
    /// Set for every supplier that was ever approved, on or before
    /// `approved_on`; also for some under review.
    pub csr_signed_on: Option<NaiveDate>,
}

/// The year whose report the demo reproduces.
pub const REPORT_YEAR: i32 = 2021;
/// DESIGN §4 `production_total` for [`REPORT_YEAR`] at scale 1.
pub const PRODUCTION_TOTAL_2021: usize = 1221;
/// … and for the year before, at scale 1: 2021's minus those approved in
/// 2021 plus those that exited during 2021.
pub const PRODUCTION_TOTAL_2020: usize = PRODUCTION_TOTAL_2021 - APPROVED_IN_2021 + EXITED_IN_2021;

/// The buyers responsible for suppliers: phones have six, the other
/// business units two each (see [`buyers_of`]). The first is the demo's
/// procurement login.
pub const BUYERS: [&str; 12] = [
    "buyer@supplier-esg.demo",
    "buyer2@supplier-esg.demo",
    "buyer3@supplier-esg.demo",
    "buyer4@supplier-esg.demo",
    "buyer5@supplier-esg.demo",
    "buyer6@supplier-esg.demo",
    "buyer7@supplier-esg.demo",
    "buyer8@supplier-esg.demo",
    "buyer9@supplier-esg.demo",
    "buyer10@supplier-esg.demo",
    "buyer11@supplier-esg.demo",
    "buyer12@supplier-esg.demo",
];

pub const BUSINESS_UNITS: [&str; 4] = ["phones", "tv", "ecosystem", "laptops"];

/// The buyers of a business unit.
pub fn buyers_of(business_unit: &str) -> &'static [&'static str] {
    match business_unit {
        "phones" => &BUYERS[0..6],
        "tv" => &BUYERS[6..8],
        "ecosystem" => &BUYERS[8..10],
        _ => &BUYERS[10..12],
    }
}

/// How many suppliers (at scale 1) have each value.
type Quotas = &'static [(&'static str, usize)];

/// Production suppliers counted for 2021, by country.
const COUNTED_COUNTRIES: Quotas = &[
    ("CN", 1092),
    ("TW", 40),
    ("HK", 25),
    ("MO", 4),
    ("JP", 12),
    ("KR", 10),
    ("VN", 8),
    ("IN", 6),
    ("MY", 6),
    ("TH", 5),
    ("SG", 4),
    ("US", 3),
    ("DE", 2),
    ("MX", 2),
    ("ID", 1),
    ("PH", 1),
];

/// Production suppliers counted for 2021, by business unit.
const COUNTED_BUSINESS_UNITS: Quotas = &[
    ("phones", 720),
    ("tv", 200),
    ("ecosystem", 181),
    ("laptops", 120),
];

/// Key tier-2 suppliers among the counted phones ones.
const TIER2: usize = 90;
/// Tier-2 suppliers were brought in from this year on, so there are always
/// tier-1 phones suppliers registered before them to be their parents.
const TIER2_FROM: i32 = 2016;

/// Counted suppliers whose approval year is this, at scale 1.
const APPROVALS_BY_YEAR: &[(i32, usize)] = &[
    (2012, 80),
    (2013, 85),
    (2014, 95),
    (2015, 105),
    (2016, 115),
    (2017, 130),
    (2018, 145),
    (2019, 160),
    (2020, 181),
    (2021, APPROVED_IN_2021),
];
const APPROVED_IN_2021: usize = 125;
const LAST_APPROVAL: (u32, u32) = (12, 15);

/// Counted suppliers that are `suspended` (approved, no exit).
const SUSPENDED: usize = 15;
/// Counted suppliers that are `exited`, with `exited_on` in 2022.
const EXITED_AFTER: usize = 20;

/// Production suppliers that exited in or before 2021 …
const EXITED_BY_2021: usize = 40;
/// … of which this many during 2021 (so they count for 2020).
const EXITED_IN_2021: usize = 24;
const EXITED_BY_2021_COUNTRIES: Quotas = &[
    ("CN", 34),
    ("TW", 2),
    ("HK", 1),
    ("JP", 1),
    ("KR", 1),
    ("VN", 1),
];

/// Approved non-production suppliers (logistics, services).
const NON_PRODUCTION_COUNTRIES: Quotas = &[("CN", 55), ("HK", 3), ("SG", 2)];
const NON_PRODUCTION_CATEGORIES: &[&str] = &[
    "logistics",
    "facility_services",
    "it_services",
    "office_services",
    "catering",
];

const PROSPECTIVE_COUNTRIES: Quotas = &[("CN", 20), ("VN", 2), ("IN", 2), ("MY", 1)];
const UNDER_REVIEW_COUNTRIES: Quotas = &[("CN", 12), ("VN", 1), ("IN", 1), ("TW", 1)];
/// Production suppliers rejected at the red-line gate (never approved).
const REJECTED_COUNTRIES: Quotas = &[("CN", 11), ("VN", 1)];

/// The demo's "today": no generated date is later.
const TODAY: (i32, u32, u32) = (2026, 11, 26);

const SEED: u64 = 0x5E5C_2021_1221_0001;

/// The demo supplier registry, `scale` × the published figures (a scale of 0
/// is taken as 1). Codes, names, USCCs and contact e-mails are unique;
/// tier-2 suppliers come after their parents.
pub fn generate(scale: u32) -> Vec<SupplierSeed> {
    let n = scale.max(1) as usize;
    let mut rng = Rng(SEED);
    let mut drafts = Vec::with_capacity(1400 * n);
    counted(&mut rng, n, &mut drafts);
    exited_by_2021(&mut rng, n, &mut drafts);
    non_production(&mut rng, n, &mut drafts);
    not_yet_approved(&mut rng, n, &mut drafts);
    // Codes are given in registration order; the sort is stable, so ties
    // keep their (deterministic) generation order.
    drafts.sort_by_key(|draft| draft.registered_on);
    finish(&mut rng, drafts)
}

/// A supplier before it has a code, name and contact.
struct Draft {
    country: &'static str,
    business_unit: &'static str,
    category: &'static str,
    tier: i32,
    production: bool,
    status: &'static str,
    approved_on: Option<NaiveDate>,
    exited_on: Option<NaiveDate>,
    csr_signed_on: Option<NaiveDate>,
    /// When it entered the registry; decides the code order.
    registered_on: NaiveDate,
}

impl Draft {
    fn new(country: &'static str, business_unit: &'static str, category: &'static str) -> Draft {
        Draft {
            country,
            business_unit,
            category,
            tier: 1,
            production: true,
            status: "approved",
            approved_on: None,
            exited_on: None,
            csr_signed_on: None,
            registered_on: ymd(2012, 1, 1),
        }
    }

    /// Sets `approved_on`, with the CSR agreement signed shortly before and
    /// registration a few months before that.
    fn approve(&mut self, rng: &mut Rng, approved_on: NaiveDate) {
        self.approved_on = Some(approved_on);
        self.csr_signed_on = Some(days_before(approved_on, rng.below(45)));
        self.registered_on = days_before(approved_on, 45 + rng.below(150));
    }
}

/// The 1,221 × n suppliers DESIGN §4 counts for 2021.
fn counted(rng: &mut Rng, n: usize, drafts: &mut Vec<Draft>) {
    let mut countries = expand(COUNTED_COUNTRIES, n);
    rng.shuffle(&mut countries);
    let mut units = expand(COUNTED_BUSINESS_UNITS, n);
    rng.shuffle(&mut units);
    let total = countries.len();

    let mut tier2 = vec![false; total];
    let mut phones: Vec<usize> = (0..total).filter(|&i| units[i] == "phones").collect();
    rng.shuffle(&mut phones);
    for &i in &phones[..TIER2 * n] {
        tier2[i] = true;
    }

    let mut years = expand(APPROVALS_BY_YEAR, n);
    rng.shuffle(&mut years);
    // Move tier-2 suppliers' approvals to TIER2_FROM or later by swapping
    // years with tier-1 suppliers, which keeps the per-year totals.
    let mut donors: Vec<usize> = (0..total)
        .filter(|&i| !tier2[i] && years[i] >= TIER2_FROM)
        .collect();
    rng.shuffle(&mut donors);
    let mut donors = donors.into_iter();
    for i in 0..total {
        if tier2[i] && years[i] < TIER2_FROM {
            let donor = donors.next().expect("enough later approvals to swap");
            years.swap(i, donor);
        }
    }

    let mut order: Vec<usize> = (0..total).collect();
    rng.shuffle(&mut order);
    let mut statuses = vec!["approved"; total];
    for &i in &order[..SUSPENDED * n] {
        statuses[i] = "suspended";
    }
    for &i in &order[SUSPENDED * n..(SUSPENDED + EXITED_AFTER) * n] {
        statuses[i] = "exited";
    }

    for i in 0..total {
        let tier = if tier2[i] { 2 } else { 1 };
        let category = production_category(rng, units[i], tier, countries[i]);
        let mut draft = Draft::new(countries[i], units[i], category);
        draft.tier = tier;
        draft.status = statuses[i];
        let year = years[i];
        let last = if year == REPORT_YEAR {
            ymd(year, LAST_APPROVAL.0, LAST_APPROVAL.1)
        } else {
            ymd(year, 12, 31)
        };
        let approved_on = rng.date_between(ymd(year, 1, 1), last);
        draft.approve(rng, approved_on);
        if draft.status == "exited" {
            let exit_year = REPORT_YEAR + 1;
            draft.exited_on = Some(rng.date_between(ymd(exit_year, 1, 1), ymd(exit_year, 12, 31)));
        }
        drafts.push(draft);
    }
}

/// Production suppliers that left in or before 2021: not counted for 2021.
fn exited_by_2021(rng: &mut Rng, n: usize, drafts: &mut Vec<Draft>) {
    let mut countries = expand(EXITED_BY_2021_COUNTRIES, n);
    rng.shuffle(&mut countries);
    debug_assert_eq!(countries.len(), EXITED_BY_2021 * n);
    for (i, country) in countries.into_iter().enumerate() {
        let unit = business_unit(rng);
        let category = production_category(rng, unit, 1, country);
        let mut draft = Draft::new(country, unit, category);
        draft.status = "exited";
        let exit_year = if i < EXITED_IN_2021 * n {
            REPORT_YEAR
        } else {
            2015 + rng.below(6) as i32
        };
        let exited_on = rng.date_between(ymd(exit_year, 1, 1), ymd(exit_year, 12, 31));
        // At least a year of business before leaving.
        let approved_on = rng.date_between(ymd(2012, 1, 1), days_before(exited_on, 365));
        draft.approve(rng, approved_on);
        draft.exited_on = Some(exited_on);
        drafts.push(draft);
    }
}

/// Approved suppliers of goods and services that do not go into products.
fn non_production(rng: &mut Rng, n: usize, drafts: &mut Vec<Draft>) {
    let mut countries = expand(NON_PRODUCTION_COUNTRIES, n);
    rng.shuffle(&mut countries);
    for country in countries {
        let unit = business_unit(rng);
        let category = NON_PRODUCTION_CATEGORIES[rng.below(NON_PRODUCTION_CATEGORIES.len())];
        let mut draft = Draft::new(country, unit, category);
        draft.production = false;
        let approved_on = rng.date_between(
            ymd(2012, 1, 1),
            ymd(REPORT_YEAR, LAST_APPROVAL.0, LAST_APPROVAL.1),
        );
        draft.approve(rng, approved_on);
        drafts.push(draft);
    }
}

/// Production suppliers that have not passed the gate: prospective, under
/// review, and rejected for red lines.
fn not_yet_approved(rng: &mut Rng, n: usize, drafts: &mut Vec<Draft>) {
    let today = today();
    let groups: [(Quotas, &'static str, NaiveDate); 3] = [
        (PROSPECTIVE_COUNTRIES, "prospective", ymd(2025, 6, 1)),
        (UNDER_REVIEW_COUNTRIES, "under_review", ymd(2025, 9, 1)),
        (REJECTED_COUNTRIES, "rejected", ymd(2020, 1, 1)),
    ];
    for (quotas, status, from) in groups {
        let mut countries = expand(quotas, n);
        rng.shuffle(&mut countries);
        let until = if status == "rejected" {
            ymd(REPORT_YEAR, 9, 30)
        } else {
            days_before(today, 7)
        };
        for country in countries {
            let unit = business_unit(rng);
            let category = production_category(rng, unit, 1, country);
            let mut draft = Draft::new(country, unit, category);
            draft.status = status;
            draft.registered_on = rng.date_between(from, until);
            // Half of those under review have signed the CSR agreement.
            if status == "under_review" && rng.below(2) == 0 {
                draft.csr_signed_on = Some(rng.date_between(draft.registered_on, today));
            }
            drafts.push(draft);
        }
    }
}

/// Gives the drafts, in their final order, codes, names, USCCs, contacts,
/// buyers and tier-2 parents.
fn finish(rng: &mut Rng, drafts: Vec<Draft>) -> Vec<SupplierSeed> {
    let mut book = NameBook::new();
    let mut usccs = Usccs::default();
    // Indexes of approved tier-1 phones suppliers counted for 2021: the
    // possible parents; "preferred" are the ones that buy components.
    let mut parents: Vec<usize> = Vec::new();
    let mut preferred: Vec<usize> = Vec::new();
    let mut seeds = Vec::with_capacity(drafts.len());
    for (index, draft) in drafts.into_iter().enumerate() {
        let code = format!("S{:06}", index + 1);
        let company = book.company(draft.country, draft.category, rng.next());
        let uscc = (draft.country == "CN").then(|| {
            let modern = draft.registered_on.year() >= 2016 && rng.below(10) < 6;
            usccs.next(company.division.unwrap_or("440300"), modern)
        });
        let person = names::person(draft.country, rng.next());
        let domain = if draft.country == "CN" { "cn" } else { "com" };
        let contact_email = format!("{}@{}.example.{domain}", person.email_local, company.slug);
        let buyers = buyers_of(draft.business_unit);
        let buyer_email = buyers[rng.below(buyers.len())].to_string();

        let parent_code = if draft.tier == 2 {
            let pool = if preferred.is_empty() {
                &parents
            } else {
                &preferred
            };
            assert!(!pool.is_empty(), "no tier-1 phones supplier before {code}");
            let parent: &SupplierSeed = &seeds[pool[rng.below(pool.len())]];
            Some(parent.code.clone())
        } else {
            None
        };
        let counted = draft.production
            && draft
                .approved_on
                .is_some_and(|d| d <= year_end(REPORT_YEAR))
            && draft.exited_on.is_none_or(|d| d > year_end(REPORT_YEAR));
        if counted
            && draft.tier == 1
            && draft.business_unit == "phones"
            && draft.status == "approved"
        {
            parents.push(index);
            if matches!(
                draft.category,
                "assembly" | "camera_module" | "display" | "battery" | "structural_parts"
            ) {
                preferred.push(index);
            }
        }

        seeds.push(SupplierSeed {
            code,
            name: company.name,
            name_local: company.name_local,
            uscc,
            country: draft.country,
            business_unit: draft.business_unit,
            category: draft.category,
            tier: draft.tier,
            parent_code,
            production: draft.production,
            status: draft.status,
            approved_on: draft.approved_on,
            exited_on: draft.exited_on,
            contact_name: person.name,
            contact_email,
            buyer_email,
            csr_signed_on: draft.csr_signed_on,
        });
    }
    seeds
}

/// A business unit, weighted like the counted suppliers.
fn business_unit(rng: &mut Rng) -> &'static str {
    weighted(rng, COUNTED_BUSINESS_UNITS)
}

/// What a production supplier makes, weighted by business unit and tier;
/// Japan, Korea, Taiwan, the US, Germany and Singapore lean to
/// semiconductors, displays and connectors.
fn production_category(
    rng: &mut Rng,
    business_unit: &str,
    tier: i32,
    country: &str,
) -> &'static str {
    let table: &[(&'static str, usize)] = if tier == 2 {
        &[
            ("pcb", 20),
            ("connectors", 20),
            ("structural_parts", 25),
            ("packaging", 10),
            ("semiconductors", 10),
            ("acoustics", 8),
            ("battery", 7),
        ]
    } else {
        match business_unit {
            "phones" => &[
                ("display", 10),
                ("battery", 8),
                ("camera_module", 10),
                ("pcb", 10),
                ("structural_parts", 22),
                ("acoustics", 7),
                ("packaging", 10),
                ("semiconductors", 8),
                ("connectors", 9),
                ("assembly", 6),
            ],
            "tv" => &[
                ("display", 18),
                ("pcb", 12),
                ("structural_parts", 22),
                ("packaging", 14),
                ("acoustics", 10),
                ("semiconductors", 8),
                ("connectors", 8),
                ("assembly", 8),
            ],
            "ecosystem" => &[
                ("battery", 10),
                ("pcb", 12),
                ("structural_parts", 22),
                ("packaging", 14),
                ("acoustics", 8),
                ("semiconductors", 8),
                ("connectors", 8),
                ("camera_module", 6),
                ("assembly", 12),
            ],
            _ => &[
                ("display", 12),
                ("battery", 10),
                ("pcb", 12),
                ("structural_parts", 22),
                ("packaging", 10),
                ("semiconductors", 10),
                ("connectors", 10),
                ("acoustics", 4),
                ("assembly", 10),
            ],
        }
    };
    let high_tech = matches!(country, "JP" | "KR" | "TW" | "US" | "DE" | "SG");
    if high_tech && rng.below(2) == 0 {
        return weighted(
            rng,
            &[("semiconductors", 3), ("display", 2), ("connectors", 2)],
        );
    }
    weighted(rng, table)
}

fn weighted<T: Copy>(rng: &mut Rng, table: &[(T, usize)]) -> T {
    let total: usize = table.iter().map(|&(_, weight)| weight).sum();
    let mut target = rng.below(total);
    for &(item, weight) in table {
        if target < weight {
            return item;
        }
        target -= weight;
    }
    table[table.len() - 1].0
}

/// Each item `count × n` times, in table order.
fn expand<T: Copy>(table: &[(T, usize)], n: usize) -> Vec<T> {
    table
        .iter()
        .flat_map(|&(item, count)| std::iter::repeat_n(item, count * n))
        .collect()
}

/// Unique organisation codes (positions 9–17) for generated USCCs.
#[derive(Default)]
struct Usccs {
    /// Codes issued under the pre-2015 national organisation-code system.
    legacy: u64,
    /// Codes of companies registered under GB 32100 ("MA…").
    modern: u64,
}

/// The 31 characters of GB 32100, in value order.
const USCC_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

impl Usccs {
    /// A new code: "91" (enterprise registered with market regulation),
    /// the city's division code, an organisation code, the check digit.
    fn next(&mut self, division: &str, modern: bool) -> String {
        let organisation = if modern {
            // A bijection on 0..31^7, so every serial gives a different code.
            const SPACE: u64 = 31u64.pow(7);
            let mut value = (self.modern * 1_234_567 + 8_910_111) % SPACE;
            self.modern += 1;
            let mut chars = [b'0'; 7];
            for c in chars.iter_mut().rev() {
                *c = USCC_ALPHABET[(value % 31) as usize];
                value /= 31;
            }
            format!("MA{}", String::from_utf8_lossy(&chars))
        } else {
            // A bijection on 0..10^8 (the multiplier is coprime to 10).
            let body = (self.legacy * 7_654_321 + 48_271_093) % 100_000_000;
            self.legacy += 1;
            let body = format!("{body:08}");
            format!("{body}{}", organisation_check(&body))
        };
        // Unique: each serial maps to a different organisation code, and
        // legacy ones (all digits) never look like modern ones ("MA…").
        uscc::complete(&format!("91{division}{organisation}"))
            .expect("generated USCC body is 17 valid characters")
    }
}

/// Check character of a national organisation code (GB 11714-1997) for
/// its 8 digits: 11 − Σ(digit × weight) mod 11, 10 → 'X', 11 → '0'.
fn organisation_check(body: &str) -> char {
    const WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        c => char::from(b'0' + c as u8),
    }
}

fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("valid calendar date")
}

fn today() -> NaiveDate {
    ymd(TODAY.0, TODAY.1, TODAY.2)
}

fn year_end(year: i32) -> NaiveDate {
    ymd(year, 12, 31)
}

fn days_before(date: NaiveDate, days: usize) -> NaiveDate {
    date.checked_sub_days(Days::new(days as u64))
        .expect("date in range")
}

/// splitmix64: small, fast and the same on every platform.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n (n > 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }

    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }

    /// Uniform in from..=until.
    fn date_between(&mut self, from: NaiveDate, until: NaiveDate) -> NaiveDate {
        let span = (until - from).num_days().max(0) as usize;
        from.checked_add_days(Days::new(self.below(span + 1) as u64))
            .expect("date in range")
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};
    use std::sync::OnceLock;

    use super::*;
    use crate::domain::country;

    fn scale_one() -> &'static [SupplierSeed] {
        static SEEDS: OnceLock<Vec<SupplierSeed>> = OnceLock::new();
        SEEDS.get_or_init(|| generate(1))
    }

    /// DESIGN §4 production_total for `year`.
    fn counts_for(seed: &SupplierSeed, year: i32) -> bool {
        let end = year_end(year);
        seed.production
            && seed.approved_on.is_some_and(|d| d <= end)
            && seed.exited_on.is_none_or(|d| d > end)
    }

    fn production_total(seeds: &[SupplierSeed], year: i32) -> usize {
        seeds.iter().filter(|s| counts_for(s, year)).count()
    }

    /// Every figure the demo promises, for comparing scales.
    fn figures(seeds: &[SupplierSeed]) -> HashMap<String, usize> {
        let mut figures = HashMap::new();
        let mut add = |key: String| *figures.entry(key).or_insert(0) += 1;
        for seed in seeds {
            add(format!("status {}", seed.status));
            add(format!("production {}", seed.production));
            add(format!("tier {}", seed.tier));
            for year in [2020, 2021] {
                if counts_for(seed, year) {
                    add(format!("{year}"));
                    add(format!("{year} country {}", seed.country));
                    add(format!("{year} unit {}", seed.business_unit));
                    add(format!("{year} tier {}", seed.tier));
                    add(format!("{year} status {}", seed.status));
                }
            }
            if let Some(d) = seed.approved_on {
                add(format!("approved in {}", d.year()));
            }
            if let Some(d) = seed.exited_on {
                add(format!("exited in {}", d.year()));
            }
        }
        figures
    }

    #[test]
    fn production_total_2021_is_the_published_one() {
        let seeds = scale_one();
        let counted: Vec<_> = seeds.iter().filter(|s| counts_for(s, 2021)).collect();
        assert_eq!(counted.len(), 1221);
        assert_eq!(counted.len(), PRODUCTION_TOTAL_2021);
        let mainland = counted.iter().filter(|s| s.country == "CN").count();
        assert_eq!(mainland, 1092);
        assert_eq!(counted.len() - mainland, 129);
        for (region, expected) in [("TW", 40), ("HK", 25), ("MO", 4)] {
            let found = counted.iter().filter(|s| s.country == region).count();
            assert_eq!(found, expected, "{region}");
        }
        let others: HashSet<_> = counted
            .iter()
            .map(|s| s.country)
            .filter(|c| !matches!(*c, "CN" | "TW" | "HK" | "MO"))
            .collect();
        assert!(others.len() >= 10, "{others:?}");
    }

    #[test]
    fn production_total_2021_by_business_unit() {
        let seeds = scale_one();
        for (unit, expected) in [
            ("phones", 720),
            ("tv", 200),
            ("ecosystem", 181),
            ("laptops", 120),
        ] {
            let found = seeds
                .iter()
                .filter(|s| counts_for(s, 2021) && s.business_unit == unit)
                .count();
            assert_eq!(found, expected, "{unit}");
        }
        for seed in seeds {
            assert!(BUSINESS_UNITS.contains(&seed.business_unit), "{seed:?}");
        }
    }

    #[test]
    fn tier2_suppliers_follow_a_counted_phones_parent() {
        let seeds = scale_one();
        let position: HashMap<&str, usize> = seeds
            .iter()
            .enumerate()
            .map(|(i, s)| (s.code.as_str(), i))
            .collect();
        let mut tier2 = 0;
        for (i, seed) in seeds.iter().enumerate() {
            assert!(seed.tier == 1 || seed.tier == 2, "{seed:?}");
            assert_eq!(seed.tier == 2, seed.parent_code.is_some(), "{seed:?}");
            let Some(parent_code) = &seed.parent_code else {
                continue;
            };
            tier2 += 1;
            assert_eq!(seed.business_unit, "phones");
            assert!(counts_for(seed, 2021), "{seed:?}");
            let p = position[parent_code.as_str()];
            assert!(p < i, "parent {parent_code} after {}", seed.code);
            let parent = &seeds[p];
            assert_eq!(parent.tier, 1);
            assert_eq!(parent.business_unit, "phones");
            assert_eq!(parent.status, "approved");
            assert!(counts_for(parent, 2021));
        }
        assert_eq!(tier2, 90);
    }

    #[test]
    fn production_total_2020_is_smaller() {
        let seeds = scale_one();
        let total_2020 = production_total(seeds, 2020);
        let total_2021 = production_total(seeds, 2021);
        assert_eq!(total_2020, PRODUCTION_TOTAL_2020);
        assert!(total_2020 < total_2021);
        assert!((1050..1200).contains(&total_2020), "{total_2020}");
        let onboarded_2021 = seeds
            .iter()
            .filter(|s| counts_for(s, 2021) && s.approved_on.unwrap().year() == 2021)
            .count();
        assert!(onboarded_2021 >= 60, "{onboarded_2021}");
    }

    #[test]
    fn approvals_of_counted_suppliers_span_2012_to_mid_december_2021() {
        let seeds = scale_one();
        let counted = seeds.iter().filter(|s| counts_for(s, 2021));
        let dates: Vec<_> = counted.map(|s| s.approved_on.unwrap()).collect();
        assert!(dates.iter().all(|d| *d >= ymd(2012, 1, 1)));
        assert!(dates.iter().all(|d| *d <= ymd(2021, 12, 15)));
        let years: HashSet<_> = dates.iter().map(|d| d.year()).collect();
        assert_eq!(years.len(), 10);
    }

    #[test]
    fn groups_around_the_counted_ones() {
        let seeds = scale_one();
        let count = |f: &dyn Fn(&SupplierSeed) -> bool| seeds.iter().filter(|s| f(s)).count();
        let end = year_end(2021);
        assert_eq!(
            count(&|s| counts_for(s, 2021) && s.status == "suspended"),
            15
        );
        assert_eq!(
            count(&|s| counts_for(s, 2021)
                && s.status == "exited"
                && s.exited_on.unwrap().year() == 2022),
            20
        );
        assert_eq!(
            count(&|s| s.production && s.status == "exited" && s.exited_on.unwrap() <= end),
            40
        );
        assert_eq!(count(&|s| !s.production && s.status == "approved"), 60);
        assert_eq!(count(&|s| !s.production), 60);
        assert_eq!(count(&|s| s.status == "prospective"), 25);
        assert_eq!(count(&|s| s.status == "under_review"), 15);
        assert_eq!(
            count(&|s| s.status == "rejected" && s.production && s.approved_on.is_none()),
            12
        );
        assert_eq!(seeds.len(), 1221 + 40 + 60 + 25 + 15 + 12);
    }

    #[test]
    fn codes_usccs_names_and_emails_are_unique() {
        let seeds = generate(3);
        let mut codes = HashSet::new();
        let mut usccs = HashSet::new();
        let mut names = HashSet::new();
        let mut locals = HashSet::new();
        let mut emails = HashSet::new();
        for seed in &seeds {
            assert!(codes.insert(seed.code.as_str()), "{}", seed.code);
            if let Some(uscc) = &seed.uscc {
                assert!(usccs.insert(uscc.as_str()), "{uscc}");
            }
            assert!(names.insert(seed.name.as_str()), "{}", seed.name);
            if !seed.name_local.is_empty() {
                assert!(
                    locals.insert(seed.name_local.as_str()),
                    "{}",
                    seed.name_local
                );
            }
            assert!(
                emails.insert(seed.contact_email.as_str()),
                "{}",
                seed.contact_email
            );
        }
    }

    #[test]
    fn codes_count_up_in_list_order() {
        for (i, seed) in scale_one().iter().enumerate() {
            assert_eq!(seed.code, format!("S{:06}", i + 1));
        }
    }

    #[test]
    fn every_mainland_supplier_has_a_valid_uscc() {
        for seed in scale_one() {
            assert_eq!(seed.uscc.is_some(), seed.country == "CN", "{seed:?}");
            if let Some(code) = &seed.uscc {
                assert_eq!(uscc::validate(code), Ok(()), "{code}");
                assert!(code.starts_with("91"), "{code}");
            }
        }
        // Both generations of organisation code appear.
        let modern = scale_one()
            .iter()
            .filter_map(|s| s.uscc.as_deref())
            .filter(|code| &code[8..10] == "MA")
            .count();
        assert!(modern > 50, "{modern}");
    }

    #[test]
    fn usccs_never_repeat() {
        let mut usccs = Usccs::default();
        let mut seen = HashSet::new();
        for i in 0..200_000 {
            let code = usccs.next("440300", i % 2 == 0);
            assert_eq!(uscc::validate(&code), Ok(()), "{code}");
            assert!(seen.insert(code.clone()), "{code}");
        }
    }

    #[test]
    fn legacy_organisation_codes_carry_their_check_character() {
        // Worked by hand with weights 3 7 9 10 5 8 4 2:
        // 3+14+27+40+25+48+28+16 = 201, 201 mod 11 = 3, 11 − 3 = 8.
        assert_eq!(organisation_check("12345678"), '8');
        // Sum 0: 11 − 0 = 11 → '0'.
        assert_eq!(organisation_check("00000000"), '0');
        // 3 + 2 = 5 → 6.
        assert_eq!(organisation_check("10000001"), '6');
        // 7 → 4.
        assert_eq!(organisation_check("01000000"), '4');
        // 12 mod 11 = 1, 11 − 1 = 10 → 'X'.
        assert_eq!(organisation_check("00000006"), 'X');
    }

    #[test]
    fn countries_are_valid() {
        for seed in scale_one() {
            assert!(country::is_valid(seed.country), "{}", seed.country);
        }
    }

    #[test]
    fn no_date_is_in_the_future() {
        let today = today();
        for seed in scale_one() {
            for date in [seed.approved_on, seed.exited_on, seed.csr_signed_on]
                .into_iter()
                .flatten()
            {
                assert!(date <= today, "{seed:?}");
            }
        }
    }

    #[test]
    fn statuses_agree_with_dates() {
        for seed in scale_one() {
            match seed.status {
                "approved" | "suspended" => {
                    assert!(seed.approved_on.is_some(), "{seed:?}");
                    assert!(seed.exited_on.is_none(), "{seed:?}");
                }
                "exited" => {
                    let approved = seed.approved_on.expect("exited was approved");
                    let exited = seed.exited_on.expect("exited has a date");
                    assert!(approved < exited, "{seed:?}");
                }
                "prospective" | "under_review" | "rejected" => {
                    assert!(seed.approved_on.is_none(), "{seed:?}");
                    assert!(seed.exited_on.is_none(), "{seed:?}");
                }
                other => panic!("unknown status {other}"),
            }
            if let Some(approved) = seed.approved_on {
                let signed = seed.csr_signed_on.expect("approved suppliers signed");
                assert!(signed <= approved, "{seed:?}");
            }
            if matches!(seed.status, "prospective" | "rejected") {
                assert!(seed.csr_signed_on.is_none(), "{seed:?}");
            }
        }
    }

    #[test]
    fn contacts_and_buyers() {
        for seed in scale_one() {
            let (local, domain) = seed.contact_email.split_once('@').unwrap();
            assert!(!local.is_empty());
            let tld = if seed.country == "CN" {
                ".example.cn"
            } else {
                ".example.com"
            };
            assert!(domain.ends_with(tld), "{}", seed.contact_email);
            assert!(seed.contact_email.is_ascii());
            assert!(!seed.contact_name.is_empty());
            assert!(buyers_of(seed.business_unit).contains(&seed.buyer_email.as_str()));
        }
        let used: HashSet<_> = scale_one().iter().map(|s| s.buyer_email.as_str()).collect();
        assert_eq!(used.len(), BUYERS.len());
    }

    #[test]
    fn mainland_names_are_in_chinese_too() {
        for seed in scale_one() {
            if matches!(seed.country, "CN" | "TW" | "HK" | "MO") {
                assert!(!seed.name_local.is_empty(), "{seed:?}");
            }
            if seed.country == "CN" {
                // The USCC's division code is the city's in the name.
                let division = &seed.uscc.as_deref().unwrap()[2..8];
                let city = names::CITIES.iter().find(|c| c.2 == division).unwrap();
                assert!(seed.name_local.starts_with(city.0), "{seed:?}");
            }
        }
    }

    #[test]
    fn scale_multiplies_every_figure() {
        let one = figures(scale_one());
        let three = figures(&generate(3));
        let mut keys: Vec<_> = one.keys().chain(three.keys()).collect();
        keys.sort();
        keys.dedup();
        for key in keys {
            let expected = one.get(key).copied().unwrap_or(0) * 3;
            // Dates are drawn at random within their ranges, so only the
            // figures fixed by quotas scale exactly.
            let exact = !key.starts_with("approved in")
                && !key.starts_with("exited in")
                && !key.starts_with("2020");
            if exact {
                assert_eq!(three.get(key).copied().unwrap_or(0), expected, "{key}");
            }
        }
        assert_eq!(three["2020"], 3 * PRODUCTION_TOTAL_2020);
        assert_eq!(three["2021"], 3 * 1221);
        assert_eq!(three["2021 tier 2"], 3 * 90);
        assert_eq!(three["2021 country CN"], 3 * 1092);
    }

    #[test]
    fn generate_is_deterministic() {
        assert_eq!(generate(1), scale_one());
    }

    #[test]
    fn scale_zero_means_one() {
        assert_eq!(generate(0).len(), scale_one().len());
    }
}
