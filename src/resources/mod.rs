//! Resources every layer uses: the fonts (found once, by role) and the
//! templates embedded in the binary (or read from a folder while developing
//! them). Nothing here knows a material.

pub mod fonts;
pub mod templates;
