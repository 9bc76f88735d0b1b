//! Managed local PostgreSQL: Coral's embedded default when `CORAL_DATABASE_URL` is unset.
//!
//! Finds the machine's server binaries, initialises a cluster under `<data>/pg` on first
//! use, runs `postgres` on a unix socket inside the data dir (no TCP port to collide with)
//! and stops it on shutdown. As root the cluster runs as the `postgres` user. The test
//! harness uses the same code to get a real database.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use sqlx::postgres::PgConnectOptions;

/// The superuser that `initdb` creates; it owns the schema and runs migrations.
pub const OWNER: &str = "coral";
/// The database Coral keeps its shared placement in.
pub const DATABASE: &str = "coral";

/// Where the binaries are and which OS user runs them.
struct Install {
    bin: PathBuf,
    /// `Some((uid, gid))` when started as root: run the cluster as that user.
    run_as: Option<(u32, u32)>,
}

/// A running managed cluster. Dropping it stops the server if this process started it.
pub struct ManagedPostgres {
    root: PathBuf,
    pid: Option<i32>,
}

/// Extra server settings; the test harness trades durability for speed.
#[derive(Clone, Copy, Default)]
pub struct Tuning {
    pub unsafe_fast: bool,
}

impl ManagedPostgres {
    /// Starts (initialising if needed) the cluster under `data_dir/pg`, or attaches to it
    /// when another Coral process is already running it. Blocks until it accepts connections.
    pub fn start(data_dir: &Path, tuning: Tuning) -> anyhow::Result<Self> {
        let root = data_dir.join("pg");
        let pgdata = root.join("data");
        let sock = root.join("sock");
        check_socket_path(&sock)?;
        if is_accepting(&sock) {
            // Another `coral` (a running `serve`) owns it; we just use it.
            return Ok(Self { root, pid: None });
        }
        let install = find_install()?;
        prepare_dirs(&root, &sock, install.run_as)?;
        if !pgdata.join("PG_VERSION").exists() {
            init_cluster(&install, &pgdata)?;
        }
        let pid = spawn_postgres(&install, &pgdata, &sock, tuning)?;
        let started = Instant::now();
        while !is_accepting(&sock) {
            if started.elapsed() > Duration::from_secs(30) {
                bail!(
                    "PostgreSQL did not start within 30 s; see {}",
                    root.join("postgres.log").display()
                );
            }
            if !process_alive(pid) {
                bail!(
                    "PostgreSQL exited during start-up; see {}",
                    root.join("postgres.log").display()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(Self { root, pid: Some(pid) })
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
        self.pid.is_some()
    }

    /// Fast shutdown: open transactions are rolled back, the server exits cleanly.
    pub fn stop(&mut self) {
        let Some(pid) = self.pid.take() else { return };
        let pid = nix::unistd::Pid::from_raw(pid);
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT);
        let deadline = Instant::now() + Duration::from_secs(10);
        while process_alive(pid.as_raw()) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
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

fn is_accepting(sock: &Path) -> bool {
    std::os::unix::net::UnixStream::connect(sock.join(".s.PGSQL.5432")).is_ok()
}

fn process_alive(pid: i32) -> bool {
    // The spawning thread reaps the child as soon as it exits, so a probe suffices.
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok()
}

const MISSING: &str = "coral: PostgreSQL server binaries (initdb, postgres) not found: install PostgreSQL \
     (e.g. `apt install postgresql`) or set CORAL_DATABASE_URL to an existing server";

fn find_install() -> anyhow::Result<Install> {
    let bin = find_bin_dir().ok_or_else(|| anyhow::anyhow!(MISSING))?;
    let run_as = if nix::unistd::geteuid().is_root() {
        let user = nix::unistd::User::from_name("postgres").ok().flatten().ok_or_else(|| {
            anyhow::anyhow!(
                "coral runs as root, and PostgreSQL refuses to: create a `postgres` user \
                     (apt's postgresql package does) or run coral as an unprivileged user"
            )
        })?;
        Some((user.uid.as_raw(), user.gid.as_raw()))
    } else {
        None
    };
    Ok(Install { bin, run_as })
}

/// A directory holding both `initdb` and `postgres`: on PATH (following symlinks, as
/// Debian links only some binaries there), else the newest `/usr/lib/postgresql/*/bin`.
fn find_bin_dir() -> Option<PathBuf> {
    let has_both = |d: &Path| d.join("initdb").is_file() && d.join("postgres").is_file();
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        let initdb = dir.join("initdb");
        if initdb.is_file() {
            if has_both(&dir) {
                return Some(dir);
            }
            if let Some(real) = std::fs::canonicalize(&initdb)
                .ok()
                .and_then(|p| p.parent().map(Path::to_path_buf))
            {
                if has_both(&real) {
                    return Some(real);
                }
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, d)| has_both(d))
        .collect();
    versions.sort();
    versions.pop().map(|(_, d)| d)
}

fn prepare_dirs(root: &Path, sock: &Path, run_as: Option<(u32, u32)>) -> anyhow::Result<()> {
    std::fs::create_dir_all(sock).with_context(|| format!("creating {}", sock.display()))?;
    for dir in [root, sock] {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        if let Some((uid, gid)) = run_as {
            std::os::unix::fs::chown(dir, Some(uid), Some(gid))?;
        }
    }
    if let Some((uid, gid)) = run_as {
        check_reachable(root, uid, gid)?;
    }
    Ok(())
}

/// The cluster's user must be able to traverse every parent of the data dir.
fn check_reachable(dir: &Path, uid: u32, gid: u32) -> anyhow::Result<()> {
    let dir = std::fs::canonicalize(dir)?;
    for parent in dir.ancestors().skip(1) {
        let meta = std::fs::metadata(parent)?;
        let mode = meta.mode();
        let ok = if meta.uid() == uid {
            mode & 0o100 != 0
        } else if meta.gid() == gid {
            mode & 0o010 != 0
        } else {
            mode & 0o001 != 0
        };
        if !ok {
            bail!(
                "the `postgres` user cannot reach {} because {} is closed to it (mode {:o}): \
                 set CORAL_DATA_DIR to a directory outside it, or run coral as an unprivileged user",
                dir.display(),
                parent.display(),
                mode & 0o777
            );
        }
    }
    Ok(())
}

fn command(install: &Install, name: &str, cwd: &Path) -> Command {
    let mut cmd = Command::new(install.bin.join(name));
    cmd.current_dir(cwd).env_remove("PGDATA").env("LC_ALL", "C.UTF-8");
    if let Some((uid, gid)) = install.run_as {
        use std::os::unix::process::CommandExt;
        cmd.uid(uid).gid(gid).env("HOME", cwd);
    }
    cmd
}

fn init_cluster(install: &Install, pgdata: &Path) -> anyhow::Result<()> {
    let root = pgdata.parent().expect("pgdata has a parent");
    let out = command(install, "initdb", root)
        .args(["-D"])
        .arg(pgdata)
        .args([
            "-U",
            OWNER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        ])
        .output()
        .context("running initdb")?;
    if !out.status.success() {
        bail!("initdb failed: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(())
}

fn spawn_postgres(install: &Install, pgdata: &Path, sock: &Path, tuning: Tuning) -> anyhow::Result<i32> {
    let root = pgdata.parent().expect("pgdata has a parent");
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(root.join("postgres.log"))?;
    if let Some((uid, gid)) = install.run_as {
        std::os::unix::fs::chown(root.join("postgres.log"), Some(uid), Some(gid))?;
    }
    let mut cmd = command(install, "postgres", root);
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
    // If Coral dies without stopping it, the kernel stops the server (fast shutdown):
    // no orphaned postgres keeps the data dir locked.
    unsafe {
        use std::os::unix::process::CommandExt;
        cmd.pre_exec(|| nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGINT).map_err(std::io::Error::from));
    }
    // The death signal fires when the *thread* that forked exits, so fork from a
    // thread that lives as long as the server does.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("coral-postgres".into())
        .spawn(move || match cmd.spawn() {
            Ok(mut child) => {
                let _ = tx.send(Ok(child.id() as i32));
                let _ = child.wait();
            }
            Err(e) => {
                let _ = tx.send(Err(e));
            }
        })?;
    let pid = rx.recv()?.context("starting postgres")?;
    Ok(pid)
}
