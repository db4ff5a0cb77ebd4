//! 证实性材料 as the document binds them after the body: each found and
//! opened by `assets::attachments`, which fills this in.

use std::path::PathBuf;

use serde::Serialize;

/// An attachment ready to bind.
#[derive(Clone, Debug, Serialize)]
pub struct Attachment {
    pub title: String,
    /// Path in the Typst world (`/material/…`).
    pub path: String,
    pub kind: Kind,
    /// Each page's size in pt (one for a picture, in pixels then).
    pub pages: Vec<[f64; 2]>,
    #[serde(skip)]
    pub file: PathBuf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Pdf,
    Image,
}
