//! How schema 1's Markdown is tokenised, shared by the reader (which splits
//! material.md into its parts) and the document parser, so both see the
//! same headings.

use pulldown_cmark::Options;

/// The Markdown dialect of schema 1: GFM tables and footnotes, `^sup^`,
/// `~sub~`, `~~strike~~`.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_SUPERSCRIPT
        | Options::ENABLE_SUBSCRIPT
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
}
