"""Python benchmark (not a test): decp against what analysts use today, on one
generated file of about 100 000 records.

    python benches/python/bench.py [--records N] [--keep FILE]

Needs the package installed with its bench extras (`pip install 'decp[bench]'`, i.e.
jsonschema, fastjsonschema, pandas, pyarrow) and the corpus generator
(`cargo build --release -p decp-benches --bin gen-corpus`). Each case runs in a fresh
subprocess, once on a small official file (imports and first-use set-up), then
timed on the corpus; its wall time and peak RSS (ru_maxrss) are printed as a
Markdown table for benches/README.md, with the peak's growth over the RSS after
the warm-up (what the work itself costs, imports excluded).
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
GEN = ROOT / "target" / "release" / "gen-corpus"
SCHEMA = ROOT / "tests" / "data" / "official" / "schemas" / "schema_decp_v2.0.3.json"

CASES: dict[str, str] = {
    "decp.iter_records (each record's dict)": """
import decp
n = sum(1 for r in decp.iter_records(PATH) if r.data is not None)
""",
    "decp.load (whole document as dicts)": """
import decp
n = len(decp.load(PATH)["marches"]["marche"])
""",
    "decp.validate, jobs=1": """
import decp
n = decp.validate(PATH, jobs=1).records
""",
    "decp.validate, all cores": """
import decp
n = decp.validate(PATH).records
""",
    "decp.scan -> pyarrow.table": """
import decp, pyarrow
n = pyarrow.table(decp.scan(PATH)).num_rows
""",
    "decp.scan(state='current') -> pyarrow.table": """
import decp, pyarrow
n = pyarrow.table(decp.scan(PATH, state="current")).num_rows
""",
    "json.load + pandas.json_normalize": """
import json, pandas
with open(PATH) as f:
    doc = json.load(f)
n = len(pandas.json_normalize(doc["marches"]["marche"]))
""",
    "jsonschema (official JSON schema)": """
import json, jsonschema
with open(SCHEMA) as f:
    schema = json.load(f)
with open(PATH) as f:
    doc = json.load(f)
v = jsonschema.validators.validator_for(schema)(schema)
errors = sum(1 for _ in v.iter_errors(doc))
n = len(doc["marches"]["marche"])
""",
    "fastjsonschema (official JSON schema)": """
import json, fastjsonschema
if "validate" not in CACHE:  # compiled once, as a program would
    with open(SCHEMA) as f:
        CACHE["validate"] = fastjsonschema.compile(json.load(f))
validate = CACHE["validate"]
with open(PATH) as f:
    doc = json.load(f)
try:
    validate(doc)
except fastjsonschema.JsonSchemaException:
    pass
n = len(doc["marches"]["marche"])
""",
}

# Each case runs once on a small official file first (imports, first-use set-up
# of every library alike), then is timed on the corpus.
WRAPPER = """
import resource, sys, time
SCHEMA = sys.argv[3]
CACHE = {{}}
def case(PATH):
{body}
    return n
def rss():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
case(sys.argv[2])
base = rss()
t = time.perf_counter()
n = case(sys.argv[1])
dt = time.perf_counter() - t
print(n, dt, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, base)
"""
SMALL = ROOT / "tests" / "data" / "official" / "v2" / "json" / "marches_concessions.json"


def generate(records: int, path: pathlib.Path) -> int:
    if not GEN.exists():
        sys.exit(f"{GEN} is missing: cargo build --release -p decp-benches --bin gen-corpus")
    probe = subprocess.run([str(GEN), "json", "1"], capture_output=True, text=True, check=True)
    per_mb = int(probe.stderr.split()[1])
    mb = -(-records // per_mb)
    with open(path, "wb") as f:
        out = subprocess.run([str(GEN), "json", str(mb)], stdout=f, stderr=subprocess.PIPE, text=True, check=True)
    return int(out.stderr.split()[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--keep", type=pathlib.Path, help="generate (or reuse) the corpus at this path")
    ap.add_argument("--only", action="append", help="run only the cases whose name contains this")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    path = args.keep or pathlib.Path(tmp.name) / "corpus.json"
    if not path.exists():
        n = generate(args.records, path)
        print(f"generated {path}: {n} records, {path.stat().st_size / 1e6:.0f} MB", file=sys.stderr)
    size = path.stat().st_size
    print("| case | records | wall (s) | MB/s | peak RSS (MB) | growth over imports (MB) |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, body in CASES.items():
        if args.only and not any(o in name for o in args.only):
            continue
        code = WRAPPER.format(body="\n".join("    " + line for line in body.strip().splitlines()))
        try:
            out = subprocess.run(
                [sys.executable, "-c", code, str(path), str(SMALL), str(SCHEMA)],
                capture_output=True, text=True, check=True,
            )
        except subprocess.CalledProcessError as e:
            print(f"| {name} | failed: {e.stderr.strip().splitlines()[-1]} | | | | |")
            continue
        n, dt, peak, base = out.stdout.split()
        dt_f = float(dt)
        print(
            f"| {name} | {n} | {dt_f:.2f} | {size / dt_f / 1e6:.0f} | {int(peak) / 1e6:.0f} "
            f"| {(int(peak) - int(base)) / 1e6:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
