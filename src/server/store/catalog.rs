//! The catalog: departments, service items and service sites.

use super::{Pool, Store, StoreResult, corrupt, like_pattern};
use crate::domain::catalog::{Audience, Department, HandlingDepth, ServiceItem};
use crate::domain::site::{Site, Sites};
use crate::server::page_cache::KEEP_FOR;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Instant;

/// A catalog entry as listed, without its full guide.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ServiceSummaryRow {
    pub code: String,
    pub department: String,
    pub name_zh: String,
    pub name_en: String,
    pub summary_zh: String,
    pub summary_en: String,
    pub audiences: String,
    pub handling_depth: String,
    pub popular: bool,
    pub promised_days: i64,
}

/// Filters of the catalog list; `None` means any.
#[derive(Clone, Debug, Default)]
pub struct CatalogFilter {
    pub query: Option<String>,
    pub department: Option<String>,
    pub audience: Option<Audience>,
    pub handling_depth: Option<HandlingDepth>,
    pub popular_only: bool,
}

/// The catalog as this process last read it. The catalog changes only when a
/// process starts with new catalog files, yet every guide, form, submission and
/// lookup reads its item and the departments, and reading the item means parsing
/// its stored definition (JSON) again. What was read is kept for
/// [`KEEP_FOR`] (as rendered pages are), so a change made by another process shows
/// within that time; this process's own changes drop it at once.
#[derive(Default)]
pub(super) struct CatalogMemo {
    /// Only items that exist: codes asked for at random must not grow it.
    items: RwLock<HashMap<String, (Instant, Arc<ServiceItem>)>>,
    departments: RwLock<Option<(Instant, Vec<Department>)>>,
}

fn fresh(at: &Instant) -> bool {
    at.elapsed() < KEEP_FOR
}

impl Store {
    pub async fn upsert_department(&self, d: &Department) -> StoreResult<()> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO departments (code, name_zh, name_en, phone) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, phone = excluded.phone",
            )
            .bind(&d.code).bind(&d.name.zh).bind(&d.name.en).bind(&d.phone)
            .execute(pool).await?;
        });
        *self.catalog.departments.write().unwrap_or_else(|p| p.into_inner()) = None;
        Ok(())
    }

    pub async fn departments(&self) -> StoreResult<Vec<Department>> {
        if let Some((_, kept)) = self.catalog.departments.read().unwrap_or_else(|p| p.into_inner()).as_ref().filter(|(at, _)| fresh(at)) {
            return Ok(kept.clone());
        }
        let read = Instant::now();
        let rows: Vec<(String, String, String, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT code, name_zh, name_en, phone FROM departments ORDER BY code").fetch_all(pool).await?
        });
        let departments = rows
            .into_iter()
            .map(|(code, zh, en, phone)| Department { code, name: crate::domain::text::Text { zh, en }, phone })
            .collect::<Vec<_>>();
        *self.catalog.departments.write().unwrap_or_else(|p| p.into_inner()) = Some((read, departments.clone()));
        Ok(departments)
    }

    /// Stores `item` unless an identical version is already there. Returns whether
    /// anything changed, so start-up can report what the catalog files changed.
    pub async fn upsert_service_item(&self, item: &ServiceItem, search_pinyin: &str, content_hash: &str, at: i64) -> StoreResult<bool> {
        let definition = serde_json::to_string(item).map_err(corrupt)?;
        let audiences = format!(",{},", item.audience.iter().map(|a| a.code()).collect::<Vec<_>>().join(","));
        let changed = on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO service_items (code, department, name_zh, name_en, summary_zh, summary_en, audiences,
                     handling_depth, popular, promised_days, definition, content_hash, updated_at, search_pinyin)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                 ON CONFLICT (code) DO UPDATE SET department = excluded.department, name_zh = excluded.name_zh,
                     name_en = excluded.name_en, summary_zh = excluded.summary_zh, summary_en = excluded.summary_en,
                     audiences = excluded.audiences, handling_depth = excluded.handling_depth, popular = excluded.popular,
                     promised_days = excluded.promised_days, definition = excluded.definition,
                     content_hash = excluded.content_hash, updated_at = excluded.updated_at,
                     search_pinyin = excluded.search_pinyin
                 WHERE service_items.content_hash <> excluded.content_hash
                    OR service_items.search_pinyin <> excluded.search_pinyin",
            )
            .bind(&item.code).bind(&item.department).bind(&item.name.zh).bind(&item.name.en)
            .bind(&item.summary.zh).bind(&item.summary.en).bind(&audiences).bind(item.handling_depth.code())
            .bind(item.popular).bind(i64::from(item.guide.promised_days)).bind(&definition).bind(content_hash).bind(at)
            .bind(search_pinyin)
            .execute(pool).await?.rows_affected()
        });
        self.catalog.items.write().unwrap_or_else(|p| p.into_inner()).remove(&item.code);
        Ok(changed > 0)
    }

    pub async fn list_service_items(&self, filter: &CatalogFilter) -> StoreResult<Vec<ServiceSummaryRow>> {
        // Fixed SQL with "$n IS NULL OR …" keeps one statement (and one prepared plan) per engine.
        let query = filter.query.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(like_pattern);
        let audience = filter.audience.map(|a| format!("%,{},%", a.code()));
        // "shengyu", "sydj": matched against the keys made at load (domain::search).
        let pinyin = filter.query.as_deref().and_then(crate::domain::search::pinyin_query).map(|q| like_pattern(&q));
        let rows = on_pool!(self, pool => {
            sqlx::query_as::<_, ServiceSummaryRow>(
                "SELECT code, department, name_zh, name_en, summary_zh, summary_en, audiences, handling_depth, popular, promised_days
                 FROM service_items
                 WHERE ($1 IS NULL OR LOWER(name_zh) LIKE $1 ESCAPE '\\' OR LOWER(name_en) LIKE $1 ESCAPE '\\'
                        OR LOWER(summary_zh) LIKE $1 ESCAPE '\\' OR LOWER(summary_en) LIKE $1 ESCAPE '\\'
                        OR ($6 IS NOT NULL AND search_pinyin LIKE $6 ESCAPE '\\'))
                   AND ($2 IS NULL OR department = $2)
                   AND ($3 IS NULL OR audiences LIKE $3)
                   AND ($4 IS NULL OR handling_depth = $4)
                   AND ($5 = FALSE OR popular = TRUE)
                 ORDER BY popular DESC, code",
            )
            .bind(query).bind(filter.department.as_deref()).bind(audience)
            .bind(filter.handling_depth.map(|d| d.code())).bind(filter.popular_only).bind(pinyin)
            .fetch_all(pool).await?
        });
        Ok(rows)
    }

    pub async fn service_item(&self, code: &str) -> StoreResult<Option<Arc<ServiceItem>>> {
        if let Some((_, kept)) = self.catalog.items.read().unwrap_or_else(|p| p.into_inner()).get(code).filter(|(at, _)| fresh(at)) {
            return Ok(Some(kept.clone()));
        }
        let read = Instant::now();
        let definition: Option<String> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT definition FROM service_items WHERE code = $1").bind(code).fetch_optional(pool).await?
        });
        let Some(definition) = definition else { return Ok(None) };
        let item: ServiceItem = serde_json::from_str(&definition).map_err(|e| corrupt(format!("service item {code}: {e}")))?;
        let item = Arc::new(item);
        self.catalog.items.write().unwrap_or_else(|p| p.into_inner()).insert(code.to_owned(), (read, item.clone()));
        Ok(Some(item))
    }

    /// Stores the service sites with their paths (`/district/town/village/`).
    pub async fn upsert_sites(&self, sites: &Sites) -> StoreResult<()> {
        for site in sites.all() {
            let path = sites.path(&site.code).unwrap_or("/");
            on_pool!(self, pool => {
                sqlx::query(
                    "INSERT INTO sites (code, level, parent, path, name_zh, name_en, address_zh, address_en, phone, issues_results)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                     ON CONFLICT (code) DO UPDATE SET level = excluded.level, parent = excluded.parent, path = excluded.path,
                         name_zh = excluded.name_zh, name_en = excluded.name_en, address_zh = excluded.address_zh,
                         address_en = excluded.address_en, phone = excluded.phone, issues_results = excluded.issues_results",
                )
                .bind(&site.code).bind(site.level.code()).bind(site.parent.as_deref()).bind(path)
                .bind(&site.name.zh).bind(&site.name.en).bind(&site.address.zh).bind(&site.address.en)
                .bind(&site.phone).bind(site.issues_results)
                .execute(pool).await?;
            });
        }
        Ok(())
    }

    /// Every service site, checked again as it is read.
    pub async fn sites(&self) -> StoreResult<Sites> {
        type Row = (String, String, Option<String>, String, String, String, String, String, bool);
        let rows: Vec<Row> = on_pool!(self, pool => {
            sqlx::query_as("SELECT code, level, parent, name_zh, name_en, address_zh, address_en, phone, issues_results FROM sites ORDER BY path")
                .fetch_all(pool).await?
        });
        let list = rows
            .into_iter()
            .map(|(code, level, parent, name_zh, name_en, address_zh, address_en, phone, issues_results)| {
                let level = serde_json::from_value(serde_json::Value::String(level.clone())).map_err(|_| corrupt(format!("site level `{level}`")))?;
                Ok(Site {
                    code,
                    level,
                    parent,
                    name: crate::domain::text::Text { zh: name_zh, en: name_en },
                    address: crate::domain::text::Text { zh: address_zh, en: address_en },
                    phone,
                    issues_results,
                })
            })
            .collect::<StoreResult<Vec<Site>>>()?;
        if list.is_empty() {
            return Ok(Sites::default());
        }
        Sites::new(list).map_err(|e| corrupt(e.join("; ")))
    }
}
