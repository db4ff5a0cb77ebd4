//! The server's engine workers (`work`): long-lived child processes, each
//! answering one request at a time. A request goes to the idle worker that
//! last served the same material when there is one (its caches hold that
//! material's layout), else to any idle worker, else to a new one. A worker
//! whose request passes the deadline is killed, and so is one that has
//! grown too large; the next request starts a fresh one.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use super::work::{Answer, Request};
use crate::diag::{Code, Diagnostic};

pub struct Pool {
    exe: PathBuf,
    args: Vec<OsString>,
    deadline: Duration,
    idle: Mutex<Vec<Worker>>,
}

struct Worker {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    /// The material it served last.
    last: Option<i64>,
}

/// A worker larger than this after a request is retired: Typst's caches
/// are kept for the next edits, not forever.
const MAX_RSS: u64 = 1536 << 20;

impl Pool {
    /// Workers run `exe args…` (`shenbao serve-worker --font-path …`).
    pub fn new(exe: PathBuf, args: Vec<OsString>, deadline: Duration) -> Pool {
        Pool {
            exe,
            args,
            deadline,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Runs `request` for `material` in a worker, within the deadline.
    /// Blocking: call it from a blocking thread, at most as many at once
    /// as workers should run.
    pub fn run(&self, material: i64, request: &Request) -> Result<Answer, Diagnostic> {
        let line = serde_json::to_string(request)
            .map_err(|e| Diagnostic::error(Code::Output, format!("服务器内部错误：{e}")))?;
        // A worker that died while idle fails at the write: one more try
        // with a fresh one.
        let mut worker = self.take(material)?;
        if writeln!(worker.stdin, "{line}")
            .and_then(|_| worker.stdin.flush())
            .is_err()
        {
            retire(worker);
            worker = self.spawn()?;
            writeln!(worker.stdin, "{line}")
                .and_then(|_| worker.stdin.flush())
                .map_err(|e| start_failed(&e))?;
        }
        match worker.lines.recv_timeout(self.deadline) {
            Ok(answer) => {
                let answer = serde_json::from_str::<Answer>(&answer).map_err(|e| {
                    Diagnostic::error(Code::Output, format!("排版进程的回答有误：{e}"))
                });
                worker.last = Some(material);
                if answer.is_ok() && rss(&worker.child) < MAX_RSS {
                    self.idle.lock().expect("poisoned").push(worker);
                } else {
                    retire(worker);
                }
                answer
            }
            Err(RecvTimeoutError::Timeout) => {
                retire(worker);
                Err(crate::worker::deadline_passed(self.deadline.as_secs_f64()))
            }
            Err(RecvTimeoutError::Disconnected) => {
                retire(worker);
                Err(Diagnostic::error(Code::Output, "排版进程意外退出")
                    .help("请稍后再试；若一直如此，请联系管理员"))
            }
        }
    }

    fn take(&self, material: i64) -> Result<Worker, Diagnostic> {
        let found = {
            let mut idle = self.idle.lock().expect("poisoned");
            let at = idle
                .iter()
                .position(|w| w.last == Some(material))
                .or_else(|| idle.len().checked_sub(1));
            at.map(|i| idle.swap_remove(i))
        };
        match found {
            Some(w) => Ok(w),
            None => self.spawn(),
        }
    }

    fn spawn(&self) -> Result<Worker, Diagnostic> {
        let mut child = Command::new(&self.exe)
            .args(&self.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| start_failed(&e))?;
        let stdin = child.stdin.take().ok_or_else(|| start_failed(&"stdin"))?;
        let stdout = child.stdout.take().ok_or_else(|| start_failed(&"stdout"))?;
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Ok(Worker {
            child,
            stdin,
            lines,
            last: None,
        })
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        for w in self.idle.lock().expect("poisoned").drain(..) {
            retire(w);
        }
    }
}

fn retire(mut w: Worker) {
    let _ = w.child.kill();
    let _ = w.child.wait();
}

fn start_failed(e: &dyn std::fmt::Display) -> Diagnostic {
    Diagnostic::error(Code::Output, format!("无法启动排版进程：{e}"))
}

/// The worker's resident memory, from /proc (0 where there is none).
fn rss(child: &Child) -> u64 {
    std::fs::read_to_string(format!("/proc/{}/statm", child.id()))
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096)
}
