//! shenbao (申报): an enterprise's application material, written once in
//! YAML or Markdown, into the print-ready PDFs a selection notice demands.
//!
//! Data flows one way: read (`material`) → check → render data (`render`,
//! `markdown`) → compile (`world`, `compile`) → write (`output`).

pub mod check;
pub mod compile;
pub mod diag;
pub mod fonts;
pub mod images;
pub mod markdown;
pub mod material;
pub mod output;
pub mod paths;
pub mod pipeline;
pub mod profile;
pub mod render;
pub mod scaffold;
pub mod schema;
pub mod templates;
pub mod text;
pub mod watch;
pub mod world;
