#!/usr/bin/env bash
# Checks that a built legacy library exports exactly the symbols of docs/legacy-abi.md: every row of
# its symbol table and nothing else (the harness-only rows are allowed, and required with
# REQUIRE_HARNESS=1).
#
#   legacy-ffi/check-symbols.sh [path/to/libtasker_legacy.so]
#
# Default library: target/release/libtasker_legacy.so (`cargo build -p legacy-ffi --release`).
# `log_error` … `log_trace` stand for the five log levels. Needs `nm` (binutils). Linux only.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lib="${1:-$root/target/release/libtasker_legacy.so}"
spec="$root/docs/legacy-abi.md"

if [[ ! -f "$lib" ]]; then
  echo "error: $lib not found; build it with: cargo build -p legacy-ffi --release" >&2
  exit 2
fi

# symbols_between BEGIN END: the backticked names in the first column of the table between two markers.
symbols_between() {
  sed -n "/<!-- $1 -->/,/<!-- $2 -->/p" "$spec" |
    grep -E '^\| `[a-z_]+`' |
    cut -d'|' -f2 |
    grep -oE '`[a-z_]+`' |
    tr -d '`' |
    sed -e 's/^log_error$/log_error\nlog_warn\nlog_info\nlog_debug/' |
    sort -u
}

expected="$(symbols_between 'symbols:begin' 'symbols:end')"
harness="$(symbols_between 'harness-symbols:begin' 'harness-symbols:end')"
count="$(wc -l <<<"$expected")"
# 28 operations + free_rust_string + legacy_last_error + legacy_live_strings.
if (( count != 31 )); then
  echo "error: read $count symbols from $spec, expected 31; has the table format changed?" >&2
  exit 2
fi

exported="$(nm -D --defined-only "$lib" | awk '$2 == "T" { print $3 }' | sort -u)"
missing="$(comm -23 <(echo "$expected") <(echo "$exported"))"
extra="$(comm -13 <(sort -u <(echo "$expected"; echo "$harness")) <(echo "$exported"))"
missing_harness=""
if [[ "${REQUIRE_HARNESS:-0}" == 1 ]]; then
  missing_harness="$(comm -23 <(echo "$harness") <(echo "$exported"))"
fi

status=0
if [[ -n "$missing$missing_harness" ]]; then
  echo "error: $lib does not export:" >&2
  printf '%s\n%s\n' "$missing" "$missing_harness" | sed '/^$/d; s/^/  /' >&2
  status=1
fi
if [[ -n "$extra" ]]; then
  echo "error: $lib exports symbols docs/legacy-abi.md does not list:" >&2
  sed 's/^/  /' <<<"$extra" >&2
  status=1
fi
(( status == 0 )) && echo "ok: $lib exports exactly the $count symbols of docs/legacy-abi.md"
exit "$status"
