//! Group commit of submissions on SQLite. SQLite has one writer at a time, and with
//! `synchronous=FULL` every commit waits for the disk: submissions each in their own
//! transaction pay one sync apiece, queued behind one another. The committer takes
//! every submission waiting at the moment into one transaction, commits once, and
//! only then answers each. An answered submission is as durable as before; under
//! load there are simply fewer syncs. PostgreSQL commits concurrent transactions in parallel
//! and needs none of this.

use super::cases::{CaseRow, PreparedCase, already_submitted};
use super::{BeginWrite, StoreError, StoreResult};
use sqlx::SqlitePool;
use tokio::sync::{mpsc, oneshot};

/// The most submissions one transaction takes: bounds how long the first of them
/// waits for the last.
const MAX_BATCH: usize = 64;

struct Job {
    case: PreparedCase,
    done: oneshot::Sender<StoreResult<Option<CaseRow>>>,
}

/// The handle the store keeps; the committing task ends when the last handle goes.
#[derive(Clone)]
pub(super) struct Committer {
    jobs: mpsc::Sender<Job>,
}

impl Committer {
    pub(super) fn spawn(pool: SqlitePool) -> Committer {
        let (jobs, mut queue) = mpsc::channel::<Job>(4 * MAX_BATCH);
        tokio::spawn(async move {
            while let Some(first) = queue.recv().await {
                let mut batch = vec![first];
                // Once the other submitters ready to run have had their turn: the
                // answers of the last commit wake them all at once, and the first
                // to send would otherwise commit alone, the rest one sync later.
                // One yield, no timer: a lone submission waits microseconds.
                tokio::task::yield_now().await;
                while batch.len() < MAX_BATCH {
                    match queue.try_recv() {
                        Ok(job) => batch.push(job),
                        Err(_) => break,
                    }
                }
                commit(&pool, batch).await;
            }
        });
        Committer { jobs }
    }

    /// Writes the case and answers once it is committed: its row, or None when its
    /// draft was a case already.
    pub(super) async fn submit(&self, case: PreparedCase) -> StoreResult<Option<CaseRow>> {
        let (done, answer) = oneshot::channel();
        let gone = || StoreError::Corrupt("the submission committer has stopped".into());
        self.jobs.send(Job { case, done }).await.map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
    }
}

/// Writes the batch in one transaction. Should it fail (which takes a bug or a
/// constraint the domain did not check), it is rolled back and each submission is
/// written alone, so that one bad submission fails alone.
async fn commit(pool: &SqlitePool, batch: Vec<Job>) {
    let (cases, answers): (Vec<PreparedCase>, Vec<oneshot::Sender<StoreResult<Option<CaseRow>>>>) = batch.into_iter().map(|j| (j.case, j.done)).unzip();
    if cases.len() > 1 {
        if let Ok(mut written) = write_and_commit(pool, &cases).await {
            // A draft twice in the batch: the first answer carries the row, the
            // repeat reads it (as any retry does).
            for (case, done) in cases.iter().zip(answers) {
                let _ = done.send(Ok(written.remove(&case.draft_id)));
            }
            return;
        }
    }
    for (case, done) in cases.iter().zip(answers) {
        let alone = write_and_commit(pool, std::slice::from_ref(case)).await.map(|mut written| written.remove(&case.draft_id));
        let _ = done.send(alone.or_else(|e| already_submitted(e).map(|()| None)).map_err(StoreError::from));
    }
}

/// Writes `cases` in one transaction and commits it: the rows written, by draft.
async fn write_and_commit(pool: &SqlitePool, cases: &[PreparedCase]) -> Result<std::collections::HashMap<String, CaseRow>, sqlx::Error> {
    let mut tx = pool.begin_write().await?;
    let written = super::cases::write_cases_sqlite(&mut tx, cases).await?;
    tx.commit().await?;
    Ok(written)
}
