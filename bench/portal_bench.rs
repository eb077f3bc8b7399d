//! Bench helpers, driven by `bench/run`:
//! - `bare ADDR FILE`: a bare axum handler answering every GET with FILE's bytes, the
//!   ceiling the guide page is compared against;
//! - `submissions N CONCURRENCY DIR`: durable case submissions through the store
//!   (one transaction: sequence, idempotency check, case, event) next to raw SQLite
//!   inserts of the same rows, both with WAL and synchronous=FULL.

use portal::domain::catalog::ServiceItem;
use portal::server::catalog_loader::{read_catalog, store_catalog};
use portal::server::store::{Draft, NewCase, Store};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("bare") => bare(&args[2], &args[3]).await,
        Some("submissions") => submissions(args[2].parse().unwrap(), args[3].parse().unwrap(), &args[4]).await,
        _ => eprintln!("usage: portal-bench bare ADDR FILE | submissions N CONCURRENCY DIR"),
    }
}

async fn bare(addr: &str, file: &str) {
    let body: &'static [u8] = Box::leak(std::fs::read(file).expect("page file").into_boxed_slice());
    let app = axum::Router::new().fallback(move || async move { ([(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")], body) });
    let listener = tokio::net::TcpListener::bind(addr).await.expect("bind");
    axum::serve(listener, app).await.expect("serve");
}

fn summary(label: &str, n: usize, elapsed: Duration, mut latencies: Vec<Duration>) {
    latencies.sort();
    let p = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    println!(
        "{label}: {n} in {:.2} s = {:.0}/s, p50 {:.2} ms, p99 {:.2} ms",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64(),
        p(0.50).as_secs_f64() * 1e3,
        p(0.99).as_secs_f64() * 1e3
    );
}

/// Runs `n` operations with `concurrency` workers; returns wall time and per-op latencies.
async fn drive<F, Fut>(n: usize, concurrency: usize, op: F) -> (Duration, Vec<Duration>)
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let op = Arc::new(op);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let start = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (op, next) = (op.clone(), next.clone());
        workers.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let t = Instant::now();
                op(i).await;
                lat.push(t.elapsed());
            }
            lat
        }));
    }
    let mut all = Vec::new();
    for w in workers {
        all.extend(w.await.unwrap());
    }
    (start.elapsed(), all)
}

async fn submissions(n: usize, concurrency: usize, dir: &str) {
    std::fs::create_dir_all(dir).unwrap();
    let store = Store::connect(&format!("sqlite://{dir}/portal.db")).await.unwrap();
    let catalog = read_catalog(std::path::Path::new("catalog")).unwrap();
    store_catalog(&store, &catalog, 0).await.unwrap();
    let item: ServiceItem = catalog.items[0].1.clone();
    let mut answers = BTreeMap::new();
    answers.insert("applicant_name".to_owned(), "王小明".to_owned());
    answers.insert("applicant_phone".to_owned(), "13800138000".to_owned());
    answers.insert("applicant_id_number".to_owned(), "11010519491231002X".to_owned());
    let drafts: Vec<Draft> = (0..n)
        .map(|i| Draft { id: format!("bench-{i:08}"), owner_hash: "o".into(), service_code: item.code.clone(), answers: answers.clone(), created_at: 0, updated_at: 0 })
        .collect();
    for d in &drafts {
        store.save_draft(d).await.unwrap();
    }
    let drafts = Arc::new(drafts);
    let (store2, department, answers2) = (store.clone(), item.department.clone(), answers.clone());
    let (elapsed, lat) = drive(n, concurrency, move |i| {
        let (store, drafts, department, answers) = (store2.clone(), drafts.clone(), department.clone(), answers2.clone());
        async move {
            store
                .submit_case(&NewCase {
                    draft: &drafts[i],
                    region: "350102",
                    department: &department,
                    applicant_name: "王小明",
                    applicant_phone: "13800138000",
                    answers: &answers,
                    at: 1_795_363_200_000 + i as i64,
                })
                .await
                .unwrap();
        }
    })
    .await;
    summary("durable submissions (store)", n, elapsed, lat);

    // The same rows as single INSERTs into a bare table with the same settings.
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
    use std::str::FromStr;
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{dir}/raw.db"))
        .unwrap()
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(10));
    let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await.unwrap();
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS cases (id INTEGER PRIMARY KEY, tracking_number TEXT NOT NULL UNIQUE, draft_id TEXT NOT NULL UNIQUE,
         owner_hash TEXT NOT NULL, service_code TEXT NOT NULL, department TEXT NOT NULL, applicant_name TEXT NOT NULL,
         applicant_phone TEXT NOT NULL, answers TEXT NOT NULL, status TEXT NOT NULL, submitted_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)",
    )
    .execute(&pool)
    .await
    .unwrap();
    let answers_json = Arc::new(serde_json::to_string(&answers).unwrap());
    let (code, department) = (item.code.clone(), item.department.clone());
    let (elapsed, lat) = drive(n, concurrency, move |i| {
        let (pool, answers_json, code, department) = (pool.clone(), answers_json.clone(), code.clone(), department.clone());
        async move {
            sqlx::query("INSERT INTO cases (tracking_number, draft_id, owner_hash, service_code, department, applicant_name, applicant_phone, answers, status, submitted_at, updated_at) VALUES ($1, $2, 'o', $3, $4, '王小明', '13800138000', $5, 'submitted', $6, $6)")
                .bind(format!("35010220261123{i:06}0"))
                .bind(format!("raw-{i:08}"))
                .bind(&code)
                .bind(&department)
                .bind(answers_json.as_str())
                .bind(i as i64)
                .execute(&pool)
                .await
                .unwrap();
        }
    })
    .await;
    summary("raw SQLite insert", n, elapsed, lat);
}
