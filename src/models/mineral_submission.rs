//! Suppliers' CMRT/EMRT submissions (DESIGN §2.8): one per supplier, year
//! and template; its Declaration answers, and every row of its Smelter List
//! matched against the RMI reference (rows are kept whatever they hold; what
//! could not be matched is the check report).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use super::audit_log::{self, Actor};
use super::supplier::Supplier;
use super::{insert_many, now, Paged};
use crate::db::schema::{mineral_submissions, smelter_declarations, smelters, suppliers};
use crate::db::DbConnection;
use crate::domain::minerals::{
    resolve_rows, DeclaredRow, Metal, Reference, Resolution, RowIssue, Template,
};
use crate::error::AppError;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = mineral_submissions)]
pub struct Submission {
    pub id: i32,
    #[serde(skip)]
    pub supplier_id: i32,
    pub year: i32,
    pub template: String,
    pub revision: String,
    pub company_name: String,
    pub declaration_scope: String,
    #[serde(skip)]
    pub declaration_json: String,
    pub file_name: String,
    #[serde(skip)]
    pub sha256: String,
    #[serde(skip)]
    pub attachment_id: Option<i32>,
    pub rows_total: i32,
    pub rows_matched: i32,
    pub rows_flagged: i32,
    pub imported_at: NaiveDateTime,
    #[serde(skip)]
    pub imported_by: Option<i32>,
    pub version: i32,
}

impl Submission {
    pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Option<Submission>> {
        mineral_submissions::table
            .find(id)
            .select(Submission::as_select())
            .get_result(conn)
            .optional()
    }

    pub fn template_label(&self) -> &'static str {
        Template::parse(&self.template).map_or("", Template::label)
    }

    pub fn declaration(&self) -> DeclarationDoc {
        serde_json::from_str(&self.declaration_json).unwrap_or_default()
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = smelter_declarations)]
pub struct Declaration {
    #[serde(skip)]
    pub id: i32,
    #[serde(skip)]
    pub submission_id: i32,
    pub row_number: i32,
    pub metal_text: String,
    pub metal: Option<String>,
    pub lookup_name: String,
    pub smelter_name: String,
    pub country_text: String,
    pub id_input: String,
    pub smelter_id_text: String,
    pub id_source: String,
    pub street: String,
    pub city: String,
    pub state_province: String,
    pub contact_name: String,
    pub contact_email: String,
    pub next_steps: String,
    pub mine_name: String,
    pub mine_country: String,
    pub recycled: String,
    pub comments: String,
    #[serde(skip)]
    pub smelter_ref_id: Option<i32>,
    pub match_kind: String,
    pub issues: String,
}

impl Declaration {
    fn as_declared_row(&self) -> DeclaredRow {
        DeclaredRow {
            metal: self.metal_text.clone(),
            lookup_name: self.lookup_name.clone(),
            smelter_name: self.smelter_name.clone(),
            id_input: self.id_input.clone(),
            smelter_id: self.smelter_id_text.clone(),
        }
    }

    pub fn issue_list(&self) -> Vec<RowIssue> {
        RowIssue::split(&self.issues)
    }

    /// The name the row gives, whichever column holds it.
    pub fn given_name(&self) -> &str {
        if self.smelter_name.trim().is_empty() {
            &self.lookup_name
        } else {
            &self.smelter_name
        }
    }

    /// The ID the row gives (column F, else A).
    pub fn given_id(&self) -> &str {
        if self.smelter_id_text.trim().is_empty() {
            &self.id_input
        } else {
            &self.smelter_id_text
        }
    }
}

/// Company information of the Declaration sheet (D8–D21).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CompanyInfo {
    pub name: String,
    pub scope: String,
    pub scope_description: String,
    pub unique_id: String,
    pub unique_id_authority: String,
    pub address: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub authorizer: String,
    pub authorizer_title: String,
    pub authorizer_email: String,
    pub authorizer_phone: String,
    pub effective_date: String,
}

impl CompanyInfo {
    /// (i18n key of the label, value) in the sheet's order.
    pub fn fields(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("cmrt.company.name", &self.name),
            ("cmrt.company.scope", &self.scope),
            ("cmrt.company.scope_description", &self.scope_description),
            ("cmrt.company.unique_id", &self.unique_id),
            (
                "cmrt.company.unique_id_authority",
                &self.unique_id_authority,
            ),
            ("cmrt.company.address", &self.address),
            ("cmrt.company.contact_name", &self.contact_name),
            ("cmrt.company.contact_email", &self.contact_email),
            ("cmrt.company.contact_phone", &self.contact_phone),
            ("cmrt.company.authorizer", &self.authorizer),
            ("cmrt.company.authorizer_title", &self.authorizer_title),
            ("cmrt.company.authorizer_email", &self.authorizer_email),
            ("cmrt.company.authorizer_phone", &self.authorizer_phone),
            ("cmrt.company.effective_date", &self.effective_date),
        ]
    }
}

/// The answer of one metal to one of questions 1–8.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MetalAnswer {
    pub question: u8,
    /// Metal code when recognised, else the label as given.
    pub metal: String,
    pub answer: String,
    pub comment: String,
}

/// The answer to a company-level question (A, B, …).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CompanyAnswer {
    pub question: String,
    pub answer: String,
    pub comment: String,
}

/// What the Declaration sheet says, kept as JSON with the submission.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeclarationDoc {
    /// The display language chosen in D3, as shown there.
    pub language: String,
    pub company: CompanyInfo,
    pub metal_answers: Vec<MetalAnswer>,
    pub company_answers: Vec<CompanyAnswer>,
}

impl DeclarationDoc {
    /// Question numbers and, per question, the answers by metal.
    pub fn questions(&self) -> Vec<(u8, Vec<&MetalAnswer>)> {
        let mut out: Vec<(u8, Vec<&MetalAnswer>)> = Vec::new();
        for a in &self.metal_answers {
            match out.iter_mut().find(|(q, _)| *q == a.question) {
                Some((_, list)) => list.push(a),
                None => out.push((a.question, vec![a])),
            }
        }
        out
    }
}

/// One row of the Smelter List sheet, columns A–Q as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeclarationInput {
    pub row_number: i32,
    /// A: smelter identification number input column.
    pub id_input: String,
    /// B
    pub metal: String,
    /// C
    pub lookup_name: String,
    /// D
    pub smelter_name: String,
    /// E
    pub country: String,
    /// F: smelter identification.
    pub smelter_id: String,
    /// G: source of the smelter identification number.
    pub id_source: String,
    pub street: String,
    pub city: String,
    pub state_province: String,
    pub contact_name: String,
    pub contact_email: String,
    pub next_steps: String,
    pub mine_name: String,
    pub mine_country: String,
    /// P: 100 % recycled or scrap feedstock.
    pub recycled: String,
    pub comments: String,
}

impl DeclarationInput {
    pub fn as_declared_row(&self) -> DeclaredRow {
        DeclaredRow {
            metal: self.metal.clone(),
            lookup_name: self.lookup_name.clone(),
            smelter_name: self.smelter_name.clone(),
            id_input: self.id_input.clone(),
            smelter_id: self.smelter_id.clone(),
        }
    }
}

/// A whole CMRT/EMRT as read from a workbook (or built by the demo).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmissionInput {
    pub template: Template,
    pub revision: String,
    pub declaration: DeclarationDoc,
    pub rows: Vec<DeclarationInput>,
}

impl SubmissionInput {
    /// Matches the rows against the reference.
    pub fn resolve(&self, reference: &Reference) -> Vec<Resolution> {
        let rows: Vec<DeclaredRow> = self.rows.iter().map(|r| r.as_declared_row()).collect();
        resolve_rows(&rows, reference, self.template)
    }
}

#[derive(Insertable)]
#[diesel(table_name = smelter_declarations)]
#[diesel(treat_none_as_default_value = false)]
struct NewDeclaration<'a> {
    submission_id: i32,
    row_number: i32,
    metal_text: &'a str,
    metal: Option<&'static str>,
    lookup_name: &'a str,
    smelter_name: &'a str,
    country_text: &'a str,
    id_input: &'a str,
    smelter_id_text: &'a str,
    id_source: &'a str,
    street: &'a str,
    city: &'a str,
    state_province: &'a str,
    contact_name: &'a str,
    contact_email: &'a str,
    next_steps: &'a str,
    mine_name: &'a str,
    mine_country: &'a str,
    recycled: &'a str,
    comments: &'a str,
    smelter_ref_id: Option<i32>,
    match_kind: &'static str,
    issues: String,
}

/// What writing a submission did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Created,
    /// An earlier file of the same supplier, year and template was replaced.
    Replaced,
    /// The same file again: nothing changed.
    Unchanged,
}

/// Where the submission came from.
pub struct Source<'a> {
    pub file_name: &'a str,
    /// Of the file's bytes (the same file again changes nothing).
    pub sha256: &'a str,
    pub attachment_id: Option<i32>,
    pub user_id: Option<i32>,
}

/// The submission of `supplier`, `year` and `template`, if any.
pub fn find_for(
    conn: &mut DbConnection,
    supplier_id: i32,
    year: i32,
    template: Template,
) -> QueryResult<Option<Submission>> {
    mineral_submissions::table
        .filter(mineral_submissions::supplier_id.eq(supplier_id))
        .filter(mineral_submissions::year.eq(year))
        .filter(mineral_submissions::template.eq(template.as_str()))
        .select(Submission::as_select())
        .first(conn)
        .optional()
}

fn counts(resolutions: &[Resolution]) -> (i32, i32, i32) {
    let total = resolutions.len() as i32;
    let matched = resolutions.iter().filter(|r| r.smelter.is_some()).count() as i32;
    let flagged = resolutions.iter().filter(|r| !r.issues.is_empty()).count() as i32;
    (total, matched, flagged)
}

/// Writes a checked submission: a new one, or in place of the earlier file
/// of the same supplier, year and template (its rows are replaced). The
/// caller matched the rows (`resolutions`, in row order).
pub fn write(
    conn: &mut DbConnection,
    actor: &Actor,
    supplier: &Supplier,
    year: i32,
    input: &SubmissionInput,
    resolutions: &[Resolution],
    source: &Source,
) -> Result<(Submission, Written), AppError> {
    let existing = find_for(conn, supplier.id, year, input.template)?;
    if let Some(current) = &existing {
        if !source.sha256.is_empty() && current.sha256 == source.sha256 {
            return Ok((current.clone(), Written::Unchanged));
        }
    }
    let (total, matched, flagged) = counts(resolutions);
    let declaration_json =
        serde_json::to_string(&input.declaration).map_err(|e| AppError::Internal(e.to_string()))?;
    let at = now();
    let entity_id = format!("{}/{}/{}", supplier.code, year, input.template.as_str());
    let summary = serde_json::json!({
        "file_name": source.file_name,
        "revision": input.revision,
        "rows": total,
        "matched": matched,
        "flagged": flagged,
    });
    let (id, written) = match &existing {
        Some(current) => {
            diesel::delete(
                smelter_declarations::table
                    .filter(smelter_declarations::submission_id.eq(current.id)),
            )
            .execute(conn)?;
            diesel::update(mineral_submissions::table.find(current.id))
                .set((
                    mineral_submissions::revision.eq(&input.revision),
                    mineral_submissions::company_name.eq(&input.declaration.company.name),
                    mineral_submissions::declaration_scope.eq(&input.declaration.company.scope),
                    mineral_submissions::declaration_json.eq(&declaration_json),
                    mineral_submissions::file_name.eq(source.file_name),
                    mineral_submissions::sha256.eq(source.sha256),
                    mineral_submissions::attachment_id.eq(source.attachment_id),
                    mineral_submissions::rows_total.eq(total),
                    mineral_submissions::rows_matched.eq(matched),
                    mineral_submissions::rows_flagged.eq(flagged),
                    mineral_submissions::imported_at.eq(at),
                    mineral_submissions::imported_by.eq(source.user_id),
                    mineral_submissions::version.eq(current.version + 1),
                ))
                .execute(conn)?;
            audit_log::record(
                conn,
                actor,
                "mineral_submission",
                &entity_id,
                "import_update",
                Some(&serde_json::json!({
                    "file_name": current.file_name,
                    "revision": current.revision,
                    "rows": current.rows_total,
                })),
                Some(&summary),
            )?;
            (current.id, Written::Replaced)
        }
        None => {
            let id: i32 = diesel::insert_into(mineral_submissions::table)
                .values((
                    mineral_submissions::supplier_id.eq(supplier.id),
                    mineral_submissions::year.eq(year),
                    mineral_submissions::template.eq(input.template.as_str()),
                    mineral_submissions::revision.eq(&input.revision),
                    mineral_submissions::company_name.eq(&input.declaration.company.name),
                    mineral_submissions::declaration_scope.eq(&input.declaration.company.scope),
                    mineral_submissions::declaration_json.eq(&declaration_json),
                    mineral_submissions::file_name.eq(source.file_name),
                    mineral_submissions::sha256.eq(source.sha256),
                    mineral_submissions::attachment_id.eq(source.attachment_id),
                    mineral_submissions::rows_total.eq(total),
                    mineral_submissions::rows_matched.eq(matched),
                    mineral_submissions::rows_flagged.eq(flagged),
                    mineral_submissions::imported_at.eq(at),
                    mineral_submissions::imported_by.eq(source.user_id),
                    mineral_submissions::version.eq(1),
                ))
                .returning(mineral_submissions::id)
                .get_result(conn)?;
            audit_log::record::<(), _>(
                conn,
                actor,
                "mineral_submission",
                &entity_id,
                "import",
                None,
                Some(&summary),
            )?;
            (id, Written::Created)
        }
    };
    let rows: Vec<NewDeclaration> = input
        .rows
        .iter()
        .zip(resolutions)
        .map(|(row, resolution)| NewDeclaration {
            submission_id: id,
            row_number: row.row_number,
            metal_text: &row.metal,
            metal: resolution.metal.map(Metal::as_str),
            lookup_name: &row.lookup_name,
            smelter_name: &row.smelter_name,
            country_text: &row.country,
            id_input: &row.id_input,
            smelter_id_text: &row.smelter_id,
            id_source: &row.id_source,
            street: &row.street,
            city: &row.city,
            state_province: &row.state_province,
            contact_name: &row.contact_name,
            contact_email: &row.contact_email,
            next_steps: &row.next_steps,
            mine_name: &row.mine_name,
            mine_country: &row.mine_country,
            recycled: &row.recycled,
            comments: &row.comments,
            smelter_ref_id: resolution.smelter,
            match_kind: resolution.how.as_str(),
            issues: RowIssue::join(&resolution.issues),
        })
        .collect();
    insert_many!(conn, smelter_declarations::table, rows);
    let saved = Submission::find(conn, id)?.ok_or(AppError::NotFound)?;
    Ok((saved, written))
}

/// Matches the rows of submissions again (all of them, or those given),
/// after the reference changed: IDs unknown before may be known now.
/// Returns the number of rows whose match changed.
pub fn rematch(
    conn: &mut DbConnection,
    reference: &Reference,
    only: Option<&[i32]>,
) -> QueryResult<usize> {
    let submissions: Vec<(i32, String)> = match only {
        Some(ids) => {
            let mut found = Vec::new();
            for chunk in ids.chunks(500) {
                found.extend(
                    mineral_submissions::table
                        .filter(mineral_submissions::id.eq_any(chunk))
                        .select((mineral_submissions::id, mineral_submissions::template))
                        .load::<(i32, String)>(conn)?,
                );
            }
            found
        }
        None => mineral_submissions::table
            .select((mineral_submissions::id, mineral_submissions::template))
            .load(conn)?,
    };
    let mut changed = 0;
    for (submission_id, template) in submissions {
        let Some(template) = Template::parse(&template) else {
            continue;
        };
        let rows = declarations_of(conn, submission_id)?;
        let declared: Vec<DeclaredRow> = rows.iter().map(Declaration::as_declared_row).collect();
        let resolutions = resolve_rows(&declared, reference, template);
        let mut any = false;
        for (row, resolution) in rows.iter().zip(&resolutions) {
            let issues = RowIssue::join(&resolution.issues);
            let metal = resolution.metal.map(Metal::as_str);
            if row.smelter_ref_id != resolution.smelter
                || row.issues != issues
                || row.metal.as_deref() != metal
                || row.match_kind != resolution.how.as_str()
            {
                any = true;
                changed += 1;
                diesel::update(smelter_declarations::table.find(row.id))
                    .set((
                        smelter_declarations::smelter_ref_id.eq(resolution.smelter),
                        smelter_declarations::metal.eq(metal),
                        smelter_declarations::match_kind.eq(resolution.how.as_str()),
                        smelter_declarations::issues.eq(issues),
                    ))
                    .execute(conn)?;
            }
        }
        if any {
            let (total, matched, flagged) = counts(&resolutions);
            diesel::update(mineral_submissions::table.find(submission_id))
                .set((
                    mineral_submissions::rows_total.eq(total),
                    mineral_submissions::rows_matched.eq(matched),
                    mineral_submissions::rows_flagged.eq(flagged),
                ))
                .execute(conn)?;
        }
    }
    Ok(changed)
}

/// The rows of a submission in sheet order.
pub fn declarations_of(
    conn: &mut DbConnection,
    submission_id: i32,
) -> QueryResult<Vec<Declaration>> {
    smelter_declarations::table
        .filter(smelter_declarations::submission_id.eq(submission_id))
        .order((smelter_declarations::row_number, smelter_declarations::id))
        .select(Declaration::as_select())
        .load(conn)
}

/// A supplier's submissions, newest year first.
pub fn for_supplier(conn: &mut DbConnection, supplier_id: i32) -> QueryResult<Vec<Submission>> {
    mineral_submissions::table
        .filter(mineral_submissions::supplier_id.eq(supplier_id))
        .order((
            mineral_submissions::year.desc(),
            mineral_submissions::template.asc(),
        ))
        .select(Submission::as_select())
        .load(conn)
}

/// A declared row with what the reference says of its smelter.
#[derive(Debug, Clone, Serialize)]
pub struct DeclaredSmelterRow {
    pub year: i32,
    pub template: String,
    #[serde(flatten)]
    pub row: Declaration,
    pub smelter: Option<super::smelter::Smelter>,
}

/// The rows of a supplier's submissions of `year`, with their reference
/// smelters, paged (sheet order within each template).
pub fn supplier_rows(
    conn: &mut DbConnection,
    supplier_id: i32,
    year: i32,
    page: i64,
    per_page: i64,
) -> QueryResult<Paged<DeclaredSmelterRow>> {
    let base = || {
        smelter_declarations::table
            .inner_join(mineral_submissions::table)
            .filter(mineral_submissions::supplier_id.eq(supplier_id))
            .filter(mineral_submissions::year.eq(year))
    };
    let total = base().count().get_result(conn)?;
    let rows: Vec<(Declaration, i32, String)> = base()
        .order((
            mineral_submissions::template.asc(),
            smelter_declarations::row_number.asc(),
            smelter_declarations::id.asc(),
        ))
        .limit(per_page)
        .offset((page - 1) * per_page)
        .select((
            Declaration::as_select(),
            mineral_submissions::year,
            mineral_submissions::template,
        ))
        .load(conn)?;
    let ids: Vec<i32> = rows
        .iter()
        .filter_map(|(d, _, _)| d.smelter_ref_id)
        .collect();
    let smelters_by_id = super::smelter::by_ids(conn, &ids)?;
    Ok(Paged {
        items: rows
            .into_iter()
            .map(|(row, year, template)| DeclaredSmelterRow {
                year,
                template,
                smelter: row
                    .smelter_ref_id
                    .and_then(|id| smelters_by_id.get(&id).cloned()),
                row,
            })
            .collect(),
        total,
        page,
        per_page,
    })
}

/// The distinct reference smelters a supplier declared in `year`.
pub fn supplier_smelters(
    conn: &mut DbConnection,
    supplier_id: i32,
    year: i32,
) -> QueryResult<Vec<super::smelter::Smelter>> {
    smelter_declarations::table
        .inner_join(mineral_submissions::table)
        .inner_join(smelters::table)
        .filter(mineral_submissions::supplier_id.eq(supplier_id))
        .filter(mineral_submissions::year.eq(year))
        .select(super::smelter::Smelter::as_select())
        .distinct()
        .order((smelters::metal.asc(), smelters::name.asc()))
        .load(conn)
}

/// One supplier's line in the year's supplier view.
#[derive(Debug, Clone, Serialize)]
pub struct SupplierLine {
    pub code: String,
    pub name: String,
    pub business_unit: String,
    /// "cmrt", "emrt" or both, as submitted.
    pub templates: Vec<String>,
    pub rows: i64,
    pub smelters: i64,
    /// Distinct declared smelters that are not RMAP-conformant.
    pub not_conformant: i64,
    /// Rows that match no smelter of the RMI list.
    pub unmatched: i64,
    pub flagged: i64,
}

/// (supplier id, code, name, business unit, template, rows, matched, flagged)
type SubmissionLine = (i32, String, String, String, String, i32, i32, i32);

/// Every supplier (of `business_unit`) with a submission for `year`, with
/// what their lists hold; `problems_only` keeps those whose lists contain
/// smelters that are not conformant or unknown.
pub fn supplier_lines(
    conn: &mut DbConnection,
    year: i32,
    business_unit: Option<&str>,
    problems_only: bool,
) -> QueryResult<Vec<SupplierLine>> {
    let bu = business_unit
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .map(str::to_lowercase);
    let mut query = mineral_submissions::table
        .inner_join(suppliers::table)
        .filter(mineral_submissions::year.eq(year))
        .select((
            suppliers::id,
            suppliers::code,
            suppliers::name,
            suppliers::business_unit,
            mineral_submissions::template,
            mineral_submissions::rows_total,
            mineral_submissions::rows_matched,
            mineral_submissions::rows_flagged,
        ))
        .order((suppliers::code.asc(), mineral_submissions::template.asc()))
        .into_boxed();
    if let Some(bu) = &bu {
        query = query.filter(suppliers::business_unit.eq(bu.clone()));
    }
    let submissions: Vec<SubmissionLine> = query.load(conn)?;

    // Distinct smelters per supplier, and which are not conformant.
    let mut pairs_query = smelter_declarations::table
        .inner_join(mineral_submissions::table.inner_join(suppliers::table))
        .inner_join(smelters::table)
        .filter(mineral_submissions::year.eq(year))
        .select((
            mineral_submissions::supplier_id,
            smelters::id,
            smelters::rmap_status,
        ))
        .distinct()
        .into_boxed();
    if let Some(bu) = &bu {
        pairs_query = pairs_query.filter(suppliers::business_unit.eq(bu.clone()));
    }
    let pairs: Vec<(i32, i32, String)> = pairs_query.load(conn)?;
    let mut per_supplier: HashMap<i32, (i64, i64)> = HashMap::new();
    for (supplier_id, _, status) in &pairs {
        let entry = per_supplier.entry(*supplier_id).or_default();
        entry.0 += 1;
        if status != "conformant" {
            entry.1 += 1;
        }
    }

    let mut lines: Vec<(i32, SupplierLine)> = Vec::new();
    for (id, code, name, business_unit, template, total, matched, flagged) in submissions {
        let line = match lines.last_mut() {
            Some((last, line)) if *last == id => line,
            _ => {
                let (smelters, not_conformant) = per_supplier.get(&id).copied().unwrap_or_default();
                lines.push((
                    id,
                    SupplierLine {
                        code,
                        name,
                        business_unit,
                        templates: Vec::new(),
                        rows: 0,
                        smelters,
                        not_conformant,
                        unmatched: 0,
                        flagged: 0,
                    },
                ));
                &mut lines.last_mut().expect("just pushed").1
            }
        };
        line.templates.push(template);
        line.rows += i64::from(total);
        line.unmatched += i64::from(total - matched);
        line.flagged += i64::from(flagged);
    }
    Ok(lines
        .into_iter()
        .map(|(_, line)| line)
        .filter(|l| !problems_only || l.not_conformant > 0 || l.unmatched > 0)
        .collect())
}
