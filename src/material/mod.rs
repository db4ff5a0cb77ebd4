//! The material: schema 1 model and how it is read from disk.

pub mod hints;
pub mod model;
pub mod read;
pub mod values;

pub use model::{Material, PartKind};
pub use read::{Loaded, Origin, PartText};
