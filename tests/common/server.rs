//! A `shenbao serve` of the tests' own: its accounts (password on stdin, as
//! an administrator types it) and the running server, killed when dropped.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

use super::bin;

pub struct Server {
    pub child: Child,
    pub base: String,
    pub data: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `shenbao serve --data DATA user add LOGIN ARGS…` with `password` on stdin.
#[track_caller]
pub fn add_user(data: &Path, login: &str, password: &str, args: &[&str]) {
    let mut child = bin()
        .args(["serve", "--data"])
        .arg(data)
        .args(["user", "add", login])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    writeln!(child.stdin.take().expect("stdin"), "{password}").expect("password");
    let out = child.wait_with_output().expect("wait");
    assert!(
        out.status.success(),
        "user add {login}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Starts the server on a free port; its first line says where.
pub fn start(data: &Path, extra: &[&str]) -> Server {
    start_with(data, extra, Stdio::null())
}

/// `start`, with the server's log (its standard error) written to `log`.
pub fn start_logged(data: &Path, extra: &[&str], log: &Path) -> Server {
    let file = std::fs::File::create(log).expect("log file");
    start_with(data, extra, Stdio::from(file))
}

fn start_with(data: &Path, extra: &[&str], stderr: Stdio) -> Server {
    let mut child = bin()
        .args(["serve", "--data"])
        .arg(data)
        .args(["--listen", "127.0.0.1:0", "--no-system-fonts"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("spawn serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the server says where it listens");
    let base = line
        .trim()
        .split_once("http://")
        .map(|(_, a)| format!("http://{}", a.trim_end_matches('/')))
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    Server {
        child,
        base,
        data: data.to_path_buf(),
    }
}
