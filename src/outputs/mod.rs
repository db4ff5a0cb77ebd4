//! Outputs: each set of files a build writes is a [`Renderer`], in the shape
//! of mdBook's. A renderer says what it reads (one material, or all the
//! materials of a run) and which files it writes, and turns prepared
//! materials into those files' bytes; writing them (atomically, into the
//! enterprise's folder or the run's) is `write`'s, done once for all.
//!
//! Most outputs are Typst documents ([`typst::TypstOutput`]: an entry
//! template and the page selections it is cut into); a renderer that is not
//! Typst (a spreadsheet, a post-processed print file) implements the trait
//! directly. Adding a Typst output is a file here beside `book.rs` and a
//! template folder beside `templates/book/`.

pub mod binding;
pub mod book;
pub mod data;
pub mod docx;
pub mod form;
pub mod inspect;
pub mod ooxml;
pub mod pdfbox;
pub mod print;
pub mod slides;
pub mod summary;
pub mod typst;
pub mod write;

use crate::diag::Diagnostic;
use crate::document::Prepared;
use crate::material::county::CountyLines;
use crate::resources::templates::Templates;
use crate::source::jail::Confined;

/// The bound book, written by `book`; the print shop's files (`print`) read
/// its page count and its cover (see [`Renderer::needs`]).
pub const BOOK_FILE: &str = "申报材料.pdf";

/// The book's cover, written by `book`, read by the cover spread (`print`).
pub const COVER_FILE: &str = "封面.pdf";

/// What a renderer reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// One material; its files go into the enterprise's folder (E1).
    Material,
    /// Every material of the run (a county's folder); its files go at the
    /// top of the output folder.
    Run,
    /// A PDF the user was handed, made by shenbao or not (`inspect`): its
    /// products are reports the command prints, not files it writes.
    Pdf,
}

/// One material ready to render, with what every renderer of it shares.
pub struct Job<'a> {
    pub templates: &'a Templates,
    pub prepared: &'a Prepared,
    /// `/data.json` of the book, serialized once per material.
    pub data: &'a [u8],
    /// The build is a draft (草稿 on every page).
    pub draft: bool,
    pub timestamp: Option<typst_pdf::Timestamp>,
    /// The paper the book is printed on, for the print shop's files.
    pub print: &'a binding::PrintOptions,
    /// The 答辩 deck's length (`shenbao slides --minutes`).
    pub slides: &'a slides::SlidesOptions,
    /// The files the renderers before this one produced (the spine reads
    /// the book's page count).
    pub earlier: &'a [Product],
    /// The county's 推荐意见 for the 申报表, once it has recommended.
    pub opinion: Option<&'a crate::material::county::Opinion>,
    /// The engine's recent Typst documents, reused when nothing they
    /// depend on changed.
    pub documents: &'a typst::Documents,
}

/// Every material of a run (a county's folder), for a [`Scope::Run`]
/// renderer.
pub struct RunJob<'a> {
    pub templates: &'a Templates,
    /// The materials that could be read, in the order of their folders,
    /// each with whether it has content errors (it is still listed).
    pub materials: Vec<(&'a Prepared, bool)>,
    pub county: CountyLines,
    /// The run's folder: the Typst world's root.
    pub root: Confined,
    pub timestamp: Option<typst_pdf::Timestamp>,
}

/// A PDF to read, for a [`Scope::Pdf`] renderer.
pub struct PdfJob<'a> {
    pub path: &'a std::path::Path,
    /// The paper it would be printed on (sheets, spine).
    pub print: &'a binding::PrintOptions,
    /// A 书脊.pdf to check against the book's name.
    pub spine: Option<&'a std::path::Path>,
}

/// What a renderer is given, by its scope.
pub enum Input<'a> {
    Material(&'a Job<'a>),
    Run(&'a RunJob<'a>),
    Pdf(&'a PdfJob<'a>),
}

/// A file a renderer produced, not yet written.
#[derive(Clone)]
pub struct Product {
    pub name: String,
    pub bytes: Vec<u8>,
    /// Its page count, for the report (None for a file without pages).
    pub pages: Option<usize>,
    /// What the build report says about this file (the deck's talk time).
    pub note: Option<Note>,
}

/// A fact a renderer adds to the build report about its file, as data
/// (docs/json.md); the front end words it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Note {
    /// The deck and how long it takes to present (D2).
    Talk {
        slides: usize,
        /// Estimated talk time: the script at the profile's pace plus a
        /// fixed time per picture.
        seconds: u32,
        /// 字 of the speaker's script.
        chars: usize,
        pictures: usize,
        /// The time allowed (`--minutes`, else the profile's).
        limit_seconds: u32,
    },
}

pub trait Renderer: Sync {
    /// A short name (`book`), for messages and timings.
    fn id(&self) -> &'static str;

    /// What it makes, in a few words, for `--outputs`' help
    /// ([`outputs_help`]).
    fn help(&self) -> &'static str;

    fn scope(&self) -> Scope;

    /// Whether `build` writes it when no `--outputs` are named (the deck
    /// has its own command), for a material of `profile` (`None` for what
    /// is not one material's: the run's 汇总表, the deck's watch).
    fn by_default(&self, profile: Option<&crate::profile::Profile>) -> bool {
        let _ = profile;
        true
    }

    /// The renderers whose products it reads from [`Job::earlier`] (the
    /// spine reads the book's page count): they must come before it in
    /// [`renderers`], which a test checks.
    fn needs(&self) -> &'static [&'static str] {
        &[]
    }

    /// The files it writes, known before anything is rendered.
    fn files(&self) -> Vec<&'static str>;

    /// Renders its input ([`Input::Material`] for [`Scope::Material`],
    /// [`Input::Run`] for [`Scope::Run`]). Diagnostics beside the files
    /// are warnings; an error means nothing of this renderer is written.
    fn render(&self, input: Input) -> Result<(Vec<Product>, Vec<Diagnostic>), Vec<Diagnostic>>;
}

/// The outputs of `shenbao build`, in the order they are reported.
pub fn renderers() -> Vec<&'static dyn Renderer> {
    vec![
        &book::BOOK,
        &form::FORM,
        &docx::DOCX,
        &print::SPINE,
        &print::WRAP,
        &summary::SUMMARY,
        &slides::SLIDES,
        &inspect::INSPECT,
    ]
}

/// The ids `build --outputs` takes: every renderer that writes files.
pub fn output_ids() -> Vec<&'static str> {
    renderers()
        .iter()
        .filter(|r| r.scope() != Scope::Pdf)
        .map(|r| r.id())
        .collect()
}

/// `build --outputs`' help, made from the registry.
pub fn outputs_help() -> String {
    let each: Vec<String> = renderers()
        .iter()
        .filter(|r| r.scope() != Scope::Pdf)
        .map(|r| format!("{}（{}）", r.id(), r.help()))
        .collect();
    format!(
        "只生成这些输出（逗号分隔）：{}；默认全部（slides 除外；docx 看配置）",
        each.join("、")
    )
}

/// The error of a renderer given the other scope's input (a bug, not the
/// writer's doing).
pub(crate) fn wrong_input(id: &str) -> Vec<Diagnostic> {
    vec![Diagnostic::error(
        crate::diag::Code::Template,
        format!("内部错误：{id} 收到的输入不对"),
    )]
}

#[cfg(test)]
mod tests {
    use super::{output_ids, outputs_help, renderers};

    /// `--outputs`' help names every output it takes, from the registry.
    #[test]
    fn the_help_names_every_output() {
        let help = outputs_help();
        for id in output_ids() {
            assert!(
                help.contains(&format!("{id}（")),
                "{id} missing from {help}"
            );
        }
        assert!(output_ids().contains(&"wrap"));
        assert!(!output_ids().contains(&"inspect"));
    }

    /// A renderer that reads another's products (the spine, the book's page
    /// count) comes after it, since they run in this order.
    #[test]
    fn what_a_renderer_needs_comes_before_it() {
        let ids: Vec<&str> = renderers().iter().map(|r| r.id()).collect();
        for (at, r) in renderers().iter().enumerate() {
            for need in r.needs() {
                let Some(before) = ids.iter().position(|id| id == need) else {
                    panic!("{} needs {need}, which is not a renderer", r.id());
                };
                assert!(before < at, "{} needs {need}, which comes after it", r.id());
            }
        }
    }
}
