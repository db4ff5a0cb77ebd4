//! A material read, parsed, laid out and checked: what every output
//! renders from.

use std::path::PathBuf;
use std::sync::Arc;

use crate::document::Block;
use crate::material::{Date, Loaded, PartKind};
use crate::profile::Profile;
use crate::resources::fonts::Fonts;

/// A material read and checked, ready to render.
pub struct Prepared {
    pub loaded: Loaded,
    pub profile: Profile,
    pub fonts: Arc<Fonts>,
    pub parts: Vec<(PartKind, Vec<Block>)>,
    pub date: Date,
    /// The files of the material's folder its document names (pictures).
    pub assets: Vec<PathBuf>,
    /// 证实性材料, bound after the body.
    pub attachments: Vec<crate::document::Attachment>,
    /// The writer's 答辩 deck (`slides.md`), when it was asked for and
    /// exists: the deck's source instead of the automatic one (D4).
    pub slides: Option<crate::material::slides::Outline>,
}
