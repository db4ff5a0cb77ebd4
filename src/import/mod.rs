//! `shenbao import`: a writer's Word draft (.docx) becomes a material —
//! `material.md` (front matter and the four parts in the dialect of SPEC
//! §12), its pictures for `img/`, and a report of every guess and loss.
//!
//! A source-side step (STYLE.md): bytes in, data out. [`import`] reads no
//! file and writes none; [`write_folder`] and [`legacy::convert`] are the
//! IO both front ends share.
//!
//! The layers, each its own module: `package` (the zip and its XML, with
//! bounds) → `styles`, `numbering` → `reader` (document.xml → [`word::Doc`])
//! → `cover`, `form`, `structure` (what the paragraphs are) → `emit` (the
//! Markdown) and `report`.

mod cover;
mod emit;
pub mod fields;
mod form;
mod images;
pub mod legacy;
mod numbering;
mod package;
mod reader;
pub mod report;
mod structure;
mod styles;
mod symbols;
mod word;

use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic};
pub use package::Limits;
use report::{Kind, Note, Report};

/// Why a file could not be imported at all.
#[derive(Debug)]
pub enum ImportError {
    /// Not a readable .docx (not a zip, a corrupt zip, no document, bad XML).
    NotDocx(String),
    /// A legacy binary .doc or .wps (an OLE file).
    Legacy,
    /// Beyond the bounds (a zip bomb, too many parts or nodes).
    Limit(String),
}

impl ImportError {
    pub fn diagnostic(&self, path: &Path) -> Diagnostic {
        match self {
            ImportError::NotDocx(why) => Diagnostic::error(
                Code::ImportDocx,
                format!("无法读取这个 Word 文件：{why}"),
            )
            .in_file(path)
            .help("请在 Word 或 WPS 里打开它，另存为“Word 文档（*.docx）”后再导入"),
            ImportError::Legacy => Diagnostic::error(
                Code::ImportDocx,
                "这是旧版 Word（.doc）或 WPS（.wps）格式的文件",
            )
            .in_file(path)
            .help("请在 Word 或 WPS 里打开它，另存为“Word 文档（*.docx）”后再导入；装有 LibreOffice 时 shenbao 会自动转换"),
            ImportError::Limit(why) => Diagnostic::error(
                Code::ImportLimit,
                format!("Word 文件超出了导入的安全上限：{why}"),
            )
            .in_file(path)
            .help("正常的申报材料远小于这个上限；若文件确实来自写作者，请把过大的图片压缩后另存再导入"),
        }
    }
}

/// A Word file to import: its name (for the report) and its bytes.
pub struct Draft<'a> {
    pub name: String,
    pub bytes: &'a [u8],
}

/// What an import makes.
pub struct Imported {
    /// The text of `material.md`.
    pub material: String,
    /// The pictures, as `img/NAME` → bytes.
    pub images: Vec<(String, Vec<u8>)>,
    pub report: Report,
    /// The enterprise's name, when found (the default folder name).
    pub company: Option<String>,
}

/// Imports `main` (the draft) and `forms` (further files holding the
/// 申报表). Fails only for a file that is not a readable .docx.
pub fn import(
    main: &Draft,
    forms: &[Draft],
    limits: Limits,
) -> Result<Imported, (usize, ImportError)> {
    let mut pkg = package::Package::open(main.bytes.to_vec(), limits).map_err(|e| (0, e))?;
    let (mut doc, mut notes) = reader::Reader::read(&mut pkg, &main.name).map_err(|e| (0, e))?;
    // The 申报表 inside the draft, with its title and notes.
    let mut form_fields = fields::Fields::default();
    let items = std::mem::take(&mut doc.items);
    let forms_at: Vec<usize> = items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| match item {
            word::Item::Table(t) if form::is_form(t) => Some(i),
            _ => None,
        })
        .collect();
    let mut drop = vec![false; items.len()];
    for &i in &forms_at {
        drop[i] = true;
        if let word::Item::Table(t) = &items[i] {
            form::read(t, &main.name, &mut form_fields);
            notes.push(Note {
                kind: Kind::FormRead,
                at: Some(report::At {
                    file: main.name.clone(),
                    paragraph: t.n,
                    words: "申报表".into(),
                }),
                text: None,
            });
        }
        // A 附表's title, for the table under it.
        let mut detail_title: Option<String> = None;
        for j in form::surrounding(&items, i) {
            drop[j] = true;
            match &items[j] {
                word::Item::Para(p) if form::is_detail_title(&p.text()) => {
                    detail_title = Some(p.text());
                }
                word::Item::Table(t) => {
                    if let Some(title) = detail_title.take()
                        && let Some((kind, n)) =
                            form::read_detail(&title, t, &main.name, &mut form_fields)
                    {
                        notes.push(Note {
                            kind: Kind::FieldFound,
                            at: Some(report::At {
                                file: main.name.clone(),
                                paragraph: t.n,
                                words: report::first_words(&title),
                            }),
                            text: Some(format!("附表（details.{kind}）：{n} 条")),
                        });
                        continue;
                    }
                }
                _ => {}
            }
            let (n, words) = match &items[j] {
                word::Item::Para(p) if !p.is_blank() => (p.n, p.text()),
                word::Item::Table(t) => (t.n, table_words(t)),
                _ => continue,
            };
            notes.push(Note {
                kind: Kind::FormText,
                at: Some(report::At {
                    file: main.name.clone(),
                    paragraph: n,
                    words: report::first_words(&words),
                }),
                text: None,
            });
        }
    }
    doc.items = items
        .into_iter()
        .zip(drop)
        .filter_map(|(item, d)| (!d).then_some(item))
        .collect();
    // The 申报表 in further files.
    for (k, f) in forms.iter().enumerate() {
        let mut pkg = package::Package::open(f.bytes.to_vec(), limits).map_err(|e| (k + 1, e))?;
        let (fdoc, _) = reader::Reader::read(&mut pkg, &f.name).map_err(|e| (k + 1, e))?;
        let mut found = false;
        for item in &fdoc.items {
            if let word::Item::Table(t) = item
                && form::is_form(t)
            {
                form::read(t, &f.name, &mut form_fields);
                found = true;
            }
        }
        notes.push(Note {
            kind: if found {
                Kind::FormRead
            } else {
                Kind::PartGuessed
            },
            at: None,
            text: Some(if found {
                f.name.clone()
            } else {
                format!("{} 里没有找到申报表，未使用", f.name)
            }),
        });
    }
    let structured = structure::structure(&doc, &main.name, fields::Fields::default(), &mut notes);
    let mut fields = structured.fields;
    // The cover's values stand; where the form says otherwise, it is said.
    for (key, found) in form_fields.map {
        match fields.map.get(&key) {
            Some(cover) if squeeze(&cover.value) != squeeze(&found.value) => notes.push(Note {
                kind: Kind::FormDisagrees,
                at: found.at.clone(),
                text: Some(format!(
                    "{}：封面为“{}”，申报表为“{}”",
                    fields::label(&key),
                    cover.value,
                    found.value
                )),
            }),
            Some(_) => {}
            None => {
                fields.map.insert(key, found);
            }
        }
    }
    for (key, found) in &fields.map {
        if key.starts_with("details.") {
            // Said once per 附表, above.
            continue;
        }
        let value = if key == "profile" {
            found.value.clone()
        } else {
            shorten(&found.value)
        };
        notes.push(Note {
            kind: Kind::FieldFound,
            at: found.at.clone(),
            text: Some(format!("{}（{key}）：{value}", fields::label(key))),
        });
    }
    for (key, label) in fields::KEYS {
        let needed = fields::REQUIRED.contains(key)
            || matches!(
                *key,
                "company.address"
                    | "company.nature"
                    | "company.scale"
                    | "company.industry"
                    | "finance"
            );
        let present = fields
            .map
            .keys()
            .any(|k| k == key || k.starts_with(&format!("{key}.")));
        if needed && !present {
            notes.push(Note {
                kind: Kind::FieldMissing,
                at: None,
                text: Some(label.to_string()),
            });
        }
    }
    let mut sources = vec![main.name.clone()];
    sources.extend(forms.iter().map(|f| f.name.clone()));
    let material = emit::material_md(&fields, &structured.parts, &doc, &sources.join("、"));
    let company = fields.get("company.name").map(str::to_string);
    let report = Report {
        files: sources,
        profile: fields.get("profile").map(str::to_string),
        parts: structured.summaries,
        images: doc
            .images
            .iter()
            .map(|i| format!("img/{}", i.name))
            .collect(),
        notes,
    };
    let images = doc
        .images
        .into_iter()
        .map(|i| (format!("img/{}", i.name), i.bytes))
        .collect();
    Ok(Imported {
        material,
        images,
        report,
        company,
    })
}

/// The first words of a table, for the report.
fn table_words(t: &word::Table) -> String {
    t.rows
        .iter()
        .flat_map(|r| r.cells.iter().map(word::Cell::text))
        .map(|c| c.trim().to_string())
        .find(|c| !c.is_empty())
        .unwrap_or_default()
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if s.chars().count() > 40 {
        out.push('…');
    }
    out
}

/// The report file written beside the material.
pub const REPORT_FILE: &str = "导入报告.txt";

/// Writes an import into `dir`: `material.md`, `img/…`, `导入报告.txt`.
/// Refuses a folder that already holds a material; writes everything into
/// a staging folder first and moves it into place only when all is
/// written, so a failure leaves nothing half-written.
pub fn write_folder(dir: &Path, imported: &Imported) -> Result<Vec<PathBuf>, Diagnostic> {
    for name in ["material.md", "material.yaml", "material.yml"] {
        if dir.join(name).exists() {
            return Err(Diagnostic::error(
                Code::Output,
                format!("文件夹里已经有材料（{name}），没有覆盖"),
            )
            .in_file(&dir.join(name))
            .help("用 -o 指定一个新的文件夹，或先把原有的材料移走"));
        }
    }
    let mut files: Vec<(String, &[u8])> =
        vec![("material.md".into(), imported.material.as_bytes())];
    let report = imported.report.text();
    files.push((REPORT_FILE.into(), report.as_bytes()));
    for (name, bytes) in &imported.images {
        files.push((name.clone(), bytes));
    }
    for (name, _) in &files {
        if dir.join(name).exists() {
            return Err(Diagnostic::error(Code::Output, "文件已存在，没有覆盖")
                .in_file(&dir.join(name))
                .help("用 -o 指定一个新的文件夹"));
        }
    }
    let fail = |e: std::io::Error, p: &Path| {
        Diagnostic::error(Code::Output, format!("无法写入：{e}"))
            .in_file(p)
            .help("检查文件夹是否可写、磁盘是否已满，或用 -o 指定其他文件夹")
    };
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| fail(e, parent))?;
    let staging = tempfile::Builder::new()
        .prefix(".shenbao-import-")
        .tempdir_in(parent)
        .map_err(|e| fail(e, parent))?;
    for (name, bytes) in &files {
        let path = staging.path().join(name);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).map_err(|e| fail(e, p))?;
        }
        let mut f = std::fs::File::create(&path).map_err(|e| fail(e, &path))?;
        std::io::Write::write_all(&mut f, bytes).map_err(|e| fail(e, &path))?;
        f.sync_all().map_err(|e| fail(e, &path))?;
    }
    let mut written = Vec::new();
    if !dir.exists() {
        std::fs::rename(staging.path(), dir).map_err(|e| fail(e, dir))?;
        // The staging folder is now `dir`; nothing left to clean up.
        let _ = staging.keep();
        written.extend(files.iter().map(|(n, _)| dir.join(n)));
    } else {
        // Into an existing folder (with no material): entries move one by one.
        for (name, _) in &files {
            let to = dir.join(name);
            if let Some(p) = to.parent() {
                std::fs::create_dir_all(p).map_err(|e| fail(e, p))?;
            }
            std::fs::rename(staging.path().join(name), &to).map_err(|e| fail(e, &to))?;
            written.push(to);
        }
    }
    Ok(written)
}
