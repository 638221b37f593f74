//! Conflict minerals (DESIGN §2.8, §4): metals, RMAP statuses, smelter IDs,
//! the CMRT/EMRT templates, matching of declared smelter rows against the
//! RMI reference list, replacement-plan rules and the year's figures.
//! Pure rules: no IO.

use chrono::{Months, NaiveDate};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// A metal or mineral of the RMI templates: 3TG in the CMRT; cobalt and
/// mica in EMRT 1.x, and copper, graphite, lithium and nickel since 2.0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Metal {
    Cobalt,
    Copper,
    Gold,
    Graphite,
    Lithium,
    Mica,
    Nickel,
    Tantalum,
    Tin,
    Tungsten,
}

/// (metal, names it goes by in files: English and Chinese).
const METAL_NAMES: &[(Metal, &[&str])] = &[
    (Metal::Cobalt, &["cobalt", "钴"]),
    (Metal::Copper, &["copper", "铜"]),
    (Metal::Gold, &["gold", "金", "黄金"]),
    (
        Metal::Graphite,
        &["graphite", "natural graphite", "石墨", "天然石墨"],
    ),
    (Metal::Lithium, &["lithium", "锂"]),
    (Metal::Mica, &["mica", "云母"]),
    (Metal::Nickel, &["nickel", "镍"]),
    (Metal::Tantalum, &["tantalum", "钽"]),
    (Metal::Tin, &["tin", "锡"]),
    (Metal::Tungsten, &["tungsten", "钨"]),
];

/// Chemical symbols, accepted only as the whole cell ("Co" inside a longer
/// text is more likely "Co., Ltd." than cobalt).
const METAL_SYMBOLS: &[(Metal, &str)] = &[
    (Metal::Cobalt, "co"),
    (Metal::Copper, "cu"),
    (Metal::Gold, "au"),
    (Metal::Lithium, "li"),
    (Metal::Nickel, "ni"),
    (Metal::Tantalum, "ta"),
    (Metal::Tin, "sn"),
    (Metal::Tungsten, "w"),
];

impl Metal {
    pub const ALL: [Metal; 10] = [
        Metal::Cobalt,
        Metal::Copper,
        Metal::Gold,
        Metal::Graphite,
        Metal::Lithium,
        Metal::Mica,
        Metal::Nickel,
        Metal::Tantalum,
        Metal::Tin,
        Metal::Tungsten,
    ];

    /// The metals of the CMRT (3TG), in the template's order.
    pub const CMRT: [Metal; 4] = [Metal::Tantalum, Metal::Tin, Metal::Gold, Metal::Tungsten];

    pub fn as_str(self) -> &'static str {
        match self {
            Metal::Cobalt => "cobalt",
            Metal::Copper => "copper",
            Metal::Gold => "gold",
            Metal::Graphite => "graphite",
            Metal::Lithium => "lithium",
            Metal::Mica => "mica",
            Metal::Nickel => "nickel",
            Metal::Tantalum => "tantalum",
            Metal::Tin => "tin",
            Metal::Tungsten => "tungsten",
        }
    }

    /// A metal as a file or a person writes it: "Tin", "tin", " TIN ", "锡",
    /// "Sn", "锡 Tin", "Tantalum (钽)"… `None` when nothing names a metal or
    /// two different metals are named.
    pub fn parse(value: &str) -> Option<Metal> {
        let text = fold_width(value).trim().to_lowercase();
        if text.is_empty() {
            return None;
        }
        let by_name = |word: &str| {
            METAL_NAMES
                .iter()
                .find(|(_, names)| names.contains(&word))
                .map(|(m, _)| *m)
        };
        if let Some(metal) = by_name(&text).or_else(|| {
            METAL_SYMBOLS
                .iter()
                .find(|(_, s)| *s == text)
                .map(|(m, _)| *m)
        }) {
            return Some(metal);
        }
        // "锡 Tin", "Tantalum (Ta) 钽", "Gold/金": every word that names a
        // metal must name the same one.
        let mut found = None;
        let words = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty());
        for word in words {
            if let Some(metal) = by_name(word).or_else(|| split_cjk_metal(word)) {
                if found.is_some_and(|f| f != metal) {
                    return None;
                }
                found = Some(metal);
            }
        }
        found
    }

    /// Whether the CMRT covers this metal (else the EMRT does).
    pub fn is_3tg(self) -> bool {
        Metal::CMRT.contains(&self)
    }

    pub fn template(self) -> Template {
        if self.is_3tg() {
            Template::Cmrt
        } else {
            Template::Emrt
        }
    }
}

/// A run of Chinese text such as "钽金属" ("tantalum metal"): the metal it
/// names. Only the name itself or the name and 金属 count, so a question
/// such as "金属是否…" names nothing.
fn split_cjk_metal(word: &str) -> Option<Metal> {
    if word.is_ascii() {
        return None;
    }
    let stem = word.strip_suffix("金属").unwrap_or(word);
    METAL_NAMES
        .iter()
        .find(|(_, names)| names.iter().any(|n| !n.is_ascii() && *n == stem))
        .map(|(m, _)| *m)
}

/// Full-width ASCII (as Chinese input methods type it: "ＣＩＤ００２１５８")
/// to ordinary ASCII; the ideographic space to a space.
fn fold_width(value: &str) -> String {
    value
        .chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            other => other,
        })
        .collect()
}

/// RMAP status of a smelter in the RMI list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RmapStatus {
    Conformant,
    Active,
    NonConformant,
    NotEnrolled,
}

impl RmapStatus {
    pub const ALL: [RmapStatus; 4] = [
        RmapStatus::Conformant,
        RmapStatus::Active,
        RmapStatus::NonConformant,
        RmapStatus::NotEnrolled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RmapStatus::Conformant => "conformant",
            RmapStatus::Active => "active",
            RmapStatus::NonConformant => "non_conformant",
            RmapStatus::NotEnrolled => "not_enrolled",
        }
    }

    /// The codes, and the spellings of RMI downloads ("Conformant",
    /// "Non Conformant", "Not Enrolled") and their Chinese labels.
    pub fn parse(value: &str) -> Option<RmapStatus> {
        let text: String = fold_width(value)
            .trim()
            .to_lowercase()
            .replace(['-', '_'], " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        match text.as_str() {
            "conformant" | "符合" | "合规" | "符合标准" => Some(RmapStatus::Conformant),
            "active" | "活跃" | "进行中" | "审核中" => Some(RmapStatus::Active),
            "non conformant" | "nonconformant" | "not conformant" | "不符合" | "不合规" => {
                Some(RmapStatus::NonConformant)
            }
            "not enrolled" | "未参与" | "未加入" | "未注册" => {
                Some(RmapStatus::NotEnrolled)
            }
            _ => None,
        }
    }
}

/// The RMI template a submission is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Template {
    /// Conflict Minerals Reporting Template 6.x (3TG).
    Cmrt,
    /// Extended Minerals Reporting Template 1.x/2.x (cobalt, mica…).
    Emrt,
}

impl Template {
    pub const ALL: [Template; 2] = [Template::Cmrt, Template::Emrt];

    pub fn as_str(self) -> &'static str {
        match self {
            Template::Cmrt => "cmrt",
            Template::Emrt => "emrt",
        }
    }

    pub fn parse(value: &str) -> Option<Template> {
        Template::ALL
            .into_iter()
            .find(|t| t.as_str() == value.trim().to_lowercase())
    }

    pub fn label(self) -> &'static str {
        match self {
            Template::Cmrt => "CMRT",
            Template::Emrt => "EMRT",
        }
    }

    /// Which template and revision the text of Declaration!J3 names:
    /// "Revision 6.22" is CMRT 6.22; "Revision 2.1" is EMRT 2.1. Only the
    /// revisions this system reads (CMRT 6.x, EMRT 1.x/2.x) are recognised.
    pub fn from_revision(text: &str) -> Option<(Template, String)> {
        let text = fold_width(text);
        let start = text.find(|c: char| c.is_ascii_digit())?;
        let number: String = text[start..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let number = number.trim_end_matches('.').to_owned();
        let major = number.split('.').next()?.parse::<u32>().ok()?;
        match major {
            6 => Some((Template::Cmrt, number)),
            1 | 2 => Some((Template::Emrt, number)),
            _ => None,
        }
    }

    /// Whether a declared metal belongs in this template.
    pub fn covers(self, metal: Metal) -> bool {
        metal.template() == self
    }
}

/// RMI spellings of country names that differ from the ISO short names.
const COUNTRY_ALIASES: &[(&str, &str)] = &[
    ("united states of america", "US"),
    ("usa", "US"),
    ("korea, republic of", "KR"),
    ("republic of korea", "KR"),
    ("korea", "KR"),
    ("taiwan, province of china", "TW"),
    ("viet nam", "VN"),
    ("russia", "RU"),
    ("bolivia (plurinational state of)", "BO"),
    ("congo, democratic republic of the", "CD"),
    ("democratic republic of the congo", "CD"),
    ("drc", "CD"),
    ("united kingdom of great britain and northern ireland", "GB"),
    ("czech republic", "CZ"),
    ("turkey", "TR"),
    ("tanzania, united republic of", "TZ"),
    ("lao people's democratic republic", "LA"),
    ("macau", "MO"),
];

/// The ISO 3166 alpha-2 code of a country as the RMI list or a CMRT names
/// it ("China", "中国", "United States Of America", "cn"); `None` when the
/// name is unknown (it is then kept as given).
pub fn country_code(value: &str) -> Option<&'static str> {
    let key = name_key(value);
    if key.is_empty() {
        return None;
    }
    let upper = key.to_uppercase();
    crate::domain::country::COUNTRIES
        .iter()
        .find(|(code, english, chinese)| {
            *code == upper || english.to_lowercase() == key || *chinese == key
        })
        .map(|(code, _, _)| *code)
        .or_else(|| {
            COUNTRY_ALIASES
                .iter()
                .find(|(alias, _)| *alias == key)
                .map(|(_, code)| *code)
        })
}

/// What the smelter-ID cell of a row holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmelterIdText {
    Empty,
    /// `CID` and six digits.
    Valid(String),
    /// Something that is not a smelter ID, kept as typed.
    Malformed,
}

/// Reads a smelter ID the way suppliers type it: "CID 002 158",
/// "cid002158", "CID-002158", full-width "ＣＩＤ００２１５８" and a letter O
/// among the digits all read as "CID002158".
pub fn normalize_smelter_id(value: &str) -> SmelterIdText {
    let folded: String = fold_width(value)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '_' | '.' | '\u{00A0}'))
        .collect::<String>()
        .to_uppercase();
    if folded.is_empty() {
        return SmelterIdText::Empty;
    }
    let Some(digits) = folded.strip_prefix("CID") else {
        return SmelterIdText::Malformed;
    };
    let digits: String = digits
        .chars()
        .map(|c| if c == 'O' { '0' } else { c })
        .collect();
    if digits.len() == 6 && digits.chars().all(|c| c.is_ascii_digit()) {
        SmelterIdText::Valid(format!("CID{digits}"))
    } else {
        SmelterIdText::Malformed
    }
}

/// A smelter name reduced for exact matching: case, width and runs of
/// spaces do not count.
pub fn name_key(value: &str) -> String {
    fold_width(value)
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The look-up column's "Smelter not listed" choice (any case, or Chinese).
pub fn is_not_listed(value: &str) -> bool {
    matches!(
        name_key(value).as_str(),
        "smelter not listed" | "冶炼厂未列出" | "未列出的冶炼厂" | "冶炼厂未列明"
    )
}

/// The look-up column's "Smelter not yet identified" choice.
pub fn is_not_identified(value: &str) -> bool {
    matches!(
        name_key(value).as_str(),
        "smelter not yet identified" | "冶炼厂尚未识别" | "尚未识别冶炼厂" | "冶炼厂尚未确定"
    )
}

/// What the check report says about a declared row. Rows are always kept;
/// these say why a row could not count, or needs a look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RowIssue {
    /// The metal cell names no metal this system knows.
    UnknownMetal,
    /// The smelter-ID cell holds something that is not a smelter ID.
    MalformedId,
    /// A well-formed ID that the RMI list does not have.
    UnknownId,
    /// Neither the ID nor the name found a smelter of the RMI list.
    Unmatched,
    /// The RMI list has the smelter under another metal.
    MetalMismatch,
    /// The same smelter is listed again in the file.
    Duplicate,
    /// The metal belongs in the other template (3TG in an EMRT, say).
    WrongTemplate,
}

impl RowIssue {
    pub const ALL: [RowIssue; 7] = [
        RowIssue::UnknownMetal,
        RowIssue::MalformedId,
        RowIssue::UnknownId,
        RowIssue::Unmatched,
        RowIssue::MetalMismatch,
        RowIssue::Duplicate,
        RowIssue::WrongTemplate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RowIssue::UnknownMetal => "unknown_metal",
            RowIssue::MalformedId => "malformed_id",
            RowIssue::UnknownId => "unknown_id",
            RowIssue::Unmatched => "unmatched",
            RowIssue::MetalMismatch => "metal_mismatch",
            RowIssue::Duplicate => "duplicate",
            RowIssue::WrongTemplate => "wrong_template",
        }
    }

    pub fn parse(value: &str) -> Option<RowIssue> {
        RowIssue::ALL
            .into_iter()
            .find(|i| i.as_str() == value.trim())
    }

    /// Issues as stored: codes joined by `;`.
    pub fn join(issues: &[RowIssue]) -> String {
        issues
            .iter()
            .map(|i| i.as_str())
            .collect::<Vec<_>>()
            .join(";")
    }

    pub fn split(stored: &str) -> Vec<RowIssue> {
        stored.split(';').filter_map(RowIssue::parse).collect()
    }
}

/// How a row found its smelter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    Id,
    Name,
    None,
}

impl MatchKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchKind::Id => "id",
            MatchKind::Name => "name",
            MatchKind::None => "none",
        }
    }
}

/// One smelter of the RMI reference list, as matching needs it.
#[derive(Debug, Clone)]
pub struct ReferenceSmelter {
    /// The row id of the reference smelter.
    pub key: i32,
    pub smelter_id: String,
    pub metal: Metal,
    pub name: String,
}

/// The RMI list indexed by smelter ID and by name.
#[derive(Debug, Default)]
pub struct Reference {
    by_id: HashMap<String, (i32, Metal)>,
    by_name: HashMap<String, Vec<(i32, Metal)>>,
}

impl Reference {
    pub fn new(smelters: impl IntoIterator<Item = ReferenceSmelter>) -> Reference {
        let mut reference = Reference::default();
        for s in smelters {
            reference
                .by_id
                .insert(s.smelter_id.clone(), (s.key, s.metal));
            reference
                .by_name
                .entry(name_key(&s.name))
                .or_default()
                .push((s.key, s.metal));
        }
        reference
    }

    /// The smelter a name denotes for `metal`: the one of that metal, or
    /// the only one of that name; `None` when absent or ambiguous.
    fn by_name(&self, name: &str, metal: Option<Metal>) -> Option<(i32, Metal)> {
        let key = name_key(name);
        if key.is_empty() {
            return None;
        }
        let found = self.by_name.get(&key)?;
        let same_metal: Vec<&(i32, Metal)> =
            found.iter().filter(|(_, m)| Some(*m) == metal).collect();
        match (same_metal.as_slice(), found.as_slice()) {
            ([one], _) => Some(**one),
            ([], [one]) => Some(*one),
            _ => None,
        }
    }
}

/// The cells of a Smelter List row that matching reads.
#[derive(Debug, Clone, Default)]
pub struct DeclaredRow {
    /// Column B.
    pub metal: String,
    /// Column C: a look-up name, or "Smelter not listed".
    pub lookup_name: String,
    /// Column D.
    pub smelter_name: String,
    /// Column A (typed by the supplier).
    pub id_input: String,
    /// Column F (filled in by the template from the look-up).
    pub smelter_id: String,
}

/// What matching made of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    pub metal: Option<Metal>,
    /// The reference smelter's key, when one was found.
    pub smelter: Option<i32>,
    pub how: MatchKind,
    pub issues: Vec<RowIssue>,
}

/// Matches every row of one file against the reference: by smelter ID
/// (column F, else A), then by exact known name (look-up name, then smelter
/// name). Nothing is dropped: each row gets a resolution and its issues.
pub fn resolve_rows(
    rows: &[DeclaredRow],
    reference: &Reference,
    template: Template,
) -> Vec<Resolution> {
    let mut seen_smelters = HashSet::new();
    let mut seen_unmatched = HashSet::new();
    rows.iter()
        .map(|row| {
            let mut issues = Vec::new();
            let metal = Metal::parse(&row.metal);
            match metal {
                None => issues.push(RowIssue::UnknownMetal),
                Some(m) if !template.covers(m) => issues.push(RowIssue::WrongTemplate),
                Some(_) => {}
            }
            let id = match normalize_smelter_id(&row.smelter_id) {
                SmelterIdText::Empty => normalize_smelter_id(&row.id_input),
                found => found,
            };
            let mut found = None;
            match &id {
                SmelterIdText::Valid(cid) => match reference.by_id.get(cid) {
                    Some(hit) => found = Some((*hit, MatchKind::Id)),
                    None => issues.push(RowIssue::UnknownId),
                },
                SmelterIdText::Malformed => issues.push(RowIssue::MalformedId),
                SmelterIdText::Empty => {}
            }
            if found.is_none() {
                let lookup =
                    if is_not_listed(&row.lookup_name) || is_not_identified(&row.lookup_name) {
                        ""
                    } else {
                        row.lookup_name.as_str()
                    };
                found = reference
                    .by_name(lookup, metal)
                    .or_else(|| reference.by_name(&row.smelter_name, metal))
                    .map(|hit| (hit, MatchKind::Name));
            }
            let (smelter, how) = match found {
                Some(((key, ref_metal), how)) => {
                    if metal.is_some_and(|m| m != ref_metal) {
                        issues.push(RowIssue::MetalMismatch);
                    }
                    if !seen_smelters.insert(key) {
                        issues.push(RowIssue::Duplicate);
                    }
                    (Some(key), how)
                }
                None => {
                    issues.push(RowIssue::Unmatched);
                    let name = if row.smelter_name.trim().is_empty() {
                        &row.lookup_name
                    } else {
                        &row.smelter_name
                    };
                    let identity = match &id {
                        SmelterIdText::Valid(cid) => cid.clone(),
                        _ => name_key(name),
                    };
                    if !identity.is_empty()
                        && !is_not_identified(&identity)
                        && !seen_unmatched.insert((metal, identity))
                    {
                        issues.push(RowIssue::Duplicate);
                    }
                    (None, MatchKind::None)
                }
            };
            Resolution {
                metal,
                smelter,
                how,
                issues,
            }
        })
        .collect()
}

/// Status of a replacement plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanStatus {
    Open,
    InProgress,
    Closed,
}

impl PlanStatus {
    pub const ALL: [PlanStatus; 3] = [PlanStatus::Open, PlanStatus::InProgress, PlanStatus::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            PlanStatus::Open => "open",
            PlanStatus::InProgress => "in_progress",
            PlanStatus::Closed => "closed",
        }
    }

    pub fn parse(value: &str) -> Option<PlanStatus> {
        PlanStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == value.trim())
    }
}

/// What the supplier is to do about a smelter that is not conformant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanAction {
    Undecided,
    /// Source from a conformant smelter instead.
    Replace,
    /// Have the smelter enter (and pass) the RMAP assessment.
    Enrol,
}

impl PlanAction {
    pub const ALL: [PlanAction; 3] = [
        PlanAction::Undecided,
        PlanAction::Replace,
        PlanAction::Enrol,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PlanAction::Undecided => "undecided",
            PlanAction::Replace => "replace",
            PlanAction::Enrol => "enrol",
        }
    }

    pub fn parse(value: &str) -> Option<PlanAction> {
        PlanAction::ALL
            .into_iter()
            .find(|a| a.as_str() == value.trim())
    }
}

/// Why a plan closed.
pub const CLOSED_CONFORMANT: &str = "conformant";
pub const CLOSED_REMOVED: &str = "removed";
pub const CLOSED_BY_HAND: &str = "manual";

/// Months a supplier has to replace or enrol a smelter.
pub const PLAN_MONTHS: u32 = 6;

/// The due date of a plan opened on `opened`: six calendar months later,
/// the end of a shorter month clamping (31 Aug → 28/29 Feb).
pub fn plan_due(opened: NaiveDate) -> NaiveDate {
    opened
        .checked_add_months(Months::new(PLAN_MONTHS))
        .unwrap_or(opened)
}

/// Whether a declared smelter with this status needs a plan: anything the
/// RMI does not list as conformant.
pub fn needs_plan(status: Option<RmapStatus>) -> bool {
    status != Some(RmapStatus::Conformant)
}

/// A share in percent with one decimal, half away from zero (computed on
/// integers, so 1/8 is exactly 12.5 and 1/16 is 6.3); `None` without a
/// denominator.
pub fn percent(part: i64, whole: i64) -> Option<f64> {
    if whole <= 0 {
        return None;
    }
    let numerator = i128::from(part.unsigned_abs()) * 1000;
    let whole = i128::from(whole);
    let tenths = (2 * numerator + whole) / (2 * whole);
    let tenths = if part < 0 { -tenths } else { tenths };
    Some(tenths as f64 / 10.0)
}

/// DESIGN §4 `smelters`: the year's figures.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SmelterFigures {
    /// Distinct (smelter ID, metal) pairs.
    pub total: i64,
    /// Distinct countries of those smelters.
    pub countries: i64,
    pub conformant_pct: Option<f64>,
    /// One entry per metal declared, by metal name.
    pub by_metal: Vec<MetalFigures>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MetalFigures {
    pub metal: String,
    /// Distinct smelter IDs of this metal.
    pub total: i64,
    pub conformant: i64,
    pub conformant_pct: Option<f64>,
}

/// A smelter declared in the year's files, as the figures count it.
#[derive(Debug, Clone)]
pub struct DeclaredSmelter {
    pub smelter_id: String,
    pub metal: String,
    pub country: String,
    pub conformant: bool,
}

/// The figures over declared smelters (repeats are counted once).
pub fn smelter_figures(declared: &[DeclaredSmelter]) -> SmelterFigures {
    let mut pairs: HashMap<(&str, &str), bool> = HashMap::new();
    let mut countries = HashSet::new();
    for d in declared {
        let conformant = pairs
            .entry((d.smelter_id.as_str(), d.metal.as_str()))
            .or_insert(false);
        *conformant |= d.conformant;
        let country = name_key(&d.country);
        if !country.is_empty() {
            countries.insert(country);
        }
    }
    let mut by_metal: std::collections::BTreeMap<&str, (i64, i64)> = Default::default();
    for ((_, metal), conformant) in &pairs {
        let entry = by_metal.entry(metal).or_default();
        entry.0 += 1;
        entry.1 += i64::from(*conformant);
    }
    let total = pairs.len() as i64;
    let conformant: i64 = by_metal.values().map(|(_, c)| c).sum();
    SmelterFigures {
        total,
        countries: countries.len() as i64,
        conformant_pct: percent(conformant, total),
        by_metal: by_metal
            .into_iter()
            .map(|(metal, (total, conformant))| MetalFigures {
                metal: metal.to_owned(),
                total,
                conformant,
                conformant_pct: percent(conformant, total),
            })
            .collect(),
    }
}

/// Distinct countries per metal, for the supply-chain view.
pub fn countries_by_metal(declared: &[DeclaredSmelter]) -> HashMap<String, i64> {
    let mut sets: HashMap<&str, HashSet<String>> = HashMap::new();
    for d in declared {
        let country = name_key(&d.country);
        if !country.is_empty() {
            sets.entry(&d.metal).or_default().insert(country);
        }
    }
    sets.into_iter()
        .map(|(metal, set)| (metal.to_owned(), set.len() as i64))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metal_names_in_english_chinese_and_symbols() {
        for (text, metal) in [
            ("Tin", Metal::Tin),
            ("tin", Metal::Tin),
            (" TIN ", Metal::Tin),
            ("锡", Metal::Tin),
            ("Sn", Metal::Tin),
            ("金", Metal::Gold),
            ("黄金", Metal::Gold),
            ("Gold", Metal::Gold),
            ("钽", Metal::Tantalum),
            ("钨", Metal::Tungsten),
            ("W", Metal::Tungsten),
            ("钴", Metal::Cobalt),
            ("Cobalt", Metal::Cobalt),
            ("云母", Metal::Mica),
            ("Mica", Metal::Mica),
            ("锡 Tin", Metal::Tin),
            ("Tantalum (钽)", Metal::Tantalum),
            ("钽(Ta)", Metal::Tantalum),
            ("Gold/金", Metal::Gold),
            ("钨金属", Metal::Tungsten),
            ("Ｔｉｎ", Metal::Tin),
            ("Natural Graphite", Metal::Graphite),
        ] {
            assert_eq!(Metal::parse(text), Some(metal), "{text:?}");
        }
        for text in [
            "",
            "  ",
            "Silver",
            "Tin / Gold",
            "0",
            "Co., Ltd.",
            "5) 金属是否100%来自回收料",
        ] {
            assert_eq!(Metal::parse(text), None, "{text:?}");
        }
        for metal in Metal::ALL {
            assert_eq!(Metal::parse(metal.as_str()), Some(metal));
        }
        assert!(Metal::Gold.is_3tg() && !Metal::Cobalt.is_3tg());
        assert!(Template::Emrt.covers(Metal::Mica));
        assert!(!Template::Cmrt.covers(Metal::Cobalt));
    }

    #[test]
    fn smelter_ids_are_normalised() {
        let valid = |s: &str| SmelterIdText::Valid(s.to_owned());
        assert_eq!(normalize_smelter_id("CID 002 158"), valid("CID002158"));
        assert_eq!(normalize_smelter_id("cid002158"), valid("CID002158"));
        assert_eq!(normalize_smelter_id(" CID-002158 "), valid("CID002158"));
        assert_eq!(
            normalize_smelter_id("ＣＩＤ００２１５８"),
            valid("CID002158")
        );
        assert_eq!(normalize_smelter_id("CID0O2158"), valid("CID002158"));
        assert_eq!(
            normalize_smelter_id("CID\u{00A0}000001"),
            valid("CID000001")
        );
        assert_eq!(normalize_smelter_id(""), SmelterIdText::Empty);
        assert_eq!(normalize_smelter_id("   "), SmelterIdText::Empty);
        for bad in [
            "CID00215",
            "CID0021580",
            "002158",
            "XID002158",
            "CID00215A",
            "n/a",
        ] {
            assert_eq!(normalize_smelter_id(bad), SmelterIdText::Malformed, "{bad}");
        }
    }

    #[test]
    fn statuses_templates_and_names() {
        assert_eq!(
            RmapStatus::parse("Conformant"),
            Some(RmapStatus::Conformant)
        );
        assert_eq!(
            RmapStatus::parse("Non Conformant"),
            Some(RmapStatus::NonConformant)
        );
        assert_eq!(
            RmapStatus::parse("non-conformant"),
            Some(RmapStatus::NonConformant)
        );
        assert_eq!(
            RmapStatus::parse("Not  Enrolled"),
            Some(RmapStatus::NotEnrolled)
        );
        assert_eq!(RmapStatus::parse("活跃"), Some(RmapStatus::Active));
        assert_eq!(RmapStatus::parse("pending"), None);
        for s in RmapStatus::ALL {
            assert_eq!(RmapStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(
            Template::from_revision("Revision 6.22"),
            Some((Template::Cmrt, "6.22".into()))
        );
        assert_eq!(
            Template::from_revision("修订版 6.5"),
            Some((Template::Cmrt, "6.5".into()))
        );
        assert_eq!(
            Template::from_revision("Revision 2.1"),
            Some((Template::Emrt, "2.1".into()))
        );
        assert_eq!(
            Template::from_revision("Revision 1.11."),
            Some((Template::Emrt, "1.11".into()))
        );
        assert_eq!(Template::from_revision("Revision 5.12"), None);
        assert_eq!(Template::from_revision(""), None);
        assert_eq!(country_code("China"), Some("CN"));
        assert_eq!(country_code("中国"), Some("CN"));
        assert_eq!(country_code(" united states of america "), Some("US"));
        assert_eq!(country_code("cd"), Some("CD"));
        assert_eq!(country_code("Atlantis"), None);
        assert_eq!(country_code(""), None);
        assert_eq!(
            name_key("  Mitsubishi   Materials CORPORATION "),
            "mitsubishi materials corporation"
        );
        assert!(is_not_listed("Smelter Not Listed"));
        assert!(is_not_listed("smelter not listed"));
        assert!(is_not_identified("Smelter not yet identified"));
        assert!(!is_not_listed("Asahi Refining"));
        assert_eq!(
            RowIssue::split(&RowIssue::join(&[RowIssue::UnknownId, RowIssue::Duplicate])),
            vec![RowIssue::UnknownId, RowIssue::Duplicate]
        );
    }

    fn reference() -> Reference {
        Reference::new([
            ReferenceSmelter {
                key: 1,
                smelter_id: "CID000001".into(),
                metal: Metal::Gold,
                name: "Asahi Refining".into(),
            },
            ReferenceSmelter {
                key: 2,
                smelter_id: "CID000002".into(),
                metal: Metal::Tin,
                name: "Mitsubishi Materials Corporation".into(),
            },
            ReferenceSmelter {
                key: 3,
                smelter_id: "CID000003".into(),
                metal: Metal::Gold,
                name: "Mitsubishi Materials Corporation".into(),
            },
            ReferenceSmelter {
                key: 4,
                smelter_id: "CID000004".into(),
                metal: Metal::Cobalt,
                name: "Jiangsu Cobalt Co".into(),
            },
        ])
    }

    fn row(metal: &str, lookup: &str, name: &str, a: &str, f: &str) -> DeclaredRow {
        DeclaredRow {
            metal: metal.into(),
            lookup_name: lookup.into(),
            smelter_name: name.into(),
            id_input: a.into(),
            smelter_id: f.into(),
        }
    }

    #[test]
    fn rows_match_by_id_then_by_name_and_keep_every_row() {
        let rows = vec![
            // 0: by F
            row("Gold", "Asahi Refining", "Asahi Refining", "", "CID000001"),
            // 1: by A with spaces, Chinese metal
            row("锡", "", "", "CID 000 002", ""),
            // 2: name shared by two metals: the row's metal decides
            row(
                "Gold",
                "Smelter not listed",
                "mitsubishi  materials corporation",
                "",
                "",
            ),
            // 3: unknown ID, but a known name
            row("Gold", "", "Asahi Refining", "CID999999", ""),
            // 4: malformed ID, nothing else
            row("Tin", "", "", "CID12", ""),
            // 5: unknown smelter by name only
            row("Tin", "Smelter not listed", "Some Backyard Smelter", "", ""),
            // 6: the same unknown smelter again
            row("tin", "Smelter not listed", "SOME backyard smelter", "", ""),
            // 7: metal mismatch: a gold refiner declared as tin
            row("Tin", "", "", "", "CID000001"),
            // 8: unknown metal, ambiguous name
            row("Silver", "", "Mitsubishi Materials Corporation", "", ""),
            // 9: cobalt in a CMRT
            row("Cobalt", "", "", "", "CID000004"),
        ];
        let out = resolve_rows(&rows, &reference(), Template::Cmrt);
        assert_eq!(out.len(), rows.len());
        assert_eq!((out[0].smelter, out[0].how), (Some(1), MatchKind::Id));
        assert!(out[0].issues.is_empty());
        assert_eq!((out[1].smelter, out[1].metal), (Some(2), Some(Metal::Tin)));
        assert_eq!((out[2].smelter, out[2].how), (Some(3), MatchKind::Name));
        assert_eq!((out[3].smelter, out[3].how), (Some(1), MatchKind::Name));
        assert_eq!(
            out[3].issues,
            vec![RowIssue::UnknownId, RowIssue::Duplicate]
        );
        assert_eq!(out[4].smelter, None);
        assert_eq!(
            out[4].issues,
            vec![RowIssue::MalformedId, RowIssue::Unmatched]
        );
        assert_eq!(out[5].issues, vec![RowIssue::Unmatched]);
        assert_eq!(
            out[6].issues,
            vec![RowIssue::Unmatched, RowIssue::Duplicate]
        );
        assert_eq!(
            out[7].issues,
            vec![RowIssue::MetalMismatch, RowIssue::Duplicate]
        );
        assert_eq!(
            out[8].issues,
            vec![RowIssue::UnknownMetal, RowIssue::Unmatched]
        );
        assert_eq!(out[9].issues, vec![RowIssue::WrongTemplate]);
        assert_eq!(out[9].smelter, Some(4));
    }

    #[test]
    fn percentages_round_half_away_from_zero() {
        assert_eq!(percent(403, 431), Some(93.5));
        assert_eq!(percent(63, 90), Some(70.0));
        assert_eq!(percent(80, 81), Some(98.8));
        assert_eq!(percent(1, 8), Some(12.5));
        assert_eq!(percent(1, 16), Some(6.3));
        assert_eq!(percent(-1, 16), Some(-6.3));
        assert_eq!(percent(0, 5), Some(0.0));
        assert_eq!(percent(5, 5), Some(100.0));
        assert_eq!(percent(0, 0), None);
    }

    fn declared(id: &str, metal: &str, country: &str, conformant: bool) -> DeclaredSmelter {
        DeclaredSmelter {
            smelter_id: id.into(),
            metal: metal.into(),
            country: country.into(),
            conformant,
        }
    }

    #[test]
    fn figures_count_distinct_pairs_countries_and_conformant_shares() {
        let figures = smelter_figures(&[
            declared("CID000001", "gold", "JP", true),
            declared("CID000001", "gold", "JP", true),
            declared("CID000002", "tin", "CN", true),
            declared("CID000003", "tin", "cn", false),
            declared("CID000004", "cobalt", "CD", false),
            declared("CID000004", "cobalt", "CD", false),
        ]);
        assert_eq!(figures.total, 4);
        assert_eq!(figures.countries, 3);
        assert_eq!(figures.conformant_pct, Some(50.0));
        let metals: Vec<(&str, i64, i64, Option<f64>)> = figures
            .by_metal
            .iter()
            .map(|m| (m.metal.as_str(), m.total, m.conformant, m.conformant_pct))
            .collect();
        assert_eq!(
            metals,
            vec![
                ("cobalt", 1, 0, Some(0.0)),
                ("gold", 1, 1, Some(100.0)),
                ("tin", 2, 1, Some(50.0)),
            ]
        );
        let empty = smelter_figures(&[]);
        assert_eq!((empty.total, empty.countries), (0, 0));
        assert_eq!(empty.conformant_pct, None);
        assert!(empty.by_metal.is_empty());
        let json = serde_json::to_value(&empty).unwrap();
        assert_eq!(json["conformant_pct"], serde_json::Value::Null);
        assert_eq!(
            countries_by_metal(&[
                declared("CID000002", "tin", "CN", true),
                declared("CID000003", "tin", "ID", false),
            ])["tin"],
            2
        );
    }

    #[test]
    fn plans_are_due_six_months_later_clamped() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(plan_due(d(2021, 3, 15)), d(2021, 9, 15));
        assert_eq!(plan_due(d(2023, 8, 31)), d(2024, 2, 29));
        assert_eq!(plan_due(d(2022, 8, 31)), d(2023, 2, 28));
        assert!(needs_plan(Some(RmapStatus::Active)));
        assert!(needs_plan(None));
        assert!(!needs_plan(Some(RmapStatus::Conformant)));
        assert_eq!(
            PlanStatus::parse("in_progress"),
            Some(PlanStatus::InProgress)
        );
        assert_eq!(PlanAction::parse("enrol"), Some(PlanAction::Enrol));
    }
}
