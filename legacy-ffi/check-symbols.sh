#!/usr/bin/env bash
# Checks that the built legacy library exports every symbol of docs/legacy-abi.md.
#
#   legacy-ffi/check-symbols.sh [path/to/libtasker_legacy.so]
#
# The expected symbols are read from the spec's symbol table (the first column, in backticks;
# `log_error` … `log_trace` stand for all five log levels). `legacy_test_panic` is only required
# when the library was built with `--features test-hooks`; pass REQUIRE_TEST_HOOKS=1 to demand it.
# Default library: target/release/libtasker_legacy.so (build with
# `cargo build -p legacy-ffi --release`). Needs `nm` (binutils). Linux only.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lib="${1:-$root/target/release/libtasker_legacy.so}"
spec="$root/docs/legacy-abi.md"

if [[ ! -f "$lib" ]]; then
  echo "error: $lib not found; build it with: cargo build -p legacy-ffi --release" >&2
  exit 2
fi

# Table rows look like: | `symbol` | arguments | returns |  (the `log_*` row names two symbols).
expected="$(
  grep -E '^\| `[a-z_]+`' "$spec" |
    cut -d'|' -f2 |
    grep -oE '`[a-z_]+`' |
    tr -d '`' |
    sed -e 's/^log_error$/log_error\nlog_warn\nlog_info\nlog_debug/' |
    sort -u
)"
if [[ "${REQUIRE_TEST_HOOKS:-0}" != 1 ]]; then
  expected="$(grep -vx legacy_test_panic <<<"$expected")"
fi

count="$(wc -l <<<"$expected")"
# 28 operations (24 rows, `log_*` counting five) + free_rust_string + 4 legacy_* symbols.
if (( count < 33 )); then
  echo "error: read only $count symbols from $spec; has the table format changed?" >&2
  exit 2
fi

exported="$(nm -D --defined-only "$lib" | awk '$2 == "T" { print $3 }' | sort -u)"
missing="$(comm -23 <(echo "$expected") <(echo "$exported"))"

if [[ -n "$missing" ]]; then
  echo "error: $lib does not export:" >&2
  sed 's/^/  /' <<<"$missing" >&2
  exit 1
fi
echo "ok: $lib exports all $count symbols of docs/legacy-abi.md"
