#!/usr/bin/env bash
# Renders the demo week's PDF pages that carry charts to PNG for the README (needs
# pdftoppm, from poppler-utils). Run from the repository root: docs/charts/render.sh
set -euo pipefail
command -v pdftoppm >/dev/null || { echo "pdftoppm is not installed (apt install poppler-utils)" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cargo run -q -- report --demo --format md,json,pdf -o "$out" >/dev/null
week="$out/2026-W48"
page_with() { # the first page of $1 whose text has $2
  local n
  n=$(pdfinfo "$1" | sed -n 's/^Pages: *//p')
  for p in $(seq 1 "$n"); do
    if pdftotext -f "$p" -l "$p" "$1" - | grep -q "$2"; then echo "$p"; return; fi
  done
}
shot() { # pdf, text on the page, name
  local p
  p=$(page_with "$1" "$2")
  pdftoppm -f "$p" -l "$p" -r 60 -png -singlefile "$1" "docs/charts/$3"
}
shot "$week/project.pdf" "Burn-up:" burn-up
shot "$week/project.pdf" "Items done per week" bars
shot "$week/index.pdf" "Items by concern" share
shot "$week/program.pdf" "who blocks whom" dependencies
ls -la docs/charts/*.png
