//! A build in a worker process with a deadline: a compile that runs away
//! (a table cell of 100 000 characters lays out in time that grows with the
//! square of its length) cannot stall its caller. Typst cannot be
//! interrupted inside a compile, so the work runs in a child process that is
//! killed when the deadline passes; a build writes its files only at its
//! very end (atomically), so a killed build has written nothing.

use std::io::Read;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The diagnostic of a build stopped at its deadline.
pub fn deadline_passed(seconds: f64) -> crate::diag::Diagnostic {
    crate::diag::Diagnostic::error(
        crate::diag::Code::Deadline,
        format!("排版超过了 {seconds} 秒的时限，已经停止，没有写出任何文件"),
    )
    .help("常见原因是某个表格单元格或段落极长（上万字、不分段）：把它拆成几段或几行；确实需要时用 --deadline 给更长的时间")
}

pub enum Finished {
    Done(Output),
    /// The deadline passed; the worker was killed.
    TimedOut,
}

/// Runs `cmd` to its end or to the deadline, whichever comes first.
pub fn run(mut cmd: Command, deadline: Duration) -> std::io::Result<Finished> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    // Both pipes are drained as the worker writes, so a chatty worker
    // never blocks on a full pipe.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut out = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut out);
            }
            out
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let end = Instant::now() + deadline;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Finished::Done(Output {
                status,
                stdout: stdout.join().unwrap_or_default(),
                stderr: stderr.join().unwrap_or_default(),
            }));
        }
        if Instant::now() >= end {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(Finished::TimedOut);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}
