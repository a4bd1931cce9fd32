#!/usr/bin/env bash
# Generates the hostile mailbox (examples/make_hostile.rs) into a temp dir, ingests it with the
# release binary into a temp ledger, and prints wall time, peak RSS (of regintake and the worker
# processes it reaped) and the per-message outcome: the figures for the closing note.
# Usage: scripts/hostile-run.sh [--keep]   (--keep leaves the temp dir for a look)
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet --bin regintake --example make_hostile
bin=target/release/regintake
work=$(mktemp -d "${TMPDIR:-/tmp}/regintake-hostile.XXXXXX")
[ "${1:-}" = "--keep" ] || trap 'rm -rf "$work"' EXIT

target/release/examples/make_hostile "$work" >"$work/manifest.txt"; head -1 "$work/manifest.txt"

# GNU time gives the peak RSS; without it, bash's time gives the wall time only.
set +e
if [ -x /usr/bin/time ]; then
  /usr/bin/time -f 'wall %e s, peak RSS %M KiB, exit %x' -o "$work/time.txt" \
    env -u REGINTAKE_CONFIG -u REGINTAKE_DB "$bin" --db "$work/ledger.db" ingest "$work/hostile.mbox" \
    2> "$work/ingest.log"
  status=$?
  stats=$(cat "$work/time.txt")
else
  start=$(date +%s.%N)
  env -u REGINTAKE_CONFIG -u REGINTAKE_DB "$bin" --db "$work/ledger.db" ingest "$work/hostile.mbox" 2> "$work/ingest.log"
  status=$?
  stats="wall $(echo "$(date +%s.%N) - $start" | bc) s, peak RSS unknown (no /usr/bin/time), exit $status"
fi
set -e
grep -E 'messages read' "$work/ingest.log" || tail -5 "$work/ingest.log"
echo "hostile ingest: $stats"

"$bin" --db "$work/ledger.db" export --out "$work/ledger.csv" 2>/dev/null
python3 - "$work/ledger.csv" <<'PY' 2>/dev/null || echo "(python3 missing: see $work/ledger.csv with --keep)"
import csv, sys
csv.field_size_limit(sys.maxsize)
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
for r in rows:
    subject = r["subject"][:48]
    print(f'  {subject:<48} {r["source"]:<9} {r["flags"]}')
PY
exit $status
