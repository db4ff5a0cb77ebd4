//! Property tests of the input path: whatever bytes a writer (or an
//! attacker) saves, reading and checking a material ends in diagnostics or a
//! prepared material — never a panic. Bounded in CI by PROPTEST_CASES
//! (default 64 here); run longer locally with e.g. PROPTEST_CASES=5000.

use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;
use shenbao::diag::Sources;
use shenbao::pipeline::{self, BuildConfig, Engine};

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        Engine::new(BuildConfig {
            system_fonts: false,
            ..BuildConfig::new(std::env::temp_dir())
        })
    })
}

fn example() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/luoyang-bearing/material.yaml"),
        )
        .unwrap()
    })
}

/// Reads and checks `bytes` saved as `name` in a fresh folder; the result
/// must be consistent: no material without errors means diagnostics exist,
/// and every diagnostic's span lies inside its file.
fn prepare(name: &str, bytes: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let mut sources = Sources::default();
    let mut diags = Vec::new();
    let prepared = pipeline::prepare(engine(), &path, &mut sources, &mut diags);
    if prepared.is_none() {
        assert!(!diags.is_empty(), "refused without a diagnostic");
    }
    for d in &diags {
        if let Some(span) = &d.span {
            let len = sources.text(span.file).len();
            assert!(
                span.range.start <= span.range.end && span.range.end <= len,
                "span {span:?} outside file of {len} bytes"
            );
        }
    }
    // Rendering the diagnostics must not panic either.
    let _ = sources.render(&diags);
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        prepare("material.yaml", &bytes);
    }

    #[test]
    fn arbitrary_text_as_markdown_form_never_panics(text in "(---\n)?[a-z:#|>*\\-\\[\\]{}!()^~`表：图 \n\t\"'一二\u{3000}𠮷]{0,400}") {
        prepare("material.md", text.as_bytes());
    }

    /// The example with one line removed, duplicated or mangled: a
    /// valid-shaped material with a defect, as writers make them.
    #[test]
    fn mutated_example_never_panics(line in 0usize..120, op in 0u8..4, junk in "[：，:{}\\[\\]#|>&*! a-z0-9一\"]{0,12}") {
        let lines: Vec<&str> = example().lines().collect();
        let i = line % lines.len();
        let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        match op {
            0 => { out.remove(i); }
            1 => { let l = out[i].clone(); out.insert(i, l); }
            2 => { out[i].push_str(&junk); }
            _ => { out[i] = format!("{junk}{}", out[i]); }
        }
        prepare("material.yaml", out.join("\n").as_bytes());
    }

    /// Arbitrary Markdown inside a part, inside a valid material.
    #[test]
    fn arbitrary_markdown_part_never_panics(md in "[a-z表：图!\\[\\]()|\\-#>*_^~`0-9 \n一二三。，𠮷\u{200b}]{0,600}") {
        let text = example();
        let start = text.find("abstract: |").unwrap();
        let end = text.find("\noverview:").unwrap();
        let indented: String = md.lines().map(|l| format!("  {l}\n")).collect();
        let material = format!("{}abstract: |\n  x\n{indented}{}", &text[..start], &text[end..]);
        prepare("material.yaml", material.as_bytes());
    }
}

/// A billion laughs: nine levels of ten aliases each (10^9 "lol"s once
/// expanded).
fn billion_laughs() -> String {
    let mut y = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
        .iter()
        .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
    {
        let refs = vec![format!("*{prev}"); 10].join(",");
        y.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    y
}

#[test]
fn alias_bomb_is_stopped_by_the_budget() {
    // Deserialised into a target that takes everything (`IgnoredAny` walks
    // every expanded node), so only the reader's alias budget can stop it:
    // this fails if the budget is lifted, unlike a material whose unknown
    // key is refused before any alias is expanded.
    let y = billion_laughs();
    let mut sources = Sources::default();
    let file = sources.add(Path::new("material.yaml"), y.clone());
    let start = std::time::Instant::now();
    let result = shenbao::source::yaml::parse_typed::<serde::de::IgnoredAny>(&y, file, &sources);
    let diag = result.expect_err("the bomb must not be expanded in full");
    assert_eq!(diag.code.as_str(), "IN-LIMIT", "{}", diag.message);
    // Not a timing assertion on performance, only a hang guard.
    assert!(start.elapsed().as_secs() < 10);
}

#[test]
fn alias_bomb_material_is_refused_fast() {
    // The same bomb as a material: refused with a diagnostic, never hung.
    let start = std::time::Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("material.yaml");
    std::fs::write(&path, billion_laughs()).unwrap();
    let mut sources = Sources::default();
    let mut diags = Vec::new();
    assert!(pipeline::prepare(engine(), &path, &mut sources, &mut diags).is_none());
    assert!(!diags.is_empty());
    assert!(start.elapsed().as_secs() < 10);
}
