//! shenbao (申报): an enterprise's application material, written once in
//! YAML or Markdown, into the print-ready PDFs a selection notice demands.
//!
//! Data flows one way, a layer a folder (or file); each imports only the
//! layers before it (tests/layers.rs checks that there are no cycles, that
//! no renderer imports another and that `document` imports nothing from
//! `outputs`):
//! - `diag`, `text`, `resources` (the fonts and the embedded templates),
//!   `parallel`, `timing`, `worker`: what every layer uses;
//! - `source`: the writer's files as text, YAML spans, the folder jail;
//! - `material`: the schema-1 model, and `slides.md`, the deck's source the
//!   writer types (`material::slides`); `profile`: the notice's rules as data;
//! - `document`: the document model (blocks, inlines, figures, tables,
//!   attachments) and the material prepared to render (`Prepared`);
//! - `markdown`: the parts → the model (no file IO); `assets`: the pictures
//!   and attachments it names, found and read; `layout`: decisions made
//!   before Typst (figure widths, table columns) — both annotate the model;
//! - `check`: every rule;
//! - `typeset`: the Typst world, compile and export;
//! - `outputs`: the renderers (book, form, docx, print, summary, slides,
//!   inspect), each in its own file or folder, over what they share below
//!   them (`data`, `binding`, `ooxml`, `typst`, `write`, `pdfbox`);
//! - `pipeline` runs one material through them, `batch` many;
//! - front ends over the library: the CLI (src/main.rs), `watch`, `serve`;
//!   `scaffold` and `schema` serve the command line. `import` is a step
//!   before `source`: a Word draft becomes a material folder.

pub mod assets;
pub mod batch;
pub mod check;
pub mod diag;
pub mod document;
pub mod import;
pub mod layout;
pub mod markdown;
pub mod material;
pub mod outputs;
pub mod parallel;
pub mod pipeline;
pub mod preview;
pub mod profile;
pub mod resources;
pub mod scaffold;
pub mod schema;
pub mod serve;
pub mod source;
pub mod text;
pub mod timing;
pub mod typeset;
pub mod watch;
pub mod worker;
