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
                None => match clear_zombie_locks(root).and_then(|()| cmd.spawn()) {
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

/// Whether `pid` is a live process. A zombie is dead: a postmaster whose Coral died
/// with it may stay one for good where nothing reaps orphans (PID 1 of a container).
pub fn process_alive(pid: i32) -> bool {
    if nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_err() {
        return false;
    }
    // `/proc/<pid>/stat` is `pid (comm) state …`; comm may hold spaces and parentheses.
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let state = stat
        .rsplit_once(')')
        .and_then(|(_, rest)| rest.trim_start().chars().next());
    !matches!(state, Some('Z' | 'X'))
}

/// The pid a lock file (`postmaster.pid`, the socket's `.lock`) names on its first line.
fn lock_pid(file: &Path) -> Option<i32> {
    std::fs::read_to_string(file).ok()?.lines().next()?.trim().parse().ok()
}

/// Whether `pid` exists but has exited, waiting for a parent to reap it.
fn is_zombie(pid: i32) -> bool {
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok() && !process_alive(pid)
}

/// Whether a live process runs in `pgdata` (PostgreSQL's processes all chdir there):
/// an orphaned backend of a dead postmaster may still use its shared memory.
fn anyone_in(pgdata: &Path) -> bool {
    let Ok(pgdata) = std::fs::canonicalize(pgdata) else {
        return false;
    };
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return false;
    };
    procs.flatten().any(|e| {
        let Some(pid) = e.file_name().to_str().and_then(|n| n.parse::<i32>().ok()) else {
            return false;
        };
        std::fs::read_link(e.path().join("cwd")).is_ok_and(|cwd| cwd == pgdata) && process_alive(pid)
    })
}

/// Removes lock files naming a zombie. PostgreSQL takes a zombie for a live postmaster and
/// refuses to start — for good where nothing reaps orphans (PID 1 of many containers):
/// after a postmaster whose Coral died with it, or an adopted one, was killed. Only once
/// no live process is left in the data directory, so nothing can still be attached to
/// the old shared memory.
fn clear_zombie_locks(root: &Path) -> std::io::Result<()> {
    let pgdata = root.join("data");
    let files = [
        pgdata.join("postmaster.pid"),
        root.join("sock").join(".s.PGSQL.5432.lock"),
    ];
    for file in files {
        let Some(pid) = lock_pid(&file).filter(|p| is_zombie(*p)) else {
            continue;
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while anyone_in(&pgdata) && Instant::now() < deadline {
            std::thread::sleep(POLL);
        }
        if anyone_in(&pgdata) {
            continue; // PostgreSQL refuses this start; the next restart tries again
        }
        tracing::warn!(pid, file = %file.display(), "removing the lock file of a dead, unreaped postmaster");
        std::fs::remove_file(&file)?;
    }
    Ok(())
}

/// The pid in `pgdata/postmaster.pid` when that process is a live `postgres`; a stale
/// file (the server did not shut down cleanly) gives `None` and is logged.
pub fn live_postmaster(pgdata: &Path) -> Option<i32> {
    let pid = lock_pid(&pgdata.join("postmaster.pid"))?;
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
    // Crash recovery first makes sure every file is on disk; one syncfs() per file
    // system instead of an fsync() per file: that step alone took 4.5 s of a restart on
    // a busy machine, whole restarts then took 0.6-0.9 s (PostgreSQL 14+; older servers
    // do not know the setting).
    let major: u32 = std::fs::read_to_string(pgdata.join("PG_VERSION"))
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    if major >= 14 {
        cmd.args(["-c", "recovery_init_sync_method=syncfs"]);
    }
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
