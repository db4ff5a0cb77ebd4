//! The layers (issue 18, docs in src/lib.rs): every `use crate::…`,
//! `use super::…` and `crate::…` path of the library is read from src/ and
//! the module graph it makes is checked:
//! - no cycle between the top-level modules;
//! - under `outputs/`, no renderer imports another renderer, the shared
//!   modules below them import no renderer, and they make no cycle;
//! - `document` imports nothing from `outputs`.
//!
//! Only the registry (`outputs/mod.rs`) names every renderer.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The renderers: each a folder (or file) under src/outputs/ that writes its
/// own files.
const RENDERERS: &[&str] = &[
    "book", "docx", "form", "inspect", "print", "slides", "summary",
];
/// What lies below the renderers under src/outputs/, shared by them.
const SHARED: &[&str] = &["binding", "data", "ooxml", "pdfbox", "typst", "write"];

type Graph = BTreeMap<String, BTreeSet<String>>;

/// A file's module path (`outputs::slides::pptx`), from its path below src/.
fn module_of(rel: &Path) -> Vec<String> {
    let mut segs: Vec<String> = rel
        .with_extension("")
        .iter()
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    if matches!(segs.last().map(String::as_str), Some("mod" | "lib")) {
        segs.pop();
    }
    segs
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source with comments, string and char literals blanked, so that a
/// path in a doc comment or a message is not read as an import.
fn code_only(src: &str) -> String {
    let b: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i + 1 < b.len() && !(b[i] == '*' && b[i + 1] == '/') {
                i += 1;
            }
            i += 2;
            out.push(' ');
        } else if c == 'r'
            && (next == Some('"') || next == Some('#'))
            && !ident_char(out.chars().last())
        {
            // A raw string r"…" or r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while j < b.len() && b[j] == '#' {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= b.len() {
                    break;
                }
                if b[j] == '"' && (0..hashes).all(|k| b.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            i = j;
            out.push_str("\"\"");
        } else if c == '"' {
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' && next == Some('\\') {
            // '\n', '\u{…}', '\''
            i += 2;
            while i < b.len() && b[i] != '\'' {
                i += 1;
            }
            i += 1;
            out.push_str("' '");
        } else if c == '\'' && b.get(i + 2) == Some(&'\'') {
            i += 3;
            out.push_str("' '");
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_char(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
fn expand(prefix: &str, tree: &str, out: &mut Vec<String>) {
    // `x as y` names x.
    let tree: String = tree.split_whitespace().collect::<Vec<_>>().join(" ");
    let tree: String = tree
        .split(',')
        .map(|leaf| match leaf.split_once(" as ") {
            // Keep the braces the alias closes.
            Some((name, alias)) => format!("{name}{}", "}".repeat(alias.matches('}').count())),
            None => leaf.to_string(),
        })
        .collect::<Vec<_>>()
        .join(",")
        .replace(' ', "");
    if let Some(open) = tree.find('{') {
        let head = &tree[..open];
        let body = &tree[open + 1..tree.len() - 1];
        let mut depth = 0;
        let mut start = 0;
        for (k, ch) in body.char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&format!("{prefix}{head}"), &body[start..k], out);
                    start = k + 1;
                }
                _ => {}
            }
        }
        expand(&format!("{prefix}{head}"), &body[start..], out);
    } else if !tree.is_empty() {
        out.push(format!("{prefix}{tree}"));
    }
}

/// The modules a file's code names, as full paths from the crate root.
fn imports(file_module: &[String], code: &str) -> Vec<Vec<String>> {
    let chars: Vec<char> = code.chars().collect();
    // The inline modules (`mod tests {`) each brace is in.
    let mut braces: Vec<Option<String>> = Vec::new();
    let mut out = Vec::new();
    let mut i = 0;
    let word_at = |i: usize| -> String {
        chars[i..]
            .iter()
            .take_while(|c| c.is_alphanumeric() || **c == '_')
            .collect()
    };
    let mut last_words: Vec<String> = Vec::new();
    while i < chars.len() {
        let c = chars[i];
        let before = if i == 0 { None } else { Some(chars[i - 1]) };
        if c == '{' {
            let inline = match last_words.as_slice() {
                [.., m, name] if m == "mod" => Some(name.clone()),
                _ => None,
            };
            braces.push(inline);
            last_words.clear();
            i += 1;
            continue;
        }
        if c == '}' {
            braces.pop();
            last_words.clear();
            i += 1;
            continue;
        }
        if c == ';' {
            last_words.clear();
        }
        if (c.is_alphanumeric() || c == '_') && !ident_char(before) && before != Some('$') {
            let word = word_at(i);
            let here: Vec<String> = file_module
                .iter()
                .cloned()
                .chain(braces.iter().flatten().cloned())
                .collect();
            if word == "use" {
                let end = chars[i..].iter().position(|c| *c == ';').unwrap() + i;
                let tree: String = chars[i + 3..end].iter().collect();
                let mut paths = Vec::new();
                expand("", &tree, &mut paths);
                for p in paths {
                    if let Some(full) = resolve(&here, &p) {
                        out.push(full);
                    }
                }
                i = end + 1;
                last_words.clear();
                continue;
            }
            if (word == "crate" || word == "super") && before != Some(':') {
                let mut j = i;
                let mut path = String::new();
                while j < chars.len()
                    && (chars[j].is_alphanumeric() || chars[j] == '_' || chars[j] == ':')
                {
                    path.push(chars[j]);
                    j += 1;
                }
                if path.contains("::")
                    && let Some(full) = resolve(&here, &path)
                {
                    out.push(full);
                }
                i = j;
                continue;
            }
            last_words.push(word.clone());
            i += word.chars().count();
            continue;
        }
        i += 1;
    }
    out
}

/// A path as typed (`crate::a::b`, `super::c`) from module `here`, as a path
/// from the crate root; None for a path outside the crate (`std::…`) or
/// relative to `here` (`self::…`, a child module).
fn resolve(here: &[String], path: &str) -> Option<Vec<String>> {
    let segs: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    match segs.first() {
        Some(&"crate") => Some(segs[1..].iter().map(|s| s.to_string()).collect()),
        Some(&"super") => {
            let mut base = here.to_vec();
            let mut k = 0;
            while segs.get(k) == Some(&"super") {
                base.pop();
                k += 1;
            }
            base.extend(segs[k..].iter().map(|s| s.to_string()));
            Some(base)
        }
        _ => None,
    }
}

/// Each file's module path and the module paths it imports.
fn edges(src: &Path) -> Vec<(Vec<String>, Vec<String>, PathBuf)> {
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let library: BTreeSet<String> = lib
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .map(|m| m.trim_end_matches(';').to_string())
        .collect();
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut out = Vec::new();
    for file in files {
        let rel = file.strip_prefix(src).unwrap();
        let module = module_of(rel);
        // The binary's own files (main.rs and its modules) are not the
        // library's layers.
        if !module.is_empty() && !library.contains(&module[0]) {
            continue;
        }
        let code = code_only(&std::fs::read_to_string(&file).unwrap());
        for to in imports(&module, &code) {
            out.push((module.clone(), to, rel.to_path_buf()));
        }
    }
    out
}

/// The unit of the outputs/ check: `outputs` itself (the registry), a
/// renderer or a shared module.
fn outputs_unit(m: &[String]) -> Option<String> {
    match m {
        [o, child, ..] if o == "outputs" => Some(child.clone()),
        [o] if o == "outputs" => Some("outputs".into()),
        _ => None,
    }
}

/// A cycle in `g`, if there is one, as the modules along it.
fn cycle(g: &Graph) -> Option<Vec<String>> {
    fn visit(
        v: &str,
        g: &Graph,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(v.to_string(), 1);
        stack.push(v.to_string());
        for w in g.get(v).into_iter().flatten() {
            match state.get(w.as_str()) {
                Some(1) => {
                    let at = stack.iter().position(|s| s == w).unwrap();
                    let mut c = stack[at..].to_vec();
                    c.push(w.clone());
                    return Some(c);
                }
                Some(_) => {}
                None => {
                    if let Some(c) = visit(w, g, state, stack) {
                        return Some(c);
                    }
                }
            }
        }
        stack.pop();
        state.insert(v.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for v in g.keys() {
        if !state.contains_key(v.as_str())
            && let Some(c) = visit(v, g, &mut state, &mut Vec::new())
        {
            return Some(c);
        }
    }
    None
}

/// Every broken rule, one line each.
fn violations(src: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let mut top = Graph::new();
    let mut outs = Graph::new();
    let mut where_: BTreeMap<(String, String), PathBuf> = BTreeMap::new();
    let children: BTreeSet<String> = std::fs::read_dir(src.join("outputs"))
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            p.file_stem().unwrap().to_string_lossy().into_owned()
        })
        .filter(|n| n != "mod")
        .collect();
    for child in &children {
        if !RENDERERS.contains(&child.as_str()) && !SHARED.contains(&child.as_str()) {
            problems.push(format!(
                "src/outputs/{child}: neither a renderer nor shared (say which in tests/layers.rs)"
            ));
        }
    }
    for (from, to, file) in edges(src) {
        let (Some(a), Some(b)) = (from.first(), to.first()) else {
            continue;
        };
        if a != b {
            top.entry(a.clone()).or_default().insert(b.clone());
            where_.entry((a.clone(), b.clone())).or_insert(file.clone());
        }
        if a == "document" && b == "outputs" {
            problems.push(format!(
                "{}: document imports {}",
                file.display(),
                to.join("::")
            ));
        }
        if let (Some(x), Some(y)) = (outputs_unit(&from), outputs_unit(&to))
            && x != y
        {
            if x != "outputs" && y != "outputs" {
                outs.entry(x.clone()).or_default().insert(y.clone());
                where_.entry((x.clone(), y.clone())).or_insert(file.clone());
            }
            if RENDERERS.contains(&y.as_str()) && x != "outputs" {
                let what = if RENDERERS.contains(&x.as_str()) {
                    "renderer"
                } else {
                    "shared module"
                };
                problems.push(format!(
                    "{}: {what} {x} imports renderer {y} ({})",
                    file.display(),
                    to.join("::")
                ));
            }
        }
    }
    for (name, g) in [("module", &top), ("outputs/", &outs)] {
        if let Some(c) = cycle(g) {
            let along: Vec<String> = c
                .windows(2)
                .map(|w| {
                    let f = &where_[&(w[0].clone(), w[1].clone())];
                    format!("{} → {} ({})", w[0], w[1], f.display())
                })
                .collect();
            problems.push(format!("{name} cycle: {}", along.join(", ")));
        }
    }
    problems
}

#[test]
fn layers_hold() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let problems = violations(&src);
    assert!(
        problems.is_empty(),
        "the layers are broken:\n{}",
        problems.join("\n")
    );
}

#[test]
fn reads_paths_as_rust_does() {
    let here: Vec<String> = ["outputs", "slides", "pptx"].map(String::from).to_vec();
    let code = code_only(
        "use super::deck::{Kind, Item as I};\n// use crate::no;\nlet s = \"crate::no::x\";\nfn f() { crate::diag::x(); }\nmod tests { use super::*; fn g() { super::super::chart::y(); } }\nlet c = '\"'; use crate::a::{b::{c, d}, e};",
    );
    let got: Vec<String> = imports(&here, &code).iter().map(|p| p.join("::")).collect();
    assert_eq!(
        got,
        [
            "outputs::slides::deck::Kind",
            "outputs::slides::deck::Item",
            "diag::x",
            "outputs::slides::pptx::*",
            "outputs::slides::chart::y",
            "a::b::c",
            "a::b::d",
            "a::e",
        ]
    );
}
