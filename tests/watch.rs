//! `shenbao watch`: rebuilds on save, survives a half-saved file, and keeps
//! the last good PDFs while the material is broken.

mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use common::*;

/// A `shenbao watch` session on a fixture, its report lines on a channel.
struct Watching {
    child: std::process::Child,
    lines: mpsc::Receiver<String>,
}

impl Watching {
    fn start(f: &Fixture, extra: &[&str]) -> Self {
        let mut child = bin()
            .current_dir(f.dir.path())
            .args(["watch", "material.yaml", "--no-system-fonts"])
            .args(extra)
            .arg("-o")
            .arg(f.out())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let (tx, lines) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Watching { child, lines }
    }

    /// The next rebuild updated the body: `body` no longer holds `before`.
    fn rebuilt(&self, body: &std::path::Path, before: &[u8]) {
        let line = self.next_result();
        assert!(line.contains("已更新"), "{line}");
        assert_ne!(std::fs::read(body).unwrap(), before, "the body was rebuilt");
    }

    /// The next rebuild's result line (`[123 ms] …`).
    fn next_result(&self) -> String {
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(60))
                .expect("watch printed nothing");
            if line.starts_with('[') {
                return line;
            }
        }
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn watch_rebuilds_on_save_and_survives_broken_input() {
    let f = Fixture::yaml(SMALL_YAML);
    let w = Watching::start(&f, &[]);
    let first = w.next_result();
    assert!(first.contains("已更新"), "{first}");
    let body = f.out().join(SMALL_COMPANY).join(BODY);
    let before = std::fs::read(&body).unwrap();

    // An edit of one paragraph is picked up.
    std::thread::sleep(Duration::from_millis(300));
    f.write(
        "material.yaml",
        SMALL_YAML.replace("推进实施正文。", "推进实施正文，已修改。"),
    );
    w.rebuilt(&body, &before);

    // A half-saved file is a diagnostic, not a crash; the PDFs stay.
    let good = std::fs::read(&body).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    f.write("material.yaml", &SMALL_YAML[..SMALL_YAML.len() / 2]);
    let third = w.next_result();
    assert!(third.contains("错误"), "{third}");
    assert_eq!(std::fs::read(&body).unwrap(), good, "last good PDF kept");
    let mut w = w;
    assert!(w.child.try_wait().unwrap().is_none(), "watch keeps running");
}

/// Watch follows the files the build read besides the material: a
/// `--templates` override the World compiled (issue 9).
#[test]
fn watch_follows_template_overrides() {
    let f = Fixture::yaml(SMALL_YAML);
    let style = std::fs::read_to_string(root().join("templates/style.typ")).unwrap();
    f.write("tpl/style.typ", &style);
    let w = Watching::start(&f, &["--templates", "tpl"]);
    assert!(w.next_result().contains("已更新"));
    std::thread::sleep(Duration::from_millis(300));
    // Any change of the file: watch would wait forever (and this test time
    // out) if it followed only the material.
    let changed = style.replace(
        "#let mm(x) = x * 1mm",
        "#let mm(x) = x * 1mm\n// edited while watching",
    ) + "\n";
    assert_ne!(changed, style);
    f.write("tpl/style.typ", &changed);
    let second = w.next_result();
    assert!(second.contains("已更新"), "{second}");
}

/// `watch --slides` rebuilds the 答辩 deck when the writer saves slides.md,
/// also when slides.md is created while watching (D4).
#[test]
fn watch_slides_follows_slides_md() {
    let f = Fixture::yaml(SMALL_YAML);
    let w = Watching::start(&f, &["--slides"]);
    let first = w.next_result();
    assert!(
        first.contains("答辩.pdf") && first.contains("答辩.pptx"),
        "{first}"
    );
    assert!(!first.contains("申报材料.pdf"), "only the deck: {first}");
    std::thread::sleep(Duration::from_millis(300));
    f.write("slides.md", "## 一\n\n- 甲\n\n---\n\n## 二\n\n- 乙\n");
    let second = w.next_result();
    assert!(second.contains("答辩.pdf 2 页"), "{second}");
    std::thread::sleep(Duration::from_millis(300));
    f.write(
        "slides.md",
        "## 一\n\n- 甲\n\n---\n\n## 二\n\n---\n\n## 三\n",
    );
    let third = w.next_result();
    assert!(third.contains("答辩.pdf 3 页"), "{third}");
}

/// An editor that saves by writing a new file and renaming it over the old
/// one (vim, VS Code's atomic save) is seen through the folder's events,
/// once; writing the PDFs into a folder inside the watched one starts no
/// rebuild of its own; and files of the folder that the build does not
/// read (an editor's backup) start none either.
#[test]
fn watch_sees_atomic_saves_and_ignores_other_files() {
    let f = Fixture::yaml(SMALL_YAML);
    let w = Watching::start(&f, &[]);
    assert!(w.next_result().contains("已更新"));
    let body = f.out().join(SMALL_COMPANY).join(BODY);
    let before = std::fs::read(&body).unwrap();

    f.write("material.yaml.swp", "an editor's swap file");
    f.write("notes.txt", "not part of the material");
    assert!(
        w.lines.recv_timeout(Duration::from_millis(700)).is_err(),
        "no rebuild for files the build does not read"
    );

    let tmp = f.path("material.yaml.tmp");
    std::fs::write(
        &tmp,
        SMALL_YAML.replace("推进实施正文。", "推进实施正文，改名保存。"),
    )
    .unwrap();
    std::fs::rename(&tmp, f.path("material.yaml")).unwrap();
    w.rebuilt(&body, &before);
    // Its own PDFs, written under out/ inside the folder, are not a save.
    assert!(
        w.lines.recv_timeout(Duration::from_millis(700)).is_err(),
        "one rebuild per save"
    );
}
