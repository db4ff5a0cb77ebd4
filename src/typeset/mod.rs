//! Typesetting: the closed Typst world (templates, `/data.json`, the
//! material's pictures, the fonts), compiling a template and exporting pages
//! as PDF.

pub mod compile;
pub mod fonts;
pub mod templates;
pub mod world;
