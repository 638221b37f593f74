//! Uploaded files (evidence, audit reports, finding photos), kept in the
//! database so every app instance and every backup has them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::now;
use crate::auth::tokens::to_hex;
use crate::db::schema::attachments;
use crate::db::DbConnection;

/// An attachment without its bytes, for lists and permission checks.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = attachments)]
pub struct AttachmentInfo {
    pub id: i32,
    pub owner_type: String,
    pub owner_id: i32,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i32,
    pub sha256: String,
    pub created_at: NaiveDateTime,
}

/// A file received in an upload, already type-checked.
#[derive(Debug, Clone)]
pub struct Upload {
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

pub fn store(
    conn: &mut DbConnection,
    owner_type: &str,
    owner_id: i32,
    upload: &Upload,
    created_by: Option<i32>,
) -> QueryResult<i32> {
    diesel::insert_into(attachments::table)
        .values((
            attachments::owner_type.eq(owner_type),
            attachments::owner_id.eq(owner_id),
            attachments::file_name.eq(&upload.file_name),
            attachments::content_type.eq(upload.content_type),
            attachments::size_bytes.eq(upload.bytes.len() as i32),
            attachments::sha256.eq(to_hex(&Sha256::digest(&upload.bytes))),
            attachments::content.eq(&upload.bytes),
            attachments::created_at.eq(now()),
            attachments::created_by.eq(created_by),
        ))
        .returning(attachments::id)
        .get_result(conn)
}

/// Points an attachment stored before its owner existed at that owner.
pub fn set_owner(
    conn: &mut DbConnection,
    id: i32,
    owner_type: &str,
    owner_id: i32,
) -> QueryResult<()> {
    diesel::update(attachments::table.find(id))
        .set((
            attachments::owner_type.eq(owner_type),
            attachments::owner_id.eq(owner_id),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn info(conn: &mut DbConnection, id: i32) -> QueryResult<Option<AttachmentInfo>> {
    attachments::table
        .find(id)
        .select(AttachmentInfo::as_select())
        .get_result(conn)
        .optional()
}

pub fn content(conn: &mut DbConnection, id: i32) -> QueryResult<Vec<u8>> {
    attachments::table
        .find(id)
        .select(attachments::content)
        .get_result(conn)
}

pub fn for_owner(
    conn: &mut DbConnection,
    owner_type: &str,
    owner_ids: &[i32],
) -> QueryResult<Vec<AttachmentInfo>> {
    attachments::table
        .filter(attachments::owner_type.eq(owner_type))
        .filter(attachments::owner_id.eq_any(owner_ids))
        .order(attachments::id)
        .select(AttachmentInfo::as_select())
        .load(conn)
}

pub fn delete(conn: &mut DbConnection, id: i32) -> QueryResult<()> {
    diesel::delete(attachments::table.find(id)).execute(conn)?;
    Ok(())
}

/// An upload kept between an import's check and its confirmation, only for
/// the user who uploaded it.
pub fn pending_import(
    conn: &mut DbConnection,
    id: i32,
    user_id: i32,
) -> QueryResult<Option<(AttachmentInfo, Vec<u8>)>> {
    let found: Option<AttachmentInfo> = attachments::table
        .find(id)
        .filter(attachments::owner_type.eq("import_upload"))
        .filter(attachments::created_by.eq(user_id))
        .select(AttachmentInfo::as_select())
        .first(conn)
        .optional()?;
    match found {
        Some(info) => Ok(Some((info, content(conn, id)?))),
        None => Ok(None),
    }
}

/// Who besides the readers may download a file: the supplier whose contact
/// sees the page linking it, and the auditor assigned to the audit it came
/// from. Supplier contacts do not see audit pages, so an audit's report has
/// no supplier here; files of pending imports have neither.
#[derive(Debug, Default, PartialEq)]
pub struct Holders {
    pub supplier_id: Option<i32>,
    pub auditor_id: Option<i32>,
}

pub fn holders(conn: &mut DbConnection, info: &AttachmentInfo) -> QueryResult<Holders> {
    use crate::db::schema::{
        audits, corrective_actions, esg_data, findings, mineral_submissions, onboarding_reviews,
    };
    let id = info.owner_id;
    let supplier = |supplier_id: Option<i32>| Holders {
        supplier_id,
        auditor_id: None,
    };
    Ok(match info.owner_type.as_str() {
        "onboarding_review" => supplier(
            onboarding_reviews::table
                .find(id)
                .select(onboarding_reviews::supplier_id)
                .get_result(conn)
                .optional()?,
        ),
        "esg_data" => supplier(
            esg_data::table
                .find(id)
                .select(esg_data::supplier_id)
                .get_result(conn)
                .optional()?,
        ),
        "mineral_submission" => supplier(
            mineral_submissions::table
                .find(id)
                .select(mineral_submissions::supplier_id)
                .get_result(conn)
                .optional()?,
        ),
        "audit" => Holders {
            supplier_id: None,
            auditor_id: audits::table
                .find(id)
                .select(audits::auditor_id)
                .get_result(conn)
                .optional()?
                .flatten(),
        },
        "corrective_action" => corrective_actions::table
            .inner_join(findings::table.inner_join(audits::table))
            .filter(corrective_actions::id.eq(id))
            .select((corrective_actions::supplier_id, audits::auditor_id))
            .first::<(i32, Option<i32>)>(conn)
            .optional()?
            .map_or_else(Holders::default, |(supplier_id, auditor_id)| Holders {
                supplier_id: Some(supplier_id),
                auditor_id,
            }),
        _ => Holders::default(),
    })
}
