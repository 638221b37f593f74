//! DESIGN §5 `cmrt`: a supplier's CMRT 6.x or EMRT 1.x/2.x workbook for a
//! reporting year.
//!
//! The official workbooks name their sheets in English whatever display
//! language was chosen in Declaration!D3, while headers and labels follow
//! that language (often Chinese), so everything is located by sheet name and
//! position, never by header text:
//! - Declaration!J3: the revision ("Revision 6.22"; 6.x is a CMRT, 1.x and
//!   2.x an EMRT);
//! - Declaration!D8–D21: company information;
//! - below, questions 1–8: one row per metal (metal label in column B or C,
//!   answer in D, comment to its right), then the company-level questions
//!   A, B, … (label starting with the letter, answer in D);
//! - Smelter List, from row 5, columns A–Q (A ID input, B metal, C look-up
//!   name, D smelter name, E country, F smelter ID, G source of the ID,
//!   H–J street, city, state/province, K–L contact, M next steps, N–O mine
//!   and its country, P 100 % recycled/scrap, Q comments). Many of B–J are
//!   formulas: their cached values are read, and a formula that found
//!   nothing ("", 0 or an error) reads as empty.
//!
//! A file that is not such a workbook (not a workbook at all, an old .xls,
//! password-protected, without those sheets, an unknown revision) is refused
//! whole. Inside a good file every Smelter List row is kept; what could not
//! be matched comes back as remarks, the check report.

use calamine::{Data, Range, Reader, Xlsx, XlsxError};
use chrono::{Datelike, NaiveDate};
use sha2::{Digest, Sha256};
use std::io::Cursor;

use super::table::{self, column_letters, Problem};
use super::{ImportOptions, Outcome};
use crate::auth::tokens::to_hex;
use crate::db::DbConnection;
use crate::domain::minerals::{Metal, Resolution, RowIssue, Template};
use crate::error::AppError;
use crate::models::attachment::{self, Upload};
use crate::models::audit_log::Actor;
use crate::models::mineral_submission::{
    self, CompanyAnswer, CompanyInfo, DeclarationDoc, DeclarationInput, MetalAnswer,
    SubmissionInput, Written,
};
use crate::models::supplier::Supplier;
use crate::models::{replacement_plan, smelter};

pub const DECLARATION: &str = "Declaration";
pub const SMELTER_LIST: &str = "Smelter List";
/// First data row of the Smelter List sheet (1-based).
pub const FIRST_SMELTER_ROW: u32 = 5;
/// Columns A–Q.
const SMELTER_COLUMNS: usize = 17;
/// Reporting years before the first CMRT are refused as typos.
pub const FIRST_YEAR: i32 = 2010;

/// What a CMRT/EMRT import found and did.
#[derive(Debug, Clone)]
pub struct CmrtResult {
    pub outcome: Outcome,
    pub template: Template,
    pub revision: String,
    pub company_name: String,
    pub supplier_code: String,
    pub year: i32,
    /// The submission written (not on a dry run).
    pub submission_id: Option<i32>,
}

fn problem(row: usize, column: &str, value: &str, reason: &str) -> Problem {
    Problem {
        row,
        column: column.to_owned(),
        value: value.to_owned(),
        reason: reason.to_owned(),
    }
}

/// Reads a workbook into a submission, or says why it is not a CMRT/EMRT.
pub fn read_workbook(bytes: &[u8]) -> Result<SubmissionInput, Vec<Problem>> {
    table::guard_reader(|| read_submission(bytes))
        .unwrap_or_else(|| Err(vec![Problem::file("cmrt.not_workbook")]))
}

fn read_submission(bytes: &[u8]) -> Result<SubmissionInput, Vec<Problem>> {
    if bytes.starts_with(table::CFB_MAGIC) {
        // An encrypted .xlsx or an old .xls: both live in a CFB container.
        let reason = match Xlsx::new(Cursor::new(bytes)) {
            Err(XlsxError::Password) => "cmrt.password_protected",
            _ => "cmrt.old_xls",
        };
        return Err(vec![Problem::file(reason)]);
    }
    if !bytes.starts_with(table::ZIP_MAGIC) {
        return Err(vec![Problem::file("cmrt.not_workbook")]);
    }
    let mut workbook = match Xlsx::new(Cursor::new(bytes)) {
        Ok(workbook) => workbook,
        Err(XlsxError::Password) => return Err(vec![Problem::file("cmrt.password_protected")]),
        Err(_) => return Err(vec![Problem::file("cmrt.not_workbook")]),
    };
    let names = workbook.sheet_names();
    let find = |wanted: &str| {
        names
            .iter()
            .find(|n| n.trim().eq_ignore_ascii_case(wanted))
            .cloned()
    };
    let (declaration_name, list_name) = (find(DECLARATION), find(SMELTER_LIST));
    let mut missing = Vec::new();
    for (name, found) in [(DECLARATION, &declaration_name), (SMELTER_LIST, &list_name)] {
        if found.is_none() {
            missing.push(problem(0, "", name, "cmrt.missing_sheet"));
        }
    }
    let (Some(declaration_name), Some(list_name)) = (declaration_name, list_name) else {
        return Err(missing);
    };
    let unreadable = |_: XlsxError| vec![Problem::file("cmrt.not_workbook")];
    let declaration = workbook
        .worksheet_range(&declaration_name)
        .map_err(unreadable)?;
    let list = workbook.worksheet_range(&list_name).map_err(unreadable)?;

    let revision_text = text_at(&declaration, 3, 10);
    let Some((template, revision)) = Template::from_revision(&revision_text) else {
        return Err(vec![problem(
            3,
            "J",
            &revision_text,
            if revision_text.is_empty() {
                "cmrt.no_revision"
            } else {
                "cmrt.revision"
            },
        )]);
    };
    Ok(SubmissionInput {
        template,
        revision,
        declaration: read_declaration(&declaration),
        rows: read_smelter_list(&list),
    })
}

/// The text of the cell at a 1-based (row, column), "" when empty.
fn text_at(range: &Range<Data>, row: u32, column: u32) -> String {
    range
        .get_value((row - 1, column - 1))
        .map(table::cell_text)
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// A cell a template formula fills in: a formula that found nothing leaves
/// "", 0 or an error, all of which mean "nothing".
fn formula_text(range: &Range<Data>, row: u32, column: u32) -> String {
    let text = text_at(range, row, column);
    if text == "0" || text.starts_with('#') {
        String::new()
    } else {
        text
    }
}

fn read_declaration(sheet: &Range<Data>) -> DeclarationDoc {
    let d = |row| text_at(sheet, row, 4);
    let company = CompanyInfo {
        name: d(8),
        scope: d(9),
        scope_description: d(10),
        unique_id: d(11),
        unique_id_authority: d(12),
        address: d(13),
        contact_name: d(14),
        contact_email: d(15),
        contact_phone: d(16),
        authorizer: d(17),
        authorizer_title: d(18),
        authorizer_email: d(19),
        authorizer_phone: d(20),
        effective_date: d(21),
    };
    let last_row = sheet.end().map_or(0, |(r, _)| r + 1).min(400);
    // Questions 1–8: each block has one row per metal; a metal seen again
    // starts the next question.
    let mut metal_answers: Vec<MetalAnswer> = Vec::new();
    let mut block: Vec<String> = Vec::new();
    let mut question = 0u8;
    let mut row = 22;
    let mut last_metal_row = 0;
    while row <= last_row {
        let label = [text_at(sheet, row, 3), text_at(sheet, row, 2)]
            .into_iter()
            .find(|l| !l.is_empty() && l.chars().count() <= 40 && Metal::parse(l).is_some());
        if let Some(label) = label {
            let metal = Metal::parse(&label).map(Metal::as_str).unwrap_or_default();
            if question == 0 || block.iter().any(|m| m == metal) {
                question += 1;
                block.clear();
            }
            block.push(metal.to_owned());
            metal_answers.push(MetalAnswer {
                question,
                metal: metal.to_owned(),
                answer: text_at(sheet, row, 4),
                comment: comment_at(sheet, row),
            });
            last_metal_row = row;
        } else if question > 0 && row > last_metal_row + 3 {
            break;
        }
        row += 1;
    }
    // Company-level questions: "A. …", "B) …", "C、…" after the metals.
    let mut company_answers = Vec::new();
    let start = if last_metal_row > 0 {
        last_metal_row + 1
    } else {
        22
    };
    for row in start..=last_row {
        for column in [2, 3] {
            let label = text_at(sheet, row, column);
            if let Some(letter) = question_letter(&label) {
                if company_answers
                    .iter()
                    .any(|a: &CompanyAnswer| a.question == letter)
                {
                    continue;
                }
                company_answers.push(CompanyAnswer {
                    question: letter,
                    answer: text_at(sheet, row, 4),
                    comment: comment_at(sheet, row),
                });
                break;
            }
        }
    }
    DeclarationDoc {
        language: text_at(sheet, 3, 4),
        company,
        metal_answers,
        company_answers,
    }
}

/// A comment: the first text right of the answer (E–I).
fn comment_at(sheet: &Range<Data>, row: u32) -> String {
    (5..=9)
        .map(|column| text_at(sheet, row, column))
        .find(|t| !t.is_empty())
        .unwrap_or_default()
}

/// "A. Do you have a policy…" → "A" (letters A–I, then `.`, `)` or `、`).
fn question_letter(label: &str) -> Option<String> {
    let mut chars = label.trim_start().chars();
    let letter = chars.next()?;
    let next = chars.next()?;
    if ('A'..='I').contains(&letter) && matches!(next, '.' | ')' | '、' | '．' | '）') {
        Some(letter.to_string())
    } else {
        None
    }
}

fn read_smelter_list(sheet: &Range<Data>) -> Vec<DeclarationInput> {
    let last_row = sheet.end().map_or(0, |(r, _)| r + 1);
    let mut rows = Vec::new();
    for row in FIRST_SMELTER_ROW..=last_row {
        let cells: Vec<String> = (1..=SMELTER_COLUMNS as u32)
            .map(|column| {
                if (2..=10).contains(&column) {
                    formula_text(sheet, row, column)
                } else {
                    text_at(sheet, row, column)
                }
            })
            .collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        let mut c = cells.into_iter();
        let mut next = || c.next().unwrap_or_default();
        rows.push(DeclarationInput {
            row_number: row as i32,
            id_input: next(),
            metal: next(),
            lookup_name: next(),
            smelter_name: next(),
            country: next(),
            smelter_id: next(),
            id_source: next(),
            street: next(),
            city: next(),
            state_province: next(),
            contact_name: next(),
            contact_email: next(),
            next_steps: next(),
            mine_name: next(),
            mine_country: next(),
            recycled: next(),
            comments: next(),
        });
    }
    rows
}

/// The check report of a file: one remark per issue of a row, pointing at
/// the cell that explains it, and remarks on the Declaration sheet.
pub fn remarks(input: &SubmissionInput, resolutions: &[Resolution]) -> Vec<Problem> {
    let mut out = Vec::new();
    if input.declaration.company.name.is_empty() {
        out.push(problem(8, "D", "", "cmrt.remark.company_missing"));
    }
    for (row, resolution) in input.rows.iter().zip(resolutions) {
        for issue in &resolution.issues {
            let (column, value) = issue_cell(*issue, row);
            out.push(problem(
                row.row_number as usize,
                column,
                value,
                &format!("cmrt.issue.{}", issue.as_str()),
            ));
        }
    }
    out
}

/// The column and value a row issue is about.
pub fn issue_cell(issue: RowIssue, row: &DeclarationInput) -> (&'static str, &str) {
    let id = if row.smelter_id.is_empty() {
        ("A", row.id_input.as_str())
    } else {
        ("F", row.smelter_id.as_str())
    };
    let name = if row.smelter_name.is_empty() {
        ("C", row.lookup_name.as_str())
    } else {
        ("D", row.smelter_name.as_str())
    };
    match issue {
        RowIssue::UnknownMetal | RowIssue::WrongTemplate | RowIssue::MetalMismatch => {
            ("B", row.metal.as_str())
        }
        RowIssue::MalformedId | RowIssue::UnknownId => id,
        RowIssue::Unmatched | RowIssue::Duplicate => {
            if name.1.is_empty() {
                id
            } else {
                name
            }
        }
    }
}

/// Checks supplier, year and file, then (unless `dry_run`) writes the
/// submission in the caller's transaction and brings the supplier's
/// replacement plans in line. `Ok(Err(problems))` means nothing was written.
pub fn import(
    conn: &mut DbConnection,
    actor: &Actor,
    bytes: &[u8],
    dry_run: bool,
    today: NaiveDate,
    options: &ImportOptions,
) -> Result<Result<CmrtResult, Vec<Problem>>, AppError> {
    let mut problems = Vec::new();
    let code = options.supplier.trim();
    let supplier = if code.is_empty() {
        problems.push(problem(0, "supplier", "", "cmrt.supplier_required"));
        None
    } else {
        let found = Supplier::by_code(conn, code)?;
        if found.is_none() {
            problems.push(problem(0, "supplier", code, "cmrt.unknown_supplier"));
        }
        found
    };
    let year_text = options.year.trim();
    let year = match year_text.parse::<i32>() {
        _ if year_text.is_empty() => {
            problems.push(problem(0, "year", "", "cmrt.year_required"));
            None
        }
        Ok(year) if year > today.year() => {
            problems.push(problem(0, "year", year_text, "cmrt.future_year"));
            None
        }
        Ok(year) if year < FIRST_YEAR => {
            problems.push(problem(0, "year", year_text, "cmrt.bad_year"));
            None
        }
        Ok(year) => Some(year),
        Err(_) => {
            problems.push(problem(0, "year", year_text, "cmrt.bad_year"));
            None
        }
    };
    let input = match read_workbook(bytes) {
        Ok(input) => Some(input),
        Err(file_problems) => {
            problems.extend(file_problems);
            None
        }
    };
    let (Some(supplier), Some(year), Some(input)) = (supplier, year, input) else {
        return Ok(Err(problems));
    };
    let reference = smelter::reference(conn)?;
    let resolutions = input.resolve(&reference);
    let sha256 = to_hex(&Sha256::digest(bytes));
    let existing = mineral_submission::find_for(conn, supplier.id, year, input.template)?;
    let mut outcome = Outcome {
        rows: input.rows.len(),
        remarks: remarks(&input, &resolutions),
        ..Outcome::default()
    };
    match &existing {
        None => outcome.created = 1,
        Some(current) if current.sha256 == sha256 => outcome.unchanged = 1,
        Some(_) => outcome.updated = 1,
    }
    let mut result = CmrtResult {
        outcome,
        template: input.template,
        revision: input.revision.clone(),
        company_name: input.declaration.company.name.clone(),
        supplier_code: supplier.code.clone(),
        year,
        submission_id: existing.as_ref().map(|s| s.id),
    };
    if dry_run || result.outcome.unchanged == 1 {
        return Ok(Ok(result));
    }
    let file_name = if options.file_name.trim().is_empty() {
        format!("{}-{year}-{}.xlsx", supplier.code, input.template.as_str())
    } else {
        options.file_name.trim().to_owned()
    };
    let attachment_id = attachment::store(
        conn,
        "mineral_submission",
        0,
        &Upload {
            file_name: file_name.clone(),
            content_type: crate::export::XLSX_CONTENT_TYPE,
            bytes: bytes.to_vec(),
        },
        actor.user_id,
    )?;
    let (saved, written) = mineral_submission::write(
        conn,
        actor,
        &supplier,
        year,
        &input,
        &resolutions,
        &mineral_submission::Source {
            file_name: &file_name,
            sha256: &sha256,
            attachment_id: Some(attachment_id),
            user_id: actor.user_id,
        },
    )?;
    attachment::set_owner(conn, attachment_id, "mineral_submission", saved.id)?;
    debug_assert!(written != Written::Unchanged);
    replacement_plan::sync(conn, actor, Some(&[supplier.id]), today)?;
    result.submission_id = Some(saved.id);
    Ok(Ok(result))
}

/// Spreadsheet letter of a 1-based column, for remarks.
pub fn letter(column: usize) -> String {
    column_letters(column.saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_letters() {
        assert_eq!(question_letter("A. Do you have a policy"), Some("A".into()));
        assert_eq!(question_letter("H) 年度披露"), Some("H".into()));
        assert_eq!(question_letter("C、贵公司"), Some("C".into()));
        assert_eq!(question_letter("Answer"), None);
        assert_eq!(question_letter("J. beyond"), None);
        assert_eq!(question_letter(""), None);
        assert_eq!(letter(17), "Q");
    }

    #[test]
    fn files_that_are_not_workbooks_are_refused_whole() {
        let reason = |bytes: &[u8]| read_workbook(bytes).unwrap_err()[0].reason.clone();
        assert_eq!(reason(b"smelter_id,metal\n"), "cmrt.not_workbook");
        assert_eq!(reason(b"%PDF-1.7"), "cmrt.not_workbook");
        assert_eq!(reason(b"PK\x03\x04 not really"), "cmrt.not_workbook");
        assert_eq!(
            reason(&[table::CFB_MAGIC, &[0; 504]].concat()),
            "cmrt.old_xls"
        );
    }

    #[test]
    fn a_workbook_without_the_sheets_names_what_is_missing() {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        workbook.add_worksheet().set_name("Sheet1").unwrap();
        let bytes = workbook.save_to_buffer().unwrap();
        let problems = read_workbook(&bytes).unwrap_err();
        let missing: Vec<&str> = problems.iter().map(|p| p.value.as_str()).collect();
        assert_eq!(missing, vec![DECLARATION, SMELTER_LIST]);
        assert!(problems.iter().all(|p| p.reason == "cmrt.missing_sheet"));
    }

    #[test]
    fn a_minimal_cmrt_reads_by_position() {
        use rust_xlsxwriter::{Formula, Workbook};
        let mut workbook = Workbook::new();
        let decl = workbook.add_worksheet().set_name("Declaration").unwrap();
        decl.write_string(2, 3, "中文 Chinese").unwrap();
        decl.write_string(2, 9, "Revision 6.22").unwrap();
        decl.write_string(7, 3, "深圳示例电子有限公司").unwrap();
        decl.write_string(8, 3, "A. Company").unwrap();
        let metals = ["钽", "锡", "金", "钨"];
        let mut row = 22;
        for q in 1..=8 {
            decl.write_string(row, 1, format!("{q}) 问题")).unwrap();
            row += 1;
            for m in metals {
                decl.write_string(row, 2, m).unwrap();
                decl.write_string(row, 3, if q == 1 { "Yes" } else { "No" })
                    .unwrap();
                row += 1;
            }
        }
        row += 1;
        for letter in ["A", "B", "C"] {
            decl.write_string(row, 1, format!("{letter}. 问题"))
                .unwrap();
            decl.write_string(row, 3, "Yes").unwrap();
            decl.write_string(row, 4, "见官网").unwrap();
            row += 1;
        }
        let list = workbook.add_worksheet().set_name("Smelter List").unwrap();
        list.write_string(3, 0, "冶炼厂识别号码输入列").unwrap();
        list.write_string(4, 1, "金").unwrap();
        list.write_string(4, 2, "Asahi Refining").unwrap();
        list.write_formula(4, 5, Formula::new("=\"CID000001\"").set_result("CID000001"))
            .unwrap();
        // A template row whose formulas found nothing.
        list.write_formula(5, 4, Formula::new("=IFERROR(1/0,\"\")").set_result(""))
            .unwrap();
        list.write_formula(5, 5, Formula::new("=0").set_result("0"))
            .unwrap();
        list.write_string(6, 0, "CID 002 158").unwrap();
        list.write_string(6, 1, "Tin").unwrap();
        let bytes = workbook.save_to_buffer().unwrap();

        let input = read_workbook(&bytes).unwrap();
        assert_eq!(input.template, Template::Cmrt);
        assert_eq!(input.revision, "6.22");
        assert_eq!(input.declaration.language, "中文 Chinese");
        assert_eq!(input.declaration.company.name, "深圳示例电子有限公司");
        assert_eq!(input.declaration.metal_answers.len(), 32);
        let questions = input.declaration.questions();
        assert_eq!(questions.len(), 8);
        assert_eq!(questions[0].1[2].metal, "gold");
        assert_eq!(questions[0].1[2].answer, "Yes");
        assert_eq!(questions[7].1[3].answer, "No");
        let letters: Vec<&str> = input
            .declaration
            .company_answers
            .iter()
            .map(|a| a.question.as_str())
            .collect();
        assert_eq!(letters, vec!["A", "B", "C"]);
        assert_eq!(input.declaration.company_answers[0].comment, "见官网");
        assert_eq!(input.rows.len(), 2, "the empty template row is skipped");
        assert_eq!(input.rows[0].row_number, 5);
        assert_eq!(input.rows[0].smelter_id, "CID000001");
        assert_eq!(input.rows[1].row_number, 7);
        assert_eq!(input.rows[1].id_input, "CID 002 158");
    }
}

/// Properties of the CMRT/EMRT reader: no file makes it (or the matching and
/// remarks that follow it) panic, whatever sits in whichever cell.
#[cfg(test)]
mod proptests {
    use super::*;
    use crate::domain::minerals::{Reference, ReferenceSmelter};
    use proptest::prelude::*;
    use rust_xlsxwriter::{Formula, Workbook};

    /// Texts the reader looks for, so that generated sheets reach its
    /// branches, mixed with anything at all.
    const MEANINGFUL: &[&str] = &[
        "Revision 6.22",
        "Revision 2.1",
        "Revision 1.0",
        "Revision 7.0",
        "Ｒｅｖｉｓｉｏｎ ６.３",
        "6.",
        "gold",
        "金",
        "Tin",
        "钽",
        "tungsten",
        "cobalt",
        "Co",
        "mica",
        "A. Policy",
        "B) 问题",
        "C、贵公司",
        "I．",
        "CID000001",
        "CID 002 158",
        "cid-OO2158",
        "ＣＩＤ００２１５８",
        "CID12",
        "Asahi Refining",
        "Smelter not listed",
        "冶炼厂尚未识别",
        "China",
        "中国",
        "#N/A",
        "0",
        "Yes",
        "",
    ];

    #[derive(Debug, Clone)]
    enum Value {
        Text(String),
        Number(f64),
        Flag(bool),
        /// A formula with its cached result, as the template's look-ups.
        Formula(String),
    }

    fn value() -> impl Strategy<Value = Value> {
        let text = prop_oneof![
            3 => prop::sample::select(MEANINGFUL).prop_map(str::to_owned),
            1 => "[^\\x00-\\x1f\\x7f\u{fffe}\u{ffff}]{0,24}",
        ];
        prop_oneof![
            4 => text.clone().prop_map(Value::Text),
            1 => any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::Number),
            1 => any::<bool>().prop_map(Value::Flag),
            1 => text.prop_map(Value::Formula),
        ]
    }

    /// (sheet, row, column, value): sheet 0 is the Declaration, 1 the
    /// Smelter List, 2 an unrelated sheet; positions cover the areas read.
    fn cells() -> impl Strategy<Value = Vec<(usize, u32, u16, Value)>> {
        let row = prop_oneof![3 => 0u32..60, 1 => 0u32..600];
        prop::collection::vec((0usize..3, row, 0u16..20, value()), 0..120)
    }

    fn workbook(sheet_names: &[String], cells: &[(usize, u32, u16, Value)]) -> Vec<u8> {
        let mut workbook = Workbook::new();
        for name in sheet_names {
            workbook.add_worksheet().set_name(name).unwrap();
        }
        for (sheet, row, column, value) in cells {
            let Ok(sheet) = workbook.worksheet_from_index(*sheet) else {
                continue;
            };
            match value {
                Value::Text(s) => sheet.write_string(*row, *column, s),
                Value::Number(f) => sheet.write_number(*row, *column, *f),
                Value::Flag(b) => sheet.write_boolean(*row, *column, *b),
                Value::Formula(result) => sheet.write_formula(
                    *row,
                    *column,
                    Formula::new("=LOOKUP(1,1)").set_result(result),
                ),
            }
            .unwrap();
        }
        workbook.save_to_buffer().unwrap()
    }

    /// The sheet names: the two the reader wants, sometimes spelt loosely,
    /// sometimes missing, and another one.
    fn sheet_names() -> impl Strategy<Value = Vec<String>> {
        let spelt = |name: &'static str| {
            prop_oneof![
                4 => Just(name.to_owned()),
                1 => Just(format!(" {} ", name.to_uppercase())),
                1 => Just(format!("{name} (2)")),
            ]
        };
        (spelt(DECLARATION), spelt(SMELTER_LIST), any::<bool>()).prop_map(
            |(declaration, list, swapped)| {
                let mut names = vec![declaration, list];
                if swapped {
                    names.reverse();
                }
                names.push("Instructions".to_owned());
                names
            },
        )
    }

    /// Reads the file and, when it is a CMRT/EMRT, matches and checks it as
    /// an import would; every row kept must come from the Smelter List.
    fn read_and_check(bytes: &[u8]) -> Result<(), TestCaseError> {
        let input = match read_workbook(bytes) {
            Ok(input) => input,
            Err(problems) => {
                prop_assert!(!problems.is_empty());
                return Ok(());
            }
        };
        let reference = Reference::new([
            ReferenceSmelter {
                key: 1,
                smelter_id: "CID000001".into(),
                metal: Metal::Gold,
                name: "Asahi Refining".into(),
            },
            ReferenceSmelter {
                key: 2,
                smelter_id: "CID002158".into(),
                metal: Metal::Tin,
                name: "Asahi Refining".into(),
            },
        ]);
        let resolutions = input.resolve(&reference);
        prop_assert_eq!(resolutions.len(), input.rows.len());
        let mut last = FIRST_SMELTER_ROW as i32 - 1;
        for row in &input.rows {
            prop_assert!(row.row_number > last, "rows in sheet order, each once");
            last = row.row_number;
        }
        for remark in remarks(&input, &resolutions) {
            prop_assert!(!remark.reason.is_empty());
        }
        Ok(())
    }

    proptest! {
        // Fewer cases than elsewhere: each writes and reads a whole workbook.
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn any_bytes_are_refused_without_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            read_and_check(&bytes)?;
            for magic in [table::ZIP_MAGIC, table::CFB_MAGIC] {
                read_and_check(&[magic, &bytes].concat())?;
            }
        }

        #[test]
        fn random_cells_in_random_places_never_panic(names in sheet_names(), cells in cells()) {
            read_and_check(&workbook(&names, &cells))?;
        }

        #[test]
        fn damaged_workbooks_never_panic(
            names in sheet_names(),
            cells in cells(),
            damage in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        ) {
            let mut bytes = workbook(&names, &cells);
            for (at, byte) in damage {
                let i = at.index(bytes.len());
                bytes[i] = byte;
            }
            read_and_check(&bytes)?;
        }
    }
}
