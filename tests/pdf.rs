//! `render --pdf`: the consultation document parses, its text can be found
//! (poppler's pdftotext, which `.ci/run` installs), its pages render with
//! pdftoppm and are not blank, and bad requests write nothing.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn folder(name: &str) -> PathBuf {
    common::folder(&format!("pdf-{name}"))
}

fn run(dir: &Path, args: &[&str]) -> Output {
    common::run(dir, args)
}

fn poppler(tool: &str, args: &[&str], dir: &Path) -> Output {
    let out = Command::new(tool)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "the PDF test needs {tool} ({e}): install poppler-utils (Debian/Ubuntu: \
                 `apt-get install poppler-utils`; .ci/run does)"
            )
        });
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

const PLAN: &str = "name = \"Receding hairline rebuilt\"\n[region]\npreset = \"norwood-3\"\n\
                    [consultation]\nclient = \"Jan Novak\"\nclinic = \"Example SMP Clinic\"\n";

#[test]
fn the_consultation_pdf_names_the_client_and_every_session() {
    let dir = folder("document");
    std::fs::write(dir.join("plan.toml"), PLAN).unwrap();
    let out = run(
        &dir,
        &["render", "--plan", "plan.toml", "--pdf", "consultation.pdf"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let size = std::fs::metadata(dir.join("consultation.pdf"))
        .unwrap()
        .len();
    assert!(size < 5 << 20, "{size} bytes");
    let text =
        String::from_utf8_lossy(&poppler("pdftotext", &["consultation.pdf", "-"], &dir).stdout)
            .into_owned();
    for want in [
        "Receding hairline rebuilt",
        "Jan Novak",
        "Example SMP Clinic",
        "before",
        "after",
        "5 years",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
    // Every session's impressions, as `render --stats-json` counts them.
    let stats = run(
        &dir,
        &[
            "render",
            "--plan",
            "plan.toml",
            "--views",
            "front",
            "--size",
            "64x64",
            "--no-sheet",
            "--out",
            "o",
            "--stats-json",
            "s.json",
        ],
    );
    assert!(stats.status.success());
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("s.json")).unwrap()).unwrap();
    for s in json["sessions"].as_array().unwrap() {
        let n = s["impressions"].as_u64().unwrap().to_string();
        assert!(
            text.lines().any(|l| l.trim() == n),
            "session count {n} missing in:\n{text}"
        );
    }
    // A4 unless the plan asks for Letter.
    let info = String::from_utf8_lossy(&poppler("pdfinfo", &["consultation.pdf"], &dir).stdout)
        .into_owned();
    assert!(info.contains("595.28 x 841.89 pts (A4)"), "{info}");
    // Both pages render, and the picture pages are not blank.
    poppler(
        "pdftoppm",
        &["-r", "30", "-png", "consultation.pdf", "page"],
        &dir,
    );
    for page in ["page-1.png", "page-2.png"] {
        let img = image::open(dir.join(page)).unwrap().to_luma8();
        let dark = img.pixels().filter(|p| p[0] < 100).count();
        assert!(
            dark > img.pixels().len() / 20,
            "{page} looks blank ({dark} dark pixels)"
        );
    }
}

/// `[consultation] paper = "letter"`: the same document on US Letter, all
/// of it on the page.
#[test]
fn a_letter_plan_gets_a_letter_document() {
    let dir = folder("letter");
    let plan = format!("{PLAN}paper = \"letter\"\n");
    std::fs::write(dir.join("plan.toml"), plan).unwrap();
    let out = run(
        &dir,
        &["render", "--plan", "plan.toml", "--pdf", "letter.pdf"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let info =
        String::from_utf8_lossy(&poppler("pdfinfo", &["letter.pdf"], &dir).stdout).into_owned();
    assert!(info.contains("612 x 792 pts (letter)"), "{info}");
    assert!(
        info.lines()
            .any(|l| l.starts_with("Pages:") && l.ends_with(" 2")),
        "{info}"
    );
    // The last lines of each page are inside it: the totals and the strip labels.
    let text = String::from_utf8_lossy(&poppler("pdftotext", &["letter.pdf", "-"], &dir).stdout)
        .into_owned();
    for want in ["treated area", "5 years", "Jan Novak"] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
}

#[test]
fn bad_pdf_requests_are_refused_and_write_nothing() {
    let dir = folder("bad");
    std::fs::write(dir.join("plan.pdf"), PLAN).unwrap();
    let long = format!("{PLAN}notes = \"{}\"\n", "x".repeat(2500));
    std::fs::write(dir.join("long.toml"), &long).unwrap();
    std::fs::write(dir.join("legal.toml"), format!("{PLAN}paper = \"legal\"\n")).unwrap();
    let cases: [(&[&str], &str); 5] = [
        (
            &["--pdf", "out.pdf", "--plan", "legal.toml"],
            "consultation.paper",
        ),
        (&["--pdf", "out.txt"], "name a .pdf file"),
        (&["--pdf", "/proc/out.pdf"], "/proc/out.pdf"),
        (
            &["--pdf", "plan.pdf", "--plan", "plan.pdf"],
            "it is the input",
        ),
        (
            &["--pdf", "out.pdf", "--plan", "long.toml"],
            "consultation.notes: 2500 characters: at most 2000",
        ),
    ];
    for (args, want) in cases {
        let mut all = vec!["render"];
        all.extend_from_slice(args);
        common::refused(&run(&dir, &all), &[want]);
    }
    let names = common::file_names(&dir);
    assert_eq!(names, ["legal.toml", "long.toml", "plan.pdf"]);
    assert_eq!(std::fs::read_to_string(dir.join("plan.pdf")).unwrap(), PLAN);
}
