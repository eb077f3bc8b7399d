//! Finding services and reading their guides.

use super::ApiError;
use crate::domain::catalog::{Department, ServiceItem};
use crate::domain::text::Text;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A service as listed on the home and catalog pages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServiceCard {
    pub code: String,
    pub name: Text,
    pub summary: Text,
    pub department: Text,
    pub audiences: Vec<String>,
    pub handling_depth: String,
    pub promised_days: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CatalogPage {
    pub items: Vec<ServiceCard>,
    pub departments: Vec<Department>,
}

/// Lists services matching the filters (each optional; unknown values match nothing
/// rather than everything, so a tampered link never shows a misleading list).
#[server(endpoint = "catalog/list")]
pub async fn list_services(
    query: Option<String>,
    department: Option<String>,
    audience: Option<String>,
    depth: Option<String>,
    popular_only: bool,
) -> Result<CatalogPage, ApiError> {
    use crate::domain::catalog::{Audience, HandlingDepth};
    use crate::server::store::CatalogFilter;
    use super::ssr::{internal, state};
    let store = state().store.clone();
    let departments = store.departments().await.map_err(|e| internal("listing departments", e))?;
    let nonempty = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    let audience_code = nonempty(audience);
    let depth_code = nonempty(depth);
    let filter = CatalogFilter {
        query: nonempty(query).map(|q| q.chars().take(50).collect()),
        department: nonempty(department),
        audience: audience_code.as_deref().and_then(Audience::from_code),
        handling_depth: depth_code.as_deref().and_then(HandlingDepth::from_code),
        popular_only,
    };
    let unknown_filter = (audience_code.is_some() && filter.audience.is_none()) || (depth_code.is_some() && filter.handling_depth.is_none());
    let rows = if unknown_filter { vec![] } else { store.list_service_items(&filter).await.map_err(|e| internal("listing services", e))? };
    let department_name = |code: &str| departments.iter().find(|d| d.code == code).map(|d| d.name.clone()).unwrap_or_default();
    let items = rows
        .into_iter()
        .map(|r| ServiceCard {
            department: department_name(&r.department),
            code: r.code,
            name: Text { zh: r.name_zh, en: r.name_en },
            summary: Text { zh: r.summary_zh, en: r.summary_en },
            audiences: r.audiences.split(',').filter(|a| !a.is_empty()).map(str::to_owned).collect(),
            handling_depth: r.handling_depth,
            promised_days: r.promised_days,
        })
        .collect();
    Ok(CatalogPage { items, departments })
}

/// A service offered while the citizen types, named in the page's language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    pub code: String,
    pub name: String,
}

/// How many services are offered while typing: a phone screen's worth.
pub const SUGGESTIONS: usize = 8;

/// Services matching what has been typed so far (Chinese, pinyin or initials, as the
/// catalog search), for the search box's suggestions. A GET, so it can be cached.
#[server(endpoint = "catalog/suggest", input = server_fn::codec::GetUrl)]
pub async fn suggest_services(q: String) -> Result<Vec<Suggestion>, ApiError> {
    use super::ssr::{internal, locale_code};
    use crate::server::store::CatalogFilter;
    let typed = q.trim();
    if typed.is_empty() {
        return Ok(Vec::new());
    }
    let filter = CatalogFilter { query: Some(typed.chars().take(50).collect()), ..Default::default() };
    let rows = super::ssr::state().store.list_service_items(&filter).await.map_err(|e| internal("suggesting services", e))?;
    let english = locale_code() == "en";
    Ok(rows.into_iter().take(SUGGESTIONS).map(|r| Suggestion { code: r.code, name: if english { r.name_en } else { r.name_zh } }).collect())
}

/// A service's guide and its department.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GuideView {
    pub item: ServiceItem,
    pub department: Department,
}

#[server(endpoint = "catalog/guide")]
pub async fn get_guide(code: String) -> Result<GuideView, ApiError> {
    use super::ssr::{internal, state};
    let store = state().store.clone();
    let item = store.service_item(&code).await.map_err(|e| internal("loading guide", e))?.ok_or(ApiError::NotFound)?;
    let department = store
        .departments()
        .await
        .map_err(|e| internal("loading departments", e))?
        .into_iter()
        .find(|d| d.code == item.department)
        .ok_or_else(|| internal("guide", format!("department {} missing", item.department)))?;
    Ok(GuideView { item: (*item).clone(), department })
}
