//! The demo organisation's conflict minerals: an RMI reference list (loaded
//! twice, mid-2020 and end of 2021, so statuses have a history), and the
//! CMRT/EMRT files its suppliers sent, created as an import creates them
//! (declaration answers and every Smelter List row, matched against the
//! reference, messy rows included); no figure is stored.
//!
//! For 2021 the phone suppliers' files declare exactly the published
//! supply chain: 431 smelters and refiners in 59 countries, 403 of them
//! RMAP-conformant (93.5 %) — cobalt 63 of 90, gold 173 of 173, tantalum
//! 36 of 36, tin 80 of 81, tungsten 51 of 51. TV suppliers' files add
//! smelters of their own (so the business-unit filter matters), and a
//! smaller 2020 round gives a second year.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::schema::suppliers;
use crate::db::DbConnection;
use crate::domain::country;
use crate::domain::minerals::{Metal, PlanAction, PlanStatus, RmapStatus, Template};
use crate::error::AppError;
use crate::models::audit_log::Actor;
use crate::models::mineral_submission::{
    self, CompanyAnswer, CompanyInfo, DeclarationDoc, DeclarationInput, MetalAnswer, Source,
    SubmissionInput,
};
use crate::models::replacement_plan::{self, PlanFields, PlanFilter};
use crate::models::smelter::{self, SmelterFields};
use crate::models::supplier::Supplier;

/// Smelters the 2021 phone files declare, by metal and country.
const DECLARED: &[(Metal, &[(&str, usize)])] = &[
    (
        Metal::Gold,
        &[
            ("CN", 39),
            ("JP", 22),
            ("US", 10),
            ("CH", 8),
            ("DE", 7),
            ("IT", 6),
            ("KR", 6),
            ("TR", 5),
            ("IN", 5),
            ("RU", 5),
            ("AE", 4),
            ("CA", 4),
            ("AU", 4),
            ("BR", 3),
            ("MX", 3),
            ("ZA", 3),
            ("TW", 3),
            ("BE", 2),
            ("AT", 2),
            ("GB", 2),
            ("ES", 2),
            ("NL", 2),
            ("ID", 2),
            ("PH", 2),
            ("TH", 2),
            ("MY", 2),
            ("KZ", 2),
            ("UZ", 1),
            ("KG", 1),
            ("ZW", 1),
            ("SD", 1),
            ("GH", 1),
            ("SA", 1),
            ("SG", 1),
            ("HK", 1),
            ("PL", 1),
            ("SE", 1),
            ("FR", 1),
            ("CL", 1),
            ("CO", 1),
            ("PE", 1),
            ("EC", 1),
            ("AR", 1),
        ],
    ),
    (
        Metal::Tantalum,
        &[
            ("CN", 14),
            ("US", 5),
            ("JP", 4),
            ("DE", 3),
            ("BR", 2),
            ("KZ", 1),
            ("TH", 1),
            ("EE", 1),
            ("IN", 1),
            ("RW", 1),
            ("AT", 1),
            ("MX", 1),
            ("RU", 1),
        ],
    ),
    (
        Metal::Tin,
        &[
            ("CN", 31),
            ("ID", 14),
            ("BR", 6),
            ("MY", 4),
            ("BO", 4),
            ("TH", 3),
            ("VN", 3),
            ("PE", 2),
            ("TW", 2),
            ("JP", 2),
            ("US", 2),
            ("BE", 1),
            ("RW", 1),
            ("PH", 1),
            ("PL", 1),
            ("ES", 1),
            ("MM", 1),
            ("LA", 1),
            ("NG", 1),
        ],
    ),
    (
        Metal::Tungsten,
        &[
            ("CN", 29),
            ("VN", 4),
            ("DE", 3),
            ("US", 3),
            ("AT", 2),
            ("JP", 2),
            ("RU", 2),
            ("BR", 1),
            ("PT", 1),
            ("RW", 1),
            ("KR", 1),
            ("PH", 1),
            ("MN", 1),
        ],
    ),
    (
        Metal::Cobalt,
        &[
            ("CN", 48),
            ("CD", 10),
            ("ZM", 4),
            ("JP", 4),
            ("FI", 3),
            ("CA", 3),
            ("BE", 2),
            ("AU", 2),
            ("ZA", 2),
            ("US", 2),
            ("IN", 2),
            ("KR", 2),
            ("NO", 1),
            ("MA", 1),
            ("MG", 1),
            ("RU", 1),
            ("BR", 1),
            ("UG", 1),
        ],
    ),
];

/// Of the declared smelters, how many per metal are not conformant (the
/// rest are): cobalt 90 − 63, tin 81 − 80.
const NOT_CONFORMANT: &[(Metal, usize)] = &[(Metal::Cobalt, 27), (Metal::Tin, 1)];

/// Reference smelters no 2021 phone file declares (some TV files do).
const OTHERS: &[(Metal, &[(&str, usize)])] = &[
    (
        Metal::Gold,
        &[("CN", 4), ("GN", 2), ("ML", 2), ("US", 2), ("TZ", 2)],
    ),
    (Metal::Tantalum, &[("CN", 2), ("CD", 1)]),
    (Metal::Tin, &[("CN", 3), ("ID", 2), ("CD", 1)]),
    (Metal::Tungsten, &[("CN", 3), ("KR", 1)]),
    (Metal::Cobalt, &[("CN", 6), ("CD", 3), ("ZM", 1)]),
    (Metal::Mica, &[("IN", 5), ("CN", 2), ("MG", 1)]),
];

/// Places that name smelters, by country (each used once per name core).
fn places(country: &str) -> &'static [&'static str] {
    match country {
        "CN" => &[
            "Jiangxi",
            "Hunan",
            "Yunnan",
            "Guangxi",
            "Ganzhou",
            "Chenzhou",
            "Gejiu",
            "Zhuzhou",
            "Xiamen",
            "Shandong",
            "Zhaoyuan",
            "Lingbao",
            "Tongling",
            "Jinchuan",
            "Quzhou",
            "Lanzhou",
            "Hengyang",
            "Dayu",
            "Jiujiang",
            "Ningxia",
            "Henan",
            "Shaanxi",
            "Fujian",
            "Guangdong",
            "Hubei",
            "Anhui",
            "Zhejiang",
            "Jiangsu",
            "Sichuan",
            "Guizhou",
            "Liuzhou",
            "Hezhou",
            "Baiyin",
            "Yantai",
            "Wuzhou",
            "Shangrao",
            "Chongyi",
            "Ji'an",
        ],
        "JP" => &[
            "Asahi", "Sumiko", "Tanaka", "Matsuda", "Nihon", "Yokohama", "Ohura", "Kojima",
            "Tokuriki", "Ishifuku", "Chugai", "Aida", "Hokuriku", "Shonan",
        ],
        "US" => &[
            "Ohio Valley",
            "Western",
            "Republic",
            "Golden Gate",
            "Pennsylvania",
            "Nevada",
        ],
        "CH" => &["Valcambi", "Argor", "Metalor", "Helvetia", "Ticino"],
        "DE" => &["Rhein", "Hanau", "Pforzheim", "Goslar", "Sachsen"],
        "IT" => &["Italpreziosi", "Arezzo", "Vicenza", "Milano"],
        "KR" => &["Hanguk", "Samwon", "Daejin", "Korea Zinc Onsan"],
        "TR" => &["Istanbul", "Nadir", "Anatolia"],
        "IN" => &["Gujarat", "Rajasthan", "Kolkata", "Chennai", "Jharkhand"],
        "RU" => &["Ural", "Novosibirsk", "Krasnoyarsk", "Kolyma"],
        "AE" => &["Emirates", "Al Etihad", "Dubai"],
        "CA" => &["Royal Canadian", "Ontario", "Sherbrooke"],
        "AU" => &["Perth", "Kalgoorlie", "Queensland"],
        "BR" => &["Minas Gerais", "Rondonia", "Pará", "Bahia"],
        "MX" => &["Sonora", "Zacatecas", "Monterrey"],
        "ZA" => &["Rand", "Witwatersrand", "Limpopo"],
        "TW" => &["Formosa", "Hsinchu", "Kaohsiung"],
        "BE" => &["Hoboken", "Olen", "Antwerpen"],
        "AT" => &["Tirol", "Steiermark", "Kärnten"],
        "GB" => &["Sheffield", "Birmingham"],
        "ES" => &["Asturias", "Bilbao"],
        "NL" => &["Schoone", "Rotterdam"],
        "ID" => &[
            "Bangka",
            "Belitung",
            "Pangkal Pinang",
            "Sungailiat",
            "Mentok",
            "Muntok",
            "Koba",
            "Toboali",
            "Jebus",
        ],
        "PH" => &["Luzon", "Mindanao"],
        "TH" => &["Phuket", "Rayong", "Chonburi"],
        "MY" => &["Butterworth", "Perak", "Selangor"],
        "KZ" => &["Ust-Kamenogorsk", "Tau-Ken"],
        "UZ" => &["Almalyk"],
        "KG" => &["Kyrgyzaltyn"],
        "ZW" => &["Fidelity"],
        "SD" => &["Khartoum"],
        "GH" => &["Accra"],
        "SA" => &["Riyadh"],
        "SG" => &["Jurong"],
        "HK" => &["Kowloon"],
        "PL" => &["Legnica", "Silesia"],
        "SE" => &["Boliden"],
        "FR" => &["Lyon"],
        "CL" => &["Atacama"],
        "CO" => &["Antioquia"],
        "PE" => &["Arequipa", "Juliaca", "Minsur Pisco"],
        "EC" => &["Azuay"],
        "AR" => &["Cuyo"],
        "EE" => &["Sillamäe"],
        "RW" => &["Kigali", "Karongi"],
        "BO" => &["Oruro", "Potosí", "Vinto"],
        "VN" => &["Thai Nguyen", "Tuyen Quang", "Nui Phao", "Cao Bang"],
        "MM" => &["Dawei"],
        "LA" => &["Vientiane"],
        "NG" => &["Jos"],
        "PT" => &["Panasqueira"],
        "MN" => &["Khentii"],
        "CD" => &["Lubumbashi", "Kolwezi", "Likasi", "Katanga"],
        "ZM" => &["Chambishi", "Kitwe", "Ndola"],
        "FI" => &["Kokkola", "Harjavalta"],
        "NO" => &["Kristiansand"],
        "MA" => &["Bou Azzer"],
        "MG" => &["Ambatovy", "Toamasina"],
        "UG" => &["Kasese"],
        "GN" => &["Siguiri"],
        "ML" => &["Sadiola"],
        "TZ" => &["Geita"],
        _ => &["Central"],
    }
}

fn name_cores(metal: Metal) -> &'static [&'static str] {
    match metal {
        Metal::Gold => &[
            "Gold Refinery",
            "Precious Metals",
            "Refining",
            "Gold Industry",
        ],
        Metal::Tantalum => &["Tantalum & Niobium", "Rare Metals", "Tantalum Industry"],
        Metal::Tin => &["Tin Smelter", "Tin Industry", "Tin Materials"],
        Metal::Tungsten => &["Tungsten", "Tungsten Industry", "Cemented Carbide"],
        Metal::Cobalt => &["Cobalt", "Cobalt Materials", "New Energy Materials"],
        Metal::Mica => &["Mica", "Mica Minerals"],
        _ => &["Metals"],
    }
}

fn company_form(country: &str) -> &'static str {
    match country {
        "CN" | "JP" | "KR" | "TH" | "TW" | "HK" | "VN" => " Co., Ltd.",
        "US" | "CA" => " Inc.",
        "DE" | "AT" => " GmbH",
        "CH" | "FR" => " SA",
        "IT" => " S.p.A.",
        "ES" | "PE" | "CL" | "CO" | "EC" | "AR" | "BO" => " S.A.",
        "BE" | "NL" => " N.V.",
        "IN" => " Pvt. Ltd.",
        "MY" => " Berhad",
        "BR" => " Ltda.",
        "MX" => " S.A. de C.V.",
        "RU" | "KZ" | "UZ" | "KG" => " JSC",
        "ID" => "",
        _ => " Ltd.",
    }
}

/// A name like "Ganzhou Tungsten Industry Co., Ltd.": unique per country,
/// metal and `index`.
fn smelter_name(country: &str, metal: Metal, index: usize) -> String {
    const PREFIXES: [&str; 6] = ["", "New ", "United ", "Eastern ", "Western ", "Grand "];
    let places = places(country);
    let cores = name_cores(metal);
    let place = places[index % places.len()];
    let round = index / places.len();
    let core = cores[round % cores.len()];
    let prefix = PREFIXES[(round / cores.len()) % PREFIXES.len()];
    let form = company_form(country);
    if country == "ID" {
        format!("PT {prefix}{place} {core}")
    } else {
        format!("{prefix}{place} {core}{form}")
    }
}

/// One reference smelter of the demo.
#[derive(Debug, Clone)]
struct DemoSmelter {
    smelter_id: String,
    metal: Metal,
    name: String,
    country: &'static str,
    /// At the end of 2021.
    status: RmapStatus,
    /// Mid-2020, when the first list was loaded (`None`: not listed yet).
    status_2020: Option<RmapStatus>,
    /// Declared by the 2021 phone files.
    phones: bool,
}

/// A small fixed-seed generator: the demo is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn reference() -> Vec<DemoSmelter> {
    let mut rng = Rng(0x5E17_2021_0431_0059);
    let mut out = Vec::new();
    let mut next_id = 2u32;
    let mut add = |metal: Metal,
                   table: &[(&'static str, usize)],
                   phones: bool,
                   out: &mut Vec<DemoSmelter>,
                   rng: &mut Rng| {
        for (country, n) in table {
            let already = out
                .iter()
                .filter(|s: &&DemoSmelter| s.country == *country && s.metal == metal)
                .count();
            for i in 0..*n {
                next_id += 1 + rng.below(6) as u32;
                out.push(DemoSmelter {
                    smelter_id: format!("CID{next_id:06}"),
                    metal,
                    name: smelter_name(country, metal, already + i),
                    country,
                    status: RmapStatus::Conformant,
                    status_2020: Some(RmapStatus::Conformant),
                    phones,
                });
            }
        }
    };
    for (metal, table) in DECLARED {
        add(*metal, table, true, &mut out, &mut rng);
    }
    for (metal, table) in OTHERS {
        add(*metal, table, false, &mut out, &mut rng);
    }
    // Statuses of the declared smelters: the not-conformant ones spread over
    // the metal's list; a few conformant ones were only "active" in 2020.
    for (metal, n) in NOT_CONFORMANT {
        let indexes: Vec<usize> = out
            .iter()
            .enumerate()
            .filter(|(_, s)| s.phones && s.metal == *metal)
            .map(|(i, _)| i)
            .collect();
        let step = indexes.len() / n;
        for k in 0..*n {
            let s = &mut out[indexes[k * step + step / 2]];
            s.status = match k % 9 {
                0..=4 => RmapStatus::Active,
                5 | 6 => RmapStatus::NonConformant,
                _ => RmapStatus::NotEnrolled,
            };
            s.status_2020 = Some(if s.status == RmapStatus::NonConformant {
                RmapStatus::Active
            } else {
                s.status
            });
        }
    }
    for (i, s) in out.iter_mut().enumerate() {
        if s.phones && s.status == RmapStatus::Conformant && i % 23 == 5 {
            s.status_2020 = Some(RmapStatus::Active);
        }
        if !s.phones {
            s.status = match i % 4 {
                0 => RmapStatus::Conformant,
                1 => RmapStatus::Active,
                2 => RmapStatus::NonConformant,
                _ => RmapStatus::NotEnrolled,
            };
            s.status_2020 = if i % 3 == 0 {
                None
            } else {
                Some(RmapStatus::NotEnrolled)
            };
        }
    }
    out
}

fn fields(s: &DemoSmelter, status: RmapStatus) -> SmelterFields {
    SmelterFields {
        smelter_id: s.smelter_id.clone(),
        metal: s.metal,
        name: s.name.clone(),
        country: s.country.to_owned(),
        status,
    }
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// Suppliers of a business unit approved by the end of `year` and not
/// exited then, by code.
fn suppliers_of(
    conn: &mut DbConnection,
    business_unit: &str,
    year: i32,
    limit: i64,
) -> Result<Vec<Supplier>, AppError> {
    let year_end = ymd(year, 12, 31);
    Ok(suppliers::table
        .filter(suppliers::business_unit.eq(business_unit))
        .filter(suppliers::production.eq(true))
        .filter(suppliers::approved_on.le(year_end))
        .filter(
            suppliers::exited_on
                .is_null()
                .or(suppliers::exited_on.gt(year_end)),
        )
        .filter(suppliers::status.ne("rejected"))
        .order(suppliers::code)
        .limit(limit)
        .select(Supplier::as_select())
        .load(conn)?)
}

/// How a supplier writes a metal in column B.
fn metal_text(metal: Metal, chinese: bool) -> String {
    if chinese {
        match metal {
            Metal::Gold => "金",
            Metal::Tantalum => "钽",
            Metal::Tin => "锡",
            Metal::Tungsten => "钨",
            Metal::Cobalt => "钴",
            Metal::Mica => "云母",
            other => other.as_str(),
        }
        .to_owned()
    } else {
        let code = metal.as_str();
        let mut chars = code.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    }
}

fn row_of(s: &DemoSmelter, number: i32, chinese: bool, id_in_a: bool) -> DeclarationInput {
    DeclarationInput {
        row_number: number,
        id_input: if id_in_a {
            s.smelter_id.clone()
        } else {
            String::new()
        },
        metal: metal_text(s.metal, chinese),
        lookup_name: s.name.clone(),
        smelter_name: s.name.clone(),
        country: country::name(s.country, false)
            .unwrap_or(s.country)
            .to_owned(),
        smelter_id: s.smelter_id.clone(),
        id_source: "RMI".into(),
        recycled: if s.metal == Metal::Gold && number % 5 == 0 {
            "Yes".into()
        } else {
            "No".into()
        },
        ..DeclarationInput::default()
    }
}

/// What suppliers get wrong, added to some files: a smelter "not listed"
/// by name only, an ID the RMI does not have, an ID typed with spaces and
/// the same smelter again, a malformed ID with a known name.
fn messy_rows(file: usize, first: &DemoSmelter, number: &mut i32) -> Vec<DeclarationInput> {
    let mut rows = Vec::new();
    let mut push = |row: DeclarationInput, number: &mut i32| {
        rows.push(DeclarationInput {
            row_number: *number,
            ..row
        });
        *number += 1;
    };
    if file % 10 == 3 {
        push(
            DeclarationInput {
                metal: metal_text(first.metal, false),
                lookup_name: "Smelter not listed".into(),
                smelter_name: format!("Local recycler {file}"),
                country: "China".into(),
                ..DeclarationInput::default()
            },
            number,
        );
    }
    if file % 10 == 6 {
        push(
            DeclarationInput {
                metal: metal_text(first.metal, false),
                lookup_name: "Smelter not listed".into(),
                smelter_name: "Unknown trading house".into(),
                id_input: format!("CID9{:05}", 100 + file),
                ..DeclarationInput::default()
            },
            number,
        );
    }
    if file % 10 == 8 {
        let spaced = format!(
            "{} {} {}",
            &first.smelter_id[..3],
            &first.smelter_id[3..6],
            &first.smelter_id[6..]
        );
        let mut again = row_of(first, 0, false, false);
        again.smelter_id = String::new();
        again.id_input = spaced;
        push(again, number);
    }
    if file % 10 == 9 {
        let mut typo = row_of(first, 0, true, false);
        typo.smelter_id = String::new();
        typo.id_input = first.smelter_id[..8].to_owned();
        push(typo, number);
    }
    rows
}

fn declaration(supplier: &Supplier, template: Template, year: i32) -> DeclarationDoc {
    let metals: &[Metal] = match template {
        Template::Cmrt => &Metal::CMRT,
        Template::Emrt => &[Metal::Cobalt, Metal::Mica],
    };
    let questions = match template {
        Template::Cmrt => 8,
        Template::Emrt => 7,
    };
    let mut metal_answers = Vec::new();
    for q in 1..=questions {
        for metal in metals {
            let used = *metal != Metal::Mica;
            let answer = match q {
                1 | 2 => {
                    if used {
                        "Yes"
                    } else {
                        "No"
                    }
                }
                3 | 4 => "No",
                5 => "No",
                6 => "Greater than 90%",
                _ => "Yes",
            };
            metal_answers.push(MetalAnswer {
                question: q,
                metal: metal.as_str().to_owned(),
                answer: answer.to_owned(),
                comment: String::new(),
            });
        }
    }
    let letters: &[&str] = match template {
        Template::Cmrt => &["A", "B", "C", "D", "E", "F", "G", "H"],
        Template::Emrt => &["A", "B", "C", "D", "E", "F", "G"],
    };
    let company_answers = letters
        .iter()
        .map(|l| CompanyAnswer {
            question: (*l).to_owned(),
            answer: match *l {
                "E" => "Yes, in conformance with IPC1755 (e.g., CMRT)",
                "H" => "No",
                _ => "Yes",
            }
            .to_owned(),
            comment: if *l == "B" {
                format!(
                    "https://{}.example.cn/responsible-minerals",
                    supplier.code.to_lowercase()
                )
            } else {
                String::new()
            },
        })
        .collect();
    DeclarationDoc {
        language: if supplier.country == "CN" {
            "中文 Chinese".into()
        } else {
            "English".into()
        },
        company: CompanyInfo {
            name: if supplier.name_local.is_empty() {
                supplier.name.clone()
            } else {
                supplier.name_local.clone()
            },
            scope: "A. Company".into(),
            contact_name: supplier.contact_name.clone(),
            contact_email: supplier.contact_email.clone(),
            contact_phone: "+86 755 0000 0000".into(),
            authorizer: supplier.contact_name.clone(),
            authorizer_email: supplier.contact_email.clone(),
            effective_date: format!("{}-03-15", year + 1),
            ..CompanyInfo::default()
        },
        metal_answers,
        company_answers,
    }
}

/// Picks `n` distinct smelters of `pool` at random.
fn sample<'a>(rng: &mut Rng, pool: &[&'a DemoSmelter], n: usize) -> Vec<&'a DemoSmelter> {
    let mut picked: Vec<&DemoSmelter> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let n = n.min(pool.len());
    while picked.len() < n {
        let s = pool[rng.below(pool.len())];
        if seen.insert(s.smelter_id.clone()) {
            picked.push(s);
        }
    }
    picked
}

/// One file to write: who, which year, which template, which smelters.
struct DemoFile<'a> {
    supplier: Supplier,
    year: i32,
    template: Template,
    revision: &'static str,
    smelters: Vec<&'a DemoSmelter>,
}

/// Distributes `pool` over `n_files`, each smelter in at least one file,
/// each file topped up to between `min` and `max` smelters.
fn spread<'a>(
    rng: &mut Rng,
    pool: &[&'a DemoSmelter],
    n_files: usize,
    min: usize,
    max: usize,
) -> Vec<Vec<&'a DemoSmelter>> {
    let mut files: Vec<Vec<&DemoSmelter>> = vec![Vec::new(); n_files];
    for (k, s) in pool.iter().enumerate() {
        files[(k * 7) % n_files].push(s);
    }
    for file in &mut files {
        let target = min + rng.below(max - min + 1);
        for s in sample(rng, pool, target) {
            if !file.iter().any(|f| f.smelter_id == s.smelter_id) {
                file.push(s);
            }
        }
        file.sort_by_key(|s| (s.metal.as_str(), s.name.clone()));
    }
    files
}

fn write_file(
    conn: &mut DbConnection,
    actor: &Actor,
    reference: &crate::domain::minerals::Reference,
    file: &DemoFile,
    index: usize,
) -> Result<(), AppError> {
    let chinese = index % 3 == 0;
    let mut rows = Vec::new();
    let mut number = 5;
    for (k, s) in file.smelters.iter().enumerate() {
        rows.push(row_of(s, number, chinese, index % 4 == 1 && k % 2 == 0));
        number += 1;
    }
    if let Some(first) = file.smelters.first() {
        rows.extend(messy_rows(index, first, &mut number));
    }
    let input = SubmissionInput {
        template: file.template,
        revision: file.revision.to_owned(),
        declaration: declaration(&file.supplier, file.template, file.year),
        rows,
    };
    let resolutions = input.resolve(reference);
    let file_name = format!(
        "{}-{}-{}.xlsx",
        file.supplier.code,
        file.template.as_str(),
        file.year
    );
    mineral_submission::write(
        conn,
        actor,
        &file.supplier,
        file.year,
        &input,
        &resolutions,
        &Source {
            file_name: &file_name,
            sha256: "",
            attachment_id: None,
            user_id: None,
        },
    )?;
    Ok(())
}

/// Loads the reference lists, the suppliers' files and the plans they open.
pub fn load(conn: &mut DbConnection, actor: &Actor) -> Result<(), AppError> {
    let all = reference();
    let first_list: Vec<SmelterFields> = all
        .iter()
        .filter_map(|s| s.status_2020.map(|status| fields(s, status)))
        .collect();
    crate::import::smelters::apply(conn, actor, &first_list, ymd(2020, 7, 1))?;
    let second_list: Vec<SmelterFields> = all.iter().map(|s| fields(s, s.status)).collect();
    crate::import::smelters::apply(conn, actor, &second_list, ymd(2021, 12, 31))?;
    let reference = smelter::reference(conn)?;

    let mut rng = Rng(0x00C0_B417_2021);
    let pool = |metals: &[Metal], phones: bool| -> Vec<&DemoSmelter> {
        all.iter()
            .filter(|s| s.phones == phones && metals.contains(&s.metal))
            .collect()
    };
    let phones_3tg = pool(&Metal::CMRT, true);
    let phones_cobalt = pool(&[Metal::Cobalt], true);
    let others_3tg = pool(&Metal::CMRT, false);
    let others_emrt = pool(&[Metal::Cobalt, Metal::Mica], false);

    let mut files: Vec<DemoFile> = Vec::new();
    let phones = suppliers_of(conn, "phones", 2021, 150)?;
    if phones.is_empty() {
        return Ok(());
    }
    for (supplier, smelters) in
        phones
            .iter()
            .zip(spread(&mut rng, &phones_3tg, phones.len(), 12, 80))
    {
        files.push(DemoFile {
            supplier: supplier.clone(),
            year: 2021,
            template: Template::Cmrt,
            revision: "6.1",
            smelters,
        });
    }
    let emrt_suppliers = &phones[..phones.len().min(60)];
    for (supplier, smelters) in emrt_suppliers.iter().zip(spread(
        &mut rng,
        &phones_cobalt,
        emrt_suppliers.len(),
        4,
        24,
    )) {
        files.push(DemoFile {
            supplier: supplier.clone(),
            year: 2021,
            template: Template::Emrt,
            revision: "1.1",
            smelters,
        });
    }
    // TV suppliers share many of the phones' smelters and add their own.
    let tv = suppliers_of(conn, "tv", 2021, 12)?;
    for (i, supplier) in tv.iter().enumerate() {
        let mut smelters = sample(&mut rng, &phones_3tg, 25);
        smelters.extend(sample(&mut rng, &others_3tg, 3 + i % 4));
        files.push(DemoFile {
            supplier: supplier.clone(),
            year: 2021,
            template: Template::Cmrt,
            revision: "6.1",
            smelters,
        });
        if i < 4 {
            files.push(DemoFile {
                supplier: supplier.clone(),
                year: 2021,
                template: Template::Emrt,
                revision: "1.1",
                smelters: sample(&mut rng, &others_emrt, 6),
            });
        }
    }
    // The year before: fewer phone suppliers reported.
    for supplier in suppliers_of(conn, "phones", 2020, 40)? {
        let n = 10 + rng.below(40);
        files.push(DemoFile {
            supplier,
            year: 2020,
            template: Template::Cmrt,
            revision: "6.01",
            smelters: sample(&mut rng, &phones_3tg, n),
        });
    }
    for (index, file) in files.iter().enumerate() {
        write_file(conn, actor, &reference, file, index)?;
    }

    // The files went in during the 2022 reporting season.
    let season = ymd(2022, 3, 31);
    replacement_plan::sync(conn, actor, None, season)?;
    let open = PlanFilter {
        status: Some("open".into()),
        ..PlanFilter::default()
    }
    .all(conn, season)?;
    for (i, row) in open.iter().enumerate() {
        let (action, status) = match i % 5 {
            0 => (PlanAction::Enrol, PlanStatus::InProgress),
            1 => (PlanAction::Replace, PlanStatus::InProgress),
            2 => (PlanAction::Replace, PlanStatus::Open),
            _ => continue,
        };
        replacement_plan::update(
            conn,
            actor,
            &row.plan,
            row.plan.version,
            &PlanFields {
                action,
                due_on: row.plan.due_on,
                owner_email: row.plan.owner_email.clone(),
                status,
                note: match action {
                    PlanAction::Enrol => "Smelter contacted; RMAP assessment scheduled.".into(),
                    _ => "Supplier is qualifying a conformant alternative.".into(),
                },
            },
            season,
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_reference_holds_the_published_supply_chain() {
        let all = reference();
        let declared: Vec<&DemoSmelter> = all.iter().filter(|s| s.phones).collect();
        assert_eq!(declared.len(), 431);
        let countries: HashSet<&str> = declared.iter().map(|s| s.country).collect();
        assert_eq!(countries.len(), 59);
        for code in &countries {
            assert!(country::is_valid(code), "{code}");
        }
        let count = |metal: Metal, conformant: bool| {
            declared
                .iter()
                .filter(|s| s.metal == metal)
                .filter(|s| !conformant || s.status == RmapStatus::Conformant)
                .count()
        };
        assert_eq!(
            (count(Metal::Cobalt, false), count(Metal::Cobalt, true)),
            (90, 63)
        );
        assert_eq!(
            (count(Metal::Gold, false), count(Metal::Gold, true)),
            (173, 173)
        );
        assert_eq!(
            (count(Metal::Tantalum, false), count(Metal::Tantalum, true)),
            (36, 36)
        );
        assert_eq!(
            (count(Metal::Tin, false), count(Metal::Tin, true)),
            (81, 80)
        );
        assert_eq!(
            (count(Metal::Tungsten, false), count(Metal::Tungsten, true)),
            (51, 51)
        );
        let ids: HashSet<&str> = all.iter().map(|s| s.smelter_id.as_str()).collect();
        assert_eq!(ids.len(), all.len(), "smelter IDs are unique");
        let names: HashSet<(Metal, &str)> =
            all.iter().map(|s| (s.metal, s.name.as_str())).collect();
        assert_eq!(names.len(), all.len(), "names are unique per metal");
        assert!(all.iter().all(|s| s.smelter_id.len() == 9));
    }
}
