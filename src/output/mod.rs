//! Headless products the client takes home. `pdf`: the consultation
//! document; `turntable`: the head turning, as MP4 or GIF. (The PNG views, the sheet and the compare layout are
//! still `render`, `sheet` and `compare` at the top of `src/`; they move here
//! as they are next touched.)

pub mod pdf;
pub mod turntable;
