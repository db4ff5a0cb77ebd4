//! The writer's files as text: decoding as Windows saves them, YAML with
//! spans, the map from part text back to file positions, and the folder
//! jail every path a material names is resolved in. Nothing here knows what
//! a material means.

pub mod cmark;
pub mod decode;
pub mod hints;
pub mod jail;
pub mod origin;
pub mod yaml;
