#!/usr/bin/env bash
# The C API's tests: the header is the one cbindgen generates (when cbindgen is
# installed), the test program compiles with -std=c99 -Wall -Wextra -Werror against
# it, linked statically and dynamically, and both run under valgrind with no error
# and no leak; the report JSON from C equals the CLI's entry for the same file.
#
# Usage: bash decp-ffi/tests/run.sh   (after `cargo build -p decp-ffi -p decp-cli`)
set -euo pipefail
cd "$(dirname "$0")/../.."
lib="$PWD/target/debug"
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
cc "${cflags[@]}" decp-ffi/tests/c/test_decp.c -L"$lib" -ldecp -Wl,-rpath,"$lib" -o "$out/test_dynamic"
cc "${cflags[@]}" examples/c/validate.c "$lib/libdecp.a" -lpthread -ldl -lm -o "$out/validate_example"

export RUST_BACKTRACE=0
for t in test_static test_dynamic; do
    echo "== $t under valgrind"
    valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect \
        "$out/$t" tests/data/official "$out"
done
# The optimised library too: undefined behaviour (an enum value outside its list,
# say) shows there first.
if [ -f target/release/libdecp.a ]; then
    cc "${cflags[@]}" decp-ffi/tests/c/test_decp.c target/release/libdecp.a -lpthread -ldl -lm -o "$out/test_release"
    echo "== test_release (target/release) under valgrind"
    valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect \
        "$out/test_release" tests/data/official "$out"
elif [ "${CI:-}" = true ]; then
    echo "CI needs the release library too (cargo build --release -p decp-ffi)" >&2
    exit 1
fi

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

# PHP's declarations are decp.h's.
bash examples/php/make_header.sh >"$out/decp_php.h"
diff -u examples/php/decp_php.h "$out/decp_php.h" || {
    echo "examples/php/decp_php.h is stale: bash examples/php/make_header.sh > examples/php/decp_php.h" >&2
    exit 1
}
echo "PHP header up to date"

# The examples in C, PHP, Java and C# print the CLI's findings.
langs=(c)
if command -v php >/dev/null 2>&1; then
    langs+=(php)
    # FFI::load with the checked-in header, as preloading does.
    LD_LIBRARY_PATH="$lib" php -d ffi.enable=1 -r \
        '$f = FFI::load("examples/php/decp_php.h"); echo "PHP FFI::load: libdecp ", $f->decp_version(), "\n";'
fi
jna=/usr/share/java/jna.jar
if command -v javac >/dev/null 2>&1 && [ -f "$jna" ]; then
    langs+=(java)
    javac -cp "$jna" -d "$out/java" examples/java/Validate.java
fi
if command -v mcs >/dev/null 2>&1 && command -v mono >/dev/null 2>&1; then
    langs+=(csharp)
    mcs -nologo -out:"$out/Validate.exe" examples/csharp/Validate.cs
fi
if [ "${CI:-}" = true ] && [ "${#langs[@]}" -ne 4 ]; then
    echo "CI needs php-cli, a JDK with libjna-java, and mono (scripts/test.sh installs them)" >&2
    exit 1
fi
run_example() {
    case $1 in
    c) valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect \
        "$out/validate_example" "$2" ;;
    php) php -d ffi.enable=1 examples/php/validate.php "$2" "$lib" 2>/dev/null ;;
    java) java -cp "$jna:$out/java" -Djna.library.path="$lib" Validate "$2" ;;
    csharp) LD_LIBRARY_PATH="$lib" mono "$out/Validate.exe" "$2" ;;
    esac
}
for f in tests/data/official/v2/xml/Marche.xml tests/data/official/v2/json/marches_concessions.json \
    tests/data/official/v1.5/xml/mar-basique.xml; do
    "$lib/decp" validate --report ndjson "$f" >"$out/cli.ndjson" || test $? -eq 1
    python3 - "$out/cli.ndjson" >"$out/cli.txt" <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    i = json.loads(line)
    print("{line}:{column}: {severity} [{code}] {message} ({path})".format(**i))
PY
    for l in "${langs[@]}"; do
        rc=0
        LC_ALL=C run_example "$l" "$f" >"$out/example.txt" || rc=$?
        test "$rc" -le 1 || { echo "$l example failed on $f (exit $rc)" >&2; exit 1; }
        diff -u "$out/cli.txt" "$out/example.txt"
    done
done
echo "examples (${langs[*]}) print the CLI's findings"
