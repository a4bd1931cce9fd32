//! A run of the binary in → its exit, output, wall time and peak memory out, the memory as the
//! kernel counts it for that process alone (and the workers it reaped).
//!
//! GNU time (`/usr/bin/time`) starts the run and reports its `ru_maxrss`, not `wait4` from this
//! process: on exec Linux keeps the high-water mark of the memory the new process was forked
//! from, and this process holds every other test's memory too (all areas are one binary), so a
//! child started from here would be charged with it. Started from `time`, it is charged with
//! `time`'s own megabyte or two.

use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// What a measured run gave.
pub struct Measured {
    /// The exit code; `None` when a signal ended it.
    pub code: Option<i32>,
    pub stderr: String,
    /// Peak resident memory of the run, in bytes.
    pub peak_rss: u64,
    pub wall: Duration,
}

/// Runs `command` (program, arguments, environment and folder as set; stdin empty) under
/// `/usr/bin/time` with its stderr in a file in `dir` (stdout dropped), and kills it (its whole process group)
/// when it has not ended after `limit`, so a run that hangs fails its test instead of hanging it.
pub fn measured(command: &Command, dir: &Path, limit: Duration) -> Measured {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let n = RUNS.fetch_add(1, Ordering::SeqCst);
    let (err_path, rss_path) = (
        dir.join(format!("measured-{n}.stderr")),
        dir.join(format!("measured-{n}.time")),
    );
    let mut timed = Command::new("/usr/bin/time");
    timed
        .args(["-f", "%M", "-o"])
        .arg(&rss_path)
        .arg("--")
        .arg(command.get_program())
        .args(command.get_args());
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => timed.env(key, value),
            None => timed.env_remove(key),
        };
    }
    if let Some(folder) = command.get_current_dir() {
        timed.current_dir(folder);
    }
    let started = Instant::now();
    let mut child = timed
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&err_path).expect("stderr file"))
        .spawn()
        .expect("run /usr/bin/time (GNU time; scripts/test.sh installs it)");
    let group = child.id() as libc::pid_t;
    let (done, wait) = std::sync::mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = wait.recv_timeout(limit) {
            // SAFETY: signalling the process group of a child this test started.
            unsafe { libc::kill(-group, libc::SIGKILL) };
        }
    });
    let status = child.wait().expect("wait for the run");
    let wall = started.elapsed();
    drop(done);
    watchdog.join().expect("watchdog");
    // time's report: a line about how the command ended when it did not exit 0, then %M (KiB).
    let report = std::fs::read_to_string(&rss_path).unwrap_or_default();
    let kib: u64 = match report.lines().last().and_then(|l| l.trim().parse().ok()) {
        Some(kib) => kib,
        // The watchdog killed time too: no report, and no exit code either.
        None if status.code().is_none() => 0,
        None => panic!("no peak RSS from time: {report:?}"),
    };
    let code = if report.contains("terminated by signal") {
        None
    } else {
        status.code()
    };
    Measured {
        code,
        stderr: String::from_utf8_lossy(&std::fs::read(&err_path).unwrap_or_default()).into_owned(),
        peak_rss: kib * 1024,
        wall,
    }
}
