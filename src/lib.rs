//! shenbao (申报): an enterprise's application material, written once in
//! YAML or Markdown, into the print-ready PDFs a selection notice demands.
//!
//! Data flows one way, a layer a folder (or file):
//! `source` (the writer's files as text, YAML spans, the folder jail) →
//! `material` (the schema-1 model) → `markdown` (the parts as a document,
//! no file IO) → `assets` (the pictures it names) → `layout` (decisions
//! made before Typst: figure widths, table columns) → `check` (every rule)
//! → `document` (what is rendered) → `typeset` (the Typst world, fonts,
//! templates, compile, export) → `outputs` (renderers and writing files).
//! `pipeline` runs one material through them, `batch` many; `watch`,
//! `scaffold` and `schema` serve the command line. `import` is a step before
//! `source`: a Word draft becomes a material folder.

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
