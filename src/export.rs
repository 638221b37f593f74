//! Lists exported "as shown": the rows and columns of a list page, as CSV or
//! as an XLSX workbook, for users who continue their work in Excel.

use std::borrow::Cow;
use std::collections::HashSet;

use chrono::Datelike;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

pub const CSV_CONTENT_TYPE: &str = "text/csv; charset=utf-8";
pub const XLSX_CONTENT_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A list as CSV: UTF-8 with a BOM (without it Excel reads the file in the
/// local ANSI code page and garbles Chinese), CRLF line ends, and cells
/// quoted only where needed.
pub fn csv(headers: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    csv_from(
        headers,
        rows.iter().map(|row| {
            row.iter()
                .map(|cell| Cow::Borrowed(cell.as_str()))
                .collect()
        }),
    )
}

/// The same from typed cells (dates as YYYY-MM-DD, see `Cell::as_text`).
pub fn csv_of_cells(headers: &[&str], rows: &[Vec<Cell>]) -> Vec<u8> {
    csv_from(
        headers,
        rows.iter()
            .map(|row| row.iter().map(Cell::as_text).collect()),
    )
}

fn csv_from<'a>(headers: &[&str], rows: impl Iterator<Item = Vec<Cow<'a, str>>>) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        // Rows come from the caller; a short one must not abort the export.
        .flexible(true)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let mut write = |record: &[Cow<str>]| {
        let guarded: Vec<Cow<str>> = record.iter().map(|cell| guard_formula(cell)).collect();
        writer
            .write_record(guarded.iter().map(|cell| cell.as_bytes()))
            .expect("writing CSV to memory cannot fail");
    };
    write(
        &headers
            .iter()
            .map(|h| Cow::Borrowed(*h))
            .collect::<Vec<_>>(),
    );
    for record in rows {
        write(&record);
    }
    writer
        .into_inner()
        .expect("flushing CSV to memory cannot fail")
}

/// Defuses CSV (formula) injection: a spreadsheet runs a cell starting with
/// `=`, `+`, `-` or `@` (and, after its own trimming, a tab or CR) as a
/// formula, so a supplier name like `=HYPERLINK(…)` typed into the app would
/// run on the exporting user's machine. A leading apostrophe makes it text.
/// Plain signed numbers are left alone: they are data, not formulas, and
/// "-3.5" must stay a number for whoever sums the column.
fn guard_formula(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !is_plain_number(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// An optional sign, then digits with at most one decimal point.
fn is_plain_number(s: &str) -> bool {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let fraction = parts.next().unwrap_or("");
    !(whole.is_empty() && fraction.is_empty())
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

/// One worksheet of an XLSX export.
#[derive(Debug, Clone)]
pub struct Sheet<'a> {
    /// Shown on the sheet's tab; made acceptable to Excel when written.
    pub name: &'a str,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// A typed cell, so Excel can sum numbers and sort dates. Codes that look
/// numeric (USCC, phone numbers) belong in `Text`: a number keeps only 15
/// significant digits and loses leading zeros.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Date(chrono::NaiveDate),
    Empty,
}

/// Excel's limit on the length of a sheet name.
const SHEET_NAME_MAX: usize = 31;
/// Excel's limit on the characters in a cell.
const CELL_TEXT_MAX: usize = 32_767;
/// Column widths in Excel character units.
const MIN_WIDTH: usize = 6;
const MAX_WIDTH: usize = 60;

/// A list as an XLSX workbook: one worksheet per [`Sheet`], each with a bold,
/// frozen header row carrying an autofilter, column widths fitted to their
/// content and dates shown as yyyy-mm-dd. Cells are written as values, never
/// as formulas, so text needs no injection guard here.
impl Cell {
    /// The cell as CSV text (dates as YYYY-MM-DD, whole numbers without `.0`).
    pub fn as_text(&self) -> Cow<'_, str> {
        match self {
            Cell::Text(t) => Cow::Borrowed(t),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => {
                Cow::Owned(format!("{}", *n as i64))
            }
            Cell::Number(n) => Cow::Owned(n.to_string()),
            Cell::Date(d) => Cow::Owned(d.to_string()),
            Cell::Empty => Cow::Borrowed(""),
        }
    }
}

pub fn xlsx(sheets: &[Sheet]) -> Result<Vec<u8>, String> {
    let mut workbook = Workbook::new();
    let header_format = Format::new().set_bold();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    // Excel refuses "History" as a sheet name (it is reserved for its change
    // tracking), so it is treated as taken from the start.
    let mut taken: HashSet<String> = HashSet::from(["history".to_owned()]);
    for (index, sheet) in sheets.iter().enumerate() {
        let name = sheet_name(sheet.name, index, &mut taken);
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(name).map_err(describe)?;
        write_sheet(worksheet, sheet, &header_format, &date_format).map_err(describe)?;
    }
    workbook.save_to_buffer().map_err(describe)
}

fn describe(e: XlsxError) -> String {
    format!("the workbook cannot be written: {e}")
}

fn write_sheet(
    worksheet: &mut Worksheet,
    sheet: &Sheet,
    header_format: &Format,
    date_format: &Format,
) -> Result<(), XlsxError> {
    let columns = sheet
        .rows
        .iter()
        .map(Vec::len)
        .chain([sheet.headers.len()])
        .max()
        .unwrap_or(0);
    let mut widths: Vec<usize> = vec![0; columns];

    for (col, header) in sheet.headers.iter().enumerate() {
        worksheet.write_string_with_format(0, col_num(col)?, header, header_format)?;
        // Room for the autofilter's drop-down button.
        widths[col] = display_width(header) + 2;
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        let row_num = u32::try_from(r + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (col, cell) in row.iter().enumerate() {
            let col_num = col_num(col)?;
            let width = match cell {
                Cell::Text(text) => {
                    let text = truncate_chars(text, CELL_TEXT_MAX);
                    worksheet.write_string(row_num, col_num, text)?;
                    display_width(text)
                }
                Cell::Number(n) => {
                    worksheet.write_number(row_num, col_num, *n)?;
                    n.to_string().len()
                }
                Cell::Date(date) => {
                    write_date(worksheet, row_num, col_num, *date, date_format)?;
                    "yyyy-mm-dd".len()
                }
                Cell::Empty => 0,
            };
            widths[col] = widths[col].max(width);
        }
    }
    for (col, width) in widths.into_iter().enumerate() {
        // A little padding, as Excel's own "autofit" leaves.
        let width = (width + 1).clamp(MIN_WIDTH, MAX_WIDTH);
        worksheet.set_column_width(col_num(col)?, width as f64)?;
    }

    if !sheet.headers.is_empty() {
        worksheet.set_freeze_panes(1, 0)?;
        let last_row =
            u32::try_from(sheet.rows.len()).map_err(|_| XlsxError::RowColumnLimitError)?;
        worksheet.autofilter(0, 0, last_row, col_num(columns - 1)?)?;
    }
    Ok(())
}

/// Excel counts dates from 1900; earlier (or absurd) dates are written as
/// text rather than failing the whole export.
fn write_date(
    worksheet: &mut Worksheet,
    row: u32,
    col: u16,
    date: chrono::NaiveDate,
    date_format: &Format,
) -> Result<(), XlsxError> {
    let excel_date = u16::try_from(date.year())
        .ok()
        .and_then(|year| ExcelDateTime::from_ymd(year, date.month() as u8, date.day() as u8).ok());
    match excel_date {
        Some(d) => worksheet.write_datetime_with_format(row, col, &d, date_format)?,
        None => worksheet.write_string(row, col, date.format("%Y-%m-%d").to_string())?,
    };
    Ok(())
}

fn col_num(col: usize) -> Result<u16, XlsxError> {
    u16::try_from(col).map_err(|_| XlsxError::RowColumnLimitError)
}

fn truncate_chars(s: &str, max: usize) -> &str {
    s.char_indices().nth(max).map_or(s, |(i, _)| &s[..i])
}

/// Width of text in Excel character units: its longest line, with East
/// Asian wide characters (Chinese above all) counted double, as they take
/// two columns in Excel's default fonts.
fn display_width(text: &str) -> usize {
    text.lines()
        .map(|line| line.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum())
        .max()
        .unwrap_or(0)
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F // Hangul Jamo
        | 0x2E80..=0x303E // CJK radicals, punctuation
        | 0x3041..=0x33FF // kana, CJK symbols
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified ideographs
        | 0xA000..=0xA4CF // Yi
        | 0xAC00..=0xD7A3 // Hangul syllables
        | 0xF900..=0xFAFF // CJK compatibility ideographs
        | 0xFE30..=0xFE4F // CJK compatibility forms
        | 0xFF00..=0xFF60 // full-width forms
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD // CJK extensions B and later
    )
}

/// A sheet name Excel accepts: without `[]:*?/\`, not starting or ending
/// with an apostrophe, at most 31 characters, not blank, and unique in the
/// workbook ignoring case (`taken` holds the lower-cased names used so far).
fn sheet_name(wanted: &str, index: usize, taken: &mut HashSet<String>) -> String {
    let cleaned: String = wanted
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .collect();
    let cleaned = cleaned.trim().trim_matches('\'').trim();
    let base = if cleaned.is_empty() {
        format!("Sheet{}", index + 1)
    } else {
        cleaned.to_owned()
    };
    let mut name = truncate_chars(&base, SHEET_NAME_MAX).to_owned();
    let mut n = 2;
    while taken.contains(&name.to_lowercase()) {
        let suffix = format!(" ({n})");
        let room = SHEET_NAME_MAX - suffix.chars().count();
        name = format!("{}{suffix}", truncate_chars(&base, room).trim_end());
        n += 1;
    }
    taken.insert(name.to_lowercase());
    name
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};
    use std::io::Cursor;

    fn strings(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    #[test]
    fn csv_has_bom_crlf_and_round_trips() {
        let rows = strings(&[
            &["华为技术有限公司", "a, b", "say \"hi\""],
            &["line one\nline two", "", "12.5"],
        ]);
        let bytes = csv(&["名称", "Notes", "Spend"], &rows);
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        assert!(text.starts_with("名称,Notes,Spend\r\n"));
        assert!(text.ends_with("12.5\r\n"));
        assert!(text.contains("\"a, b\",\"say \"\"hi\"\"\""));

        let mut reader = csv::Reader::from_reader(&bytes[3..]);
        let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(headers, ["名称", "Notes", "Spend"]);
        let back: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        assert_eq!(back, rows);
    }

    #[test]
    fn csv_guards_against_formula_injection() {
        let rows = strings(&[&[
            "=HYPERLINK(\"http://x\",\"y\")",
            "+1+1",
            "-1+1",
            "@SUM(A1)",
            "\tcmd",
            "\r=1",
            "-3.5",
            "+7",
            "-.5",
            "-",
            "a=b",
        ]]);
        let bytes = csv(&["=h"], &rows);
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(&bytes[3..]);
        assert_eq!(&reader.headers().unwrap()[0], "'=h");
        let record = reader.records().next().unwrap().unwrap();
        let cells: Vec<&str> = record.iter().collect();
        assert_eq!(
            cells,
            [
                "'=HYPERLINK(\"http://x\",\"y\")",
                "'+1+1",
                "'-1+1",
                "'@SUM(A1)",
                "'\tcmd",
                "'\r=1",
                "-3.5",
                "+7",
                "-.5",
                "'-",
                "a=b",
            ]
        );
    }

    #[test]
    fn plain_numbers_are_recognised() {
        for yes in ["-3.5", "+7", "-12", "-0.", "-.5", "42"] {
            assert!(is_plain_number(yes), "{yes}");
        }
        for no in ["-", "-.", "-1e5", "-1.2.3", "-inf", "-NaN", "--1", "- 1"] {
            assert!(!is_plain_number(no), "{no}");
        }
    }

    fn read_back(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
        Xlsx::new(Cursor::new(bytes)).unwrap()
    }

    #[test]
    fn xlsx_reads_back_with_values_and_dates() {
        let date = chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        let sheets = [
            Sheet {
                name: "供应商",
                headers: vec!["名称".into(), "Spend".into(), "Since".into(), "Note".into()],
                rows: vec![
                    vec![
                        Cell::Text("华为".into()),
                        Cell::Number(-3.5),
                        Cell::Date(date),
                        Cell::Text("=1+1".into()),
                    ],
                    vec![Cell::Empty, Cell::Number(12.0)],
                    vec![Cell::Date(
                        chrono::NaiveDate::from_ymd_opt(1850, 1, 1).unwrap(),
                    )],
                ],
            },
            Sheet {
                name: "Findings",
                headers: vec!["ID".into()],
                rows: vec![],
            },
        ];
        let mut workbook = read_back(xlsx(&sheets).unwrap());
        assert_eq!(workbook.sheet_names(), ["供应商", "Findings"]);

        let range = workbook.worksheet_range("供应商").unwrap();
        assert_eq!(range.get_size(), (4, 4));
        assert_eq!(range.get_value((0, 0)), Some(&Data::String("名称".into())));
        assert_eq!(range.get_value((1, 0)), Some(&Data::String("华为".into())));
        assert_eq!(range.get_value((1, 1)), Some(&Data::Float(-3.5)));
        // Written as text, not as a formula.
        assert_eq!(range.get_value((1, 3)), Some(&Data::String("=1+1".into())));
        // The date format makes the cell a date to Excel (and calamine).
        match range.get_value((1, 2)) {
            Some(Data::DateTime(dt)) => {
                assert!(dt.is_datetime());
                assert_eq!(dt.to_ymd_hms_milli(), (2024, 2, 29, 0, 0, 0, 0));
            }
            other => panic!("expected a date, got {other:?}"),
        }
        assert_eq!(range.get_value((2, 0)), Some(&Data::Empty));
        assert_eq!(range.get_value((2, 1)), Some(&Data::Float(12.0)));
        // Before Excel's epoch: kept as text instead of failing.
        assert_eq!(
            range.get_value((3, 0)),
            Some(&Data::String("1850-01-01".into()))
        );

        let findings = workbook.worksheet_range("Findings").unwrap();
        assert_eq!(findings.get_value((0, 0)), Some(&Data::String("ID".into())));
    }

    #[test]
    fn xlsx_sheet_names_are_made_acceptable() {
        let long = "A very long sheet name that Excel would refuse";
        let names = [
            long,
            long,
            "Q1 [draft]: a/b\\c*?",
            "'quoted'",
            "",
            "history",
            "SHEET5",
        ];
        let sheets: Vec<Sheet> = names
            .iter()
            .map(|name| Sheet {
                name,
                headers: vec![],
                rows: vec![],
            })
            .collect();
        let workbook = read_back(xlsx(&sheets).unwrap());
        assert_eq!(
            workbook.sheet_names(),
            [
                "A very long sheet name that Exc",
                "A very long sheet name that (2)",
                "Q1 draft abc",
                "quoted",
                "Sheet5",
                "history (2)",
                "SHEET5 (2)",
            ]
        );
        for name in workbook.sheet_names() {
            assert!(name.chars().count() <= SHEET_NAME_MAX);
        }
    }

    #[test]
    fn display_width_counts_cjk_double_and_longest_line() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("华为"), 4);
        assert_eq!(display_width("（万元）"), 8);
        assert_eq!(display_width("ab\n华为技术"), 8);
        assert_eq!(display_width(""), 0);
    }
}
