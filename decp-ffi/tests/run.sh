#!/usr/bin/env bash
# The C API's tests: the header is the one cbindgen generates (when cbindgen is
# installed), the test program compiles with -std=c99 -Wall -Wextra -Werror against
# it, linked statically and dynamically, and both run under valgrind with no error
# and no leak; the report JSON from C equals the CLI's entry for the same file.
#
# Usage: bash decp-ffi/tests/run.sh   (after `cargo build -p decp-ffi -p decp-cli`)
set -euo pipefail
cd "$(dirname "$0")/../.."
lib=target/debug
out=target/ffi-test
rm -rf "$out" && mkdir -p "$out"

# The pinned cbindgen (scripts/test.sh installs it under target/tools).
cbindgen=${CBINDGEN:-$(command -v cbindgen || true)}
if [ -z "$cbindgen" ] && [ "${CI:-}" = true ]; then
    echo "cbindgen is needed to check the header (CBINDGEN=…)" >&2
    exit 1
fi
if [ -n "$cbindgen" ]; then
    "$cbindgen" --quiet --config decp-ffi/cbindgen.toml --crate decp-ffi -o "$out/decp.h"
    if ! diff -u decp-ffi/include/decp.h "$out/decp.h"; then
        echo "decp-ffi/include/decp.h is stale: regenerate it with" >&2
        echo "  cbindgen --config decp-ffi/cbindgen.toml --crate decp-ffi -o decp-ffi/include/decp.h" >&2
        exit 1
    fi
    echo "header up to date ($("$cbindgen" --version))"
fi

cflags=(-std=c99 -Wall -Wextra -Werror -pedantic -g -Idecp-ffi/include)
cc "${cflags[@]}" decp-ffi/tests/c/test_decp.c "$lib/libdecp.a" -lpthread -ldl -lm -o "$out/test_static"
cc "${cflags[@]}" decp-ffi/tests/c/test_decp.c -L"$lib" -ldecp -Wl,-rpath,"$PWD/$lib" -o "$out/test_dynamic"
cc "${cflags[@]}" examples/c/validate.c "$lib/libdecp.a" -lpthread -ldl -lm -o "$out/validate_example"

export RUST_BACKTRACE=0
for t in test_static test_dynamic; do
    echo "== $t under valgrind"
    valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect \
        "$out/$t" tests/data/official "$out"
done

# The report JSON from C is the CLI's per-file entry.
"$lib/decp" validate --report json tests/data/official/v2/json/marches_concessions.json >"$out/cli.json" || test $? -eq 1
python3 - "$out/report.json" "$out/cli.json" <<'PY'
import json, sys
c = open(sys.argv[1], encoding="utf-8").read()
cli = json.load(open(sys.argv[2], encoding="utf-8"))["files"][0]
# Byte for byte: the CLI's entry written compactly, in its own member order.
assert c == json.dumps(cli, ensure_ascii=False, separators=(",", ":")), (c[:300], cli)
print("report JSON from C = the CLI's entry")
PY

# The C example prints the CLI's findings.
for f in tests/data/official/v2/xml/Marche.xml tests/data/official/v2/json/marches_concessions.json; do
    valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect \
        "$out/validate_example" "$f" >"$out/example.txt" || test $? -eq 1
    "$lib/decp" validate --report ndjson "$f" >"$out/cli.ndjson" || test $? -eq 1
    python3 - "$out/cli.ndjson" >"$out/cli.txt" <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    i = json.loads(line)
    print("{line}:{column}: {severity} [{code}] {message} ({path})".format(**i))
PY
    diff -u "$out/cli.txt" "$out/example.txt"
done
echo "C example prints the CLI's findings"
