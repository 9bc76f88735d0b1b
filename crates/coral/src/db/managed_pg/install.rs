//! Where the managed cluster lives and what runs it: the server binaries, the OS user
//! (as root: `postgres`), the cluster directory and `initdb`.
//!
//! The cluster normally lives in `<data dir>/pg`. As root, when the `postgres` user
//! cannot reach that directory (a clone under `/root`, mode 700), Coral does not loosen
//! any permission of the user's directories: it keeps the cluster in
//! `/var/lib/coral/pg-<hash>` instead, the hash being of the data dir's canonical path,
//! links `<data dir>/pg` to it, and writes the data dir's path into it (`data-dir`), so
//! both sides name each other.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};
use sha2::{Digest, Sha256};

use super::OWNER;

/// Where clusters of data dirs the `postgres` user cannot reach are kept.
pub const RELOCATED_BASE: &str = "/var/lib/coral";

/// Where the binaries are and which OS user runs them.
pub struct Install {
    pub bin: PathBuf,
    /// `Some((uid, gid))` when started as root: run the cluster as that user.
    pub run_as: Option<(u32, u32)>,
}

const MISSING: &str = "coral: PostgreSQL server binaries (initdb, postgres) not found: install PostgreSQL \
     (e.g. `apt install postgresql`) or set CORAL_DATABASE_URL to an existing server";

pub fn find_install() -> anyhow::Result<Install> {
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

/// The cluster directory of `data_dir`: `<data_dir>/pg`, or where its link points, or
/// (as root, when the `postgres` user cannot reach the data dir) a new directory under
/// [`RELOCATED_BASE`], linked from `<data_dir>/pg`.
pub fn cluster_root(data_dir: &Path, run_as: Option<(u32, u32)>) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(data_dir).with_context(|| format!("creating {}", data_dir.display()))?;
    let local = data_dir.join("pg");
    if local.is_symlink() {
        return std::fs::canonicalize(&local).with_context(|| format!("following {}", local.display()));
    }
    let Some((uid, gid)) = run_as else { return Ok(local) };
    let Err(closed) = check_reachable(&local, uid, gid) else {
        return Ok(local);
    };
    if local.join("data").join("PG_VERSION").exists() {
        // A cluster is already there (made before the parent was closed): never move
        // someone's database behind their back.
        return Err(closed);
    }
    let canonical = std::fs::canonicalize(data_dir)?;
    let digest = Sha256::digest(canonical.as_os_str().as_encoded_bytes());
    let root = Path::new(RELOCATED_BASE).join(format!("pg-{}", &hex::encode(digest)[..16]));
    if !Path::new(RELOCATED_BASE).exists() {
        std::fs::create_dir_all(RELOCATED_BASE).with_context(|| format!("creating {RELOCATED_BASE}"))?;
        std::fs::set_permissions(RELOCATED_BASE, std::fs::Permissions::from_mode(0o755))?;
    }
    check_reachable(&Path::new(RELOCATED_BASE).join("x"), uid, gid)?;
    std::fs::create_dir_all(&root).with_context(|| format!("creating {}", root.display()))?;
    let note = root.join("data-dir");
    match std::fs::read_to_string(&note) {
        Ok(owner) if Path::new(owner.trim()) != canonical => bail!(
            "{} already holds the cluster of {}, not of {}",
            root.display(),
            owner.trim(),
            canonical.display()
        ),
        Ok(_) => {}
        Err(_) => std::fs::write(&note, format!("{}\n", canonical.display()))?,
    }
    std::os::unix::fs::symlink(&root, &local).with_context(|| format!("linking {}", local.display()))?;
    eprintln!(
        "coral: the `postgres` user cannot reach {} ({closed:#}); keeping its PostgreSQL cluster in {} \
         (linked from {})",
        data_dir.display(),
        root.display(),
        local.display()
    );
    Ok(root)
}

/// Creates the cluster directory and its socket directory, owned by the cluster's user.
pub fn prepare_dirs(root: &Path, sock: &Path, run_as: Option<(u32, u32)>) -> anyhow::Result<()> {
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

/// The cluster's user must be able to traverse every parent of `dir`.
fn check_reachable(dir: &Path, uid: u32, gid: u32) -> anyhow::Result<()> {
    let parent = dir.parent().unwrap_or(dir);
    let dir = std::fs::canonicalize(parent)?.join(dir.file_name().unwrap_or_default());
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

/// A server binary, run as the cluster's user from `cwd`.
pub fn command(install: &Install, name: &str, cwd: &Path) -> Command {
    let mut cmd = Command::new(install.bin.join(name));
    cmd.current_dir(cwd).env_remove("PGDATA").env("LC_ALL", "C.UTF-8");
    if let Some((uid, gid)) = install.run_as {
        use std::os::unix::process::CommandExt;
        cmd.uid(uid).gid(gid).env("HOME", cwd);
    }
    cmd
}

pub fn init_cluster(install: &Install, pgdata: &Path) -> anyhow::Result<()> {
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
