//! Managed local PostgreSQL: Coral's embedded default when `CORAL_DATABASE_URL` is unset.
//!
//! Finds the machine's server binaries, initialises a cluster under `<data>/pg` on first
//! use (elsewhere when the `postgres` user cannot reach it: `install`), runs `postgres` on
//! a unix socket inside it (no TCP port to collide with), restarts it if it dies
//! (`supervisor`) and stops it on shutdown. As root the cluster runs as the `postgres`
//! user. The test harness uses the same code to get a real database.
//!
//! One process owns a cluster: the one holding `coral.lock` in its directory. A second
//! `coral serve` on the same data dir is refused; other commands (`coral tenant …`)
//! attach to the running server. A start after a crash adopts a postmaster left running,
//! or starts one on the stale state and waits — with a bound — for its crash recovery,
//! never shutting down a server that is still recovering.

mod install;
mod supervisor;

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};

use crate::db::health::Health;
pub use install::RELOCATED_BASE;
use supervisor::Supervisor;

/// The superuser that `initdb` creates; it owns the schema and runs migrations.
pub const OWNER: &str = "coral";
/// The database Coral keeps its shared placement in.
pub const DATABASE: &str = "coral";

/// Extra server settings; the test harness trades durability for speed.
#[derive(Clone, Copy, Default)]
pub struct Tuning {
    pub unsafe_fast: bool,
    /// The kernel stops the server when the starting thread's process dies (the test
    /// harness, which must leave nothing behind). `coral` leaves it to be adopted.
    pub tied_to_parent: bool,
}

/// What to do when another process already runs this data dir's cluster.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Sharing {
    /// `coral serve`: refuse, with a message naming that process.
    Refuse,
    /// Other commands: use the running server.
    Attach,
}

/// A managed cluster, owned (started and supervised by this process) or attached to.
/// Dropping an owned one stops the server.
pub struct ManagedPostgres {
    root: PathBuf,
    supervisor: Option<Arc<Supervisor>>,
    /// Held while this process owns the cluster.
    _lock: Option<File>,
}

impl ManagedPostgres {
    /// Starts (initialising if needed) the cluster of `data_dir`, adopts one left running
    /// by a dead Coral, or attaches to one another Coral runs (see [`Sharing`]). Returns
    /// once the server listens; [`Self::wait_ready`] then waits out a crash recovery.
    pub fn start(data_dir: &Path, tuning: Tuning, sharing: Sharing, health: Health) -> anyhow::Result<Self> {
        let install = install::find_install()?;
        let root = install::cluster_root(data_dir, install.run_as)?;
        let pgdata = root.join("data");
        let sock = root.join("sock");
        check_socket_path(&sock)?;
        install::prepare_dirs(&root, &sock, install.run_as)?;
        let lock_path = root.join("coral.lock");
        let mut lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&lock_path)
            .with_context(|| format!("opening {}", lock_path.display()))?;
        if lock.try_lock().is_err() {
            let holder = std::fs::read_to_string(&lock_path).unwrap_or_default();
            let holder = holder.trim();
            if sharing == Sharing::Refuse {
                bail!(
                    "another Coral process ({holder}) is running the managed PostgreSQL of {}: stop it first, \
                     or give this one its own CORAL_DATA_DIR",
                    data_dir.display()
                );
            }
            wait_listening(&sock, None, &root)?;
            return Ok(Self {
                root,
                supervisor: None,
                _lock: None,
            });
        }
        lock.set_len(0)?;
        let argv: Vec<String> = std::env::args().take(2).collect();
        writeln!(lock, "pid {}, `{}`", std::process::id(), argv.join(" "))?;
        if !pgdata.join("PG_VERSION").exists() {
            install::init_cluster(&install, &pgdata)?;
        }
        let orphan = supervisor::live_postmaster(&pgdata);
        if let Some(pid) = orphan {
            tracing::warn!(
                pid,
                "adopting the PostgreSQL server a Coral process that died left running"
            );
        }
        let sup = Supervisor::start(install, &pgdata, &sock, tuning, health, orphan)?;
        let pg = Self {
            root,
            supervisor: Some(sup),
            _lock: Some(lock),
        };
        wait_listening(&sock, pg.supervisor.as_deref(), &pg.root)?;
        Ok(pg)
    }

    /// The cluster's directory (data, socket, log).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Connection options for `database` as the owner, over the unix socket.
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(self.root.join("sock"))
            .username(OWNER)
            .database(database)
    }

    /// A `postgres://` URL for `database` on this cluster (used to register placements).
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://{OWNER}@localhost/{database}?host={}",
            self.root.join("sock").display()
        )
    }

    /// Whether this process started the server (and so should stop it).
    pub fn owns_server(&self) -> bool {
        self.supervisor.is_some()
    }

    /// The postmaster's pid while this process supervises one.
    pub fn postmaster_pid(&self) -> Option<i32> {
        self.supervisor.as_ref().and_then(|s| s.pid())
    }

    /// Waits until the server accepts queries: after an unclean shutdown PostgreSQL
    /// replays its WAL first, which may take a while. Logs when it does; gives up after
    /// `bound`, leaving the server to finish recovering (the next start adopts it).
    pub async fn wait_ready(&mut self, bound: Duration) -> anyhow::Result<()> {
        let started = Instant::now();
        let mut told = false;
        loop {
            let attempt = sqlx::PgConnection::connect_with(
                &self
                    .connect_options("postgres")
                    .log_statements(tracing::log::LevelFilter::Trace),
            )
            .await;
            let e = match attempt {
                Ok(conn) => {
                    let _ = conn.close().await;
                    if told {
                        tracing::warn!(waited_ms = started.elapsed().as_millis() as u64, "PostgreSQL recovered");
                    }
                    return Ok(());
                }
                Err(e) => e,
            };
            // 57P03: starting up, or recovering and not yet consistent. Io: a restart
            // under way (the supervisor is on it).
            let recovering = match &e {
                sqlx::Error::Database(db) => db.code().as_deref() == Some("57P03"),
                sqlx::Error::Io(_) => self.owns_server(),
                _ => false,
            };
            if !recovering {
                return Err(e).context("connecting to the managed PostgreSQL");
            }
            if !told && started.elapsed() > Duration::from_millis(500) {
                told = true;
                tracing::warn!(
                    bound_s = bound.as_secs(),
                    log = %self.root.join("postgres.log").display(),
                    "PostgreSQL is recovering from an unclean shutdown (replaying its WAL); waiting for it \
                     (bound: CORAL_PG_RECOVERY_TIMEOUT)"
                );
            }
            if started.elapsed() > bound {
                let pid = self.postmaster_pid();
                if let Some(sup) = self.supervisor.take() {
                    sup.leave_running();
                }
                bail!(
                    "PostgreSQL is still recovering after {} s; it goes on in the background (pid {}, log {}): \
                     start coral again later, or raise CORAL_PG_RECOVERY_TIMEOUT",
                    bound.as_secs(),
                    pid.map_or("?".into(), |p| p.to_string()),
                    self.root.join("postgres.log").display()
                );
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Fast shutdown: open transactions are rolled back, the server exits cleanly.
    pub fn stop(&mut self) {
        if let Some(sup) = self.supervisor.take() {
            sup.stop();
        }
    }
}

impl Drop for ManagedPostgres {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Unix socket paths are limited to 107 bytes; say so instead of failing obscurely.
fn check_socket_path(sock: &Path) -> anyhow::Result<()> {
    let len = sock.join(".s.PGSQL.5432").as_os_str().len();
    if len > 107 {
        bail!(
            "the data dir path is too long for PostgreSQL's unix socket ({len} > 107 bytes): \
             set CORAL_DATA_DIR to a shorter path"
        );
    }
    Ok(())
}

fn is_listening(sock: &Path) -> bool {
    std::os::unix::net::UnixStream::connect(sock.join(".s.PGSQL.5432")).is_ok()
}

/// Blocks until the server's socket accepts connections (queries may still wait for
/// recovery). Gives up when the server keeps failing to start.
fn wait_listening(sock: &Path, sup: Option<&Supervisor>, root: &Path) -> anyhow::Result<()> {
    let started = Instant::now();
    while !is_listening(sock) {
        let failed = sup.is_some_and(|s| s.exits() >= 3);
        if failed || started.elapsed() > Duration::from_secs(30) {
            if let Some(s) = sup {
                s.stop();
            }
            bail!(
                "PostgreSQL did not start{}; see {}",
                if failed {
                    " (it exited three times)"
                } else {
                    " within 30 s"
                },
                root.join("postgres.log").display()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(())
}
