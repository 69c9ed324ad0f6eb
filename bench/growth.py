"""How the nightly jobs' cost grows with the number of accounts: measured at several scales, never projected.

    make bench-growth                                   # scales 0.05, 0.1 and 0.2, each on its own database
    .venv/bin/python bench/growth.py 0.05 0.1 0.2 --reuse

Each scale is seeded by bench/seed.py into its own database (portero_bench_growth_<scale>, dropped and created
again unless --reuse) and measured by `bench/run.py --only jobs` (the job and the hand-written SQL, alternating,
rolled back). For each job and night this reports the time per account at every scale and the growth exponent k
of time ∝ accounts^k, fitted by least squares on the logarithms: k = 1 is linear. Judged, for the first night (a
backlog that is a share of all accounts): the time per account within ±20% of its mean across the scales, and the
largest scale's time carried to 2,000,000 accounts with the measured exponent under 10 s; for a regular night (one
day's work, which may grow slower than the accounts): the time per account at the largest scale not 20% above the
smallest scale's. Results: var/bench/growth-<time>.json and .md.
"""

import argparse
import json
import math
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "var" / "bench"
BASE = "postgres://postgres@127.0.0.1:5432/"
SPREAD = 0.2  # the time per account may differ this much from its mean across the scales
TARGET_ACCOUNTS, TARGET_SECONDS = 2_000_000, 10


def measured(scale: float, *, reuse: bool) -> dict:
    """One `bench/run.py --only jobs` run at this scale on its own database; its results JSON."""
    database = f"portero_bench_growth_{str(scale).replace('.', '_')}"
    command = [sys.executable, str(ROOT / "bench" / "run.py"), "--scale", str(scale), "--only", "jobs"]
    env = {**os.environ, "DATABASE_URL": BASE + database}
    if reuse and (OUT / f"seed-{database}.json").exists():
        command.append("--reuse")
    print(f"scale {scale}: {' '.join(command[1:])} on {database}", flush=True)
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode:
        sys.exit(f"scale {scale} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    out = done.stdout
    path = re.search(r"Results: (var/bench/results-\S+)\.json", out).group(1)
    return json.loads((ROOT / f"{path}.json").read_text())


def exponent(points: list[tuple[int, float]]) -> float:
    """k of seconds ∝ accounts^k, least squares on log-log."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(seconds) for _, seconds in points]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum((x - mean_x) ** 2 for x in xs)


def growth(reports: list[dict]) -> list[dict]:
    """Per job and night: per scale its accounts and seconds (Django and hand-written SQL), the exponents, the
    spread of the time per account and the verdict."""
    rows = []
    for job in reports[0]["jobs"]:
        name = job["name"]
        points = []
        for report in reports:
            found = next(j for j in report["jobs"] if j["name"] == name)
            points.append((report["sizes"]["accounts"], found["django_s"], found["sql_s"], found["rows"]))
        per_account = [seconds / n * 1e6 for n, seconds, _sql, _rows in points]
        mean = sum(per_account) / len(per_account)
        spread = max(abs(value - mean) / mean for value in per_account)
        k = exponent([(n, seconds) for n, seconds, _sql, _rows in points])
        largest_n, largest_s = points[-1][0], points[-1][1]
        at_target = largest_s * (TARGET_ACCOUNTS / largest_n) ** k
        first_night = name.split(", ", 1)[1].startswith("first")
        rows.append({
            "name": name,
            "first_night": first_night,
            "points": [
                {"accounts": n, "django_s": s, "sql_s": sql, "changed": changed, "us_per_account": round(u, 2),
                 "sql_us_per_account": round(sql / n * 1e6, 2)}
                for (n, s, sql, changed), u in zip(points, per_account, strict=True)
            ],
            "exponent": round(k, 2),
            "sql_exponent": round(exponent([(n, sql) for n, _s, sql, _rows in points]), 2),
            "spread": round(spread, 3),
            "at_2m_s": round(at_target, 1),
            # The first night's work is the backlog, a share of all accounts: linear, and under the target at 2M.
            # A regular night's is one day's worth: it may grow slower than the accounts, never faster.
            "ok": (spread <= SPREAD and at_target < TARGET_SECONDS)
            if first_night
            else per_account[-1] <= per_account[0] * (1 + SPREAD),
        })  # fmt: skip
    return rows


def markdown(rows: list[dict], reports: list[dict]) -> str:
    scales = ", ".join(f"{r['scale']} ({r['sizes']['accounts']:,} accounts)" for r in reports)
    lines = [
        f"Growth of the nightly jobs, {reports[-1]['when']}, {reports[-1]['machine']}, scales {scales}.",
        "",
        "| job, night | µs per account at each scale (Django; hand-written SQL) | exponent k (SQL) | spread | "
        "largest scale carried to 2,000,000 accounts with k | target | |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        per_scale = " → ".join(f"{p['us_per_account']} ({p['sql_us_per_account']})" for p in row["points"])
        target = "±20%, < 10 s at 2M" if row["first_night"] else "µs per account not 20% above the smallest scale's"
        lines.append(
            f"| `{row['name']}` | {per_scale} | {row['exponent']} ({row['sql_exponent']}) | ±{row['spread']:.0%} | "
            f"{row['at_2m_s']} s | {target} | {'✓' if row['ok'] else '✗'} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scales", nargs="*", type=float, default=[0.05, 0.1, 0.2])
    parser.add_argument("--reuse", action="store_true", help="measure the databases of the last run again")
    args = parser.parse_args()
    if len(args.scales) < 2:
        parser.error("growth needs two scales or more")
    reports = [measured(scale, reuse=args.reuse) for scale in sorted(args.scales)]
    rows = growth(reports)
    stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
    table = markdown(rows, reports)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"growth-{stamp}.json").write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    (OUT / f"growth-{stamp}.md").write_text(table)
    print("\n" + table + f"\nResults: var/bench/growth-{stamp}.json and .md", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
