#!/usr/bin/env bash
# Makes docs/report.png, the README's picture of the Excel report, from the real workbook: the
# sample mailbox read into a fresh ledger, two decisions recorded, `export --format xlsx`, the
# workbook printed to PDF by LibreOffice (headless), its first page turned into a PNG by poppler's
# pdftoppm and trimmed to the printed cells by ImageMagick.
#
#   scripts/report_picture.sh [BINARY]     (default: target/release/regintake, built if missing)
#
# Needs libreoffice-calc-nogui, poppler-utils and imagemagick. Which rows are overdue depends on the day it
# runs (due dates before today in Canberra are red).
set -euo pipefail
cd "$(dirname "$0")/.."

bin="${1:-target/release/regintake}"
[ -x "$bin" ] || cargo build --release --locked
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

db="$work/ledger.db"
"$bin" --db "$db" -q ingest fixtures/sample.mbox
"$bin" --db "$db" -q decide 1 --outcome granted --note "credentials sent" --by "j.citizen"
"$bin" --db "$db" -q decide 2 --outcome info_requested --note "asked for a public IP address" \
  --by "j.citizen"
"$bin" --db "$db" -q export --format xlsx --out "$work/report.xlsx"

HOME="$work" soffice "-env:UserInstallation=file://$work/lo-profile" --headless --norestore \
  --convert-to pdf --outdir "$work" "$work/report.xlsx" >/dev/null
# The sheet is printed one page wide on A3: a high resolution, then trimmed to the printed cells
# (ImageMagick), keeps its text legible when the picture is opened full size.
pdftoppm -png -r 200 -f 1 -l 1 -singlefile "$work/report.pdf" "$work/page"
convert "$work/page.png" -trim +repage -bordercolor white -border 24 "$work/report.png"
install -m 0644 "$work/report.png" docs/report.png
echo "wrote docs/report.png"
