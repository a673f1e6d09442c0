//! Helpers shared by the fuzz targets: independent models of what the parsers must return, so
//! the targets can check more than "did not panic".

pub mod json_mutator;
pub mod signature_model;
pub mod webhook_model;
pub mod wrap;
