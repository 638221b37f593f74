//! CMRT and EMRT workbooks built in code with the official layout: sheets
//! named in English whatever the display language, Chinese (or English)
//! labels, the revision in Declaration!J3, company fields in D8–D21, one row
//! per metal and question with the answer in column D, company-level
//! questions A–H, and the Smelter List from row 5 in columns A–Q, where the
//! template's look-up formulas carry cached values (and empty template rows
//! hold formulas that found nothing).

use rust_xlsxwriter::{Formula, Workbook, Worksheet};

/// One Smelter List row, as a supplier leaves it.
#[derive(Debug, Clone, Default)]
pub struct ListRow {
    /// A: typed ID.
    pub id_input: String,
    /// B
    pub metal: String,
    /// C: look-up name, or "Smelter not listed".
    pub lookup: String,
    /// D
    pub name: String,
    /// E
    pub country: String,
    /// F: the ID the template's look-up found.
    pub smelter_id: String,
}

impl ListRow {
    /// A smelter picked from the look-up: the template fills in D–G.
    pub fn listed(metal: &str, name: &str, country: &str, smelter_id: &str) -> ListRow {
        ListRow {
            metal: metal.into(),
            lookup: name.into(),
            name: name.into(),
            country: country.into(),
            smelter_id: smelter_id.into(),
            ..ListRow::default()
        }
    }

    /// A smelter "not listed", typed by name (no ID).
    pub fn not_listed(metal: &str, name: &str, country: &str) -> ListRow {
        ListRow {
            metal: metal.into(),
            lookup: "Smelter not listed".into(),
            name: name.into(),
            country: country.into(),
            ..ListRow::default()
        }
    }

    /// Only an ID typed into column A.
    pub fn typed_id(metal: &str, id: &str) -> ListRow {
        ListRow {
            id_input: id.into(),
            metal: metal.into(),
            ..ListRow::default()
        }
    }
}

#[derive(Debug, Clone)]
pub struct TemplateFile {
    /// Declaration!J3, e.g. "Revision 6.22".
    pub revision: String,
    pub chinese: bool,
    pub company: String,
    pub emrt: bool,
    pub rows: Vec<ListRow>,
    /// Sheet names, to build files that are not CMRTs.
    pub declaration_sheet: String,
    pub list_sheet: String,
}

impl TemplateFile {
    pub fn cmrt(rows: Vec<ListRow>) -> TemplateFile {
        TemplateFile {
            revision: "Revision 6.22".into(),
            chinese: true,
            company: "深圳市华科精密电子有限公司".into(),
            emrt: false,
            rows,
            declaration_sheet: "Declaration".into(),
            list_sheet: "Smelter List".into(),
        }
    }

    pub fn emrt(rows: Vec<ListRow>) -> TemplateFile {
        TemplateFile {
            revision: "Revision 2.1".into(),
            emrt: true,
            ..TemplateFile::cmrt(rows)
        }
    }

    pub fn bytes(&self) -> Vec<u8> {
        let mut workbook = Workbook::new();
        for name in ["Revision", "Instructions", "Definitions"] {
            workbook
                .add_worksheet()
                .set_name(name)
                .unwrap()
                .write_string(0, 0, "Responsible Minerals Initiative")
                .unwrap();
        }
        let declaration = workbook
            .add_worksheet()
            .set_name(&self.declaration_sheet)
            .unwrap();
        self.write_declaration(declaration);
        let list = workbook.add_worksheet().set_name(&self.list_sheet).unwrap();
        self.write_list(list);
        for name in ["Product List", "Smelter Look-up", "Checker"] {
            workbook
                .add_worksheet()
                .set_name(name)
                .unwrap()
                .write_string(0, 0, "…")
                .unwrap();
        }
        workbook.save_to_buffer().unwrap()
    }

    fn write_declaration(&self, sheet: &mut Worksheet) {
        let (title, language) = match (self.emrt, self.chinese) {
            (false, true) => ("冲突矿产报告模板 (CMRT)", "中文 Chinese"),
            (false, false) => ("Conflict Minerals Reporting Template (CMRT)", "English"),
            (true, true) => ("扩展矿产报告模板 (EMRT)", "中文 Chinese"),
            (true, false) => ("Extended Minerals Reporting Template (EMRT)", "English"),
        };
        sheet.write_string(0, 1, title).unwrap();
        sheet
            .write_string(
                2,
                1,
                if self.chinese {
                    "选择语言"
                } else {
                    "Select Your Language"
                },
            )
            .unwrap();
        sheet.write_string(2, 3, language).unwrap();
        sheet.write_string(2, 9, &self.revision).unwrap();
        let labels_zh = [
            "公司名称 (*):",
            "申报范围或种类 (*):",
            "范围描述:",
            "公司唯一识别信息:",
            "公司唯一授权识别信息:",
            "地址:",
            "联系人姓名 (*):",
            "电子邮件 - 联系人 (*):",
            "电话 - 联系人 (*):",
            "授权人 (*):",
            "职务 - 授权人:",
            "电子邮件 - 授权人 (*):",
            "电话 - 授权人:",
            "生效日期 (*):",
        ];
        let values = [
            self.company.as_str(),
            "A. Company",
            "",
            "91440300MA5XXXXXX",
            "USCC",
            "深圳市宝安区",
            "陈浩",
            "chen.hao@huake.example.cn",
            "+86 755 1234 5678",
            "李静",
            "总经理",
            "li.jing@huake.example.cn",
            "",
            "2022-03-15",
        ];
        for (i, (label, value)) in labels_zh.iter().zip(values).enumerate() {
            let row = 7 + i as u32;
            sheet.write_string(row, 1, *label).unwrap();
            if !value.is_empty() {
                sheet.write_string(row, 3, value).unwrap();
            }
        }
        let metals: &[(&str, &str)] = if self.emrt {
            &[("钴", "Cobalt"), ("云母", "Mica")]
        } else {
            &[
                ("钽", "Tantalum"),
                ("锡", "Tin"),
                ("金", "Gold"),
                ("钨", "Tungsten"),
            ]
        };
        let questions = if self.emrt { 7 } else { 8 };
        let mut row = 22u32;
        for q in 1..=questions {
            let text = if self.chinese {
                format!("{q}) 问题 {q}（按金属作答）")
            } else {
                format!("{q}) Question {q}, answered per metal")
            };
            sheet.write_string(row, 1, &text).unwrap();
            row += 1;
            for (zh, en) in metals {
                sheet
                    .write_string(row, 2, if self.chinese { *zh } else { *en })
                    .unwrap();
                let answer = match q {
                    1 | 2 => "Yes",
                    6 => "Greater than 90%",
                    _ => "No",
                };
                sheet.write_string(row, 3, answer).unwrap();
                if q == 6 {
                    sheet.write_string(row, 4, "按 2021 年采购额").unwrap();
                }
                row += 1;
            }
        }
        row += 2;
        sheet
            .write_string(
                row - 1,
                1,
                if self.chinese {
                    "公司层面问题"
                } else {
                    "Company Level Questions"
                },
            )
            .unwrap();
        let letters: &[&str] = if self.emrt {
            &["A", "B", "C", "D", "E", "F", "G"]
        } else {
            &["A", "B", "C", "D", "E", "F", "G", "H"]
        };
        for letter in letters {
            sheet
                .write_string(row, 1, format!("{letter}. 贵公司是否……"))
                .unwrap();
            sheet.write_string(row, 3, "Yes").unwrap();
            if *letter == "B" {
                sheet
                    .write_string(row, 4, "https://huake.example.cn/minerals")
                    .unwrap();
            }
            row += 1;
        }
    }

    fn write_list(&self, sheet: &mut Worksheet) {
        sheet.write_string(0, 0, "冶炼厂清单 - 说明").unwrap();
        let headers = [
            "冶炼厂识别号码输入列",
            "金属 (*)",
            "冶炼厂查找 (*)",
            "冶炼厂名称 (1) (*)",
            "冶炼厂所在国家或地区 (*)",
            "冶炼厂识别",
            "冶炼厂出处识别号",
            "冶炼厂所在街道",
            "冶炼厂所在城市",
            "冶炼厂地址：州/省",
            "冶炼厂联系人",
            "冶炼厂联系人电子邮件",
            "建议的后续步骤",
            "矿井名称",
            "矿井所在国家或地区",
            "100% 回收料或报废料？",
            "注释",
        ];
        for (col, header) in headers.iter().enumerate() {
            sheet.write_string(3, col as u16, *header).unwrap();
        }
        let mut row = 4u32;
        for r in &self.rows {
            if !r.id_input.is_empty() {
                sheet.write_string(row, 0, &r.id_input).unwrap();
            }
            if !r.metal.is_empty() {
                sheet.write_string(row, 1, &r.metal).unwrap();
            }
            if !r.lookup.is_empty() {
                sheet.write_string(row, 2, &r.lookup).unwrap();
            }
            // D–G are the template's formulas: cached values of what they found.
            let cached = |sheet: &mut Worksheet, col: u16, value: &str| {
                let formula = Formula::new(format!(
                    "=IFERROR(VLOOKUP(C{},'Smelter Look-up'!A:H,{},FALSE),\"\")",
                    row + 1,
                    col
                ))
                .set_result(value);
                sheet.write_formula(row, col, formula).unwrap();
            };
            if r.lookup == "Smelter not listed" {
                sheet.write_string(row, 3, &r.name).unwrap();
                sheet.write_string(row, 4, &r.country).unwrap();
                cached(sheet, 5, "");
            } else {
                cached(sheet, 3, &r.name);
                cached(sheet, 4, &r.country);
                cached(sheet, 5, &r.smelter_id);
                cached(sheet, 6, if r.smelter_id.is_empty() { "" } else { "RMI" });
            }
            sheet.write_string(row, 15, "No").unwrap();
            row += 1;
        }
        // Empty template rows: their formulas found nothing ("" or 0).
        for extra in 0..20u32 {
            let r = row + extra;
            sheet
                .write_formula(r, 3, Formula::new("=IFERROR(1/0,\"\")").set_result(""))
                .unwrap();
            sheet
                .write_formula(r, 5, Formula::new("=0").set_result("0"))
                .unwrap();
        }
    }
}

/// A minimal Compound File Binary container holding an `EncryptedPackage`
/// stream: what Excel saves when a workbook is protected with a password.
pub fn password_protected() -> Vec<u8> {
    const FREE: u32 = 0xFFFF_FFFF;
    const END: u32 = 0xFFFF_FFFE;
    const FAT: u32 = 0xFFFF_FFFD;
    let mut header = vec![0u8; 512];
    header[..8].copy_from_slice(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
    let put16 =
        |buf: &mut Vec<u8>, at: usize, v: u16| buf[at..at + 2].copy_from_slice(&v.to_le_bytes());
    let put32 =
        |buf: &mut Vec<u8>, at: usize, v: u32| buf[at..at + 4].copy_from_slice(&v.to_le_bytes());
    put16(&mut header, 24, 0x003E);
    put16(&mut header, 26, 0x0003);
    put16(&mut header, 28, 0xFFFE);
    put16(&mut header, 30, 0x0009);
    put16(&mut header, 32, 0x0006);
    put32(&mut header, 44, 1); // FAT sectors
    put32(&mut header, 48, 1); // first directory sector
    put32(&mut header, 56, 0x1000);
    put32(&mut header, 60, END); // no mini FAT
    put32(&mut header, 68, END); // no DIFAT sectors
    put32(&mut header, 76, 0); // the FAT is sector 0
    for i in 1..109 {
        put32(&mut header, 76 + i * 4, FREE);
    }
    let mut fat = vec![0xFFu8; 512];
    put32(&mut fat, 0, FAT);
    put32(&mut fat, 4, END);
    let mut dir = vec![0u8; 512];
    let entry = |dir: &mut Vec<u8>, index: usize, name: &str, kind: u8, child: u32| {
        let base = index * 128;
        let utf16: Vec<u16> = name.encode_utf16().chain([0]).collect();
        for (i, unit) in utf16.iter().enumerate() {
            dir[base + i * 2..base + i * 2 + 2].copy_from_slice(&unit.to_le_bytes());
        }
        dir[base + 64..base + 66].copy_from_slice(&((utf16.len() * 2) as u16).to_le_bytes());
        dir[base + 66] = kind;
        dir[base + 67] = 1;
        dir[base + 68..base + 72].copy_from_slice(&FREE.to_le_bytes());
        dir[base + 72..base + 76].copy_from_slice(&FREE.to_le_bytes());
        dir[base + 76..base + 80].copy_from_slice(&child.to_le_bytes());
        dir[base + 116..base + 120].copy_from_slice(&END.to_le_bytes());
    };
    entry(&mut dir, 0, "Root Entry", 5, 1);
    entry(&mut dir, 1, "EncryptedPackage", 2, FREE);
    entry(&mut dir, 2, "EncryptionInfo", 2, FREE);
    [header, fat, dir].concat()
}
