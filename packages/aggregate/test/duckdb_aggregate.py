"""DuckDB over an Envelope export: the figures `envelope aggregate` computes.

Usage: python duckdb_aggregate.py FILE (arrow|parquet) KEYS VALUES
  KEYS: comma-separated group columns; VALUES: comma-separated attr.* columns.
Prints JSON: one object per group with count, and per value count, sum, min,
max (int64 figures as decimal strings, exact: DuckDB sums BIGINT as HUGEINT),
and per group the issue codes counted. DuckDB reads Parquet itself; the Arrow
IPC file is opened with pyarrow and scanned by DuckDB (DuckDB's own Arrow IPC
reader is an extension that is not on PyPI).
"""
import json
import sys

import duckdb

path, kind = sys.argv[1], sys.argv[2]
keys, values = ([c for c in a.split(",") if c] for a in sys.argv[3:5])
con = duckdb.connect()
if kind == "arrow":
    import pyarrow.ipc

    table = pyarrow.ipc.open_file(path).read_all()
    con.register("export", table)
else:
    con.execute(f"CREATE VIEW export AS SELECT * FROM read_parquet('{path}')")

types = dict((name, t) for name, t, *_ in con.execute("DESCRIBE export").fetchall())
key_sql = ", ".join(f'"{k}"' for k in keys)
figures = ["count(*)"]
for v in values:
    col = f'"{v}"'
    exact = types[v] == "BIGINT"
    cast = "::VARCHAR" if exact else ""
    figures += [f"count({col})", f"sum({col}){cast}", f"min({col}){cast}", f"max({col}){cast}"]
rows = con.execute(
    f"SELECT {key_sql}, {', '.join(figures)} FROM export GROUP BY ALL ORDER BY ALL"
).fetchall()
issues = con.execute(
    f"SELECT {key_sql}, code, count(*) FROM (SELECT *, unnest(issue_codes) AS code FROM export) GROUP BY ALL ORDER BY ALL"
).fetchall()
out = []
for row in rows:
    key = list(row[: len(keys)])
    group = {"key": key, "count": row[len(keys)], "values": {}, "issues": {}}
    for i, v in enumerate(values):
        c, s, lo, hi = row[len(keys) + 1 + 4 * i : len(keys) + 5 + 4 * i]
        group["values"][v] = {"count": c, "sum": s, "min": lo, "max": hi, "type": types[v]}
    for irow in issues:
        if list(irow[: len(keys)]) == key:
            group["issues"][irow[len(keys)]] = irow[len(keys) + 1]
    out.append(group)
extra = con.execute(
    "SELECT attributes['user.id'], attributes['latency_ms'] FROM export WHERE service_version = '4.12.1' LIMIT 1"
).fetchall()
print(json.dumps({"groups": out, "columns": types, "bench": [list(r) for r in extra]}))
