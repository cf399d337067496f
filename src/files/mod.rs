//! Files in and out, by one policy: inputs are read only when they are
//! regular files of bounded size, and outputs never land on an input and
//! never leave a half-written file under their final name.

mod identity;
mod read;
mod write;

pub use identity::{FileId, Inputs, same_place};
pub use read::{ReadError, io_message, read_regular, read_regular_string};
pub use write::{WriteError, check_writable, create_folder, write_atomic, write_bytes};

/// The largest plan file read (plans are a few kB of TOML).
pub const MAX_PLAN_BYTES: u64 = 4 << 20;
/// The largest mesh file read (a 2 M-triangle OBJ is about 150 MB).
pub const MAX_MESH_BYTES: u64 = 512 << 20;
