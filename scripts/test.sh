#!/usr/bin/env bash
# Runs the whole test suite. Installs what the tests need first (Dovecot for the IMAP tests,
# poppler's pdftotext for the PDF layout comparison, LibreOffice Calc for the Excel report, curl
# and systemd-analyze for the operations tests, Tesseract with English for OCR, GNU time for
# peak memory), so it works on a fresh Debian machine.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v dovecot >/dev/null 2>&1 || missing+=(dovecot-imapd dovecot-core)
command -v doveadm >/dev/null 2>&1 || missing+=(dovecot-core)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
# LibreOffice opens the Excel report in tests/suite/worklist.rs (the same rows and values as the CSV).
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-calc-nogui)
# The Microsoft 365 token script (tests/suite/ops.rs) and the units' check (systemd-analyze verify).
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
command -v tesseract >/dev/null 2>&1 || missing+=(tesseract-ocr)
[ -e /usr/share/tesseract-ocr/5/tessdata/eng.traineddata ] || missing+=(tesseract-ocr-eng)
# Orientation detection (a page scanned sideways or upside down) uses Tesseract's osd model.
[ -e /usr/share/tesseract-ocr/5/tessdata/osd.traineddata ] || missing+=(tesseract-ocr-osd)
# GNU time measures the peak memory of the runs the hostile-input tests bound
# (tests/suite/support/measured.rs says why not wait4 from the test process).
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  echo "scripts/test.sh: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# With the packages installed, the IMAP, LibreOffice and OCR tests and the pdftotext comparison
# must run, not skip.
export REGINTAKE_REQUIRE_DOVECOT=1
export REGINTAKE_REQUIRE_SOFFICE=1
export REGINTAKE_REQUIRE_TOOLS=1
export REGINTAKE_REQUIRE_SYSTEMD_ANALYZE=1
export REGINTAKE_REQUIRE_OCR=1
export RUST_BACKTRACE=1

cargo build --locked --all-targets
cargo test --locked --no-fail-fast "$@"
