#!/usr/bin/env bash
# Draws the README's pictures of the renderer again (docs/): the sheet of the
# default plan, the FUT scar before and after session 2, the receding
# hairline close-up, page 1 of a consultation PDF and, with a display, the
# viewer and its wipe. Run from the repository root after
# `cargo build --release`; needs ffmpeg and pdftoppm (poppler-utils). Look at
# every picture before committing it. (The scans' pictures are composed by
# hand: see the README's section on scans.)
set -euo pipefail
bin=target/release/smp-preview
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" render --size 640x360 --out "$tmp/sheet" >/dev/null
cp "$tmp/sheet/sheet.png" docs/sheet.png
"$bin" render --plan assets/plans/fut-scar.toml --session 0 --views back --size 640x720 --out "$tmp/before" --no-sheet >/dev/null
"$bin" render --plan assets/plans/fut-scar.toml --session 2 --views back --size 640x720 --out "$tmp/after" --no-sheet >/dev/null
ffmpeg -loglevel error -y -i "$tmp/before/back.png" -i "$tmp/after/back.png" \
    -filter_complex hstack docs/fut-scar-before-after.png
SMP_README_CLOSEUP="$PWD/docs/receding-nw3-closeup.png" \
    cargo test --release --quiet --test golden readme_close_up -- --ignored >/dev/null
"$bin" render --plan assets/plans/receding-nw3.toml --pdf "$tmp/consultation.pdf" >/dev/null
pdftoppm -png -r 80 -f 1 -l 1 -singlefile "$tmp/consultation.pdf" docs/consultation-page-1
echo "wrote docs/sheet.png, docs/fut-scar-before-after.png, docs/receding-nw3-closeup.png, docs/consultation-page-1.png"
# The viewer's pictures need a display (DISPLAY; Xvfb works).
if [ -n "${DISPLAY:-}" ]; then
    "$bin" view --plan assets/plans/receding-nw3.toml --view three-quarter --size 1280x720 \
        --frames 8 --screenshot docs/viewer.png >/dev/null
    "$bin" view --wipe --view three-quarter --size 960x540 --frames 8 --screenshot docs/wipe.png >/dev/null
    echo "wrote docs/viewer.png, docs/wipe.png"
fi
