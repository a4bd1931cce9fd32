#!/usr/bin/env bash
# Throughput and memory benchmark: regintake ingest vs the plain Python script, same archive, same
# run. Installs what it needs itself (python3-venv via apt when missing, the Python packages into a
# venv under bench-out/) and writes everything to ./bench-out/.
#
#   scripts/bench.sh [N]        N messages (default 2000); also runs BENCH_BIG (default 8000)
#
# Environment: BENCH_SAMPLE (default fixtures/sample.mbox), BENCH_BIG (8000), BENCH_RUNS (3 runs of
# regintake on the N archive, the median is reported), BENCH_SKIP_PYTHON=1, BENCH_SKIP_FLOOR=1,
# BENCH_WAIT_IDLE=SECONDS (wait up to that long before each timed run for the machine to be idle),
# BENCH_OCR=1 (one more run with OCR on; the other runs have it off).
#
# Every regintake run ingests into a fresh ledger. Times: wall (monotonic clock), CPU = user + sys
# of the whole process tree (getrusage RUSAGE_CHILDREN, which includes the attachment worker
# processes), peak RSS = the largest single process (ru_maxrss) and the peak of the sum of RSS over
# the process tree (sampled from /proc every 20 ms).
set -euo pipefail
cd "$(dirname "$0")/.."

N="${1:-2000}"
BIG="${BENCH_BIG:-8000}"
RUNS="${BENCH_RUNS:-3}"
SAMPLE="${BENCH_SAMPLE:-fixtures/sample.mbox}"
OUT="bench-out"
mkdir -p "$OUT"
# Results of earlier runs must not leak into this run's summary.
rm -f "$OUT"/ingest-* "$OUT"/python-*.json* "$OUT"/python-*.db "$OUT"/floor-*.json "$OUT"/summary.md

say() { printf 'bench: %s\n' "$*" >&2; }

if [ ! -f "$SAMPLE" ]; then
  say "no sample mailbox at $SAMPLE (set BENCH_SAMPLE)"
  exit 1
fi

# --- tools -------------------------------------------------------------------------------------
if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  say "installing python3-venv"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
fi

# --- archives (cached: rebuilt when the sample or the generator changes) ------------------------
make_archive() {
  local count="$1" path="$OUT/archive-$1.mbox"
  local stamp
  stamp="$(cat "$SAMPLE" scripts/make_bench_archive.py | sha256sum | cut -c1-16)"
  if [ -f "$path" ] && [ "$(cat "$path.stamp" 2>/dev/null)" = "$stamp" ]; then
    say "reusing $path"
  else
    say "making $path ($count messages from $SAMPLE)"
    python3 scripts/make_bench_archive.py "$SAMPLE" "$path.tmp" "$count" >"$OUT/archive-$count.json"
    mv "$path.tmp" "$path"
    echo "$stamp" >"$path.stamp"
  fi
}
make_archive "$N"
[ "$BIG" = "$N" ] || make_archive "$BIG"

# --- build ----------------------------------------------------------------------------------------
say "cargo build --release"
cargo build --release --locked --bin regintake 2>&1 | tail -n 3 >&2
BIN="target/release/regintake"
if [ "${BENCH_SKIP_FLOOR:-0}" != "1" ]; then
  say "cargo build floor program (bench profile)"
  cargo bench --locked --bench floor --no-run 2>&1 | tail -n 2 >&2
fi

# --- measuring helper: runs a command, prints one JSON line of its costs -------------------------
cat >"$OUT/measure.py" <<'PY'
import json, os, resource, subprocess, sys, threading, time

PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024

def tree_pids(root):
    """root and its descendants: a scan of /proc (about 1 ms of CPU, so not every sample)."""
    children = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(pid))
        except (OSError, IndexError, ValueError):
            pass
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found

def rss_kib(pids):
    """Sum of resident memory over pids (/proc/PID/statm: cheap enough to read often)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * PAGE_KIB
        except (OSError, IndexError, ValueError):
            pass
    return total

def busy_s():
    """CPU seconds all cores of the machine have spent busy since boot."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]  # idle + iowait
    return (sum(v[:8]) - idle) / os.sysconf("SC_CLK_TCK")

out_path, cmd = sys.argv[1], sys.argv[2:]
busy_before = busy_s()
before = resource.getrusage(resource.RUSAGE_CHILDREN)
start = time.monotonic()
with open(out_path + ".stdout", "wb") as so, open(out_path + ".stderr", "wb") as se:
    proc = subprocess.Popen(cmd, stdout=so, stderr=se)
    peak = [0]
    def sample():
        # The sampler shares the 2 cores with what it measures: rescan the process tree every
        # 100 ms, read the known processes' RSS every 20 ms (together ~2% of a core).
        pids, n = [], 0
        while proc.poll() is None:
            if n % 5 == 0:
                pids = tree_pids(proc.pid)
            n += 1
            peak[0] = max(peak[0], rss_kib(pids))
            time.sleep(0.02)
    t = threading.Thread(target=sample, daemon=True)
    t.start()
    code = proc.wait()
    wall = time.monotonic() - start
    t.join()
after = resource.getrusage(resource.RUSAGE_CHILDREN)
busy = busy_s() - busy_before
ours = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
result = {
    "cmd": cmd,
    "exit": code,
    "wall_s": round(wall, 3),
    "user_s": round(after.ru_utime - before.ru_utime, 3),
    "sys_s": round(after.ru_stime - before.ru_stime, 3),
    "cpu_s": round(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, 3),
    "max_rss_mib": round(after.ru_maxrss / 1024, 1),
    "tree_rss_peak_mib": round(peak[0] / 1024, 1),
    # Cores kept busy by other programs during the run, on average (the machine is shared).
    "other_load_cores": round(max(0.0, busy - ours) / wall, 2),
}
with open(out_path, "w") as f:
    json.dump(result, f)
print(json.dumps(result))
if code != 0:
    sys.stderr.write(open(out_path + ".stderr", errors="replace").read()[-2000:])
    sys.exit(code)
PY

# BENCH_WAIT_IDLE=SECONDS: before each timed run, wait (at most that long) until the other
# programs on the machine use less than 0.3 of a core over one second, so wall times mean something.
wait_idle() {
  [ "${BENCH_WAIT_IDLE:-0}" -gt 0 ] || return 0
  python3 - "${BENCH_WAIT_IDLE}" <<'PY'
import os, sys, time
def busy():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (sum(v[:8]) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")
deadline = time.monotonic() + float(sys.argv[1])
while True:
    b = busy(); time.sleep(1); load = busy() - b
    if load < 0.3 or time.monotonic() > deadline:
        print(f"bench: other load {load:.2f} cores", file=sys.stderr)
        break
PY
}

measure() { wait_idle; python3 "$OUT/measure.py" "$@"; }

# In-process attachment reading (no worker processes), to show what isolation costs. OCR is off
# in these runs: the throughput figures measure mail without images, the same work on every
# version (the sample's scanned forms cost seconds a page with OCR on). BENCH_OCR=1 adds one run
# of the N archive with OCR on (Tesseract installed), to show what reading the scans costs.
printf 'isolate_attachments = false\n[ocr]\nenabled = "off"\n' >"$OUT/in-process.toml"
printf 'isolate_attachments = true\n[ocr]\nenabled = "off"\n' >"$OUT/isolated.toml"
printf 'isolate_attachments = true\n[ocr]\nenabled = "on"\n' >"$OUT/ocr.toml"

run_ingest() { # label archive-count config
  local label="$1" count="$2" config="$3"
  rm -f "$OUT/$label.db" "$OUT/$label.db-wal" "$OUT/$label.db-shm" "$OUT/$label.db.lock"
  measure "$OUT/$label.json" "$BIN" --config "$config" --db "$OUT/$label.db" -q \
    ingest "$OUT/archive-$count.mbox" >/dev/null
  say "$label: $(cat "$OUT/$label.json.stderr" | tail -n 1)"
}

# --- floor: read the bytes, split the mbox, mail-parser over every message ----------------------
if [ "${BENCH_SKIP_FLOOR:-0}" != "1" ]; then
  say "floor over archive-$N"
  cat "$OUT/archive-$N.mbox" >/dev/null # page cache warm for every run below
  cargo bench --locked --bench floor -- "$OUT/archive-$N.mbox" >"$OUT/floor-$N.json" 2>"$OUT/floor-$N.log" ||
    say "floor program failed (see $OUT/floor-$N.log)"
fi

# --- regintake -----------------------------------------------------------------------------------
for i in $(seq 1 "$RUNS"); do
  run_ingest "ingest-$N-run$i" "$N" "$OUT/isolated.toml"
done
run_ingest "ingest-$N-inprocess" "$N" "$OUT/in-process.toml"
if [ "${BENCH_OCR:-0}" = "1" ]; then
  run_ingest "ingest-$N-ocr" "$N" "$OUT/ocr.toml"
fi
if [ "$BIG" != "$N" ]; then
  run_ingest "ingest-$BIG" "$BIG" "$OUT/isolated.toml"
fi

# --- Python baseline -----------------------------------------------------------------------------
if [ "${BENCH_SKIP_PYTHON:-0}" != "1" ]; then
  VENV="$OUT/venv"
  if [ ! -x "$VENV/bin/python" ] || ! cmp -s scripts/python_baseline_requirements.txt "$VENV/requirements.txt"; then
    say "making the Python venv ($VENV)"
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q -r scripts/python_baseline_requirements.txt
    cp scripts/python_baseline_requirements.txt "$VENV/requirements.txt"
  fi
  rm -f "$OUT/python-$N.db"
  say "python baseline over archive-$N (one process, as such a script runs)"
  measure "$OUT/python-$N.json" "$VENV/bin/python" scripts/python_baseline.py \
    "$OUT/archive-$N.mbox" "$OUT/python-$N.db" >/dev/null
  say "python-$N: $(tail -n 1 "$OUT/python-$N.json.stdout")"
fi

# --- summary -------------------------------------------------------------------------------------
python3 - "$OUT" "$N" "$BIG" "$RUNS" <<'PY' | tee "$OUT/summary.md"
import json, os, platform, statistics, subprocess, sys, datetime
out, n, big, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])

def load(name):
    path = os.path.join(out, name + ".json")
    return json.load(open(path)) if os.path.exists(path) else None

def summary_line(name):
    path = os.path.join(out, name + ".json.stderr")
    lines = open(path, errors="replace").read().strip().splitlines() if os.path.exists(path) else []
    return lines[-1] if lines else ""

runs_n = [load(f"ingest-{n}-run{i}") for i in range(1, runs + 1)]
runs_n = [r for r in runs_n if r]
median = sorted(runs_n, key=lambda r: r["wall_s"])[len(runs_n) // 2]
inproc = load(f"ingest-{n}-inprocess")
bigrun = load(f"ingest-{big}") if big != n else None
py = load(f"python-{n}")
floor = load(f"floor-{n}")
cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"],
                     capture_output=True, text=True).stdout.strip()
rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
arch_bytes = os.path.getsize(os.path.join(out, f"archive-{n}.mbox"))

def row(label, r, count):
    if not r:
        return f"| {label} | – | – | – | – | – | – | – |"
    return (f"| {label} | {count:,} | {count / r['wall_s']:,.0f} | {r['wall_s']:.2f} | "
            f"{r['cpu_s']:.2f} | {r['max_rss_mib']:.0f} | {r['tree_rss_peak_mib']:.0f} | "
            f"{r.get('other_load_cores', 0):.1f} |")

print(f"### Benchmark {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, commit {rev}")
print()
print(f"Machine: {os.cpu_count()} cores ({cpu}), Linux {platform.release()}, shared with other work.")
print(f"Command: `scripts/bench.sh {n}` (archive: {n:,} messages, {arch_bytes / 2**20:.1f} MiB, "
      f"every copy with its own Message-ID and attachment bytes).")
print()
print("| run | messages | messages/s | wall s | CPU s | peak RSS MiB (largest process) | peak RSS MiB (process tree) | other load (cores busy) |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
walls = ", ".join(f"{r['wall_s']:.2f}" for r in runs_n)
print(row(f"regintake ingest, median of {len(runs_n)} (walls {walls})", median, n))
print(row("regintake ingest, isolate_attachments = false", inproc, n))
ocr = load(f"ingest-{n}-ocr")
if ocr:
    print(row("regintake ingest, OCR on (BENCH_OCR=1)", ocr, n))
if bigrun:
    print(row("regintake ingest, large archive", bigrun, big))
if py:
    print(row("Python baseline (1 process)", py, n))
print()
if floor:
    print(f"Floor over the same archive (CPU time of one thread): read the bytes {floor['read_s']:.3f} s; split into messages "
          f"(mail-parser's mbox reader) {floor['split_s']:.3f} s; + mail-parser on every message "
          f"{floor['parse_s']:.3f} s ({n / floor['parse_s']:,.0f} messages/s, one thread); "
          f"+ SHA-256 of every message {floor['parse_hash_s']:.3f} s, or "
          f"{floor['parse_hash_parallel_s']:.3f} s wall on {floor['threads']} threads "
          f"({n / floor['parse_hash_parallel_s']:,.0f} messages/s).")
    if floor.get("regintake_split_s"):
        print(f"regintake's own mbox reader splits the archive in {floor['regintake_split_s']:.3f} s.")
    print()
if floor and floor.get("stages", {}).get("messages"):
    st = floor["stages"]
    parts = [
        ("archive reader (mbox split)", st["archive_reader_s"]),
        ("SHA-256 of each message", st["sha256_s"]),
        ("MIME parse (`mime::parse`)", st["mime_parse_s"]),
        (f"attachment reading in process ({st['form_attachments']:,} form attachments, "
         f"{st['bodies']:,} bodies)", st["extract_s"]),
        ("answers (`form::read`)", st["form_read_s"]),
        ("validation (`validate::validate`)", st["validate_s"]),
    ]
    if st.get("ledger_append_s") is not None:
        parts.append(("ledger append (batches of 256, fresh ledger)", st["ledger_append_s"]))
    total = sum(t for _, t in parts)
    print(f"Where the time goes: each stage's CPU time, one stage at a time on one thread, over the "
          f"same {st['messages']:,} messages (`cargo bench --bench floor`):")
    print()
    print("| stage | CPU s | share | µs per message |")
    print("|---|---:|---:|---:|")
    for label, t in parts:
        print(f"| {label} | {t:.3f} | {100 * t / total:.0f}% | {1e6 * t / st['messages']:,.0f} |")
    print(f"| total | {total:.3f} | 100% | {1e6 * total / st['messages']:,.0f} |")
    print(f"| (the whole `pipeline::process_message`, for comparison) | {st['process_message_s']:.3f} | | "
          f"{1e6 * st['process_message_s'] / st['messages']:,.0f} |")
    print()
    kinds = st.get("extract_by_kind") or {}
    if kinds:
        print("Attachment reading by kind: " + "; ".join(
            f"{k} {v['count']:,} × {1e3 * v['cpu_s'] / max(v['count'], 1):.2f} ms = {v['cpu_s']:.3f} s "
            f"({100 * v['cpu_s'] / total:.0f}% of all)" for k, v in kinds.items()) + ".")
        print()
rate = n / median["wall_s"]
busy = median.get("other_load_cores", 0)
print(f"- Throughput: **{rate:,.0f} messages/s** (goal ≥ 2,000), measured while other programs kept "
      f"{busy:.1f} of the {os.cpu_count()} cores busy on average.")
print(f"- CPU cost: {1e3 * median['cpu_s'] / n:.2f} ms per message, {n / median['cpu_s']:,.0f} messages "
      f"per CPU-second; on {os.cpu_count()} otherwise idle cores that is at best "
      f"{os.cpu_count() * n / median['cpu_s']:,.0f} messages/s (an estimate, not a measurement).")
if py:
    print(f"- Against Python: **{py['wall_s'] / median['wall_s']:.1f}× faster** by wall time "
          f"(goal ≥ 20×), {py['cpu_s'] / median['cpu_s']:.1f}× less CPU time.")
if bigrun:
    ratio_max = bigrun["max_rss_mib"] / median["max_rss_mib"]
    ratio_tree = bigrun["tree_rss_peak_mib"] / max(median["tree_rss_peak_mib"], 0.1)
    print(f"- Memory: peak RSS at {big:,} vs {n:,} messages: **{ratio_max:.2f}×** largest process, "
          f"{ratio_tree:.2f}× process tree (goal ≤ 1.2×).")
def agreement():
    """How many of Python's records say what regintake's say (same message and attachment)."""
    import sqlite3
    rdb, pdb = os.path.join(out, f"ingest-{n}-run1.db"), os.path.join(out, f"python-{n}.db")
    if not (os.path.exists(rdb) and os.path.exists(pdb)):
        return None
    names = ["full_name", "organisation", "contact_email", "terms_accepted", "service",
             "ip_allowlist", "expected_records_per_day", "expected_api_calls_per_day",
             "user_guide_agreed"]
    text = lambda v: "" if v is None else str(v)
    ours = {}
    q = (f"SELECT m.message_id, r.attachment, r.flags, {', '.join('r.' + f for f in names)} "
         "FROM records r JOIN messages m USING (message_ref)")
    for row in sqlite3.connect(rdb).execute(q):
        ours[(row[0], row[1])] = (row[2], tuple(text(v) for v in row[3:]))
    total = same_flags = same_fields = 0
    q = "SELECT m.message_id, r.attachment, r.flags, r.fields FROM records r JOIN messages m USING (key)"
    for mid, att, flags, fields in sqlite3.connect(pdb).execute(q):
        total += 1
        theirs = ours.get((mid, att))
        if theirs is None:
            continue
        f = json.loads(fields)
        same_flags += theirs[0] == flags
        same_fields += theirs[1] == tuple(text(f.get(k)) for k in names)
    return total, len(ours), same_flags, same_fields

agreed = agreement() if py else None
if agreed:
    total, ours, same_flags, same_fields = agreed
    print(f"- The Python script does comparable work: {total:,} records (regintake {ours:,}); "
          f"{100 * same_fields / max(total, 1):.0f}% of them have the same nine field values as "
          f"regintake's and {100 * same_flags / max(total, 1):.0f}% the same flags.")
said = summary_line(f"ingest-{n}-run1")
if not said.startswith(f"regintake: {n} messages read"):
    print(f"- **WARNING: regintake did not read all {n:,} messages** (see below).")
print(f"- regintake said: `{summary_line(f'ingest-{n}-run1')}`")
if py:
    print(f"- Python said: `{open(os.path.join(out, f'python-{n}.json.stdout')).read().strip()}`")
PY
