"""An analyst's first look: a DECP file (JSON or XML, v1 or v2) into a DataFrame,
then amounts (euros HT) by year of notification and procedure.

    python examples/python/analyst.py FILE [FILE...]

Uses polars when installed, pandas otherwise.
"""

from __future__ import annotations

import sys

import decp


def main(paths: list[str]) -> None:
    try:
        import polars as pl
    except ImportError:
        pl = None
    for path in paths:
        # One row per contract and holder, current state only (v1 files are read as v2).
        scan = decp.scan(path, state="current")
        if pl is not None:
            df = pl.DataFrame(scan)
            by = (
                df.group_by(pl.col("dateNotification").dt.year().alias("annee"), "procedure")
                .agg(pl.col("uid").n_unique().alias("marches"), pl.col("montant").sum().alias("montant_total"))
                .sort("annee", "procedure")
            )
            print(path)
            print(by)
        else:
            import pandas as pd

            df = decp.to_pandas(path, state="current")
            df["annee"] = pd.to_datetime(df["dateNotification"]).dt.year
            print(path)
            # Codes are categories: observed=True keeps only the pairs that occur.
            print(df.groupby(["annee", "procedure"], observed=True)["montant"].agg(["count", "sum"]))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
