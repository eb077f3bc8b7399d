//! Store stories, run on SQLite always and on PostgreSQL when
//! `PORTAL_TEST_POSTGRES_URL` names a server (the test script starts one). With
//! `PORTAL_REQUIRE_POSTGRES=1` a missing server fails the run instead of skipping.

use super::*;
use crate::domain::calendar::Date;
use crate::domain::case::{EventKind, Role};
use crate::domain::catalog::tests::{sample_departments, sample_item};
use crate::domain::catalog::Audience;
use crate::domain::delivery::Delivery;
use crate::domain::material::MediaType;
use crate::domain::review::ReviewStatus;
use crate::server::clock::random_token;
use std::collections::BTreeMap;

/// A fresh, empty database per test on each engine available.
async fn stores() -> Vec<Store> {
    stores_with_urls().await.into_iter().map(|(s, _)| s).collect()
}

/// The same, with each database's URL (to open it again, as after a crash).
async fn stores_with_urls() -> Vec<(Store, String)> {
    let dir = std::env::temp_dir().join(format!("portal-store-test-{}", random_token()));
    std::fs::create_dir_all(&dir).unwrap();
    let sqlite_url = format!("sqlite://{}/portal.db", dir.display());
    let mut stores = vec![(Store::connect(&sqlite_url).await.unwrap(), sqlite_url)];
    if let Some(url) = fresh_postgres_database().await {
        stores.push((Store::connect(&url).await.unwrap(), url));
    }
    stores
}

/// The URL of a new, empty PostgreSQL database on the server
/// `PORTAL_TEST_POSTGRES_URL` names; None (with a note) when none is named, unless
/// `PORTAL_REQUIRE_POSTGRES=1`, which makes that a failure.
pub(crate) async fn fresh_postgres_database() -> Option<String> {
    match std::env::var("PORTAL_TEST_POSTGRES_URL") {
        Ok(admin_url) => {
            let name = format!("portal_test_{}", random_token());
            let admin = PgPool::connect(&admin_url).await.expect("PORTAL_TEST_POSTGRES_URL does not answer");
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.unwrap();
            let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin_url);
            Some(format!("{base}/{name}"))
        }
        Err(_) if std::env::var("PORTAL_REQUIRE_POSTGRES").as_deref() == Ok("1") => {
            panic!("PORTAL_REQUIRE_POSTGRES=1 but PORTAL_TEST_POSTGRES_URL is not set: the PostgreSQL store is untested");
        }
        Err(_) => {
            eprintln!("NOTE: PORTAL_TEST_POSTGRES_URL unset; this test ran on SQLite only");
            None
        }
    }
}

/// SQLite reads the database through a memory map larger than the 2 GB its bundled
/// build allows: without `LIBSQLITE3_FLAGS` (.cargo/config.toml) in the build, SQLite
/// quietly caps the pragma there, and a large database is read with a system call a page.
#[tokio::test]
async fn sqlite_memory_map_is_not_capped_at_two_gigabytes() {
    let store = stores().await.remove(0);
    let Pool::Sqlite(pool, _) = &store.pool else { panic!("the first store is SQLite") };
    let mapped: i64 = sqlx::query_scalar("PRAGMA mmap_size").fetch_one(pool).await.unwrap();
    assert_eq!(mapped, SQLITE_MMAP_BYTES, "PRAGMA mmap_size: the build's SQLITE_MAX_MMAP_SIZE caps the map");
}

async fn seeded(store: &Store) {
    for d in sample_departments() {
        store.upsert_department(&d).await.unwrap();
    }
    assert!(store.upsert_service_item(&sample_item(), "", "h1", 1).await.unwrap());
}

fn draft(id: &str) -> Draft {
    let mut answers = BTreeMap::new();
    answers.insert("applicant_name".into(), "王小明".into());
    Draft { id: id.into(), owner_hash: "owner".into(), service_code: "CIV-0001".into(), answers, created_at: 10, updated_at: 10, citizen_id: None }
}

/// A submission of draft `d` by 王小明 at the district centre, free, without an
/// account; tests change what they are about with `..new_case(…)`.
fn new_case<'a>(d: &'a Draft, at: i64) -> NewCase<'a> {
    NewCase {
        draft: d,
        region: "350102",
        department: "civil",
        applicant_name: "王小明",
        applicant_phone: "13800138000",
        answers: &d.answers,
        site_path: "/gulou/",
        locale: "zh-Hans",
        delivery: &Delivery::Online,
        citizen_id: None,
        proxy: None,
        fee: crate::domain::fee::CaseFee::NONE,
        waiver: None,
        credit: None,
        provisions: &[],
        instant: None,
        at,
    }
}

async fn submit(store: &Store, d: &Draft, at: i64) -> CaseRecord {
    store.submit_case(&new_case(d, at)).await.unwrap()
}

#[tokio::test]
async fn catalog_loading_is_idempotent_and_searchable() {
    for store in stores().await {
        seeded(&store).await;
        assert!(!store.upsert_service_item(&sample_item(), "", "h1", 2).await.unwrap(), "{}: same content, no change", store.engine());
        assert!(store.upsert_service_item(&sample_item(), "", "h2", 3).await.unwrap(), "{}: new content is stored", store.engine());
        // New search keys alone are stored too (an upgrade that adds them to an old catalog).
        let keys = crate::server::catalog_loader::pinyin_keys_of(&sample_item().name.zh);
        assert!(store.upsert_service_item(&sample_item(), &keys, "h2", 4).await.unwrap(), "{}: new keys are stored", store.engine());
        assert_eq!(store.service_item("CIV-0001").await.unwrap().as_deref(), Some(&sample_item()));
        assert_eq!(store.service_item("NOPE").await.unwrap(), None);

        let found = |query: &str| CatalogFilter { query: Some(query.into()), ..Default::default() };
        assert_eq!(store.list_service_items(&found("婚姻")).await.unwrap().len(), 1, "{}", store.engine());
        assert_eq!(store.list_service_items(&found("离婚")).await.unwrap().len(), 0);
        // As people type it: full pinyin, initials, with spaces, in capitals.
        for typed in ["hunyin", "hydj", "Hun Yin", "HYDJ"] {
            assert_eq!(store.list_service_items(&found(typed)).await.unwrap().len(), 1, "{}: {typed} ({keys})", store.engine());
        }
        assert_eq!(store.list_service_items(&found("shengyu")).await.unwrap().len(), 0, "{}", store.engine());
        // LIKE wildcards typed by a citizen match literally, not everything.
        assert_eq!(store.list_service_items(&found("%")).await.unwrap().len(), 0, "{}", store.engine());
        let enterprise = CatalogFilter { audience: Some(Audience::Enterprise), ..Default::default() };
        assert_eq!(store.list_service_items(&enterprise).await.unwrap().len(), 0);
        let individual = CatalogFilter { audience: Some(Audience::Individual), department: Some("civil".into()), ..Default::default() };
        assert_eq!(store.list_service_items(&individual).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn a_draft_becomes_one_case_even_when_submitted_twice() {
    for store in stores().await {
        seeded(&store).await;
        let d = draft("d1");
        store.save_draft(&d).await.unwrap();
        let first = submit(&store, &d, 1_795_363_200_000).await;
        let again = submit(&store, &d, 1_795_363_200_500).await;
        assert_eq!(first, again, "{}: a retry returns the same case", store.engine());
        assert_eq!(first.status, CaseStatus::Submitted);
        assert!(first.tracking_number.to_string().starts_with("350102-20261123-000001-"), "{}", first.tracking_number);
        assert_eq!(store.case_events(first.id).await.unwrap().len(), 1, "one submission event");

        let d2 = draft("d2");
        store.save_draft(&d2).await.unwrap();
        let second = submit(&store, &d2, 1_795_363_201_000).await;
        assert!(second.tracking_number.to_string().starts_with("350102-20261123-000002-"), "the next number of the day");
    }
}

#[tokio::test]
async fn concurrent_double_submissions_make_one_case() {
    for store in stores().await {
        seeded(&store).await;
        let d = draft("race");
        store.save_draft(&d).await.unwrap();
        let (a, b) = tokio::join!(submit(&store, &d, 5), submit(&store, &d, 6));
        assert_eq!(a.tracking_number, b.tracking_number, "{}", store.engine());
        assert_eq!(store.count_by_status().await.unwrap(), vec![(CaseStatus::Submitted, 1)]);
    }
}

#[tokio::test]
async fn submissions_at_once_are_numbered_without_gaps_and_a_bad_one_fails_alone() {
    for store in stores().await {
        seeded(&store).await;
        let at = 1_795_363_200_000;
        let mut tasks = tokio::task::JoinSet::new();
        // Forty drafts, each submitted twice at once (SQLite batches them into shared
        // transactions), and one filed for an account that does not exist.
        for i in 0..40 {
            let d = draft(&format!("many-{i}"));
            store.save_draft(&d).await.unwrap();
            for _ in 0..2 {
                let (store, d) = (store.clone(), d.clone());
                tasks.spawn(async move { (d.id.clone(), store.submit_case(&new_case(&d, at + i)).await.map(|c| c.tracking_number.to_string())) });
            }
        }
        let bad = draft("many-bad");
        store.save_draft(&bad).await.unwrap();
        let bad_store = store.clone();
        tasks.spawn(async move { (bad.id.clone(), bad_store.submit_case(&NewCase { citizen_id: Some(987_654), ..new_case(&bad, at) }).await.map(|c| c.tracking_number.to_string())) });
        let mut numbers: BTreeMap<String, String> = BTreeMap::new();
        while let Some(joined) = tasks.join_next().await {
            let (draft_id, result) = joined.unwrap();
            if draft_id == "many-bad" {
                assert!(result.is_err(), "{}: a case for no account is refused", store.engine());
                continue;
            }
            let number = result.unwrap_or_else(|e| panic!("{}: {draft_id}: {e}", store.engine()));
            if let Some(first) = numbers.insert(draft_id.clone(), number.clone()) {
                assert_eq!(first, number, "{}: both submissions of {draft_id} answer the same case", store.engine());
            }
        }
        let mut sequence: Vec<u32> = numbers.values().map(|n| n.split('-').nth(2).unwrap().parse().unwrap()).collect();
        sequence.sort();
        assert_eq!(sequence, (1..=40).collect::<Vec<u32>>(), "{}: forty cases, numbered 1 to 40 with no gap and no repeat", store.engine());
        assert_eq!(store.count_by_status().await.unwrap(), vec![(CaseStatus::Submitted, 40)]);
        assert!(store.case_by_draft("many-bad").await.unwrap().is_none());
    }
}

#[tokio::test]
async fn transitions_append_events_and_refuse_stale_decisions() {
    for store in stores().await {
        seeded(&store).await;
        let d = draft("d1");
        store.save_draft(&d).await.unwrap();
        let case = submit(&store, &d, 100).await;
        store.record_step(&Step::new(case.id, CaseStatus::Submitted, CaseStatus::Accepted, "clerk:window01", "", 200)).await.unwrap();
        // A second clerk still looking at "submitted" cannot refuse what was accepted.
        let stale = store.record_step(&Step::new(case.id, CaseStatus::Submitted, CaseStatus::Refused, "clerk:window02", "no", 201)).await;
        assert!(matches!(stale, Err(StoreError::Conflict)), "{}", store.engine());
        let events = store.case_events(case.id).await.unwrap();
        assert_eq!(events.len(), 2);
        let e = &events[1];
        assert_eq!((e.at, e.actor.as_str(), e.kind, e.from, e.to), (200, "clerk:window01", EventKind::Transition, Some(CaseStatus::Submitted), CaseStatus::Accepted));
        let reloaded = store.case_by_tracking(&case.tracking_number).await.unwrap().unwrap();
        assert_eq!(reloaded.status, CaseStatus::Accepted);
        let today = Date::new(2026, 11, 23).unwrap();
        let kind = |s| QueueKind::Stage(s);
        assert_eq!(store.queue(&QueueScope::Everything, &kind(Stage::Review), &QueueFilter::default(), today, None, 10).await.unwrap().len(), 1);
        assert_eq!(store.queue(&QueueScope::Everything, &kind(Stage::Intake), &QueueFilter::default(), today, None, 10).await.unwrap().len(), 0);
    }
}

#[tokio::test]
async fn materials_replace_per_code_and_sql_looking_text_is_stored_verbatim() {
    for store in stores().await {
        seeded(&store).await;
        let mut d = draft("d1");
        d.answers.insert("applicant_name".into(), "Robert'); DROP TABLE cases;--".into());
        store.save_draft(&d).await.unwrap();
        let m = |sha: &str| MaterialRecord {
            id: 0,
            draft_id: "d1".into(),
            material_code: "id_card".into(),
            sha256: sha.into(),
            media_type: MediaType::Pdf,
            size_bytes: 10,
            file_name: "身份证.pdf".into(),
            uploaded_at: 1,
        };
        store.put_material(&m("aa")).await.unwrap();
        store.put_material(&m("bb")).await.unwrap();
        let listed = store.materials_of_draft("d1").await.unwrap();
        assert_eq!(listed.len(), 1, "{}", store.engine());
        assert_eq!(listed[0].sha256, "bb");
        assert_eq!(store.draft("d1").await.unwrap().unwrap().answers["applicant_name"], "Robert'); DROP TABLE cases;--");
    }
}

#[tokio::test]
async fn staff_accounts_are_found_by_name_and_id() {
    for store in stores().await {
        let roles = [Role::WindowClerk, Role::IssuingClerk];
        let user = NewUser { username: "window01", display_name: "窗口一", roles: &roles, department: None, site: Some("gulou"), password_hash: "$argon2id$x" };
        store.upsert_user(&user, 1).await.unwrap();
        let u = store.user_by_username("window01").await.unwrap().unwrap();
        assert_eq!(store.user_of_session(u.id, "session-a").await.unwrap(), Some(u.clone()));
        store.revoke_session("session-a", 1_000).await.unwrap();
        assert_eq!(store.user_of_session(u.id, "session-a").await.unwrap(), None, "signed out");
        assert_eq!(store.user_of_session(u.id, "session-b").await.unwrap(), Some(u.clone()), "another session of the same account");
        assert_eq!(u.roles, roles.to_vec());
        assert_eq!(u.site.as_deref(), Some("gulou"));
        assert_eq!(store.user_by_username("nobody").await.unwrap(), None);
    }
}

#[tokio::test]
async fn staff_actions_at_the_same_moment_all_join_the_one_staff_chain() {
    for store in stores().await {
        // Two clerks signing in at once on two processes: no case row serialises
        // them, and neither may fail for the other.
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..16 {
            let store = store.clone();
            tasks.spawn(async move { store.record_staff_action(1_000 + i, &format!("staff:clerk{i}"), "sign_in", &format!("clerk{i}"), "").await });
        }
        while let Some(done) = tasks.join_next().await {
            done.unwrap().unwrap_or_else(|e| panic!("{}: {e}", store.engine()));
        }
        let (_, breaks) = store.verify_all_chains().await.unwrap();
        assert!(breaks.is_empty(), "{}: {breaks:?}", store.engine());
    }
}

#[tokio::test]
async fn a_revoked_session_stays_revoked_until_its_cookie_would_have_expired() {
    for store in stores().await {
        let hash = format!("session-{}", random_token());
        store.revoke_session(&hash, 1_000).await.unwrap();
        store.revoke_session(&hash, 1_000).await.unwrap();
        let citizen = store.citizen_signed_in("13800138000", 5).await.unwrap();
        let revoked = || async { store.citizen_of_session(citizen.id, &hash).await.unwrap().is_none() };
        assert!(revoked().await);
        assert!(store.citizen_of_session(citizen.id, &format!("{hash}-other")).await.unwrap().is_some());
        store.forget_revoked_sessions(999).await.unwrap();
        assert!(revoked().await, "not yet expired: still revoked");
        store.forget_revoked_sessions(1_000).await.unwrap();
        assert!(!revoked().await, "forgotten once the cookie is dead anyway");
    }
}

/// A submitted and accepted case reviewed by `departments`.
async fn accepted_case(store: &Store, draft_id: &str, departments: &[String], at: i64) -> CaseRecord {
    let d = draft(draft_id);
    store.save_draft(&d).await.unwrap();
    let case = submit(store, &d, at).await;
    let mut step = Step::new(case.id, CaseStatus::Submitted, CaseStatus::Accepted, "staff:window01", "", at + 1);
    step.open_reviews = departments;
    store.record_step(&step).await.unwrap();
    case
}

fn review<'a>(department: &'a str, to: ReviewStatus, reviewer: &'a str) -> ReviewChange<'a> {
    const OPEN: [ReviewStatus; 2] = [ReviewStatus::Pending, ReviewStatus::InReview];
    ReviewChange { department, from: &OPEN, to, reviewer, reason: "", legal_basis: "" }
}

#[tokio::test]
async fn parallel_reviews_approve_the_case_only_when_every_department_has() {
    for store in stores().await {
        seeded(&store).await;
        let departments = vec!["natural_resources".to_owned(), "tax".to_owned()];
        let case = accepted_case(&store, "p1", &departments, 100).await;
        let mut first = Step::new(case.id, CaseStatus::Accepted, CaseStatus::Approved, "staff:estate01", "", 200);
        first.kind = EventKind::ReviewApproved;
        first.review = Some(review("natural_resources", ReviewStatus::Approved, "staff:estate01"));
        assert_eq!(store.record_step(&first).await.unwrap(), CaseStatus::UnderReview, "{}: tax has not decided", store.engine());
        let mut second = Step::new(case.id, CaseStatus::UnderReview, CaseStatus::Approved, "staff:tax01", "", 300);
        second.kind = EventKind::ReviewApproved;
        second.review = Some(review("tax", ReviewStatus::Approved, "staff:tax01"));
        assert_eq!(store.record_step(&second).await.unwrap(), CaseStatus::Approved);
        let today = Date::new(2026, 11, 23).unwrap();
        let approved = QueueKind::Stage(Stage::Issue);
        let seen_by = |d: &str| QueueScope::Department(d.into());
        assert_eq!(store.queue(&seen_by("tax"), &approved, &QueueFilter::default(), today, None, 10).await.unwrap().len(), 1, "{}", store.engine());
        assert!(store.queue(&seen_by("health"), &approved, &QueueFilter::default(), today, None, 10).await.unwrap().is_empty());
        // `_` in a department code is a letter, not a wildcard.
        assert!(store.queue(&seen_by("natural-resources"), &approved, &QueueFilter::default(), today, None, 10).await.unwrap().is_empty());
        let reviews = store.case_reviews(case.id).await.unwrap();
        assert_eq!(reviews.iter().map(|r| (r.department.as_str(), r.status)).collect::<Vec<_>>(), vec![("natural_resources", ReviewStatus::Approved), ("tax", ReviewStatus::Approved)]);
        // A department cannot decide twice.
        let again = store.record_step(&second).await;
        assert!(matches!(again, Err(StoreError::Conflict)));
    }
}

#[tokio::test]
async fn two_departments_approving_at_the_same_moment_still_approve_the_case() {
    for store in stores().await {
        seeded(&store).await;
        let departments = vec!["natural_resources".to_owned(), "tax".to_owned()];
        for n in 0..5 {
            let case = accepted_case(&store, &format!("race{n}"), &departments, 100).await;
            let decide = |department: &'static str, actor: &'static str| {
                let store = store.clone();
                async move {
                    // Each reviewer saw the case as accepted; retry once on a conflict as a clerk would (reload, decide again).
                    for from in [CaseStatus::Accepted, CaseStatus::UnderReview] {
                        let mut step = Step::new(case.id, from, CaseStatus::Approved, actor, "", 200);
                        step.kind = EventKind::ReviewApproved;
                        step.review = Some(review(department, ReviewStatus::Approved, actor));
                        if store.record_step(&step).await.is_ok() {
                            return;
                        }
                    }
                    panic!("{department} could not decide");
                }
            };
            tokio::join!(decide("natural_resources", "staff:estate01"), decide("tax", "staff:tax01"));
            let reloaded = store.case_by_tracking(&case.tracking_number).await.unwrap().unwrap();
            assert_eq!(reloaded.status, CaseStatus::Approved, "{}: round {n}", store.engine());
        }
    }
}

#[tokio::test]
async fn one_rejection_rejects_a_parallel_case() {
    for store in stores().await {
        seeded(&store).await;
        let departments = vec!["natural_resources".to_owned(), "tax".to_owned()];
        let case = accepted_case(&store, "r1", &departments, 100).await;
        let mut step = Step::new(case.id, CaseStatus::Accepted, CaseStatus::Rejected, "staff:tax01", "契税未缴清", 200);
        step.kind = EventKind::ReviewRejected;
        step.review = Some(ReviewChange { reason: "契税未缴清", legal_basis: "《契税法》第九条", ..review("tax", ReviewStatus::Rejected, "staff:tax01") });
        assert_eq!(store.record_step(&step).await.unwrap(), CaseStatus::Rejected, "{}", store.engine());
        let reviews = store.case_reviews(case.id).await.unwrap();
        assert_eq!(reviews[1].legal_basis, "《契税法》第九条");
        let events = store.case_events(case.id).await.unwrap();
        assert_eq!((events.last().unwrap().kind, events.last().unwrap().department.as_str()), (EventKind::ReviewRejected, "tax"));
    }
}

#[tokio::test]
async fn a_changed_event_breaks_the_chain_at_that_event() {
    for store in stores().await {
        seeded(&store).await;
        let case = accepted_case(&store, "c1", &["civil".to_owned()], 100).await;
        store.record_material_view(case.id, CaseStatus::Accepted, "staff:window01", "id_card (身份证.pdf)", 150).await.unwrap();
        assert_eq!(store.verify_case_chain(case.id).await.unwrap(), Ok(()), "{}", store.engine());
        let head = store.case_chain_head(case.id).await.unwrap().unwrap();
        let events = store.case_events(case.id).await.unwrap();
        assert_eq!(events.len(), 3);
        assert_eq!(head, events[2].hash, "the head is the last event's hash");
        // Someone with database access rewrites the acceptance's note.
        on_pool!(store, pool => {
            sqlx::query("UPDATE case_events SET note = 'edited' WHERE id = $1").bind(events[1].id).execute(pool).await.unwrap();
        });
        let broken = store.verify_case_chain(case.id).await.unwrap().unwrap_err();
        assert_eq!(broken.event_id, Some(events[1].id), "{}: {broken}", store.engine());
        let (_, all) = store.verify_all_chains().await.unwrap();
        assert_eq!(all.len(), 1);
        // Deleting the last event is caught by the head.
        on_pool!(store, pool => {
            sqlx::query("UPDATE case_events SET note = '' WHERE id = $1").bind(events[1].id).execute(pool).await.unwrap();
            sqlx::query("DELETE FROM case_events WHERE id = $1").bind(events[2].id).execute(pool).await.unwrap();
        });
        let broken = store.verify_case_chain(case.id).await.unwrap().unwrap_err();
        assert_eq!(broken.event_id, None, "{broken}");
    }
}

#[tokio::test]
async fn a_message_written_with_a_step_survives_a_crash_before_delivery() {
    for (store, url) in stores_with_urls().await {
        seeded(&store).await;
        let d = draft("m1");
        store.save_draft(&d).await.unwrap();
        let case = submit(&store, &d, 100).await;
        let mut step = Step::new(case.id, CaseStatus::Submitted, CaseStatus::Accepted, "staff:window01", "", 200);
        step.notices.push((CaseStatus::Accepted, Notice { kind: "accepted".into(), phone: "13800138000".into(), locale: "zh-Hans".into(), body: "已受理".into() }));
        store.record_step(&step).await.unwrap();
        // The process dies here: nothing was delivered. A new process opens the database.
        drop(store);
        let store = Store::connect(&url).await.unwrap();
        assert!(store.case_messages(case.id).await.unwrap()[0].delivered_at.is_none());
        struct Flaky(std::sync::atomic::AtomicU32);
        impl crate::server::notify::SmsGateway for Flaky {
            fn send(&self, _: &str, _: &str) -> Result<(), String> {
                if self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 { Err("gateway timeout".into()) } else { Ok(()) }
            }
        }
        let gateway = Flaky(Default::default());
        assert_eq!(crate::server::notify::deliver_due(&store, &gateway, 300).await.unwrap(), 0, "the first attempt fails");
        assert_eq!(crate::server::notify::deliver_due(&store, &gateway, 301).await.unwrap(), 0, "not due again yet");
        assert_eq!(crate::server::notify::deliver_due(&store, &gateway, 300 + 5_000).await.unwrap(), 1, "{}: retried", store.engine());
        let messages = store.case_messages(case.id).await.unwrap();
        assert_eq!((messages.len(), messages[0].delivered_at, messages[0].attempts), (1, Some(5_300), 2));
        assert_eq!(crate::server::notify::deliver_due(&store, &gateway, 20_000).await.unwrap(), 0, "delivered once only");
    }
}

#[tokio::test]
async fn queues_page_by_keyset_and_find_by_number_name_and_phone() {
    for store in stores().await {
        seeded(&store).await;
        let mut cases = Vec::new();
        for n in 0..25 {
            let d = draft(&format!("q{n}"));
            store.save_draft(&d).await.unwrap();
            cases.push(submit(&store, &d, 1_000 + n).await);
        }
        let today = Date::new(2026, 11, 23).unwrap();
        let intake = QueueKind::Stage(Stage::Intake);
        let all = QueueFilter::default();
        let first = store.queue(&QueueScope::Everything, &intake, &all, today, None, 10).await.unwrap();
        assert_eq!(first.len(), 10);
        let after = first.last().map(|r| r.keyset.clone());
        let second = store.queue(&QueueScope::Everything, &intake, &all, today, after.as_deref(), 10).await.unwrap();
        assert_eq!(second[0].tracking_number, cases[10].tracking_number, "{}: the next page starts after the last line", store.engine());
        // The whole list is newest first.
        let newest = store.queue(&QueueScope::Everything, &QueueKind::All, &all, today, None, 2).await.unwrap();
        assert_eq!(newest[0].tracking_number, cases[24].tracking_number);
        let next = store.queue(&QueueScope::Everything, &QueueKind::All, &all, today, Some(&newest[1].keyset), 1).await.unwrap();
        assert_eq!(next[0].tracking_number, cases[22].tracking_number);
        assert_eq!(store.queue(&QueueScope::Everything, &intake, &all, today, Some("garbage"), 30).await.unwrap().len(), 25, "a bad keyset starts from the top");
        assert_eq!(store.queue_count(&QueueScope::Everything, &intake, today, 20).await.unwrap(), 20, "counts stop at the cap");
        let by_number = QueueFilter { tracking: Some(cases[3].tracking_number.as_str().to_owned()), ..Default::default() };
        assert_eq!(store.queue(&QueueScope::Everything, &intake, &by_number, today, None, 10).await.unwrap().len(), 1);
        let by_phone = QueueFilter { phone_last4: Some("8000".into()), ..Default::default() };
        assert_eq!(store.queue(&QueueScope::Everything, &intake, &by_phone, today, None, 30).await.unwrap().len(), 25);
        let by_name = QueueFilter { applicant_name: Some("王小明".into()), ..Default::default() };
        assert_eq!(store.queue(&QueueScope::Everything, &intake, &by_name, today, None, 30).await.unwrap().len(), 25);
        let nobody = QueueFilter { applicant_name: Some("王小".into()), ..Default::default() };
        assert!(store.queue(&QueueScope::Everything, &intake, &nobody, today, None, 30).await.unwrap().is_empty(), "names match whole");
        // A town centre sees nothing of the district centre's cases.
        let town = QueueScope::Sites(vec!["/gulou/dongjie/".into(), "/gulou/dongjie/sanfang/".into()]);
        assert!(store.queue(&town, &intake, &all, today, None, 30).await.unwrap().is_empty());
        let district = QueueScope::Sites(vec!["/gulou/".into(), "/gulou/dongjie/".into()]);
        assert_eq!(store.queue(&district, &intake, &all, today, None, 30).await.unwrap().len(), 25);
    }
}

#[tokio::test]
async fn deadlines_sort_cases_into_due_soon_and_overdue() {
    use crate::domain::calendar::Due;
    use crate::domain::deadline::Deadline;
    for store in stores().await {
        seeded(&store).await;
        let d = |s: &str| Date::parse_iso(s).unwrap();
        for (id, due, yellow) in [("g", "2026-04-20", "2026-04-15"), ("y", "2026-04-10", "2026-04-08"), ("r", "2026-04-07", "2026-04-06")] {
            let dr = draft(id);
            store.save_draft(&dr).await.unwrap();
            let case = submit(&store, &dr, 100).await;
            let mut step = Step::new(case.id, CaseStatus::Submitted, CaseStatus::Accepted, "staff:window01", "", 200);
            step.clock = Clock::Start(Deadline { accepted_on: d("2026-04-01"), promised_days: 5, paused_days: 0, due: Due { date: d(due), provisional: false }, yellow_from: d(yellow) });
            step.open_reviews = &[];
            store.record_step(&step).await.unwrap();
        }
        let today = d("2026-04-09");
        let list = |kind| {
            let store = store.clone();
            async move { store.queue(&QueueScope::Everything, &kind, &QueueFilter::default(), today, None, 10).await.unwrap().len() }
        };
        assert_eq!(list(QueueKind::DueSoon).await, 1, "{}", store.engine());
        assert_eq!(list(QueueKind::Overdue).await, 1);
        // Paused for correction: not overdue while the applicant has the case.
        let red = store.queue(&QueueScope::Everything, &QueueKind::Overdue, &QueueFilter::default(), today, None, 10).await.unwrap().remove(0);
        let mut pause = Step::new(red.id, CaseStatus::Accepted, CaseStatus::NeedsCorrection, "staff:review01", "补正", 300);
        pause.clock = Clock::Pause(today);
        store.record_step(&pause).await.unwrap();
        assert_eq!(list(QueueKind::Overdue).await, 0);
    }
}

#[tokio::test]
async fn an_issued_licence_verifies_and_can_be_revoked() {
    for store in stores().await {
        seeded(&store).await;
        let case = accepted_case(&store, "l1", &["civil".to_owned()], 100).await;
        let mut approve = Step::new(case.id, CaseStatus::Accepted, CaseStatus::Approved, "staff:civil01", "", 200);
        approve.review = Some(review("civil", ReviewStatus::Approved, "staff:civil01"));
        assert_eq!(store.record_step(&approve).await.unwrap(), CaseStatus::Approved);
        let licence = NewLicence {
            number: "CIV-0001-20261123-000001".into(),
            service_code: "CIV-0001".into(),
            name: crate::domain::text::Text { zh: "证".into(), en: "Licence".into() },
            holder: "王小明".into(),
            department: "civil".into(),
            issued_on: Date::new(2026, 11, 23).unwrap(),
            valid_until: None,
            verification_code: "ABCDEFGHJKLMNPQRSTUV".into(),
            credit_code: None,
        };
        let mut issue = Step::new(case.id, CaseStatus::Approved, CaseStatus::Issued, "staff:issue01", "", 300);
        issue.licence = Some(&licence);
        let notice = Notice { kind: "issued".into(), phone: "13800138000".into(), locale: "zh-Hans".into(), body: "已办结".into() };
        issue.notices = vec![(CaseStatus::Issued, notice)];
        store.record_step(&issue).await.unwrap();
        // The case read whole at once is the case read part by part.
        let committed = crate::domain::provision::Provision {
            material_code: "id_card".into(),
            kind: crate::domain::provision::ProvisionKind::Committed,
            licence_number: None,
            commitment: Some(crate::domain::text::Text { zh: "本人承诺".into(), en: "I commit".into() }),
            due_on: None,
            arrived: false,
        };
        store.set_provision(&case.draft_id, &committed, 301).await.unwrap();
        let parts = store.case_parts(&case).await.unwrap();
        assert_eq!(parts.events, store.case_events(case.id).await.unwrap(), "{}", store.engine());
        assert_eq!(parts.events.len(), 4, "{}: submitted, accepted, approved, issued", store.engine());
        assert_eq!(parts.reviews, store.case_reviews(case.id).await.unwrap());
        assert_eq!(parts.messages.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(), vec!["已办结"], "{}", store.engine());
        assert_eq!(parts.licence.as_ref().map(|l| l.number.as_str()), Some("CIV-0001-20261123-000001"));
        assert_eq!(parts.provisions, vec![committed]);
        assert_eq!(Some(parts.chain_head()), store.case_chain_head(case.id).await.unwrap(), "{}: the shown head is the stored one", store.engine());
        // And by its tracking number, the case with its parts in one read.
        let (whole, whole_parts) = store.case_whole_by_tracking(&case.tracking_number).await.unwrap().unwrap();
        assert_eq!(whole, store.case_by_id(case.id).await.unwrap().unwrap(), "{}", store.engine());
        assert_eq!(whole_parts, parts, "{}", store.engine());
        let unknown = crate::domain::ids::TrackingNumber::new("350102", Date::new(2099, 1, 5).unwrap(), 1);
        assert!(store.case_whole_by_tracking(&unknown).await.unwrap().is_none(), "{}", store.engine());
        let other = accepted_case(&store, "l2", &["civil".to_owned()], 500).await;
        let other_parts = store.case_parts(&other).await.unwrap();
        assert!(other_parts.licence.is_none() && other_parts.messages.is_empty() && other_parts.provisions.is_empty(), "{}", store.engine());
        assert_eq!(other_parts.events, store.case_events(other.id).await.unwrap());
        let found = store.licence_by_code("ABCDEFGHJKLMNPQRSTUV").await.unwrap().unwrap();
        assert_eq!((found.case_id, found.holder.as_str()), (case.id, "王小明"), "{}", store.engine());
        assert!(store.revoke_licence(found.id, "虚假承诺", 400).await.unwrap());
        assert!(!store.revoke_licence(found.id, "again", 401).await.unwrap(), "revoked once");
        assert_eq!(store.licence_of_case(case.id).await.unwrap().unwrap().status, crate::domain::licence::LicenceStatus::Revoked);
        assert!(store.licence_by_code("NOPE").await.unwrap().is_none());
    }
}

#[tokio::test]
async fn calendar_edits_are_kept_over_the_file_and_audited() {
    for store in stores().await {
        assert!(store.seed_calendar_year(2026, "year = 2026", "h1", 1).await.unwrap());
        assert!(!store.seed_calendar_year(2026, "year = 2026", "h1", 2).await.unwrap(), "unchanged file");
        store.edit_calendar_year(2026, "year = 2026\n# edited", "staff:admin01", "国务院通知更正", 3).await.unwrap();
        assert!(!store.seed_calendar_year(2026, "year = 2026", "h1", 4).await.unwrap(), "{}: the same file does not undo the edit", store.engine());
        let years = store.calendar_years().await.unwrap();
        assert_eq!((years[0].text.as_str(), years[0].updated_by.as_str()), ("year = 2026\n# edited", "staff:admin01"));
        let edits = store.staff_actions("calendar_edit", 10).await.unwrap();
        assert_eq!(edits.len(), 1);
        assert!(edits[0].detail.contains("国务院通知更正"));
        let (_, breaks) = store.verify_all_chains().await.unwrap();
        assert!(breaks.is_empty(), "{breaks:?}");
        on_pool!(store, pool => {
            sqlx::query("UPDATE staff_audit SET actor = 'someone' WHERE id = $1").bind(edits[0].id).execute(pool).await.unwrap();
        });
        let (_, breaks) = store.verify_all_chains().await.unwrap();
        assert_eq!(breaks.len(), 1, "{}", store.engine());
    }
}

#[tokio::test]
async fn codes_are_counted_kept_as_hashes_and_used_once() {
    for store in stores().await {
        let notice = Notice { kind: "sign_in_code".into(), phone: "13800138000".into(), locale: "zh-Hans".into(), body: "code 123456".into() };
        let code = NewCode { phone: "13800138000", purpose: "sign_in", code_hash: "h1", client: "10.0.0.1", at: 1_000, expires_at: 301_000, notice: &notice };
        store.issue_code(&code).await.unwrap();
        store.issue_code(&NewCode { code_hash: "h2", at: 70_000, expires_at: 370_000, ..code.clone() }).await.unwrap();
        store.issue_code(&NewCode { phone: "13900139000", code_hash: "h3", at: 80_000, ..code.clone() }).await.unwrap();
        let (to_number, from_client) = store.code_sends("13800138000", "sign_in", "10.0.0.1", 0).await.unwrap();
        assert_eq!((to_number.len(), from_client), (2, 3), "{}", store.engine());
        assert_eq!(store.code_sends("13800138000", "proxy_consent", "10.0.0.2", 0).await.unwrap(), (vec![], 0));
        assert!(store.code_sends("13800138000", "sign_in", "10.0.0.1", 0).await.unwrap().0.iter().all(|s| !s.used));
        // The newest code is the one that counts; it is used once.
        let newest = store.newest_code("13800138000", "sign_in").await.unwrap().unwrap();
        assert_eq!((newest.code_hash.as_str(), newest.used, newest.wrong_entries), ("h2", false, 0));
        store.count_wrong_code_entry(newest.id).await.unwrap();
        assert_eq!(store.newest_code("13800138000", "sign_in").await.unwrap().unwrap().wrong_entries, 1);
        assert!(store.use_code(newest.id, 100_000).await.unwrap());
        assert!(!store.use_code(newest.id, 100_001).await.unwrap(), "{}: a code is used once", store.engine());
        // The message went to the outbox with no case, and is nobody's correspondence.
        let due = store.due_messages(i64::MAX, 10).await.unwrap();
        assert_eq!(due.len(), 3);
        assert!(due.iter().all(|m| m.case_id.is_none()));
        store.mark_delivered(due[0].id, 2_000).await.unwrap();
        assert!(store.messages_to("13800138000", 10).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn an_account_holds_its_cases_drafts_licences_and_claims_by_verified_number() {
    for store in stores().await {
        seeded(&store).await;
        let citizen = store.citizen_signed_in("13800138000", 5).await.unwrap();
        assert_eq!(store.citizen_signed_in("13800138000", 6).await.unwrap(), citizen, "one account per number");
        assert_eq!(store.citizen_of_session(citizen.id, "session-c").await.unwrap(), Some(citizen.clone()));
        store.revoke_session("session-c", 1_000).await.unwrap();
        assert_eq!(store.citizen_of_session(citizen.id, "session-c").await.unwrap(), None, "signed out");
        // Filed without signing in with the same number: claimable, not "mine".
        let d_anon = draft("d-anon");
        store.save_draft(&d_anon).await.unwrap();
        let anonymous = submit(&store, &d_anon, 100).await;
        assert!(store.cases_of_citizen(citizen.id, 10).await.unwrap().is_empty());
        assert_eq!(store.claimable_cases("13800138000", 10).await.unwrap().len(), 1);
        assert!(store.claim_case(&anonymous.tracking_number, &citizen, 200).await.unwrap());
        assert!(!store.claim_case(&anonymous.tracking_number, &citizen, 201).await.unwrap(), "{}: claimed once", store.engine());
        let other = store.citizen_signed_in("13900139000", 5).await.unwrap();
        let d_second = draft("d-second");
        store.save_draft(&d_second).await.unwrap();
        let second = submit(&store, &d_second, 300).await;
        assert!(!store.claim_case(&second.tracking_number, &other, 301).await.unwrap(), "another number cannot claim");
        let events = store.case_events(anonymous.id).await.unwrap();
        assert_eq!(events.last().unwrap().kind, EventKind::Claimed);
        assert!(store.verify_case_chain(anonymous.id).await.unwrap().is_ok());
        // A draft saved while signed in is the account's, on any device, until submitted.
        let mut d = draft("d-synced");
        d.citizen_id = Some(citizen.id);
        d.owner_hash = "device-a".into();
        store.save_draft(&d).await.unwrap();
        // Saved again from another device (another browser token): the account's draft changes.
        let mut from_b = d.clone();
        from_b.owner_hash = "device-b".into();
        from_b.answers.insert("note".into(), "from b".into());
        from_b.updated_at = 20;
        store.save_draft(&from_b).await.unwrap();
        let stored = store.draft("d-synced").await.unwrap().unwrap();
        assert_eq!((stored.owner_hash.as_str(), stored.answers.get("note").map(String::as_str)), ("device-a", Some("from b")), "{}", store.engine());
        // A stranger's browser cannot overwrite it.
        let mut stranger = d.clone();
        stranger.owner_hash = "device-c".into();
        stranger.citizen_id = Some(other.id);
        stranger.answers.insert("note".into(), "stranger".into());
        store.save_draft(&stranger).await.unwrap();
        assert_eq!(store.draft("d-synced").await.unwrap().unwrap().answers.get("note").map(String::as_str), Some("from b"));
        assert_eq!(store.drafts_of_citizen(citizen.id, 10).await.unwrap().iter().map(|d| d.id.as_str()).collect::<Vec<_>>(), vec!["d-synced"]);
        let case = store.submit_case(&NewCase { citizen_id: Some(citizen.id), ..new_case(&stored, 400) }).await.unwrap();
        assert!(store.drafts_of_citizen(citizen.id, 10).await.unwrap().is_empty(), "a submitted draft is no longer unfinished");
        let mine: Vec<String> = store.cases_of_citizen(citizen.id, 10).await.unwrap().into_iter().map(|c| c.tracking_number.to_string()).collect();
        assert_eq!(mine, vec![case.tracking_number.to_string(), anonymous.tracking_number.to_string()], "newest first");
        assert_eq!(case.citizen_id, Some(citizen.id));
        assert!(store.licences_of_citizen(citizen.id).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn a_proxy_filing_carries_the_agent_and_the_consent_into_the_case_and_its_record() {
    for store in stores().await {
        seeded(&store).await;
        let consent = crate::domain::proxy::Consent::PhoneCode { phone_masked: "138****8000".into(), at: 50 };
        let d = draft("d-proxy");
        let proxy = DraftProxy { agent: "agent01".into(), phone: "13800138000".into(), consent: consent.clone() };
        store.start_proxy_draft(&d, &proxy).await.unwrap();
        assert_eq!(store.draft_proxy("d-proxy").await.unwrap(), Some(proxy.clone()), "{}", store.engine());
        assert_eq!(store.draft_proxy("no-such").await.unwrap(), None);
        let case = store
            .submit_case(&NewCase { site_path: "/gulou/dongjie/", proxy: Some(ProxyFiling { agent: "agent01", consent: &consent }), ..new_case(&d, 100) })
            .await
            .unwrap();
        assert_eq!(case.proxy, Some(("agent01".to_owned(), consent.clone())));
        let first = store.case_events(case.id).await.unwrap().remove(0);
        assert_eq!((first.actor.as_str(), first.note.as_str()), ("proxy:agent01", consent.summary().as_str()), "the consent is in the chained record");
        let filed: Vec<String> = store.cases_filed_by("agent01", 10).await.unwrap().into_iter().map(|c| c.tracking_number.to_string()).collect();
        assert_eq!(filed, vec![case.tracking_number.to_string()]);
        assert!(store.cases_filed_by("agent02", 10).await.unwrap().is_empty());
        // The resident can still claim it with their verified number.
        assert_eq!(store.claimable_cases("13800138000", 10).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn a_fee_is_paid_after_a_failed_attempt_once_only_and_refunded_in_the_record() {
    use crate::domain::fee::{CaseFee, PaymentOutcome, PaymentStatus};
    for store in stores().await {
        seeded(&store).await;
        let d = draft("d-fee");
        store.save_draft(&d).await.unwrap();
        let fee = CaseFee { amount_fen: 8000, status: PaymentStatus::Unpaid };
        let case = store.submit_case(&NewCase { fee, ..new_case(&d, 100) }).await.unwrap();
        assert_eq!(case.fee, CaseFee { amount_fen: 8000, status: PaymentStatus::Unpaid }, "{}", store.engine());
        store.start_payment(case.id, "ref-1", 8000, "/receipt/x", 200).await.unwrap();
        assert!(store.settle_payment("ref-1", PaymentOutcome::Failed, 210).await.unwrap());
        assert!(!store.settle_payment("ref-1", PaymentOutcome::Paid, 211).await.unwrap(), "a settled attempt stays settled");
        assert_eq!(store.case_by_id(case.id).await.unwrap().unwrap().fee.status, PaymentStatus::Unpaid);
        store.start_payment(case.id, "ref-2", 8000, "/receipt/x", 300).await.unwrap();
        store.start_payment(case.id, "ref-3", 8000, "/receipt/x", 301).await.unwrap();
        assert!(store.settle_payment("ref-2", PaymentOutcome::Paid, 310).await.unwrap());
        assert!(!store.settle_payment("ref-3", PaymentOutcome::Paid, 311).await.unwrap(), "{}: paid once, not twice", store.engine());
        assert_eq!(store.case_by_id(case.id).await.unwrap().unwrap().fee.status, PaymentStatus::Paid);
        assert_eq!(store.paid_payment_of_case(case.id).await.unwrap().map(|p| p.reference), Some("ref-2".into()));
        assert!(store.refund_case_fee(case.id, 400).await.unwrap());
        assert!(!store.refund_case_fee(case.id, 401).await.unwrap());
        assert_eq!(store.case_by_id(case.id).await.unwrap().unwrap().fee.status, PaymentStatus::Refunded);
        let notes: Vec<String> = store.case_events(case.id).await.unwrap().into_iter().filter(|e| e.kind == EventKind::Payment).map(|e| e.note).collect();
        assert_eq!(notes, vec!["payment failed (ref-1)", "paid 80.00 (ref-2)", "refunded 80.00"]);
        assert!(store.verify_case_chain(case.id).await.unwrap().is_ok());
        // 政府免单: recorded as waived, with its basis, in the record.
        let d2 = draft("d-waived");
        store.save_draft(&d2).await.unwrap();
        let fee = CaseFee { amount_fen: 30000, status: PaymentStatus::Waived };
        let waived = store.submit_case(&NewCase { fee, waiver: Some("区财政承担"), ..new_case(&d2, 100) }).await.unwrap();
        assert_eq!(waived.fee.status, PaymentStatus::Waived);
        let last = store.case_events(waived.id).await.unwrap().pop().unwrap();
        assert_eq!((last.kind, last.note.as_str()), (EventKind::Payment, "waived 300.00: 区财政承担"));
    }
}

#[tokio::test]
async fn credit_entries_seed_once_keep_administrators_changes_and_are_audited() {
    use crate::domain::credit::{CreditEntry, CreditList, CreditSubject};
    use crate::domain::text::Text;
    for store in stores().await {
        seeded(&store).await;
        let reason = Text { zh: "失信".into(), en: "Dishonest".into() };
        let black = CreditEntry {
            subject: CreditSubject::parse("11010519491231002X").unwrap(),
            list: CreditList::Black,
            reason: reason.clone(),
            since: Date::new(2025, 6, 1).unwrap(),
        };
        assert!(store.seed_credit_entry(&black, 1).await.unwrap());
        assert!(!store.seed_credit_entry(&black, 2).await.unwrap(), "{}: the file adds an entry once", store.engine());
        let red = CreditEntry { list: CreditList::Red, ..black.clone() };
        store.put_credit_entry(&red, "staff:admin01", "court order lifted", 3).await.unwrap();
        assert!(!store.seed_credit_entry(&black, 4).await.unwrap());
        let found = store.credit_entries_for(&["11010519491231002X".into(), "440308199901010012".into()]).await.unwrap();
        assert_eq!(found.iter().map(|e| e.list).collect::<Vec<_>>(), vec![CreditList::Red], "the administrator's change is kept over the file");
        assert!(store.remove_credit_entry("11010519491231002X", "staff:admin01", "listed by mistake", 5).await.unwrap());
        assert!(!store.remove_credit_entry("11010519491231002X", "staff:admin01", "again", 6).await.unwrap());
        assert!(store.credit_entries().await.unwrap().is_empty());
        assert_eq!(store.staff_actions("credit_put", 10).await.unwrap().len(), 1);
        assert_eq!(store.staff_actions("credit_remove", 10).await.unwrap()[0].detail, "listed by mistake");
        assert!(store.verify_all_chains().await.unwrap().1.is_empty(), "{}: the staff chain is intact", store.engine());
        // A case submitted by a listed applicant keeps the standing it was found in.
        let d = draft("d-credit");
        store.save_draft(&d).await.unwrap();
        let case = store.submit_case(&NewCase { credit: Some((CreditList::Black, &reason)), ..new_case(&d, 10) }).await.unwrap();
        assert_eq!(case.credit, Some((CreditList::Black, reason.clone())));
    }
}

#[tokio::test]
async fn provisions_travel_with_the_case_deferrals_are_reminded_once_and_arrive_into_the_chain() {
    use crate::domain::provision::{Provision, ProvisionKind, Reductions};
    use crate::domain::text::Text;
    for store in stores().await {
        seeded(&store).await;
        let d = draft("d-provide");
        store.save_draft(&d).await.unwrap();
        let committed = Provision {
            material_code: "id_card".into(),
            kind: ProvisionKind::Committed,
            licence_number: None,
            commitment: Some(Text { zh: "本人承诺".into(), en: "I commit".into() }),
            due_on: None,
            arrived: false,
        };
        let deferred = Provision { material_code: "photo".into(), kind: ProvisionKind::Deferred, commitment: None, ..committed.clone() };
        store.set_provision(&d.id, &deferred, 1).await.unwrap();
        store.clear_provision(&d.id, "photo").await.unwrap();
        store.set_provision(&d.id, &committed, 2).await.unwrap();
        store.set_provision(&d.id, &deferred, 3).await.unwrap();
        assert_eq!(store.provisions_of_draft(&d.id).await.unwrap(), vec![committed.clone(), deferred.clone()]);

        let due = Date::new(2026, 3, 11).unwrap();
        let at_submission = [committed.clone(), Provision { due_on: Some(due), ..deferred.clone() }];
        let case = store.submit_case(&NewCase { provisions: &at_submission, ..new_case(&d, 10) }).await.unwrap();
        assert_eq!(case.reductions, Reductions { materials_reused: 0, materials_deferred: 1, materials_committed: 1, trips_saved: 2 });
        assert_eq!(case.deferred_due_on, Some(due), "{}: the result waits for the deferred material", store.engine());
        assert!(case.facts(&[]).materials_due && case.facts(&[]).committed);
        let kinds: Vec<EventKind> = store.case_events(case.id).await.unwrap().into_iter().map(|e| e.kind).collect();
        assert_eq!(kinds, vec![EventKind::Transition, EventKind::Provision, EventKind::Provision]);

        // Reminded once, however often the sweep runs.
        let due_soon = store.deferrals_to_remind(due, 10).await.unwrap();
        assert_eq!(due_soon.len(), 1);
        assert_eq!((due_soon[0].material_code.as_str(), due_soon[0].due_on), ("photo", due));
        assert!(store.deferrals_to_remind(Date::new(2026, 3, 10).unwrap(), 10).await.unwrap().is_empty());
        let notice = Notice { kind: "deferral_reminder".into(), phone: "13800138000".into(), locale: "zh".into(), body: "请补交".into() };
        assert!(store.remind_deferral(&due_soon[0], &notice, 20).await.unwrap());
        assert!(!store.remind_deferral(&due_soon[0], &notice, 21).await.unwrap());
        assert!(store.deferrals_to_remind(due, 10).await.unwrap().is_empty());
        assert_eq!(store.case_messages(case.id).await.unwrap().len(), 1);

        // It arrives: once, chained, and the result no longer waits.
        assert!(store.deferred_material_arrived(case.id, "photo", "applicant", 30).await.unwrap());
        assert!(!store.deferred_material_arrived(case.id, "photo", "applicant", 31).await.unwrap());
        let case = store.case_by_id(case.id).await.unwrap().unwrap();
        assert_eq!(case.deferred_due_on, None);
        assert!(store.provisions_of_draft(&d.id).await.unwrap().iter().all(|p| !p.is_outstanding()));
        assert!(store.verify_case_chain(case.id).await.unwrap().is_ok(), "{}: the chain is intact", store.engine());
    }
}

#[tokio::test]
async fn a_proactive_offer_is_made_once_per_rule_and_issued_case_with_one_message() {
    use crate::domain::proactive::ProactiveRule;
    use crate::server::notify::offer_proactive;
    for store in stores().await {
        seeded(&store).await;
        let citizen = store.citizen_signed_in("13800138000", 5).await.unwrap();
        let case = accepted_case(&store, "p-offer", &["civil".to_owned()], 100).await;
        assert!(store.claim_case(&case.tracking_number, &citizen, 110).await.unwrap());
        let rule = ProactiveRule {
            code: "next_step".into(),
            after_issued: vec!["CIV-0001".into()],
            // The item just issued is pursued already: only the other is offered.
            offer: vec!["HLT-0001".into(), "CIV-0001".into()],
            message: crate::domain::text::Text { zh: "您的事项已办好".into(), en: "Done".into() },
        };
        let rules = std::slice::from_ref(&rule);
        assert_eq!(offer_proactive(&store, rules, 150).await.unwrap(), 0, "{}: nothing before the result is issued", store.engine());
        let mut approve = Step::new(case.id, CaseStatus::Accepted, CaseStatus::Approved, "staff:civil01", "", 200);
        approve.review = Some(review("civil", ReviewStatus::Approved, "staff:civil01"));
        store.record_step(&approve).await.unwrap();
        store.record_step(&Step::new(case.id, CaseStatus::Approved, CaseStatus::Issued, "staff:issue01", "", 300)).await.unwrap();
        let before = store.case_messages(case.id).await.unwrap().len();
        assert_eq!(offer_proactive(&store, rules, 400).await.unwrap(), 1, "{}", store.engine());
        assert_eq!(offer_proactive(&store, rules, 460).await.unwrap(), 0, "{}: once, however often the sweep runs", store.engine());
        let offers = store.offers_to(citizen.id, 10).await.unwrap();
        assert_eq!(offers.len(), 1);
        assert_eq!((offers[0].rule_code.as_str(), offers[0].trigger_case_id, offers[0].items.clone()), ("next_step", case.id, vec!["HLT-0001".to_owned()]));
        let messages = store.case_messages(case.id).await.unwrap();
        assert_eq!(messages.len(), before + 1);
        let sent = messages.last().unwrap();
        assert_eq!((sent.kind.as_str(), sent.phone.as_str()), ("proactive_offer", "13800138000"), "to the account's number");
        assert!(sent.body.contains("您的事项已办好") && sent.body.contains("HLT-0001"), "{}", sent.body);
        // Nothing left to offer: recorded, not sent, not shown.
        let all_pursued = ProactiveRule { code: "nothing_left".into(), offer: vec!["CIV-0001".into()], ..rule.clone() };
        assert_eq!(offer_proactive(&store, std::slice::from_ref(&all_pursued), 500).await.unwrap(), 0);
        assert!(store.issued_without_offer("nothing_left", "CIV-0001", 10).await.unwrap().is_empty());
        assert_eq!(store.offers_to(citizen.id, 10).await.unwrap().len(), 1);
        assert_eq!(store.held_cases(citizen.id).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn expired_drafts_go_with_their_materials_while_cases_keep_theirs() {
    for store in stores().await {
        seeded(&store).await;
        let (only_old, shared) = ("a".repeat(64), "b".repeat(64));
        let file = |d: &str, code: &str, sha: &str, at: i64| MaterialRecord {
            id: 0,
            draft_id: d.into(),
            material_code: code.into(),
            sha256: sha.into(),
            media_type: MediaType::Pdf,
            size_bytes: 10,
            file_name: "f.pdf".into(),
            uploaded_at: at,
        };
        let old = draft("d-old");
        store.save_draft(&old).await.unwrap();
        store.put_material(&file("d-old", "id_card", &only_old, 10)).await.unwrap();
        store.put_material(&file("d-old", "photo", &shared, 10)).await.unwrap();
        let deferred = crate::domain::provision::Provision {
            material_code: "other".into(),
            kind: crate::domain::provision::ProvisionKind::Deferred,
            licence_number: None,
            commitment: None,
            due_on: None,
            arrived: false,
        };
        store.set_provision("d-old", &deferred, 10).await.unwrap();
        let recent = Draft { updated_at: 5_000, ..draft("d-recent") };
        store.save_draft(&recent).await.unwrap();
        store.put_material(&file("d-recent", "photo", &shared, 5_000)).await.unwrap();
        let submitted = draft("d-case");
        store.save_draft(&submitted).await.unwrap();
        store.put_material(&file("d-case", "id_card", &"c".repeat(64), 10)).await.unwrap();
        let case = submit(&store, &submitted, 20).await;

        let (swept, unused) = store.sweep_drafts(1_000, 100).await.unwrap();
        assert_eq!(swept, 1, "{}: only the old draft that never became a case", store.engine());
        assert_eq!(unused, vec![only_old.clone()], "{}: a file another draft uses stays", store.engine());
        assert!(store.draft("d-old").await.unwrap().is_none());
        assert!(store.materials_of_draft("d-old").await.unwrap().is_empty());
        assert!(store.provisions_of_draft("d-old").await.unwrap().is_empty());
        assert!(store.draft("d-recent").await.unwrap().is_some());
        assert_eq!(store.materials_of_draft("d-case").await.unwrap().len(), 1, "a case's files are kept however old");
        assert!(store.case_by_draft("d-case").await.unwrap().is_some_and(|c| c.id == case.id));
        assert_eq!(store.sweep_drafts(1_000, 100).await.unwrap(), (0, vec![]));

        let notice = Notice { kind: "sign_in_code".into(), phone: "13800138000".into(), locale: "zh-Hans".into(), body: "验证码".into() };
        let code = NewCode { phone: "13800138000", purpose: "sign_in", code_hash: "h", client: "10.0.0.1", at: 100, expires_at: 400, notice: &notice };
        store.issue_code(&code).await.unwrap();
        store.issue_code(&NewCode { code_hash: "h2", at: 90_000, ..code.clone() }).await.unwrap();
        assert_eq!(store.forget_codes(50_000).await.unwrap(), 1);
        assert!(store.newest_code("13800138000", "sign_in").await.unwrap().is_some());
    }
}

/// The crash test's checker (`portal verify-cases`) must see each kind of loss, or a
/// crash test that passes would prove nothing.
#[tokio::test]
async fn the_durability_check_names_what_an_acknowledgement_lacks() {
    use crate::server::blobs::BlobStore;
    use crate::server::durability::{Acknowledged, missing};
    for store in stores().await {
        seeded(&store).await;
        let blobs = BlobStore::new(std::env::temp_dir().join(format!("portal-durability-test-{}", random_token())));
        let d = draft("durable");
        store.save_draft(&d).await.unwrap();
        let case = submit(&store, &d, 100).await;
        let number = case.tracking_number.clone();
        let submitted = Acknowledged::Submitted(number.clone());
        let lacks = missing(&store, &blobs, &submitted).await.unwrap();
        assert_eq!(lacks, vec![format!("{}: no materials", number.as_str())], "{}", store.engine());
        // A material whose file is gone, then stored.
        let sha = crate::server::clock::hex(&<sha2::Sha256 as sha2::Digest>::digest(b"%PDF-1.4 scan"));
        let record = MaterialRecord { id: 0, draft_id: "durable".into(), material_code: "id_card".into(), sha256: sha.clone(), media_type: MediaType::Pdf, size_bytes: 13, file_name: "scan.pdf".into(), uploaded_at: 1 };
        store.put_material(&record).await.unwrap();
        assert_eq!(missing(&store, &blobs, &submitted).await.unwrap(), vec![format!("{}: material id_card has no stored file", number.as_str())]);
        assert_eq!(blobs.put(b"%PDF-1.4 scan").await.unwrap(), sha);
        assert!(missing(&store, &blobs, &submitted).await.unwrap().is_empty(), "{}", store.engine());
        // A decision acknowledged but not stored.
        let decided = Acknowledged::Decided(number.clone(), "accept".into());
        let lacks = missing(&store, &blobs, &decided).await.unwrap();
        assert_eq!(lacks.len(), 2, "{lacks:?}");
        assert!(lacks[0].contains("the decision `accept` is missing (status submitted)"), "{lacks:?}");
        assert!(lacks[1].contains("no message to the applicant"), "{lacks:?}");
        // A number never stored.
        let other = crate::domain::ids::TrackingNumber::new("350102", Date::new(2026, 1, 5).unwrap(), 999);
        let lacks = missing(&store, &blobs, &Acknowledged::Submitted(other.clone())).await.unwrap();
        assert_eq!(lacks, vec![format!("{}: no case with this number", other.as_str())]);
    }
}

#[tokio::test]
async fn a_bundle_has_one_number_of_the_case_sequence_and_waits_for_its_parts_however_old() {
    for store in stores().await {
        seeded(&store).await;
        let other = crate::domain::catalog::ServiceItem { code: "CIV-0009".into(), ..sample_item() };
        assert!(store.upsert_service_item(&other, "", "h2", 1).await.unwrap());
        let part = |id: &str, service: &str| Draft { service_code: service.into(), ..draft(id) };
        let (first, waiting) = (part("b-first", "CIV-0001"), part("b-waiting", "CIV-0009"));
        let bundle = BundleDraft {
            id: "bundle-1".into(),
            bundle_code: "BND-0001".into(),
            owner_hash: "owner".into(),
            citizen_id: None,
            answers: first.answers.clone(),
            created_at: 10,
            updated_at: 10,
            parts: vec![],
        };
        store.save_bundle_draft(&bundle, &[first.clone(), waiting.clone()]).await.unwrap();
        // Saved again by someone else's browser: nothing changes.
        let stranger = BundleDraft { owner_hash: "stranger".into(), answers: BTreeMap::new(), updated_at: 20, ..bundle.clone() };
        store.save_bundle_draft(&stranger, &[]).await.unwrap();
        let kept = store.bundle_draft("bundle-1").await.unwrap().unwrap();
        assert_eq!((kept.answers.len(), kept.parts.len()), (1, 2), "{}", store.engine());
        assert_eq!(store.bundle_of_part("b-waiting").await.unwrap().as_deref(), Some("bundle-1"));
        let new = NewBundle { draft: &kept, region: "350102", applicant_name: "王小明", applicant_phone: "13800138000", locale: "zh-Hans", at: 100 };
        let record = store.submit_bundle(&new).await.unwrap();
        // Submitting again (a double click, a retry) is the same bundle.
        assert_eq!(store.submit_bundle(&NewBundle { at: 200, ..new.clone() }).await.unwrap(), record);
        // The first part's case takes the next number of the same daily sequence.
        let case = submit(&store, &first, 300).await;
        assert_ne!(case.tracking_number, record.tracking_number);
        assert_eq!(&case.tracking_number.as_str()[..14], &record.tracking_number.as_str()[..14]);
        assert_eq!(store.bundles_to_file(10).await.unwrap(), vec![record.clone()]);
        // Draft expiry leaves a submitted bundle's waiting part alone, however old.
        let (swept, _) = store.sweep_drafts(1_000_000, 100).await.unwrap();
        assert_eq!(swept, 0, "{}", store.engine());
        assert!(store.draft("b-waiting").await.unwrap().is_some());
        store.mark_bundle_filed(record.id).await.unwrap();
        assert!(store.bundles_to_file(10).await.unwrap().is_empty());
        assert_eq!(store.bundle_by_tracking(&record.tracking_number).await.unwrap().map(|b| b.all_filed), Some(true));
        // An abandoned bundle draft goes with its parts.
        let abandoned = BundleDraft { id: "bundle-2".into(), parts: vec![], ..bundle.clone() };
        store.save_bundle_draft(&abandoned, &[part("c-1", "CIV-0001"), part("c-2", "CIV-0009")]).await.unwrap();
        let (swept, _) = store.sweep_drafts(1_000_000, 100).await.unwrap();
        assert_eq!(swept, 2, "{}", store.engine());
        assert!(store.bundle_draft("bundle-2").await.unwrap().is_none());
        assert!(store.bundle_draft("bundle-1").await.unwrap().is_some());
    }
}

#[tokio::test]
async fn two_processes_claiming_the_outbox_at_once_each_send_different_messages() {
    for (store, url) in stores_with_urls().await {
        let other = Store::connect(&url).await.unwrap();
        for n in 0..40 {
            on_pool!(store, pool => {
                sqlx::query("INSERT INTO outbox (case_id, phone, locale, kind, body, created_at, next_attempt_at) VALUES (NULL, '13800138000', 'zh-Hans', 'sign_in', $1, 100, 100)")
                    .bind(format!("message {n}")).execute(pool).await.unwrap();
            });
        }
        let (a, b) = tokio::join!(store.claim_due_messages(1_000, 61_000, 8, 100), other.claim_due_messages(1_000, 61_000, 8, 100));
        let (a, b) = (a.unwrap(), b.unwrap());
        let mut ids: Vec<i64> = a.iter().chain(&b).map(|m| m.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!((ids.len(), a.len() + b.len()), (40, 40), "{}: every message claimed once", store.engine());
        // Claimed: nobody else gets them while the claim lasts…
        assert!(other.claim_due_messages(2_000, 62_000, 8, 100).await.unwrap().is_empty());
        // …and a process that died holding them leaves them to be tried after it.
        store.mark_delivered(ids[0], 3_000).await.unwrap();
        on_pool!(store, pool => {
            sqlx::query("UPDATE outbox SET attempts = 8 WHERE id = $1").bind(ids[1]).execute(pool).await.unwrap();
        });
        let again = other.claim_due_messages(61_000, 121_000, 8, 100).await.unwrap();
        assert_eq!(again.len(), 38, "{}: not the delivered one, nor one tried too often", store.engine());
        assert!(again.windows(2).all(|w| w[0].id < w[1].id), "oldest first");
    }
}
