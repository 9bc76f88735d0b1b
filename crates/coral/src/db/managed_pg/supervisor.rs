//! The managed postmaster's supervisor: one thread that starts `postgres`, waits for it
//! to exit, and — unless Coral is stopping it — marks the database down, logs an error
//! and starts it again after a back-off. PostgreSQL itself replays its WAL on such a
//! start; the health monitor sees the database back once it accepts queries.
//!
//! A postmaster left running by a Coral process that died (found through
//! `postmaster.pid`, nobody holding the lock) is adopted: watched by polling, since it
//! is not our child, and replaced by our own child when it exits.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::install::{command, Install};
use super::Tuning;
use crate::db::health::Health;

/// First wait before a restart; doubled after each quick failure up to [`MAX_BACKOFF`].
const MIN_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// A server that ran this long before exiting restarts after [`MIN_BACKOFF`] again.
const STABLE_AFTER: Duration = Duration::from_secs(30);
/// How often an adopted postmaster (not our child) is checked.
const POLL: Duration = Duration::from_millis(50);

/// State shared between the supervisor thread and `ManagedPostgres`.
pub struct Supervisor {
    /// The running postmaster's pid, 0 between runs.
    pid: AtomicI32,
    /// Set before Coral stops the server (or leaves it running): no restart then.
    stopping: AtomicBool,
    /// Runs that ended (crashes or failed starts).
    exits: AtomicU32,
    thread: std::sync::Mutex<Option<std::thread::JoinHandle<()>>>,
}

impl Supervisor {
    /// Starts the supervisor thread: it adopts `orphan` if given, else starts `postgres`.
    pub fn start(
        install: Install,
        pgdata: &Path,
        sock: &Path,
        tuning: Tuning,
        health: Health,
        orphan: Option<i32>,
    ) -> anyhow::Result<Arc<Self>> {
        let root = pgdata.parent().expect("pgdata has a parent").to_path_buf();
        let cmd = postgres_command(&install, pgdata, sock, tuning)?;
        let sup = Arc::new(Self {
            pid: AtomicI32::new(orphan.unwrap_or(0)),
            stopping: AtomicBool::new(false),
            exits: AtomicU32::new(0),
            thread: std::sync::Mutex::new(None),
        });
        let run = Arc::clone(&sup);
        // With `tuning.tied_to_parent`, the death signal fires when the *thread* that
        // forked exits: this thread lives as long as the server does.
        let thread = std::thread::Builder::new()
            .name("coral-postgres".into())
            .spawn(move || run.supervise(cmd, &root, &health, orphan))?;
        *sup.thread.lock().expect("supervisor lock") = Some(thread);
        Ok(sup)
    }

    /// The running postmaster's pid, if one runs.
    pub fn pid(&self) -> Option<i32> {
        Some(self.pid.load(Ordering::Acquire)).filter(|p| *p > 0)
    }

    /// How many runs have ended so far.
    pub fn exits(&self) -> u32 {
        self.exits.load(Ordering::Acquire)
    }

    /// Fast shutdown (open transactions roll back, the server exits cleanly), and the
    /// supervisor thread ends.
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::Release);
        let mut thread = self.thread.lock().expect("supervisor lock");
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut signalled = 0;
        // Loop rather than signal once: a restart may be starting a new server right now.
        loop {
            if let Some(pid) = self.pid().filter(|p| *p != signalled) {
                let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), nix::sys::signal::Signal::SIGINT);
                signalled = pid;
            }
            let finished = thread.as_ref().is_none_or(|t| t.is_finished());
            if finished || Instant::now() > deadline {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        if let Some(t) = thread.take().filter(|t| t.is_finished()) {
            let _ = t.join();
        }
    }

    /// Stops supervising but leaves the server running (it is still recovering, and a
    /// shutdown would throw that work away); the next Coral adopts it.
    pub fn leave_running(&self) {
        self.stopping.store(true, Ordering::Release);
    }

    fn stopping(&self) -> bool {
        self.stopping.load(Ordering::Acquire)
    }

    fn supervise(&self, mut cmd: Command, root: &Path, health: &Health, mut adopted: Option<i32>) {
        let mut backoff = MIN_BACKOFF;
        loop {
            let started = Instant::now();
            let ended = match adopted.take() {
                Some(pid) => {
                    while process_alive(pid) {
                        std::thread::sleep(POLL);
                    }
                    "exited".to_owned()
                }
                None => match cmd.spawn() {
                    Ok(mut child) => {
                        self.pid.store(child.id() as i32, Ordering::Release);
                        match child.wait() {
                            Ok(status) => status.to_string(),
                            Err(e) => format!("could not be waited for: {e}"),
                        }
                    }
                    Err(e) => format!("could not be started: {e}"),
                },
            };
            self.pid.store(0, Ordering::Release);
            if self.stopping() {
                return;
            }
            self.exits.fetch_add(1, Ordering::AcqRel);
            health.mark_down("the managed PostgreSQL exited");
            if started.elapsed() > STABLE_AFTER {
                backoff = MIN_BACKOFF;
            }
            tracing::error!(
                ended = %ended,
                restart_in_ms = backoff.as_millis() as u64,
                log = %root.join("postgres.log").display(),
                "the managed PostgreSQL stopped unexpectedly; restarting it"
            );
            let until = Instant::now() + backoff;
            while Instant::now() < until {
                if self.stopping() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    }
}

/// Whether `pid` is a live process.
pub fn process_alive(pid: i32) -> bool {
    // Our children are reaped by the supervisor thread as soon as they exit, and an
    // adopted postmaster is init's child: a probe suffices.
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok()
}

/// The pid in `pgdata/postmaster.pid` when that process is a live `postgres`; a stale
/// file (the server did not shut down cleanly) gives `None` and is logged.
pub fn live_postmaster(pgdata: &Path) -> Option<i32> {
    let text = std::fs::read_to_string(pgdata.join("postmaster.pid")).ok()?;
    let pid: i32 = text.lines().next()?.trim().parse().ok()?;
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
    if process_alive(pid) && comm.trim() == "postgres" {
        return Some(pid);
    }
    tracing::warn!(
        pid,
        "PostgreSQL was not shut down cleanly (stale postmaster.pid): it will recover on start"
    );
    None
}

fn postgres_command(install: &Install, pgdata: &Path, sock: &Path, tuning: Tuning) -> anyhow::Result<Command> {
    let root: PathBuf = pgdata.parent().expect("pgdata has a parent").to_path_buf();
    let log_path = root.join("postgres.log");
    let log = std::fs::OpenOptions::new().create(true).append(true).open(&log_path)?;
    if let Some((uid, gid)) = install.run_as {
        std::os::unix::fs::chown(&log_path, Some(uid), Some(gid))?;
    }
    let mut cmd = command(install, "postgres", &root);
    cmd.arg("-D").arg(pgdata).arg("-k").arg(sock);
    cmd.args([
        "-c",
        "listen_addresses=",
        "-c",
        "unix_socket_permissions=0700",
        "-c",
        "max_connections=200",
    ]);
    if tuning.unsafe_fast {
        cmd.args([
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
        ]);
    }
    cmd.stdin(Stdio::null()).stdout(log.try_clone()?).stderr(log);
    if tuning.tied_to_parent {
        // The test harness: when the test process ends, the kernel stops its server.
        // (`coral` itself leaves a crashed process's server running, to be adopted.)
        unsafe {
            use std::os::unix::process::CommandExt;
            cmd.pre_exec(|| {
                nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGINT).map_err(std::io::Error::from)
            });
        }
    }
    Ok(cmd)
}
