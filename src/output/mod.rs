//! Headless products, one file each: `views` (the PNG views and the scene
//! they are drawn from), `sheet` (every view on one page), `compare` (the
//! plan's variants side by side), `pdf` (the consultation document),
//! `turntable` and `timeline` (videos), and `text` (the typeface all of them
//! write with). They share one output policy, `crate::files`: never over an
//! input, a temporary file renamed into place.

pub mod compare;
pub mod pdf;
pub mod sheet;
pub mod text;
pub mod timeline;
pub mod turntable;
pub mod video;
pub mod views;
