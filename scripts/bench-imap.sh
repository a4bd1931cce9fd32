#!/bin/sh
# Time `poll --once` of 2,000 messages from a local throwaway Dovecot against `ingest` of the same
# messages from an mbox (release build). Needs dovecot-imapd. REGINTAKE_BENCH_MESSAGES=N changes
# the count.
set -eu
cd "$(dirname "$0")/.."
exec cargo test --release --test suite -- --ignored --nocapture --test-threads=1 imap::bench_poll_2000_messages_vs_ingest
