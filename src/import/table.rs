//! Reading an uploaded spreadsheet into rows of text, the first step of
//! every import.
//!
//! DESIGN §5: a file is CSV (UTF-8, BOM tolerated) or XLSX (first sheet); its
//! headers are the canonical keys (English) or their Chinese labels; it is
//! checked whole before anything is written, and every problem is reported
//! with row, column, value and reason, rows numbered as a spreadsheet shows
//! them (header = row 1). This module only deals with the shape of the file:
//! which columns it has and what text each cell holds. What a value means is
//! for the per-kind importers, which add their own [`Problem`]s.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, XlsxError};
use serde::Serialize;

/// One problem of an import file, as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Spreadsheet row number (header = 1); 0 when the file as a whole is
    /// unusable.
    pub row: usize,
    pub column: String,
    pub value: String,
    pub reason: String,
}

impl Problem {
    /// A problem with the whole file rather than one of its cells.
    pub(crate) fn file(reason: impl Into<String>) -> Self {
        Problem {
            row: 0,
            column: String::new(),
            value: String::new(),
            reason: reason.into(),
        }
    }
}

/// A column an import kind accepts: canonical key, Chinese label, required.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub key: &'static str,
    pub label_zh: &'static str,
    pub required: bool,
}

/// The rows of a file, each cell addressed by canonical key.
#[derive(Debug, Clone)]
pub struct Table {
    /// Canonical key of each recognised file column, in file order; a row's
    /// cells are in the same order.
    columns: Vec<&'static str>,
    rows: Vec<Row>,
}

/// One non-empty data row of a file.
#[derive(Debug, Clone)]
pub struct Row {
    /// Spreadsheet row number, header = 1.
    pub number: usize,
    cells: Vec<String>,
}

/// The two kinds of file an import accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Csv,
    Xlsx,
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
pub(crate) const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// Compound File Binary: the container of old `.xls` workbooks and also of
/// password-protected `.xlsx` ones (which are encrypted inside it).
pub(crate) const CFB_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// What kind of file `bytes` is, judged by content: browsers and users get
/// file names and content types wrong too often to trust them.
pub fn detect_format(bytes: &[u8]) -> Option<FileFormat> {
    if bytes.starts_with(ZIP_MAGIC) {
        return Some(FileFormat::Xlsx);
    }
    let text = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    // NUL never occurs in a text file but is common in binary ones that
    // happen to be valid UTF-8 over a short stretch.
    if !text.contains(&0) && std::str::from_utf8(text).is_ok() {
        return Some(FileFormat::Csv);
    }
    None
}

/// Reads a CSV or XLSX file into a [`Table`] whose columns are matched
/// against `columns`. Either the whole file is usable or every problem found
/// in its shape is returned; a file with a header row and no data rows is an
/// empty table, which the caller may refuse.
pub fn read(bytes: &[u8], columns: &[Column]) -> Result<Table, Vec<Problem>> {
    let sheet = match detect_format(bytes) {
        Some(FileFormat::Csv) => read_csv(bytes),
        Some(FileFormat::Xlsx) => read_xlsx(bytes),
        None if bytes.starts_with(CFB_MAGIC) => Err(cfb_problem(bytes)),
        None if !bytes.contains(&0) => Err(Problem::file(
            "not a CSV or XLSX file: a CSV file must be UTF-8 (in Excel, save as \"CSV UTF-8\")",
        )),
        None => Err(Problem::file("not a CSV or XLSX file")),
    }
    .map_err(|p| vec![p])?;
    build(sheet, columns)
}

/// Cells of a file as text, before the header is interpreted.
struct RawSheet {
    /// (spreadsheet row number, cells) for every row the file holds; fully
    /// empty rows may or may not be present.
    rows: Vec<(usize, Vec<String>)>,
    /// Zero-based spreadsheet column of each row's first cell (an XLSX sheet
    /// may start right of column A); only used to name columns in problems.
    first_column: usize,
}

fn read_csv(bytes: &[u8]) -> Result<RawSheet, Problem> {
    let text = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text);
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    // The csv crate skips blank lines without a trace, yet a spreadsheet
    // shows each one as a row, and a line break inside a quoted cell does not
    // start a new row. So a record's row number is counted from the line
    // breaks before it, less those inside earlier records' cells.
    let mut start = 0; // byte where the previous record started
    let mut breaks_before = 0; // line breaks in text[..start]
    let mut breaks_inside = 0; // line breaks inside cells of earlier records
    let mut consumed = 0; // bytes the reader has consumed so far
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(Problem::file(format!("the CSV file cannot be read: {e}"))),
        }
        // The reader stops after the first byte of a record's terminator, so
        // the record itself starts past any further \r and \n bytes.
        let record_start = consumed
            + text[consumed..]
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
        consumed = reader.position().byte() as usize;
        breaks_before += count_line_breaks(&text[start..record_start]);
        start = record_start;
        rows.push((
            1 + breaks_before - breaks_inside,
            record.iter().map(str::to_owned).collect(),
        ));
        breaks_inside += record
            .iter()
            .map(|cell| count_line_breaks(cell.as_bytes()))
            .sum::<usize>();
    }
    Ok(RawSheet {
        rows,
        first_column: 0,
    })
}

/// Line breaks as a spreadsheet counts them: CRLF, LF or a lone CR.
fn count_line_breaks(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count()
}

/// Runs a workbook reader, turning a panic inside calamine into `None`: it
/// indexes parts of a file without checking them (a cell naming a shared
/// string past the end of the table, as in a workbook whose string table
/// is missing), and a damaged upload must be refused like any unreadable
/// file, not crash the import. Nothing of the reader outlives the call.
pub(crate) fn guard_reader<T>(read: impl FnOnce() -> T) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).ok()
}

fn read_xlsx(bytes: &[u8]) -> Result<RawSheet, Problem> {
    guard_reader(|| read_xlsx_sheet(bytes))
        .unwrap_or_else(|| Err(Problem::file("the workbook cannot be read: it is damaged")))
}

fn read_xlsx_sheet(bytes: &[u8]) -> Result<RawSheet, Problem> {
    let unreadable = |e: XlsxError| Problem::file(format!("the workbook cannot be read: {e}"));
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    let range = match workbook.worksheet_range_at(0) {
        None => return Err(Problem::file("the file is empty")),
        Some(range) => range.map_err(unreadable)?,
    };
    let Some((first_row, first_column)) = range.start() else {
        return Err(Problem::file("the file is empty"));
    };
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            (
                first_row as usize + i + 1,
                cells.iter().map(cell_text).collect(),
            )
        })
        .collect();
    Ok(RawSheet {
        rows,
        first_column: first_column as usize,
    })
}

/// A CFB file is either an encrypted `.xlsx` or an old `.xls`; calamine tells
/// the first apart, and both need the user to save the file differently.
pub(crate) fn cfb_problem(bytes: &[u8]) -> Problem {
    match Xlsx::new(Cursor::new(bytes)) {
        Err(XlsxError::Password) => Problem::file(
            "the workbook cannot be read: it is password-protected; save it without a password",
        ),
        _ => Problem::file(
            "the workbook cannot be read: it is an old .xls workbook; save it as .xlsx",
        ),
    }
}

/// A cell as the text the importers parse.
pub(crate) fn cell_text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => b.to_string(),
        // Imports hold dates only; a time of day (a pasted =NOW(), say) is
        // dropped rather than making the cell unparseable as a date.
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        Data::DateTime(dt) => number_text(dt.as_f64()),
        Data::DateTimeIso(s) => match s.get(..10) {
            Some(date) if is_iso_date(date) => date.to_owned(),
            _ => s.clone(),
        },
        Data::DurationIso(s) => s.clone(),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// A number as Excel displays it in a General cell: whole numbers without
/// ".0" and never in exponent form (a long code typed as a number must stay
/// a run of digits), and at most 15 significant digits, so binary noise such
/// as 0.1 + 0.2 = 0.30000000000000004 reads as 0.3.
fn number_text(f: f64) -> String {
    if !f.is_finite() {
        return String::new();
    }
    // Exponent form with 14 fractional digits is exactly 15 significant
    // digits; parsing it back rounds the value to them.
    let rounded: f64 = format!("{f:.14e}").parse().unwrap_or(f);
    if rounded == 0.0 {
        // Avoids "-0".
        return "0".to_owned();
    }
    // `Display` for f64 prints the shortest round-trip digits without an
    // exponent and without a trailing ".0".
    rounded.to_string()
}

fn build(sheet: RawSheet, columns: &[Column]) -> Result<Table, Vec<Problem>> {
    let mut rows = sheet
        .rows
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
    let Some((header_number, mut header)) = rows.next() else {
        return Err(vec![Problem::file("the file is empty")]);
    };
    // An XLSX range is rectangular, so the header row is padded with blank
    // cells up to the widest row; the file's columns end at the last header.
    let named = header.iter().rposition(|h| !h.trim().is_empty());
    header.truncate(named.map_or(0, |i| i + 1));

    let mut problems = Vec::new();
    // For each file column, the index of its column definition; `None` for a
    // column whose header is blank (its cells must then stay empty), unknown
    // or repeated.
    let mut mapping: Vec<Option<usize>> = Vec::with_capacity(header.len());
    for text in &header {
        if text.trim().is_empty() {
            mapping.push(None);
            continue;
        }
        match columns.iter().position(|c| header_matches(text, c)) {
            None => {
                problems.push(Problem {
                    row: header_number,
                    column: text.trim().to_owned(),
                    value: text.clone(),
                    reason: "unknown column".to_owned(),
                });
                mapping.push(None);
            }
            Some(index) if mapping.contains(&Some(index)) => {
                problems.push(Problem {
                    row: header_number,
                    column: columns[index].key.to_owned(),
                    value: text.clone(),
                    reason: "column given twice".to_owned(),
                });
                mapping.push(None);
            }
            Some(index) => mapping.push(Some(index)),
        }
    }
    for (index, column) in columns.iter().enumerate() {
        if column.required && !mapping.contains(&Some(index)) {
            problems.push(Problem {
                row: header_number,
                column: column.key.to_owned(),
                value: String::new(),
                reason: "missing column".to_owned(),
            });
        }
    }
    if !problems.is_empty() {
        // With the header wrong, every cell problem below would be noise.
        return Err(problems);
    }

    let mut table_rows = Vec::new();
    for (number, mut cells) in rows {
        for (i, cell) in cells.iter().enumerate() {
            let outside = match mapping.get(i) {
                None => Some("more cells than columns"),
                Some(None) => Some("cell in a column without header"),
                Some(Some(_)) => None,
            };
            if let (Some(reason), false) = (outside, cell.trim().is_empty()) {
                problems.push(Problem {
                    row: number,
                    column: column_letters(sheet.first_column + i),
                    value: cell.clone(),
                    reason: reason.to_owned(),
                });
            }
        }
        // A short row (CSV lines may stop early) has its missing cells empty.
        cells.resize(mapping.len(), String::new());
        let cells = cells
            .into_iter()
            .zip(&mapping)
            .filter_map(|(cell, m)| m.map(|_| cell))
            .collect();
        table_rows.push(Row { number, cells });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Table {
        columns: mapping
            .iter()
            .flatten()
            .map(|&index| columns[index].key)
            .collect(),
        rows: table_rows,
    })
}

/// Whether a header cell names `column`: the key in any letter case, or the
/// Chinese label, forgiving full-width parentheses since Chinese input
/// methods type those by default.
fn header_matches(text: &str, column: &Column) -> bool {
    let text = text.trim();
    if text.eq_ignore_ascii_case(column.key) {
        return true;
    }
    let normalise = |s: &str| s.trim().replace('（', "(").replace('）', ")");
    normalise(text) == normalise(column.label_zh)
}

/// Spreadsheet column name of a zero-based index: 0 → A, 26 → AA.
pub(crate) fn column_letters(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ASCII letters")
}

impl Table {
    /// The non-empty data rows, in file order.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// Whether the file has the column, so an importer can tell "left
    /// empty" from "not given" for an optional column (e.g. on update).
    pub fn has_column(&self, key: &str) -> bool {
        self.columns.contains(&key)
    }

    /// The trimmed text of `row` under column `key`; "" when the column is
    /// absent or the cell empty.
    pub fn get<'a>(&self, row: &'a Row, key: &str) -> &'a str {
        self.columns
            .iter()
            .position(|&c| c == key)
            .and_then(|i| row.cells.get(i))
            .map_or("", |cell| cell.trim())
    }

    /// Number of non-empty data rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

    const COLUMNS: &[Column] = &[
        Column {
            key: "name",
            label_zh: "名称",
            required: true,
        },
        Column {
            key: "uscc",
            label_zh: "统一社会信用代码",
            required: true,
        },
        Column {
            key: "spend",
            label_zh: "采购额（万元）",
            required: false,
        },
        Column {
            key: "since",
            label_zh: "合作开始日期",
            required: false,
        },
    ];

    fn problems(bytes: &[u8]) -> Vec<Problem> {
        read(bytes, COLUMNS).expect_err("should be refused")
    }

    fn problem(row: usize, column: &str, value: &str, reason: &str) -> Problem {
        Problem {
            row,
            column: column.to_owned(),
            value: value.to_owned(),
            reason: reason.to_owned(),
        }
    }

    /// (row number, name, uscc, spend, since) of every row.
    fn contents(table: &Table) -> Vec<(usize, &str, &str, &str, &str)> {
        table
            .rows()
            .iter()
            .map(|r| {
                (
                    r.number,
                    table.get(r, "name"),
                    table.get(r, "uscc"),
                    table.get(r, "spend"),
                    table.get(r, "since"),
                )
            })
            .collect()
    }

    #[test]
    fn detects_format_by_content() {
        assert_eq!(detect_format(b"PK\x03\x04rest"), Some(FileFormat::Xlsx));
        assert_eq!(
            detect_format("名称,uscc\n".as_bytes()),
            Some(FileFormat::Csv)
        );
        assert_eq!(
            detect_format(b"\xEF\xBB\xBFname\r\n"),
            Some(FileFormat::Csv)
        );
        // GBK-encoded "名称" is not UTF-8.
        assert_eq!(detect_format(b"\xC3\xFB\xB3\xC6,uscc\n"), None);
        assert_eq!(detect_format(b"name\0,uscc"), None);
        assert_eq!(detect_format(CFB_MAGIC), None);
    }

    #[test]
    fn csv_with_bom_and_english_headers() {
        let csv = "\u{FEFF}Name, USCC ,spend\r\n\
                   Acme,914403001922038216,12.5\r\n\
                   Beta,91350100M000100Y43,\r\n";
        let table = read(csv.as_bytes(), COLUMNS).unwrap();
        assert_eq!(
            contents(&table),
            vec![
                (2, "Acme", "914403001922038216", "12.5", ""),
                (3, "Beta", "91350100M000100Y43", "", ""),
            ]
        );
        assert_eq!(table.len(), 2);
        assert!(table.has_column("name") && table.has_column("spend"));
        assert!(!table.has_column("since"));
    }

    #[test]
    fn csv_with_chinese_headers_and_full_width_parentheses() {
        // The file spells the label with ASCII parentheses and padding, the
        // column definition with full-width ones.
        let csv = " 名称 ,统一社会信用代码,采购额(万元),合作开始日期\n华为, 914403001922038216 ,3,2024-01-31\n";
        let table = read(csv.as_bytes(), COLUMNS).unwrap();
        assert_eq!(
            contents(&table),
            vec![(2, "华为", "914403001922038216", "3", "2024-01-31")]
        );
    }

    #[test]
    fn csv_quoted_cell_with_comma_and_newline_is_one_row() {
        let csv = "name,uscc\n\"Acme, Inc.\",\"line one\nline two\"\nBeta,X\n";
        let table = read(csv.as_bytes(), COLUMNS).unwrap();
        assert_eq!(
            contents(&table),
            vec![
                (2, "Acme, Inc.", "line one\nline two", "", ""),
                // The line break inside the quoted cell does not add a row.
                (3, "Beta", "X", "", ""),
            ]
        );
    }

    #[test]
    fn csv_empty_lines_are_skipped_but_counted() {
        // A blank line, a line of only separators and blank cells all count
        // as rows in a spreadsheet but are not data.
        let csv = "name,uscc\r\nA,1\r\n\r\n,\r\n  ,\t\r\nB,2\r\n";
        let table = read(csv.as_bytes(), COLUMNS).unwrap();
        assert_eq!(
            contents(&table),
            vec![(2, "A", "1", "", ""), (6, "B", "2", "", "")]
        );
        // Old Mac line ends (lone CR) are line breaks too.
        let table = read(b"name,uscc\rA,1\r\rB,2", COLUMNS).unwrap();
        assert_eq!(
            contents(&table),
            vec![(2, "A", "1", "", ""), (4, "B", "2", "", "")]
        );
    }

    #[test]
    fn csv_short_rows_have_empty_cells() {
        let table = read(b"name,uscc,spend\nA\n", COLUMNS).unwrap();
        assert_eq!(contents(&table), vec![(2, "A", "", "", "")]);
    }

    #[test]
    fn header_problems_are_all_reported() {
        let csv = "name,colour,NAME\nA,red,B\n";
        assert_eq!(
            problems(csv.as_bytes()),
            vec![
                problem(1, "colour", "colour", "unknown column"),
                problem(1, "name", "NAME", "column given twice"),
                problem(1, "uscc", "", "missing column"),
            ]
        );
    }

    #[test]
    fn a_column_given_by_key_and_by_label_is_given_twice() {
        assert_eq!(
            problems("name,uscc,名称\n".as_bytes()),
            vec![problem(1, "name", "名称", "column given twice")]
        );
    }

    #[test]
    fn cells_beyond_the_header_are_problems_unless_empty() {
        // Trailing empty cells (Excel pads rows to the used width) are fine.
        let csv = "name,uscc\nA,1,,\nB,2,extra\n";
        assert_eq!(
            problems(csv.as_bytes()),
            vec![problem(3, "C", "extra", "more cells than columns")]
        );
        let csv = "name,,uscc\nA,,1\nB,stray,2\n";
        assert_eq!(
            problems(csv.as_bytes()),
            vec![problem(3, "B", "stray", "cell in a column without header")]
        );
    }

    #[test]
    fn header_only_file_is_an_empty_table() {
        let table = read(b"name,uscc\r\n\r\n", COLUMNS).unwrap();
        assert!(table.is_empty());
        assert_eq!(table.len(), 0);
    }

    #[test]
    fn unusable_files_are_one_problem_at_row_zero() {
        let empty = vec![problem(0, "", "", "the file is empty")];
        assert_eq!(problems(b""), empty);
        assert_eq!(problems(b"\xEF\xBB\xBF"), empty);
        assert_eq!(problems(b"\r\n,,\r\n"), empty);

        let binary = problems(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
        assert_eq!(binary, vec![problem(0, "", "", "not a CSV or XLSX file")]);

        let gbk = problems(b"\xC3\xFB\xB3\xC6,uscc\n");
        assert_eq!(gbk.len(), 1);
        assert!(gbk[0].reason.starts_with("not a CSV or XLSX file"));
        assert!(gbk[0].reason.contains("UTF-8"));

        let corrupt = problems(b"PK\x03\x04 but not really a zip");
        assert_eq!(corrupt.len(), 1);
        assert_eq!(corrupt[0].row, 0);
        assert!(corrupt[0]
            .reason
            .starts_with("the workbook cannot be read: "));

        let xls = problems(&[CFB_MAGIC, &[0; 504]].concat());
        assert_eq!(xls.len(), 1);
        assert!(xls[0].reason.starts_with("the workbook cannot be read: "));
        assert!(xls[0].reason.contains(".xlsx"));
    }

    #[test]
    fn problems_serialise_for_the_report() {
        let json = serde_json::to_value(problem(3, "uscc", "x", "bad")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"row": 3, "column": "uscc", "value": "x", "reason": "bad"})
        );
    }

    #[test]
    fn numbers_read_as_excel_shows_them() {
        assert_eq!(number_text(12.0), "12");
        assert_eq!(number_text(-3.5), "-3.5");
        assert_eq!(number_text(0.1 + 0.2), "0.3");
        assert_eq!(number_text(-0.0), "0");
        assert_eq!(number_text(123_456_789_012_345.0), "123456789012345");
        // Excel keeps 15 significant digits of an 18-digit code typed as a
        // number; what is left must still read as digits, not 9.1e17.
        assert_eq!(number_text(914_403_001_922_038_216.0), "914403001922038000");
        assert_eq!(number_text(f64::NAN), "");
    }

    #[test]
    fn column_letters_follow_spreadsheet_naming() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    /// A workbook whose first sheet holds `header` then typed rows, written
    /// the way Excel stores typed cells.
    fn workbook(first_row: u32, first_col: u16) -> Vec<u8> {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let (r, c) = (first_row, first_col);
        for (i, h) in ["名称", "USCC", "采购额（万元）", "合作开始日期"]
            .iter()
            .enumerate()
        {
            sheet.write_string(r, c + i as u16, *h).unwrap();
        }
        sheet.write_string(r + 1, c, "华为").unwrap();
        sheet
            .write_number(r + 1, c + 1, 914_403_001_922_038_216.0)
            .unwrap();
        sheet.write_number(r + 1, c + 2, 12.0).unwrap();
        let since = ExcelDateTime::from_ymd(2024, 2, 29).unwrap();
        sheet
            .write_datetime_with_format(r + 1, c + 3, &since, &date)
            .unwrap();
        // Row r + 2 left empty: skipped but counted.
        sheet.write_string(r + 3, c, " Acme ").unwrap();
        sheet
            .write_string(r + 3, c + 1, "91350100M000100Y43")
            .unwrap();
        sheet.write_number(r + 3, c + 2, 0.75).unwrap();
        sheet.write_boolean(r + 3, c + 3, true).unwrap();
        // A second sheet must be ignored.
        workbook
            .add_worksheet()
            .write_string(0, 0, "ignored")
            .unwrap();
        workbook.save_to_buffer().unwrap()
    }

    #[test]
    fn xlsx_first_sheet_cells_as_text() {
        let bytes = workbook(0, 0);
        assert_eq!(detect_format(&bytes), Some(FileFormat::Xlsx));
        let table = read(&bytes, COLUMNS).unwrap();
        assert_eq!(
            contents(&table),
            vec![
                (2, "华为", "914403001922038000", "12", "2024-02-29"),
                (4, "Acme", "91350100M000100Y43", "0.75", "true"),
            ]
        );
    }

    #[test]
    fn xlsx_rows_keep_sheet_numbers_when_data_starts_lower() {
        // Header in row 3, column B: problems must point at the real cells.
        let bytes = workbook(2, 1);
        let table = read(&bytes, COLUMNS).unwrap();
        let numbers: Vec<usize> = table.rows().iter().map(|r| r.number).collect();
        assert_eq!(numbers, vec![4, 6]);

        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.write_string(0, 1, "name").unwrap();
        sheet.write_string(0, 2, "uscc").unwrap();
        sheet.write_string(1, 1, "A").unwrap();
        sheet.write_string(1, 4, "extra").unwrap();
        let bytes = workbook.save_to_buffer().unwrap();
        assert_eq!(
            problems(&bytes),
            vec![problem(2, "E", "extra", "more cells than columns")]
        );
    }

    #[test]
    fn a_workbook_without_its_string_table_is_refused_not_a_panic() {
        // The table renamed inside the zip (contents and checksums intact):
        // calamine then reads the cells' string numbers past the end of an
        // empty table, a panic before `guard_reader`.
        let bytes = workbook(0, 0);
        let (from, to) = (b"xl/sharedStrings.xml", b"xl/sharedStrongs.xml");
        let mut renamed = bytes.clone();
        for at in 0..bytes.len() - from.len() {
            if &bytes[at..at + from.len()] == from {
                renamed[at..at + to.len()].copy_from_slice(to);
            }
        }
        assert_ne!(renamed, bytes);
        assert_eq!(
            problems(&renamed),
            vec![problem(
                0,
                "",
                "",
                "the workbook cannot be read: it is damaged"
            )]
        );
    }

    #[test]
    fn xlsx_empty_first_sheet_is_an_empty_file() {
        let mut workbook = Workbook::new();
        workbook.add_worksheet();
        workbook.add_worksheet().write_string(0, 0, "name").unwrap();
        let bytes = workbook.save_to_buffer().unwrap();
        assert_eq!(
            problems(&bytes),
            vec![problem(0, "", "", "the file is empty")]
        );
    }
}

/// Properties of the reader: no bytes make it panic, and what a CSV writer
/// or a spreadsheet program (rust_xlsxwriter) stores reads back as written,
/// row numbers included.
#[cfg(test)]
mod proptests {
    use super::*;
    use crate::domain::values::{self, proptests::dates};
    use chrono::{Datelike, NaiveDate};
    use proptest::prelude::*;
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

    const COLUMNS: &[Column] = &[
        Column {
            key: "name",
            label_zh: "名称",
            required: true,
        },
        Column {
            key: "spend",
            label_zh: "采购额（万元）",
            required: true,
        },
        Column {
            key: "since",
            label_zh: "合作开始日期",
            required: false,
        },
        Column {
            key: "note",
            label_zh: "备注",
            required: false,
        },
    ];

    /// Text a person may type in a cell: any character but the control
    /// ones (line breaks and tabs aside) that XML cannot hold, and NUL,
    /// which marks a file as binary.
    fn cell_string() -> impl Strategy<Value = String> {
        prop_oneof![
            "[^\\x00-\\x1f\\x7f\u{fffe}\u{ffff}]{0,10}",
            "[ a-z0-9,\"\r\n\t中]{0,10}",
        ]
    }

    /// What the reader must refuse or accept, never panic on.
    fn check_answer(result: &Result<Table, Vec<Problem>>) -> Result<(), TestCaseError> {
        if let Err(problems) = result {
            prop_assert!(!problems.is_empty());
            prop_assert!(problems.iter().all(|p| !p.reason.is_empty()));
        }
        Ok(())
    }

    /// The non-empty rows of a table as (row number, cells).
    fn read_back(table: &Table) -> Vec<(usize, Vec<String>)> {
        table
            .rows()
            .iter()
            .map(|row| {
                let cells = COLUMNS.iter().map(|c| table.get(row, c.key).to_owned());
                (row.number, cells.collect())
            })
            .collect()
    }

    /// The rows a reader should find: blank rows left out, numbers as a
    /// spreadsheet counts them with the first data row at `first`.
    fn expected(rows: &[Vec<String>], first: usize) -> Vec<(usize, Vec<String>)> {
        rows.iter()
            .enumerate()
            .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
            .map(|(i, cells)| {
                (
                    first + i,
                    cells.iter().map(|c| c.trim().to_owned()).collect(),
                )
            })
            .collect()
    }

    /// A cell as rust_xlsxwriter stores it.
    #[derive(Debug, Clone)]
    enum Cell {
        Empty,
        Text(String),
        Number(i64),
        /// Hundredths: a value with two decimals.
        Cents(i64),
        Flag(bool),
        Date(NaiveDate),
    }

    fn cell() -> impl Strategy<Value = Cell> {
        // Excel's calendar starts in 1900; its phantom 29 February 1900
        // shifts the days before March.
        let excel_dates = dates(
            NaiveDate::from_ymd_opt(1900, 3, 1).unwrap(),
            NaiveDate::from_ymd_opt(9999, 12, 31).unwrap(),
        );
        // Excel keeps 15 significant digits.
        let digits = -999_999_999_999_999i64..=999_999_999_999_999;
        prop_oneof![
            Just(Cell::Empty),
            cell_string().prop_map(Cell::Text),
            digits.clone().prop_map(Cell::Number),
            digits.prop_map(Cell::Cents),
            any::<bool>().prop_map(Cell::Flag),
            excel_dates.prop_map(Cell::Date),
        ]
    }

    impl Cell {
        /// The text the importers get for this cell.
        fn text(&self) -> String {
            match self {
                Cell::Empty => String::new(),
                Cell::Text(s) => s.clone(),
                Cell::Number(n) => n.to_string(),
                Cell::Cents(c) => {
                    let sign = if *c < 0 { "-" } else { "" };
                    let (units, cents) = (c.unsigned_abs() / 100, c.unsigned_abs() % 100);
                    let text = format!("{sign}{units}.{cents:02}");
                    text.trim_end_matches('0').trim_end_matches('.').to_owned()
                }
                Cell::Flag(b) => b.to_string(),
                Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn any_bytes_are_read_or_refused(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            check_answer(&read(&bytes, COLUMNS))?;
            // The same bytes behind each signature the reader dispatches on.
            for magic in [ZIP_MAGIC, CFB_MAGIC, UTF8_BOM] {
                check_answer(&read(&[magic, &bytes].concat(), COLUMNS))?;
            }
        }

        #[test]
        fn any_text_is_read_or_refused(text in any::<String>()) {
            check_answer(&read(text.as_bytes(), COLUMNS))?;
            let with_header = format!("name,spend,since\n{text}");
            check_answer(&read(with_header.as_bytes(), COLUMNS))?;
        }

        #[test]
        fn damaged_workbooks_never_panic(
            seed_rows in prop::collection::vec(prop::collection::vec(cell(), 4), 1..4),
            damage in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
            cut in any::<prop::sample::Index>(),
        ) {
            let mut bytes = workbook(0, 0, &seed_rows);
            for (at, byte) in damage {
                let i = at.index(bytes.len());
                bytes[i] = byte;
            }
            check_answer(&read(&bytes, COLUMNS))?;
            bytes.truncate(cut.index(bytes.len()));
            check_answer(&read(&bytes, COLUMNS))?;
        }

        #[test]
        fn csv_cells_read_back_as_written(
            rows in prop::collection::vec(prop::collection::vec(cell_string(), 4), 0..8),
            crlf in any::<bool>(),
            bom in any::<bool>(),
        ) {
            let terminator = if crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') };
            let mut writer = csv::WriterBuilder::new().terminator(terminator).from_writer(Vec::new());
            writer.write_record(COLUMNS.iter().map(|c| c.key)).unwrap();
            for row in &rows {
                writer.write_record(row).unwrap();
            }
            let mut bytes = if bom { UTF8_BOM.to_vec() } else { Vec::new() };
            bytes.extend(writer.into_inner().unwrap());
            let table = read(&bytes, COLUMNS).unwrap();
            prop_assert_eq!(read_back(&table), expected(&rows, 2));
        }

        #[test]
        fn xlsx_cells_read_back_as_written(
            rows in prop::collection::vec(prop::collection::vec(cell(), 4), 0..8),
            first_row in 0u32..30,
            first_column in 0u16..12,
        ) {
            let bytes = workbook(first_row, first_column, &rows);
            let table = read(&bytes, COLUMNS).unwrap();
            let texts: Vec<Vec<String>> =
                rows.iter().map(|r| r.iter().map(Cell::text).collect()).collect();
            prop_assert_eq!(read_back(&table), expected(&texts, first_row as usize + 2));
            // A date cell is a date to the importers' parser.
            for (cells, row) in rows.iter().zip(&texts) {
                for (cell, text) in cells.iter().zip(row) {
                    if let Cell::Date(day) = cell {
                        prop_assert_eq!(values::date(text), Ok(*day));
                    }
                }
            }
        }
    }

    /// A workbook with the header at (`first_row`, `first_column`), the
    /// Chinese labels for odd columns, then `rows`.
    fn workbook(first_row: u32, first_column: u16, rows: &[Vec<Cell>]) -> Vec<u8> {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        for (i, column) in COLUMNS.iter().enumerate() {
            let header = if i % 2 == 0 {
                column.key
            } else {
                column.label_zh
            };
            sheet
                .write_string(first_row, first_column + i as u16, header)
                .unwrap();
        }
        for (r, cells) in rows.iter().enumerate() {
            let row = first_row + 1 + r as u32;
            for (c, cell) in cells.iter().enumerate() {
                let column = first_column + c as u16;
                match cell {
                    Cell::Empty => {}
                    Cell::Text(s) => {
                        sheet.write_string(row, column, s).unwrap();
                    }
                    Cell::Number(n) => {
                        sheet.write_number(row, column, *n as f64).unwrap();
                    }
                    Cell::Cents(c) => {
                        sheet.write_number(row, column, *c as f64 / 100.0).unwrap();
                    }
                    Cell::Flag(b) => {
                        sheet.write_boolean(row, column, *b).unwrap();
                    }
                    Cell::Date(d) => {
                        let when = ExcelDateTime::from_ymd(
                            d.year() as u16,
                            d.month() as u8,
                            d.day() as u8,
                        )
                        .unwrap();
                        sheet
                            .write_datetime_with_format(row, column, &when, &date)
                            .unwrap();
                    }
                }
            }
        }
        workbook.save_to_buffer().unwrap()
    }
}
