//! Improvement programme pages ("satisfied factory", DESIGN §2.9): a
//! supplier's programme with its areas, actions, targets and measured
//! results. Procurement writes; whoever may see the supplier reads.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::chrome::Chrome;
use super::session::redirect;
use super::suppliers::visible_supplier;
use super::{AppState, RenderHtml};
use crate::auth::csrf::CsrfOnly;
use crate::auth::identity::Identity;
use crate::auth::{AnyRole, Authorized, CsrfForm, Staff};
use crate::domain::esg::{ResultUnit, PROGRAMME_AREAS};
use crate::domain::role::Role;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::programme::{self, Item, ItemInput, Programme, ProgrammeInput};
use crate::models::supplier::Supplier;

pub fn area_label(chrome: &Chrome, area: &str) -> &'static str {
    chrome.t(&format!("programme.area.{area}"))
}

#[derive(Template)]
#[template(path = "programmes/form.html")]
struct FormPage {
    chrome: Chrome,
    supplier: Supplier,
    input: ProgrammeInput,
    problems: FieldErrors,
    editing: Option<Programme>,
}

impl FormPage {
    fn problem(&self, field: &str) -> Option<&'static str> {
        self.chrome.problem(&self.problems, field)
    }

    fn action(&self) -> String {
        match &self.editing {
            Some(p) => format!("/suppliers/{}/programmes/{}", self.supplier.code, p.id),
            None => format!("/suppliers/{}/programmes", self.supplier.code),
        }
    }
}

fn unprocessable(body: String) -> HttpResponse {
    HttpResponse::UnprocessableEntity()
        .content_type("text/html; charset=utf-8")
        .body(body)
}

pub async fn new_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Staff>,
    code: web::Path<String>,
) -> AppResult<HttpResponse> {
    let supplier = visible_supplier(&state, &user, code.into_inner()).await?;
    FormPage {
        chrome: Chrome::new(&req, Some(&user), "suppliers"),
        supplier,
        input: ProgrammeInput::default(),
        problems: FieldErrors::new(),
        editing: None,
    }
    .page()
}

pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Staff>,
    code: web::Path<String>,
    form: CsrfForm<ProgrammeInput>,
) -> AppResult<HttpResponse> {
    let supplier = visible_supplier(&state, &user, code.into_inner()).await?;
    let input = form.0;
    let fields = match input.check() {
        Ok(fields) => fields,
        Err(problems) => {
            let page = FormPage {
                chrome: Chrome::new(&req, Some(&user), "suppliers"),
                supplier,
                input,
                problems,
                editing: None,
            };
            return Ok(unprocessable(page.render_html()?));
        }
    };
    let actor = user.actor();
    let (id, code) = (supplier.id, supplier.code.clone());
    let created = state
        .transaction(move |conn| programme::insert(conn, &actor, id, &code, &fields))
        .await?;
    Ok(redirect(&format!(
        "/suppliers/{}/programmes/{}",
        supplier.code, created.id
    )))
}

async fn load(
    state: &AppState,
    identity: &Identity,
    code: String,
    id: i32,
) -> AppResult<(Supplier, Programme, Vec<Item>)> {
    let supplier = visible_supplier(state, identity, code).await?;
    let supplier_id = supplier.id;
    let (programme, items) = state
        .db(move |conn| Ok(programme::for_supplier_by_id(conn, supplier_id, id)?))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((supplier, programme, items))
}

#[derive(Template)]
#[template(path = "programmes/detail.html")]
struct DetailPage {
    chrome: Chrome,
    supplier: Supplier,
    programme: Programme,
    items: Vec<Item>,
    can_edit: bool,
    input: ItemInput,
    problems: FieldErrors,
}

impl DetailPage {
    fn problem(&self, field: &str) -> Option<&'static str> {
        self.chrome.problem(&self.problems, field)
    }

    fn areas(&self) -> Vec<(&'static str, &'static str)> {
        PROGRAMME_AREAS
            .iter()
            .map(|a| (*a, area_label(&self.chrome, a)))
            .collect()
    }

    fn units(&self) -> Vec<(&'static str, &'static str)> {
        ResultUnit::ALL
            .iter()
            .map(|u| {
                (
                    u.as_str(),
                    self.chrome.t(&format!("programme.unit.{}", u.as_str())),
                )
            })
            .collect()
    }
}

pub async fn detail(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<AnyRole>,
    path: web::Path<(String, i32)>,
) -> AppResult<HttpResponse> {
    let (code, id) = path.into_inner();
    let (supplier, programme, items) = load(&state, &user, code, id).await?;
    DetailPage {
        chrome: Chrome::new(&req, Some(&user), "suppliers"),
        supplier,
        programme,
        items,
        can_edit: matches!(user.role(), Role::Admin | Role::Procurement),
        input: ItemInput::default(),
        problems: FieldErrors::new(),
    }
    .page()
}

pub async fn edit_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Staff>,
    path: web::Path<(String, i32)>,
) -> AppResult<HttpResponse> {
    let (code, id) = path.into_inner();
    let (supplier, programme, _) = load(&state, &user, code, id).await?;
    FormPage {
        chrome: Chrome::new(&req, Some(&user), "suppliers"),
        supplier,
        input: ProgrammeInput::from_programme(&programme),
        problems: FieldErrors::new(),
        editing: Some(programme),
    }
    .page()
}

#[derive(Deserialize)]
pub struct EditForm {
    #[serde(default)]
    version: String,
    #[serde(flatten)]
    input: ProgrammeInput,
}

pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Staff>,
    path: web::Path<(String, i32)>,
    form: CsrfForm<EditForm>,
) -> AppResult<HttpResponse> {
    let (code, id) = path.into_inner();
    let form = form.0;
    let (supplier, before, _) = load(&state, &user, code, id).await?;
    let version: i32 = form.version.trim().parse().map_err(|_| {
        AppError::BadInput("the form lacks the record version; reload the page".into())
    })?;
    let fields = match form.input.check() {
        Ok(fields) => fields,
        Err(problems) => {
            let page = FormPage {
                chrome: Chrome::new(&req, Some(&user), "suppliers"),
                supplier,
                input: form.input,
                problems,
                editing: Some(before),
            };
            return Ok(unprocessable(page.render_html()?));
        }
    };
    let actor = user.actor();
    let code = supplier.code.clone();
    state
        .transaction(move |conn| programme::update(conn, &actor, &code, &before, version, &fields))
        .await?;
    Ok(redirect(&format!(
        "/suppliers/{}/programmes/{id}",
        supplier.code
    )))
}

pub async fn add_item(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Authorized<Staff>,
    path: web::Path<(String, i32)>,
    form: CsrfForm<ItemInput>,
) -> AppResult<HttpResponse> {
    let (code, id) = path.into_inner();
    let input = form.0;
    let (supplier, programme, items) = load(&state, &user, code, id).await?;
    let fields = match input.check() {
        Ok(fields) => fields,
        Err(problems) => {
            let page = DetailPage {
                chrome: Chrome::new(&req, Some(&user), "suppliers"),
                supplier,
                programme,
                items,
                can_edit: true,
                input,
                problems,
            };
            return Ok(unprocessable(page.render_html()?));
        }
    };
    let actor = user.actor();
    let code = supplier.code.clone();
    state
        .transaction(move |conn| programme::add_item(conn, &actor, &code, &programme, &fields))
        .await?;
    Ok(redirect(&format!(
        "/suppliers/{}/programmes/{id}#items",
        supplier.code
    )))
}

pub async fn remove_item(
    state: web::Data<AppState>,
    user: Authorized<Staff>,
    path: web::Path<(String, i32, i32)>,
    _form: CsrfForm<CsrfOnly>,
) -> AppResult<HttpResponse> {
    let (code, id, item) = path.into_inner();
    let (supplier, programme, _) = load(&state, &user, code, id).await?;
    let actor = user.actor();
    let code = supplier.code.clone();
    state
        .transaction(move |conn| programme::remove_item(conn, &actor, &code, &programme, item))
        .await?;
    Ok(redirect(&format!(
        "/suppliers/{}/programmes/{id}#items",
        supplier.code
    )))
}
