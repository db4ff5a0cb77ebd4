//! A Typst output: one entry template compiled once per material, its pages
//! cut into files by the parts the template marks (`<shenbao-part>`). Each
//! file is exported from its own pages, so its outline points into itself.
//!
//! The engine keeps the last documents compiled ([`Documents`]): an output
//! whose inputs did not change (its data, every template, the timestamp,
//! the fonts, and the bytes of every file of the material's folder it read)
//! is neither compiled nor exported again. `watch` and the server's previews
//! re-render the 申报表 only when its own data changed, not on every edit
//! of the body; a preview and a download of the same version share one
//! compile.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

use typst_layout::PagedDocument;

use super::{Input, Job, Product, Renderer, Scope};
use crate::diag::{Code, Diagnostic};
use crate::typeset::compile;
use crate::typeset::world::ShenbaoWorld;

pub struct TypstOutput {
    pub id: &'static str,
    /// What it makes, for `--outputs`' help.
    pub help: &'static str,
    /// The template compiled, below `templates/` (`book/main.typ`).
    pub entry: &'static str,
    /// The `/data.json` it reads.
    pub data: for<'a> fn(&'a Job<'a>) -> Cow<'a, [u8]>,
    pub files: &'static [PdfFile],
}

/// A file of a Typst output and the pages it holds.
pub struct PdfFile {
    pub name: &'static str,
    pub pages: Selection,
}

pub enum Selection {
    /// Every page.
    All,
    /// The pages of these parts, in page order.
    Parts(&'static [&'static str]),
}

/// A compiled document: its pages, each page's part, the template's
/// warnings, and the PDFs cut from it once they were exported.
pub struct Compiled {
    pub doc: PagedDocument,
    /// Each page's part (`cover`, `form`, `body` …), in page order.
    pub parts: Vec<String>,
    pub warnings: Vec<Diagnostic>,
    pdfs: OnceLock<Result<Vec<Product>, Vec<Diagnostic>>>,
}

/// What a compile's result depends on besides the material's files.
type Key = (u64, Vec<u8>);

/// A file of the material's folder a compile read, as it was then.
type Stamp = (PathBuf, Option<(SystemTime, u64)>);

struct Entry {
    id: &'static str,
    key: Key,
    read: Vec<Stamp>,
    compiled: Arc<Compiled>,
}

/// The engine's recent compiled documents, newest last.
#[derive(Default)]
pub struct Documents {
    recent: Mutex<VecDeque<Entry>>,
}

/// Documents kept: a book and a form each for a few materials (the
/// server's worker serves several writers in turn).
const KEEP: usize = 8;

fn stamp(path: PathBuf) -> Stamp {
    let meta = std::fs::metadata(&path)
        .ok()
        .and_then(|m| Some((m.modified().ok()?, m.len())));
    (path, meta)
}

impl Documents {
    fn find(&self, id: &'static str, key: &Key) -> Option<Arc<Compiled>> {
        let recent = self.recent.lock().expect("poisoned");
        let entry = recent.iter().find(|e| e.id == id && e.key == *key)?;
        // A picture saved again since is read again.
        let unchanged = entry.read.iter().all(|(p, s)| stamp(p.clone()).1 == *s);
        unchanged.then(|| entry.compiled.clone())
    }

    fn keep(&self, id: &'static str, key: Key, read: Vec<PathBuf>, compiled: Arc<Compiled>) {
        let read = read.into_iter().map(stamp).collect();
        let mut recent = self.recent.lock().expect("poisoned");
        recent.retain(|e| !(e.id == id && e.key == key));
        recent.push_back(Entry {
            id,
            key,
            read,
            compiled,
        });
        while recent.len() > KEEP {
            recent.pop_front();
        }
    }
}

impl TypstOutput {
    /// The pages of each of its files (indices into the document).
    pub fn selections(&self, parts: &[String]) -> Vec<Vec<usize>> {
        self.files
            .iter()
            .map(|f| match &f.pages {
                Selection::All => (0..parts.len()).collect(),
                Selection::Parts(names) => (0..parts.len())
                    .filter(|&i| names.contains(&parts[i].as_str()))
                    .collect(),
            })
            .collect()
    }

    /// The compiled document of `job`: the engine's last one when nothing
    /// it depends on changed, else compiled now.
    pub fn compiled(&self, job: &Job) -> Result<Arc<Compiled>, Vec<Diagnostic>> {
        let p = job.prepared;
        let data = (self.data)(job);
        let key = {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            self.entry.hash(&mut h);
            for name in crate::resources::templates::Templates::shared_files() {
                job.templates.text(name).map(|(_, t)| t).hash(&mut h);
            }
            format!("{:?}", job.timestamp).hash(&mut h);
            Arc::as_ptr(&p.fonts).hash(&mut h);
            p.loaded.root.path().hash(&mut h);
            (h.finish(), data.to_vec())
        };
        if let Some(hit) = job.documents.find(self.id, &key) {
            return Ok(hit);
        }
        let world = ShenbaoWorld::new(
            job.templates.clone(),
            self.entry,
            data.into_owned(),
            p.loaded.root.clone(),
            p.fonts.clone(),
            (p.date.year, p.date.month as u8, p.date.day as u8),
        );
        let timing = crate::timing::Timing::start();
        let (doc, warnings) = compile::compile(&world)?;
        timing.lap(&format!("{} compile", self.id));
        let parts = compile::page_parts(&doc);
        let compiled = Arc::new(Compiled {
            doc,
            parts,
            warnings,
            pdfs: OnceLock::new(),
        });
        job.documents
            .keep(self.id, key, world.material_files(), compiled.clone());
        Ok(compiled)
    }

    /// Its files cut from `compiled` and exported (once per document).
    fn export(&self, job: &Job, compiled: &Compiled) -> Result<Vec<Product>, Vec<Diagnostic>> {
        let selections = self.selections(&compiled.parts);
        if let Some((f, _)) = self
            .files
            .iter()
            .zip(&selections)
            .find(|(_, s)| s.is_empty())
        {
            return Err(vec![
                Diagnostic::error(
                    Code::Template,
                    format!("排版结果里没有 {} 的页面", f.name),
                )
                .help(format!(
                    "模板 {} 要用 metadata(\"部分名\") <shenbao-part> 标出各部分的第一页；如果用了 --templates，请检查自定义模板",
                    self.entry
                )),
            ]);
        }
        let company = job.prepared.loaded.material.company.name.value.trim();
        let doc = &compiled.doc;
        let timing = crate::timing::Timing::start();
        // The exports are independent (font subsetting dominates): run them
        // side by side.
        let results: Vec<Result<Vec<u8>, Vec<Diagnostic>>> = std::thread::scope(|s| {
            let handles: Vec<_> = selections
                .iter()
                .map(|pages| {
                    s.spawn(move || {
                        if pages.len() == doc.pages().len() {
                            compile::pdf(doc, company, job.timestamp)
                        } else {
                            compile::pdf(&compile::select(doc, pages), company, job.timestamp)
                        }
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(vec![Diagnostic::error(
                            Code::Template,
                            "PDF 导出时内部错误",
                        )])
                    })
                })
                .collect()
        });
        timing.lap(&format!("{} pdf", self.id));
        let mut products = Vec::new();
        for ((f, pages), bytes) in self.files.iter().zip(&selections).zip(results) {
            products.push(Product {
                name: f.name.to_string(),
                bytes: bytes?,
                pages: Some(pages.len()),
                note: None,
            });
        }
        Ok(products)
    }
}

impl Renderer for TypstOutput {
    fn id(&self) -> &'static str {
        self.id
    }

    fn help(&self) -> &'static str {
        self.help
    }

    fn scope(&self) -> Scope {
        Scope::Material
    }

    fn files(&self) -> Vec<&'static str> {
        self.files.iter().map(|f| f.name).collect()
    }

    fn render(&self, input: Input) -> Result<(Vec<Product>, Vec<Diagnostic>), Vec<Diagnostic>> {
        let Input::Material(job) = input else {
            return Err(super::wrong_input(self.id));
        };
        let compiled = self.compiled(job)?;
        let products = compiled
            .pdfs
            .get_or_init(|| self.export(job, &compiled))
            .clone()?;
        Ok((products, compiled.warnings.clone()))
    }
}
