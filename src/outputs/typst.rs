//! A Typst output: one entry template compiled once per material, its pages
//! cut into files by the parts the template marks (`<shenbao-part>`). Each
//! file is exported from its own pages, so its outline points into itself.
//!
//! An output whose inputs did not change since it was last rendered in this
//! process (its data, every template, the timestamp; and it read no file of
//! the material's folder) is not compiled again: `watch` re-renders the form
//! only when the form's own data changed, not on every edit of the body.

use std::borrow::Cow;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;

use super::{Input, Job, Product, Renderer, Scope};
use crate::diag::{Code, Diagnostic};
use crate::typeset::compile;
use crate::typeset::world::ShenbaoWorld;

/// The last products of each output, with the inputs they came from.
type Key = (u64, Vec<u8>);
static RECENT: Mutex<Vec<(&'static str, Key, Vec<Product>)>> = Mutex::new(Vec::new());

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
        let p = job.prepared;
        let data = (self.data)(job);
        let key = {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            self.entry.hash(&mut h);
            for name in crate::resources::templates::Templates::shared_files() {
                job.templates.text(name).map(|(_, t)| t).hash(&mut h);
            }
            format!("{:?}", job.timestamp).hash(&mut h);
            std::sync::Arc::as_ptr(&p.fonts).hash(&mut h);
            (h.finish(), data.to_vec())
        };
        if let Some(hit) = RECENT
            .lock()
            .expect("poisoned")
            .iter()
            .find(|(id, k, _)| *id == self.id && *k == key)
        {
            return Ok((hit.2.clone(), Vec::new()));
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
        let company = p.loaded.material.company.name.value.trim();
        let selections: Vec<Vec<usize>> = self
            .files
            .iter()
            .map(|f| match &f.pages {
                Selection::All => (0..parts.len()).collect(),
                Selection::Parts(names) => (0..parts.len())
                    .filter(|&i| names.contains(&parts[i].as_str()))
                    .collect(),
            })
            .collect();
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
        // The exports are independent (font subsetting dominates): run them
        // side by side.
        let results: Vec<Result<Vec<u8>, Vec<Diagnostic>>> = std::thread::scope(|s| {
            let handles: Vec<_> = selections
                .iter()
                .map(|pages| {
                    let doc = &doc;
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
        if world.material_files().is_empty() && warnings.is_empty() {
            let mut recent = RECENT.lock().expect("poisoned");
            recent.retain(|(id, _, _)| *id != self.id);
            recent.push((self.id, key, products.clone()));
        }
        Ok((products, warnings))
    }
}
