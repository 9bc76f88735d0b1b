//! The server's resource use, read from Linux's /proc: CPU time (`stat` utime + stime)
//! sampled at the edges of the measured window, and resident memory (`status` VmHWM, VmRSS)
//! after it. Only meaningful when the server runs on this machine (`--server-pid`).

use std::fs;

use anyhow::{Context, Result};
use serde::Serialize;

/// Clock ticks per second in /proc/PID/stat. The kernel exports CPU times in USER_HZ,
/// which is fixed at 100 on every Linux architecture in use (independent of CONFIG_HZ).
const USER_HZ: f64 = 100.0;

/// `utime + stime` in clock ticks from the text of /proc/PID/stat.
///
/// The command name (field 2) is in parentheses and may itself contain spaces or `)`,
/// so fields are counted from the *last* `)`: after it come state (field 3), ...,
/// utime (field 14) and stime (field 15).
pub fn parse_stat_cpu_ticks(stat: &str) -> Option<u64> {
    let after_comm = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after_comm.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// A `Name:   1234 kB` field of /proc/PID/status, in kB.
pub fn parse_status_kb(status: &str, name: &str) -> Option<u64> {
    status.lines().find_map(|line| {
        let value = line.strip_prefix(name)?.strip_prefix(':')?;
        value.split_whitespace().next()?.parse().ok()
    })
}

/// The server process(es) being watched; several pids are summed (e.g. an app server and
/// its database).
#[derive(Debug, Clone)]
pub struct ServerProbe {
    pids: Vec<u32>,
}

/// Resident memory of the watched processes, in kB, summed.
#[derive(Debug, Clone, Copy, Default)]
pub struct Memory {
    pub peak_kb: u64,
    pub current_kb: u64,
}

impl ServerProbe {
    /// Checks every pid is readable now, so a typo fails before any load is sent.
    pub fn new(pids: Vec<u32>) -> Result<Self> {
        let probe = Self { pids };
        probe.cpu_ticks()?;
        Ok(probe)
    }

    pub fn cpu_ticks(&self) -> Result<u64> {
        let mut total = 0;
        for pid in &self.pids {
            let path = format!("/proc/{pid}/stat");
            let text = fs::read_to_string(&path).with_context(|| format!("server pid {pid}: cannot read {path}"))?;
            total += parse_stat_cpu_ticks(&text).with_context(|| format!("cannot parse {path}"))?;
        }
        Ok(total)
    }

    pub fn memory(&self) -> Result<Memory> {
        let mut memory = Memory::default();
        for pid in &self.pids {
            let path = format!("/proc/{pid}/status");
            let text = fs::read_to_string(&path).with_context(|| format!("server pid {pid}: cannot read {path}"))?;
            memory.peak_kb += parse_status_kb(&text, "VmHWM").unwrap_or(0);
            memory.current_kb += parse_status_kb(&text, "VmRSS").unwrap_or(0);
        }
        Ok(memory)
    }

    /// Resets VmHWM to the current RSS (writing `5` to clear_refs, Linux ≥ 4.0) so the peak
    /// read after a run is that run's, not the process lifetime's. Needs the same user as
    /// the server or root; returns whether it worked for every pid.
    pub fn reset_peak(&self) -> bool {
        self.pids
            .iter()
            .all(|pid| fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok())
    }
}

/// What the server spent on a run.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ServerUsage {
    /// CPU time (user + system) during the measured window, in ms.
    pub cpu_ms: f64,
    /// Peak resident memory, in MB (per run when `peak_is_per_run`, else since process start).
    pub peak_rss_mb: f64,
    /// Resident memory right after the run, in MB.
    pub rss_mb: f64,
    pub peak_is_per_run: bool,
}

impl ServerUsage {
    pub fn new(ticks_before: u64, ticks_after: u64, memory: Memory, peak_is_per_run: bool) -> Self {
        let mb = |kb: u64| kb as f64 / 1024.0;
        Self {
            cpu_ms: ticks_after.saturating_sub(ticks_before) as f64 * 1000.0 / USER_HZ,
            peak_rss_mb: mb(memory.peak_kb),
            rss_mb: mb(memory.current_kb),
            peak_is_per_run,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STAT: &str = "4242 (coral (worker) x) S 1 4242 4242 0 -1 4194560 2301 0 0 0 \
                        1234 567 0 0 20 0 9 0 123456 812343296 4567 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";

    #[test]
    fn stat_cpu_ticks() {
        assert_eq!(parse_stat_cpu_ticks(STAT), Some(1234 + 567));
        assert_eq!(parse_stat_cpu_ticks("1 (init) S 0"), None);
        assert_eq!(parse_stat_cpu_ticks("no parens"), None);
    }

    #[test]
    fn status_fields() {
        let status = "Name:\tcoral\nVmPeak:\t  900000 kB\nVmHWM:\t   51200 kB\nVmRSS:\t   40960 kB\n";
        assert_eq!(parse_status_kb(status, "VmHWM"), Some(51200));
        assert_eq!(parse_status_kb(status, "VmRSS"), Some(40960));
        assert_eq!(parse_status_kb(status, "VmSwap"), None);
    }

    #[test]
    fn usage_from_samples() {
        let memory = Memory {
            peak_kb: 51200,
            current_kb: 40960,
        };
        let usage = ServerUsage::new(1000, 1250, memory, true);
        assert_eq!(usage.cpu_ms, 2500.0);
        assert_eq!(usage.peak_rss_mb, 50.0);
        assert_eq!(usage.rss_mb, 40.0);
    }

    #[test]
    fn own_process_is_readable() {
        let probe = ServerProbe::new(vec![std::process::id()]).expect("own /proc entry");
        assert!(probe.memory().expect("own status").current_kb > 0);
    }
}
