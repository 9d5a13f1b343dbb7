#!/usr/bin/env bash
# The whole test suite: the Rust workspace, then the Python package `decp` built as
# an abi3 wheel with maturin, installed in a fresh virtual environment with its test
# extras, its stubs checked against the module (mypy.stubtest), its pytest suite and
# its examples. Everything it creates is under target/ (the venv: target/py-venv).
#
# Usage: bash scripts/test.sh            (from anywhere in the checkout)
# Needs: cargo, and Python >= 3.10 with venv (installed with apt-get when missing and
# run as root).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "Rust: cargo test --workspace"
cargo test --workspace

step "C API: header, C tests under valgrind, examples in C, PHP, Java, C# (decp-ffi/tests/run.sh)"
# valgrind and a C compiler for the tests; php-cli, a JDK with JNA, and mono for
# the examples (Debian packages; installed when run as root).
need=()
command -v valgrind >/dev/null 2>&1 || need+=(valgrind)
command -v cc >/dev/null 2>&1 || need+=(gcc)
command -v php >/dev/null 2>&1 || need+=(php-cli)
command -v javac >/dev/null 2>&1 || need+=(default-jdk-headless)
[ -f /usr/share/java/jna.jar ] || need+=(libjna-java)
command -v mcs >/dev/null 2>&1 || need+=(mono-mcs)
command -v mono >/dev/null 2>&1 || need+=(mono-runtime)
if [ "${#need[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q >/dev/null
        apt-get install -y -q "${need[@]}" >/dev/null
    else
        echo "scripts/test.sh: missing ${need[*]} (Debian packages): the C API's examples need them" >&2
        exit 2
    fi
fi
# cbindgen at the exact version the header was generated with.
if [ "$(target/tools/bin/cbindgen --version 2>/dev/null || true)" != "cbindgen 0.29.4" ]; then
    cargo install cbindgen --version 0.29.4 --locked --quiet --root target/tools
fi
cargo build -p decp-ffi -p decp-cli
cargo build --release -p decp-ffi
CBINDGEN=target/tools/bin/cbindgen bash decp-ffi/tests/run.sh

step "Python: virtual environment"
python=${PYTHON:-python3}
venv=target/py-venv
rm -rf "$venv"
if ! "$python" -m venv "$venv" >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q >/dev/null
        apt-get install -y -q python3 python3-venv python3-pip >/dev/null
        python=python3
        "$python" -m venv "$venv"
    else
        echo "scripts/test.sh: '$python -m venv' failed: install Python >= 3.10 with venv (Debian: python3-venv)" >&2
        exit 2
    fi
fi
py="$venv/bin/python"
"$py" -m pip install -q --upgrade pip
"$py" -m pip install -q 'maturin>=1.9.4,<2'

step "Python: build the abi3 wheel (maturin, release)"
rm -rf target/wheels
"$py" -m maturin build --release -m decp-py/Cargo.toml -o target/wheels
wheel=$(ls target/wheels/decp-*.whl)
"$py" -m pip install -q "${wheel}[test]"

step "Python: stubs (mypy.stubtest) and typed tests (mypy --strict)"
# Run from outside the checkout so that the installed package is the one checked.
(cd target && "../$py" -m mypy.stubtest decp)
"$py" -m mypy --strict decp-py/tests examples/python/vendor.py

step "Python: pytest"
# The CLI the reports are compared with (built by cargo test above).
export DECP_CLI="$PWD/target/debug/decp"
# Exit code 5 (no test collected) is a failure like any other non-zero code.
"$py" -m pytest -q -p no:cacheprovider decp-py/tests

step "Python: examples"
"$py" examples/python/vendor.py >/dev/null
"$py" examples/python/analyst.py tests/data/official/v2/json/marches_concessions.json >/dev/null
echo "examples ran"
