//! Bench helpers, driven by `bench/run`:
//! - `bare ADDR FILE`: a bare axum handler answering every GET with FILE's bytes, the
//!   ceiling the guide page is compared against;
//! - `submissions N CONCURRENCY DIR`: durable case submissions through the store
//!   (one transaction: sequence, idempotency check, case, event) next to raw SQLite
//!   inserts of the same rows, both with WAL and synchronous=FULL;
//! - `queue N DIR`: N generated cases (spread over services, sites, statuses and
//!   deadlines) in SQLite, then the queries of a clerk's queue page (a page of lines
//!   plus every tab's count) for each kind of clerk, timed;
//! - `fixture N DIR`: only the N generated cases, and `DIR/lookups.txt`: 20,000 of
//!   them (tracking number, the phone's last four digits) for the lookup's load test;
//! - `paced ADDR PATH LOOKUPS RATE SECONDS CONNECTIONS`: the lookup's server function
//!   asked at a steady RATE a second (open loop), each request the form of one line of
//!   LOOKUPS. A request's latency counts from when it was due, not from when a free
//!   connection sent it, so a slow answer that holds the next ones back is counted in
//!   them too (wrk, closed loop, would wait and measure only the server's turn).

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
        Some("queue") => queue(args[2].parse().unwrap(), &args[3]).await,
        Some("fixture") => {
            fixture(args[2].parse().unwrap(), &args[3]).await;
        }
        Some("paced") => paced(&args[2], &args[3], &args[4], args[5].parse().unwrap(), args[6].parse().unwrap(), args[7].parse().unwrap()),
        _ => eprintln!("usage: portal-bench bare ADDR FILE | submissions N CONCURRENCY DIR | queue N DIR | fixture N DIR | paced ADDR PATH LOOKUPS RATE SECONDS CONNECTIONS"),
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
        "{label}: {n} in {:.2} s = {:.0}/s, p50 {:.2} ms, p99 {:.2} ms, p99.9 {:.2} ms, max {:.2} ms",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64(),
        p(0.50).as_secs_f64() * 1e3,
        p(0.99).as_secs_f64() * 1e3,
        p(0.999).as_secs_f64() * 1e3,
        latencies[latencies.len() - 1].as_secs_f64() * 1e3
    );
}

/// The open-loop load of `paced` (see the file's head). Plain threads with blocking
/// sockets: a thread sleeps to the microsecond, where the async runtime's timers
/// would wake up to a millisecond late and count the bench's lateness as the portal's.
fn paced(addr: &str, path: &str, lookups: &str, rate: u64, seconds: u64, connections: usize) {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::sync::atomic::{AtomicU64, Ordering};
    assert!(rate > 0 && seconds > 0 && connections > 0, "paced: RATE, SECONDS and CONNECTIONS must be above zero");
    // The lines lookup.lua reads too: "<tracking number> <four digits>".
    let requests: Vec<Vec<u8>> = std::fs::read_to_string(lookups)
        .expect("the lookups file")
        .lines()
        .filter_map(|line| line.trim_end().split_once(' '))
        .filter(|(number, last4)| !number.is_empty() && !number.contains(' ') && last4.len() == 4 && last4.bytes().all(|b| b.is_ascii_digit()))
        .map(|(number, last4)| {
            let body = format!("number={number}&phone={last4}");
            format!(
                "POST {path} HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nAccept: application/json\r\n\
                 Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
            .into_bytes()
        })
        .collect();
    assert!(!requests.is_empty(), "no lookups in {lookups}");
    let requests = Arc::new(requests);
    let total = rate * seconds;
    let next = Arc::new(AtomicU64::new(0));
    let start = Instant::now() + Duration::from_millis(200);
    let workers: Vec<_> = (0..connections)
        .map(|_| {
            let (requests, next, addr) = (requests.clone(), next.clone(), addr.to_string());
            std::thread::spawn(move || {
                let stream = std::net::TcpStream::connect(&addr).expect("connect to the portal");
                stream.set_nodelay(true).unwrap();
                // An answer that never comes stops the bench rather than hanging it.
                stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut writer = stream;
                let (mut latencies, mut not_ok, mut not_found) = (Vec::new(), 0u64, 0u64);
                let (mut line, mut body) = (String::new(), Vec::new());
                loop {
                    let slot = next.fetch_add(1, Ordering::Relaxed);
                    if slot >= total {
                        break;
                    }
                    let due = start + Duration::from_nanos(slot * 1_000_000_000 / rate);
                    let now = Instant::now();
                    if due > now {
                        std::thread::sleep(due - now);
                    }
                    // Through the list by a fixed large stride, the same in every run.
                    let request = &requests[(slot.wrapping_mul(2_654_435_761) % requests.len() as u64) as usize];
                    writer.write_all(request).expect("send a lookup");
                    let mut read_line = |line: &mut String| {
                        line.clear();
                        let read = reader.read_line(line).expect("read the portal's answer (no answer in 10 s?)");
                        assert!(read > 0, "the portal closed the connection");
                    };
                    read_line(&mut line);
                    let status = line.split_whitespace().nth(1).unwrap_or("").to_string();
                    let mut length = 0usize;
                    loop {
                        read_line(&mut line);
                        let header = line.trim_end();
                        if header.is_empty() {
                            break;
                        }
                        let (name, value) = header.split_once(':').unwrap_or((header, ""));
                        if name.eq_ignore_ascii_case("content-length") {
                            length = value.trim().parse().expect("a content length");
                        }
                        assert!(!name.eq_ignore_ascii_case("transfer-encoding"), "the lookup's answer came chunked; this client reads lengths only");
                        assert!(!(name.eq_ignore_ascii_case("connection") && value.trim().eq_ignore_ascii_case("close")), "the portal closes the connection after an answer");
                    }
                    body.resize(length, 0);
                    reader.read_exact(&mut body).expect("read the answer");
                    latencies.push(due.elapsed());
                    if status != "200" {
                        not_ok += 1;
                    } else if !body.starts_with(b"{\"Found\"") {
                        // A 200 that found nothing (a wrong line, a wrong fixture) read no case.
                        not_found += 1;
                    }
                }
                (latencies, not_ok, not_found)
            })
        })
        .collect();
    let (mut latencies, mut not_ok, mut not_found) = (Vec::new(), 0, 0);
    for worker in workers {
        let (l, n, f) = worker.join().expect("a load thread");
        latencies.extend(l);
        not_ok += n;
        not_found += f;
    }
    summary(&format!("lookup at {rate}/s, open loop"), latencies.len(), start.elapsed(), latencies);
    if not_ok > 0 {
        println!("non-200 answers: {not_ok}");
    }
    if not_found > 0 {
        println!("lookups that found no case: {not_found}");
    }
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
        .map(|i| Draft { id: format!("bench-{i:08}"), owner_hash: "o".into(), service_code: item.code.clone(), answers: answers.clone(), created_at: 0, updated_at: 0, citizen_id: None })
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
                    site_path: "/gulou/",
                    locale: "zh-Hans",
                    delivery: &portal::domain::delivery::Delivery::Online,
                    citizen_id: None,
                    proxy: None,
                    fee: portal::domain::fee::CaseFee::NONE,
                    waiver: None,
                    credit: None,
                    provisions: &[],
                    instant: None,
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

const SITES: [&str; 4] = ["/gulou/", "/gulou/dongjie/", "/gulou/wenquan/", "/gulou/dongjie/dongjie-sanfang/"];

/// `n` generated cases in `DIR/portal.db` (kept: a later run with the same `n` reuses
/// them), spread over services, sites, statuses, days and deadlines as in a real hall,
/// with `DIR/lookups.txt` naming 20,000 of them for the lookup's load test.
async fn fixture(n: usize, dir: &str) -> (Store, portal::domain::calendar::Date) {
    use portal::domain::calendar::Date;
    use portal::domain::case::CaseStatus;
    use portal::domain::ids::TrackingNumber;
    use portal::server::store::Stage;
    std::fs::create_dir_all(dir).unwrap();
    let url = format!("sqlite://{dir}/portal.db");
    let store = Store::connect(&url).await.unwrap();
    let catalog = read_catalog(std::path::Path::new("catalog")).unwrap();
    store_catalog(&store, &catalog, 0).await.unwrap();
    let items: Vec<(String, Vec<String>)> = catalog.items.iter().map(|(_, i)| (i.code.clone(), i.reviewers())).collect();
    let sites = SITES;
    // Most cases are long finished; a working set is open, as in a real hall.
    let statuses = [
        (CaseStatus::Issued, 80), (CaseStatus::Refused, 3), (CaseStatus::Rejected, 2), (CaseStatus::Submitted, 3),
        (CaseStatus::UnderReview, 6), (CaseStatus::Accepted, 2), (CaseStatus::Approved, 2), (CaseStatus::NeedsCorrection, 2),
    ];
    let today = Date::new(2026, 11, 24).unwrap();
    let t0 = Instant::now();
    // Foreign keys off for the fixture only: its cases point at drafts that are never made.
    // Nor durable writes: a fixture that is lost is generated again.
    let options = <sqlx::sqlite::SqliteConnectOptions as std::str::FromStr>::from_str(&url)
        .unwrap()
        .foreign_keys(false)
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
        .synchronous(sqlx::sqlite::SqliteSynchronous::Off);
    let pool = sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).connect_with(options).await.unwrap();
    let mut rng: u64 = 0x2545F4914F6CDD1D;
    let mut next = || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"];
    // A fixture already generated in DIR (by an earlier run) is measured again as it is.
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases").fetch_one(&pool).await.unwrap();
    assert!(existing == 0 || existing as usize >= n, "{dir} holds a partial fixture of {existing} cases: remove it");
    let mut done = if existing as usize >= n { n } else { 0 };
    let mut sample: Vec<String> = Vec::new();
    type CaseRow = (i64, String, String, String, String, String, &'static str, i64, &'static str, Option<String>, Option<String>, Option<String>, String, &'static str, Option<String>);
    let mut cases: Vec<CaseRow> = Vec::with_capacity(500);
    let mut reviews: Vec<(i64, String, i64, &'static str, Option<&'static str>)> = Vec::new();
    if done == n {
        println!("reusing the {existing} cases already in {dir}");
    }
    while done < n {
        let batch = (n - done).min(20_000);
        let mut tx = pool.begin().await.unwrap();
        for k in 0..batch {
            let i = done + k;
            let r = next();
            let (code, reviewers) = &items[(r % items.len() as u64) as usize];
            let site = sites[((r >> 8) % 10).min(3) as usize];
            let mut pick = ((r >> 16) % 100) as i32;
            let status = statuses.iter().find(|(_, w)| { pick -= w; pick < 0 }).map(|(s, _)| *s).unwrap_or(CaseStatus::Issued);
            let day = today.plus_days(-((i as i64 * 3650) / n as i64).min(3650));
            // Consecutive cases share a day, so the sequence is unique within each day.
            let tracking = TrackingNumber::new("350102", day, (i % 999_999) as u32 + 1);
            let at = (day.days_since_epoch() * 86_400_000) + (i as i64 % 86_400_000);
            let due = day.plus_days(((r >> 24) % 20) as i64);
            let yellow = due.plus_days(-2);
            let phone = format!("138{:08}", (r >> 32) % 100_000_000);
            let name = format!("{}{}", surnames[((r >> 40) % 10) as usize], i % 9973);
            let accepted = !matches!(status, CaseStatus::Submitted | CaseStatus::Refused);
            if i % (n / 20_000).max(1) == 0 {
                sample.push(format!("{} {}", tracking.as_str(), &phone[7..]));
            }
            // Ids given, not returned: the rows go in many to a statement.
            let id = i as i64 + 1;
            cases.push((
                id,
                tracking.as_str().to_owned(),
                format!("g{i}"),
                code.clone(),
                name,
                phone.clone(),
                status.code(),
                at,
                site,
                accepted.then(|| day.to_string()),
                accepted.then(|| due.to_string()),
                accepted.then(|| yellow.to_string()),
                if accepted { format!(",{},", reviewers.join(",")) } else { String::new() },
                Stage::of(status).code(),
                status.clock_running().then(|| due.to_string()),
            ));
            if accepted {
                for (pos, d) in reviewers.iter().enumerate() {
                    // A market reviewer has taken some of the market reviews (a busy
                    // desk: a few hundred at 1,000,000 cases); other departments' are theirs.
                    let taken = d == "market" && i % 40 == 0;
                    let rs = match status {
                        CaseStatus::UnderReview | CaseStatus::Accepted if taken => "in_review",
                        CaseStatus::UnderReview | CaseStatus::Accepted => "pending",
                        CaseStatus::Rejected => "rejected",
                        _ => "approved",
                    };
                    reviews.push((id, d.clone(), pos as i64, rs, taken.then_some("staff:market01")));
                }
            }
            if cases.len() == 500 || k + 1 == batch {
                let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
                    "INSERT INTO cases (id, tracking_number, draft_id, owner_hash, service_code, department, applicant_name, applicant_phone,
                         answers, status, submitted_at, updated_at, site_path, phone_last4, accepted_on, promised_days, due_on, yellow_on,
                         review_departments, stage, open_due_on) ",
                );
                q.push_values(cases.drain(..), |mut b, c| {
                    let last4 = c.5[7..].to_owned();
                    b.push_bind(c.0).push_bind(c.1).push_bind(c.2).push_bind("o").push_bind(c.3).push_bind("x").push_bind(c.4).push_bind(c.5)
                        .push_bind("{}").push_bind(c.6).push_bind(c.7).push_bind(c.7).push_bind(c.8).push_bind(last4).push_bind(c.9)
                        .push_bind(5i64).push_bind(c.10).push_bind(c.11).push_bind(c.12).push_bind(c.13).push_bind(c.14);
                });
                q.build().execute(&mut *tx).await.unwrap();
                for chunk in reviews.chunks(1000) {
                    let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new("INSERT INTO case_reviews (case_id, department, position, status, reviewer, updated_at) ");
                    q.push_values(chunk, |mut b, r| {
                        b.push_bind(r.0).push_bind(r.1.clone()).push_bind(r.2).push_bind(r.3).push_bind(r.4).push_bind(0i64);
                    });
                    q.build().execute(&mut *tx).await.unwrap();
                }
                reviews.clear();
            }
        }
        tx.commit().await.unwrap();
        done += batch;
    }
    // Each case's history, as a lookup shows it (a fixture kept from before events
    // were generated is given them now).
    let has_events: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM case_events)").fetch_one(&pool).await.unwrap();
    if !has_events {
        let t1 = Instant::now();
        fixture_events(&pool).await;
        println!("generated the cases' events in {:.1} s", t1.elapsed().as_secs_f64());
    }
    if existing == 0 || !has_events {
        sqlx::query("ANALYZE").execute(&pool).await.unwrap();
    }
    if existing == 0 {
        let size = std::fs::metadata(format!("{dir}/portal.db")).map(|m| m.len()).unwrap_or(0);
        println!("generated {n} cases and their events in {:.1} s; database {:.0} MB", t0.elapsed().as_secs_f64(), size as f64 / 1e6);
        std::fs::write(format!("{dir}/lookups.txt"), sample.join("\n") + "\n").unwrap();
    }
    (store, today)
}

/// The events of every generated case, in a few statements over the whole table:
/// submitted; accepted; each department's review decision; approved; the end (issued,
/// refused, rejected, sent back for correction). About four to six an issued case, as
/// in the portal. Their hashes are random (of the right length): a fixture's chain is
/// not verified.
async fn fixture_events(pool: &sqlx::SqlitePool) {
    const HASHES: &str = "lower(hex(randomblob(32))), lower(hex(randomblob(32)))";
    let steps = [
        format!("SELECT id, submitted_at, 'citizen', NULL, 'submitted', '', 'transition', '', {HASHES} FROM cases"),
        format!("SELECT id, submitted_at + 3600000, 'staff:window01', 'submitted', 'accepted', '', 'transition', '', {HASHES} FROM cases WHERE accepted_on IS NOT NULL"),
        format!(
            "SELECT r.case_id, c.submitted_at + 86400000, 'staff:' || r.department || '01', 'under_review', 'under_review', '', \
             CASE r.status WHEN 'approved' THEN 'review_approved' ELSE 'review_rejected' END, r.department, {HASHES} \
             FROM case_reviews r JOIN cases c ON c.id = r.case_id WHERE r.status IN ('approved', 'rejected') ORDER BY r.case_id, r.position"
        ),
        format!("SELECT id, submitted_at + 172800000, 'staff:review01', 'under_review', 'approved', '', 'transition', '', {HASHES} FROM cases WHERE status IN ('approved', 'issued')"),
        format!(
            "SELECT id, submitted_at + 259200000, 'staff:issue01', CASE status WHEN 'issued' THEN 'approved' ELSE 'accepted' END, status, \
             CASE status WHEN 'needs_correction' THEN '请补正材料' ELSE '' END, 'transition', '', {HASHES} \
             FROM cases WHERE status IN ('issued', 'refused', 'rejected', 'needs_correction')"
        ),
    ];
    for select in steps {
        sqlx::query(&format!("INSERT INTO case_events (case_id, at, actor, from_status, to_status, note, kind, department, prev_hash, hash) {select}"))
            .execute(pool)
            .await
            .unwrap();
    }
}

/// Generates `n` cases straight into the tables (a fixture: submitting a million
/// through the store would take a quarter of an hour), then times the queue page.
async fn queue(n: usize, dir: &str) {
    use portal::server::store::{QueueFilter, QueueKind, QueueScope, Stage};
    let (store, today) = fixture(n, dir).await;
    let sites = SITES;


    // The queue page: one page of lines and every tab's count, per kind of clerk.
    let (intake, review, issue, done) = (QueueKind::Stage(Stage::Intake), QueueKind::Stage(Stage::Review), QueueKind::Stage(Stage::Issue), QueueKind::Stage(Stage::Done));
    let pages: Vec<(&str, QueueScope, Vec<QueueKind>)> = vec![
        ("window clerk (district)", QueueScope::Sites(sites.iter().map(|s| s.to_string()).collect()), vec![intake.clone(), review.clone(), QueueKind::DueSoon, QueueKind::Overdue, done.clone(), QueueKind::All]),
        ("window clerk (town)", QueueScope::Sites(vec!["/gulou/wenquan/".into()]), vec![intake.clone(), QueueKind::DueSoon, QueueKind::Overdue, done.clone(), QueueKind::All]),
        ("reviewer (market)", QueueScope::Department("market".into()), vec![QueueKind::MyReviews("staff:market01".into()), QueueKind::DepartmentReviews("market".into()), QueueKind::DueSoon, QueueKind::Overdue, done.clone()]),
        ("supervisor", QueueScope::Everything, vec![intake, review, issue, QueueKind::DueSoon, QueueKind::Overdue, done, QueueKind::All]),
    ];
    let rounds = 200;
    let mut all = Vec::new();
    for (label, scope, kinds) in &pages {
        let mut lat = Vec::new();
        for round in 0..rounds {
            let t = Instant::now();
            let kind = &kinds[round % kinds.len()];
            // Every third page view searches (by phone digits or a name), as clerks do.
            let filter = match round % 3 {
                1 => QueueFilter { phone_last4: Some(format!("{:04}", round * 37 % 10_000)), ..Default::default() },
                2 => QueueFilter { applicant_name: Some(format!("王{}", round * 13 % 9973)), ..Default::default() },
                _ => QueueFilter::default(),
            };
            let rows = store.queue(scope, kind, &filter, today, None, 21).await.unwrap();
            // The second page, by keyset.
            if let Some(last) = rows.last() {
                store.queue(scope, kind, &filter, today, Some(&last.keyset), 21).await.unwrap();
            }
            for k in kinds {
                store.queue_count(scope, k, today, portal::api::staff::QUEUE_COUNT_CAP).await.unwrap();
            }
            lat.push(t.elapsed());
        }
        summary(&format!("queue page, {label}"), rounds, lat.iter().sum(), lat.clone());
        all.extend(lat);
    }
    all.sort();
    let p99 = all[((all.len() as f64 * 0.99) as usize).min(all.len() - 1)];
    println!("queue page p99 over all clerks at {n} cases: {:.2} ms", p99.as_secs_f64() * 1e3);
}
