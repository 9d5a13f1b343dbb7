"""Python benchmark (not a test): decp against what analysts use today, on one
generated file of about 100 000 records.

    python benches/python/bench.py [--records N] [--keep FILE]

Needs the package installed with its bench extras (`pip install 'decp[bench]'`, i.e.
jsonschema, fastjsonschema, pandas, pyarrow) and the corpus generator
(`cargo build --release -p decp-benches --bin gen-corpus`). Each case runs in a fresh
subprocess; its wall time and peak RSS (ru_maxrss) are printed as a Markdown table
for benches/README.md.
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
with open(SCHEMA) as f:
    validate = fastjsonschema.compile(json.load(f))
with open(PATH) as f:
    doc = json.load(f)
try:
    validate(doc)
except fastjsonschema.JsonSchemaException:
    pass
n = len(doc["marches"]["marche"])
""",
}

WRAPPER = """
import resource, sys, time
PATH, SCHEMA = sys.argv[1], sys.argv[2]
t = time.perf_counter()
{body}
dt = time.perf_counter() - t
print(n, dt, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""


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
    print(f"| case | records | wall (s) | MB/s | peak RSS (MB) |")
    print(f"|---|---:|---:|---:|---:|")
    for name, body in CASES.items():
        if args.only and not any(o in name for o in args.only):
            continue
        code = WRAPPER.format(body=body.strip())
        try:
            out = subprocess.run(
                [sys.executable, "-c", code, str(path), str(SCHEMA)],
                capture_output=True, text=True, check=True,
            )
        except subprocess.CalledProcessError as e:
            print(f"| {name} | failed: {e.stderr.strip().splitlines()[-1]} | | | |")
            continue
        n, dt, rss = out.stdout.split()
        dt_f = float(dt)
        print(f"| {name} | {n} | {dt_f:.2f} | {size / dt_f / 1e6:.0f} | {int(rss) / 1e6:.0f} |", flush=True)


if __name__ == "__main__":
    main()
