//! The document: what the Markdown parser makes of a material's parts
//! (`model`: blocks, inlines, figures, tables) and the material prepared to
//! render (`prepared`: the model with its material, profile, fonts and
//! attachments). Every renderer reads it; it imports nothing from `outputs`.

pub mod attachment;
pub mod model;
pub mod prepared;

pub use attachment::Attachment;
pub use model::{Block, Counters, ImageSrc, Inline, Width, blocks_text, plain_text};
pub use prepared::Prepared;
