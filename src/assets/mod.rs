//! The files a document names besides its text: pictures now, attachments
//! next. Each is found inside the material's folder (the jail), opened and
//! checked to be what it claims, and its facts (pixel size, resolution)
//! written into the document for layout and the rules.

pub mod attachments;
pub mod images;
