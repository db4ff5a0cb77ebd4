//! The Typst templates and profiles: files in `templates/`, embedded in the
//! binary, and overridable file by file from `--templates DIR` so a
//! maintainer can change layout without touching Rust. Each output has its
//! own folder (`book/`, …); `style.typ`, `zihao.yaml` and `profiles/` are
//! shared.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Files shipped in the binary, by path below `templates/`.
const EMBEDDED: &[(&str, &str)] = &[
    (
        "book/main.typ",
        include_str!("../../templates/book/main.typ"),
    ),
    (
        "book/cover.typ",
        include_str!("../../templates/book/cover.typ"),
    ),
    (
        "book/body.typ",
        include_str!("../../templates/book/body.typ"),
    ),
    (
        "book/attachments.typ",
        include_str!("../../templates/book/attachments.typ"),
    ),
    (
        "form/main.typ",
        include_str!("../../templates/form/main.typ"),
    ),
    (
        "form/form.typ",
        include_str!("../../templates/form/form.typ"),
    ),
    (
        "form/merged.typ",
        include_str!("../../templates/form/merged.typ"),
    ),
    (
        "summary/main.typ",
        include_str!("../../templates/summary/main.typ"),
    ),
    (
        "print/spine.typ",
        include_str!("../../templates/print/spine.typ"),
    ),
    (
        "print/wrap.typ",
        include_str!("../../templates/print/wrap.typ"),
    ),
    (
        "slides/main.typ",
        include_str!("../../templates/slides/main.typ"),
    ),
    (
        "slides/layout.yaml",
        include_str!("../../templates/slides/layout.yaml"),
    ),
    (
        "slides/pptx/notesMaster1.xml",
        include_str!("../../templates/slides/pptx/notesMaster1.xml"),
    ),
    (
        "slides/pptx/presProps.xml",
        include_str!("../../templates/slides/pptx/presProps.xml"),
    ),
    (
        "slides/pptx/slideLayout1.xml",
        include_str!("../../templates/slides/pptx/slideLayout1.xml"),
    ),
    (
        "slides/pptx/slideMaster1.xml",
        include_str!("../../templates/slides/pptx/slideMaster1.xml"),
    ),
    (
        "slides/pptx/tableStyles.xml",
        include_str!("../../templates/slides/pptx/tableStyles.xml"),
    ),
    (
        "slides/pptx/theme1.xml",
        include_str!("../../templates/slides/pptx/theme1.xml"),
    ),
    (
        "slides/pptx/theme2.xml",
        include_str!("../../templates/slides/pptx/theme2.xml"),
    ),
    (
        "slides/pptx/viewProps.xml",
        include_str!("../../templates/slides/pptx/viewProps.xml"),
    ),
    (
        "docx/styles.xml",
        include_str!("../../templates/docx/styles.xml"),
    ),
    (
        "docx/numbering.xml",
        include_str!("../../templates/docx/numbering.xml"),
    ),
    (
        "docx/settings.xml",
        include_str!("../../templates/docx/settings.xml"),
    ),
    (
        "docx/fontTable.xml",
        include_str!("../../templates/docx/fontTable.xml"),
    ),
    (
        "docx/theme1.xml",
        include_str!("../../templates/docx/theme1.xml"),
    ),
    (
        "docx/footer1.xml",
        include_str!("../../templates/docx/footer1.xml"),
    ),
    ("style.typ", include_str!("../../templates/style.typ")),
    (ZIHAO_FILE, include_str!("../../templates/zihao.yaml")),
    (
        "profiles/luoyang-2023.yaml",
        include_str!("../../templates/profiles/luoyang-2023.yaml"),
    ),
    (
        "profiles/henan-2023.yaml",
        include_str!("../../templates/profiles/henan-2023.yaml"),
    ),
];

/// The 字号 table (name → pt), read by the templates and by shenbao.
pub const ZIHAO_FILE: &str = "zihao.yaml";

#[derive(Clone, Debug, Default)]
pub struct Templates {
    override_dir: Option<PathBuf>,
    /// Override files served so far: `watch` follows them.
    served: Arc<Mutex<BTreeSet<PathBuf>>>,
}

impl Templates {
    pub fn new(override_dir: Option<PathBuf>) -> Self {
        Self {
            override_dir,
            served: Arc::default(),
        }
    }

    /// The text of a template file and the path to show in messages: the
    /// override when it exists, else the embedded copy.
    pub fn text(&self, name: &str) -> Option<(PathBuf, String)> {
        if name.split('/').any(|seg| seg == ".." || seg.is_empty()) {
            return None;
        }
        if let Some(dir) = &self.override_dir {
            let path = dir.join(name);
            if let Ok(text) = std::fs::read_to_string(&path) {
                self.served.lock().expect("poisoned").insert(path.clone());
                return Some((
                    path,
                    text.strip_prefix('\u{feff}')
                        .unwrap_or(&text)
                        .replace("\r\n", "\n"),
                ));
            }
        }
        EMBEDDED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(n, t)| (Path::new("templates").join(n), (*t).to_string()))
    }

    /// The Typst files shenbao ships, by path below `templates/`: what
    /// `--emit-typst` writes and what the glyph check (F3) reads.
    pub fn typst_files() -> impl Iterator<Item = &'static str> {
        EMBEDDED
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| n.ends_with(".typ"))
    }

    /// Every shipped file that is not a profile (templates and shared data).
    pub fn shared_files() -> impl Iterator<Item = &'static str> {
        EMBEDDED
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| !n.starts_with("profiles/"))
    }

    /// The override files read so far (for `watch`).
    pub fn served(&self) -> Vec<PathBuf> {
        self.served
            .lock()
            .expect("poisoned")
            .iter()
            .cloned()
            .collect()
    }

    pub fn profile_names(&self) -> Vec<String> {
        let mut names: Vec<String> = EMBEDDED
            .iter()
            .filter_map(|(n, _)| {
                n.strip_prefix("profiles/")?
                    .strip_suffix(".yaml")
                    .map(String::from)
            })
            .collect();
        if let Some(dir) = &self.override_dir
            && let Ok(entries) = std::fs::read_dir(dir.join("profiles"))
        {
            for e in entries.flatten() {
                if let Some(n) = e.file_name().to_str().and_then(|n| n.strip_suffix(".yaml")) {
                    names.push(n.to_string());
                }
            }
        }
        names.sort();
        names.dedup();
        names
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};

    use super::EMBEDDED;

    fn files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files(&path, out);
            } else {
                out.push(path);
            }
        }
    }

    /// Every file under templates/ ships in the binary (in [`EMBEDDED`], or
    /// included where it is used: `init/`, `serve/`), and every embedded
    /// name is the file it holds.
    #[test]
    fn every_template_is_embedded_and_every_embedded_file_exists() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let templates = root.join("templates");
        for (name, text) in EMBEDDED {
            let on_disk = std::fs::read_to_string(templates.join(name))
                .unwrap_or_else(|e| panic!("templates/{name} is embedded but cannot be read: {e}"));
            assert_eq!(
                &on_disk, text,
                "templates/{name} is embedded under another file's name"
            );
        }
        // The files included elsewhere in src/, by their path below templates/.
        let mut sources = Vec::new();
        files(&root.join("src"), &mut sources);
        let mut included: BTreeSet<String> = EMBEDDED.iter().map(|(n, _)| n.to_string()).collect();
        for src in sources
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        {
            let text = std::fs::read_to_string(src).unwrap();
            for (at, _) in text.match_indices("include_") {
                let rest = &text[at..];
                let Some(open) = rest.find('"') else { continue };
                let Some(len) = rest[open + 1..].find('"') else {
                    continue;
                };
                let path = &rest[open + 1..open + 1 + len];
                if let Some((_, below)) = path.split_once("templates/") {
                    assert!(
                        templates.join(below).is_file(),
                        "{} includes {path}, which is not a file",
                        src.display()
                    );
                    included.insert(below.to_string());
                }
            }
        }
        let mut on_disk = Vec::new();
        files(&templates, &mut on_disk);
        let missing: Vec<String> = on_disk
            .iter()
            .map(|p| {
                p.strip_prefix(&templates)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .filter(|p| !included.contains(p))
            .collect();
        assert!(missing.is_empty(), "not embedded: {missing:?}");
    }
}
