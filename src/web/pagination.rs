//! Page and search parameters shared by every list (pages and API).

use serde::Deserialize;

pub const DEFAULT_PER_PAGE: i64 = 50;
pub const MAX_PER_PAGE: i64 = 500;
/// Far beyond any list's end; keeps `(page - 1) * per_page` from overflowing.
pub const MAX_PAGE: i64 = 1_000_000;

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Each list documents its own search parameter.
    #[param(ignore)]
    pub q: Option<String>,
    #[serde(default, deserialize_with = "optional_number")]
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<i64>,
    #[serde(default, deserialize_with = "optional_number")]
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
}

/// Query strings carry numbers as text, and lists embed `ListQuery` with
/// `#[serde(flatten)]`, which hands every value over as a string: accept
/// both, and treat an empty value as absent.
pub fn optional_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Number(i64),
        Text(String),
    }
    match Option::<Raw>::deserialize(d)? {
        None => Ok(None),
        Some(Raw::Number(n)) => Ok(Some(n)),
        Some(Raw::Text(t)) if t.trim().is_empty() => Ok(None),
        Some(Raw::Text(t)) => t
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("{t:?} is not a whole number"))),
    }
}

impl ListQuery {
    pub fn page(&self) -> i64 {
        self.page.unwrap_or(1).clamp(1, MAX_PAGE)
    }

    pub fn per_page(&self) -> i64 {
        self.per_page
            .unwrap_or(DEFAULT_PER_PAGE)
            .clamp(1, MAX_PER_PAGE)
    }

    pub fn search(&self) -> Option<&str> {
        self.q.as_deref().map(str::trim).filter(|q| !q.is_empty())
    }

    /// The link to another page of the same list, keeping the search.
    pub fn link(&self, path: &str, page: i64) -> String {
        let mut params = vec![("page", page.to_string())];
        if let Some(q) = self.search() {
            params.push(("q", q.to_owned()));
        }
        if let Some(per_page) = self.per_page {
            params.push(("per_page", per_page.to_string()));
        }
        format!(
            "{path}?{}",
            serde_urlencoded::to_string(&params).unwrap_or_default()
        )
    }
}

/// What the pagination partial shows: where we are and the two neighbours.
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub prev_link: String,
    pub next_link: String,
}

impl Pager {
    pub fn new(query: &ListQuery, path: &str, total: i64) -> Pager {
        Pager::for_links(query, total, |page| query.link(path, page))
    }

    /// For lists with more parameters than `ListQuery` knows: `link` builds
    /// the address of a page.
    pub fn for_links(query: &ListQuery, total: i64, link: impl Fn(i64) -> String) -> Pager {
        let per_page = query.per_page();
        let pages = ((total + per_page - 1) / per_page).max(1);
        let page = query.page();
        Pager {
            page,
            pages,
            prev_link: link(page - 1),
            next_link: link(page + 1),
        }
    }

    pub fn has_prev(&self) -> bool {
        self.page > 1
    }

    pub fn has_next(&self) -> bool {
        self.page < self.pages
    }

    pub fn is_needed(&self) -> bool {
        self.pages > 1
    }
}

/// A list's filters as a query string, empty values left out, to build the
/// list's links (pages, sorting, exports).
pub fn filter_query(pairs: &[(&str, &Option<String>)]) -> String {
    let present: Vec<(&str, &str)> = pairs
        .iter()
        .filter_map(|(k, v)| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| (*k, v))
        })
        .collect();
    serde_urlencoded::to_string(present).unwrap_or_default()
}

/// Refuses filter values that could never match (a typo in a bookmarked
/// URL should say so rather than show an empty list).
pub fn refuse_unknown(problems: &crate::error::FieldErrors) -> Result<(), crate::error::AppError> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(crate::error::AppError::BadInput(format!(
            "unknown filter value for {}",
            problems.keys().cloned().collect::<Vec<_>>().join(", ")
        )))
    }
}

/// `optional_number` for year-like fields.
pub fn optional_number_i32<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<i32>, D::Error> {
    optional_number(d)?
        .map(|n| {
            i32::try_from(n).map_err(|_| serde::de::Error::custom(format!("{n} is out of range")))
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_and_size_are_clamped() {
        let q = ListQuery {
            q: Some("  acme ".into()),
            page: Some(0),
            per_page: Some(10_000),
        };
        assert_eq!(q.page(), 1);
        assert_eq!(q.per_page(), MAX_PER_PAGE);
        assert_eq!(q.search(), Some("acme"));
        assert_eq!(q.link("/x", 2), "/x?page=2&q=acme&per_page=10000");
    }
}
