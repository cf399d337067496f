//! Where in an OBJ file tobj's error is: tobj says what went wrong but not
//! on which line, so the file is scanned again for the first line that
//! shows that problem.

/// `(line, text)` of the first line with the problem tobj reported.
pub fn locate(bytes: &[u8], err: &tobj::LoadError) -> Option<(usize, String)> {
    use tobj::LoadError as E;
    let text = String::from_utf8_lossy(bytes);
    let (mut v, mut vt, mut vn) = (0i64, 0i64, 0i64);
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let mut words = line.split_whitespace();
        let Some(tag) = words.next() else { continue };
        let rest: Vec<&str> = words.collect();
        let numbers_ok = |min: usize, max: usize| {
            (min..=max).contains(&rest.len()) && rest.iter().all(|w| w.parse::<f32>().is_ok())
        };
        let found = match (tag, err) {
            ("v", E::PositionParseError) => !numbers_ok(3, 7),
            ("vn", E::NormalParseError) => !numbers_ok(3, 3),
            ("vt", E::TexcoordParseError) => !numbers_ok(1, 3),
            ("f", E::FaceParseError | E::InvalidPolygon) => {
                rest.len() < 3 || rest.iter().any(|w| face_indices(w).is_none())
            }
            (
                "f",
                E::FaceVertexOutOfBounds | E::FaceTexCoordOutOfBounds | E::FaceNormalOutOfBounds,
            ) => rest
                .iter()
                .filter_map(|w| face_indices(w))
                .any(|[a, b, c]| {
                    let bad =
                        |idx: Option<i64>, n: i64| idx.is_some_and(|k| k == 0 || k > n || k < -n);
                    match err {
                        E::FaceVertexOutOfBounds => bad(a, v),
                        E::FaceTexCoordOutOfBounds => bad(b, vt),
                        _ => bad(c, vn),
                    }
                }),
            ("o" | "g", E::InvalidObjectName) => rest.is_empty(),
            _ => false,
        };
        if found {
            let shown: String = raw.chars().take(80).collect();
            return Some((i + 1, shown));
        }
        match tag {
            "v" => v += 1,
            "vt" => vt += 1,
            "vn" => vn += 1,
            _ => {}
        }
    }
    None
}

/// `v`, `v/t`, `v//n` or `v/t/n`: the indices given, or `None` when malformed.
fn face_indices(word: &str) -> Option<[Option<i64>; 3]> {
    let mut out = [None; 3];
    for (k, part) in word.split('/').enumerate() {
        if k > 2 {
            return None;
        }
        if part.is_empty() {
            if k == 0 {
                return None;
            }
            continue;
        }
        out[k] = Some(part.parse::<i64>().ok()?);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_line_of_each_kind_of_error() {
        let cases = [
            ("v 0 0 0\nv 1 x 0\n", tobj::LoadError::PositionParseError, 2),
            (
                "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 9\n",
                tobj::LoadError::FaceVertexOutOfBounds,
                4,
            ),
            (
                "v 0 0 0\nf 1 2 3\nv 1 0 0\nv 0 1 0\n",
                tobj::LoadError::FaceVertexOutOfBounds,
                2,
            ),
            ("v 0 0 0\n\nf 1 a 3\n", tobj::LoadError::FaceParseError, 3),
            ("vn 0 0\n", tobj::LoadError::NormalParseError, 1),
        ];
        for (text, err, line) in cases {
            assert_eq!(
                locate(text.as_bytes(), &err).map(|l| l.0),
                Some(line),
                "{text:?}"
            );
        }
    }
}
