//! Test support: a constant the Rust side and a shader must share is
//! written in the shader with the same value.

/// Asserts that `src` (the shader at `path`) declares each `(name, value)`
/// as `const NAME: f32 = value;`, as `{:?}` prints it.
pub fn assert_f32_consts(path: &str, src: &str, consts: &[(&str, f32)]) {
    for (name, value) in consts {
        let line = format!("const {name}: f32 = {value:?};");
        assert!(src.contains(&line), "{path} lacks `{line}`");
    }
}
