//! `shenbao watch`: rebuilds on save, survives a half-saved file, and keeps
//! the last good PDFs while the material is broken.

mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use common::*;

#[test]
fn watch_rebuilds_on_save_and_survives_broken_input() {
    let f = Fixture::yaml(SMALL_YAML);
    let mut child = bin()
        .current_dir(f.dir.path())
        .args(["watch", "material.yaml", "--no-system-fonts", "-o"])
        .arg(f.out())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let next_result = |rx: &mpsc::Receiver<String>| loop {
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("watch printed nothing");
        if line.starts_with('[') {
            return line;
        }
    };
    let first = next_result(&rx);
    assert!(first.contains("已更新"), "{first}");
    let body = f.out().join(SMALL_COMPANY).join(BODY);
    let before = std::fs::read(&body).unwrap();

    // An edit of one paragraph is picked up.
    std::thread::sleep(Duration::from_millis(300));
    f.write(
        "material.yaml",
        SMALL_YAML.replace("推进实施正文。", "推进实施正文，已修改。"),
    );
    let second = next_result(&rx);
    assert!(second.contains("已更新"), "{second}");
    assert_ne!(
        std::fs::read(&body).unwrap(),
        before,
        "the body was rebuilt"
    );

    // A half-saved file is a diagnostic, not a crash; the PDFs stay.
    let good = std::fs::read(&body).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    f.write("material.yaml", &SMALL_YAML[..SMALL_YAML.len() / 2]);
    let third = next_result(&rx);
    assert!(third.contains("错误"), "{third}");
    assert_eq!(std::fs::read(&body).unwrap(), good, "last good PDF kept");
    assert!(child.try_wait().unwrap().is_none(), "watch keeps running");
    child.kill().unwrap();
    let _ = child.wait();
}

/// Watch follows the files the build read besides the material: a
/// `--templates` override the World compiled (issue 9).
#[test]
fn watch_follows_template_overrides() {
    let f = Fixture::yaml(SMALL_YAML);
    let style = std::fs::read_to_string(root().join("templates/style.typ")).unwrap();
    f.write("tpl/style.typ", &style);
    let mut child = bin()
        .current_dir(f.dir.path())
        .args([
            "watch",
            "material.yaml",
            "--no-system-fonts",
            "--templates",
            "tpl",
            "-o",
        ])
        .arg(f.out())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let next_result = |rx: &mpsc::Receiver<String>| loop {
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("watch printed nothing");
        if line.starts_with('[') {
            return line;
        }
    };
    assert!(next_result(&rx).contains("已更新"));
    std::thread::sleep(Duration::from_millis(300));
    // Any change of the file: watch would wait forever (and this test time
    // out) if it followed only the material.
    let changed = style.replace(
        "#let mm(x) = x * 1mm",
        "#let mm(x) = x * 1mm\n// edited while watching",
    ) + "\n";
    assert_ne!(changed, style);
    f.write("tpl/style.typ", &changed);
    let second = next_result(&rx);
    assert!(second.contains("已更新"), "{second}");
    child.kill().unwrap();
    let _ = child.wait();
}
