//! The material: schema 1 model and how it is read from disk.

pub mod county;
pub mod date;
pub mod fields;
pub mod industry;
pub mod model;
pub mod read;
pub mod slides;
pub mod values;

pub use crate::source::origin::Origin;
pub use date::Date;
pub use model::{Material, PartKind};
pub use read::{Loaded, PartText};
