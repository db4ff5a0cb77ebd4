//! Typesetting: the closed Typst world (templates, `/data.json`, the
//! material's pictures, the fonts), compiling a template and exporting pages
//! as PDF. The fonts and templates themselves are `resources`.

pub mod compile;
pub mod pages;
pub mod world;
