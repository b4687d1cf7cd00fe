"""Orders API throughput as a ratio of /healthz, both measured in the same run (see bench/run.py).

Reads with the demo dealer key (TKY001): the list (a full page of 50) and one order's detail.
Writes, each request a move of a different order (bench/lua/post_each.lua; a repeat of a move is
an exact repeat, answered without a write, and would measure nothing):
- submit (draft → submitted) with the dealer key;
- confirm (submitted → confirmed) with the demo operations user's session (logged in through
  /login/, CSRF token sent as the portal sends it);
- assign-vin (scheduled → built) with the same session and a valid VIN per order (catalog.vin):
  skipped, "answers 404", until the endpoint exists.
The orders are made first in bulk (bench/fixtures.py): `--pool` orders per move.

    make bench                                # everything, this included
    .venv/bin/python bench/orders.py          # just the orders
    .venv/bin/python bench/orders.py --only list --only submit --duration 10

Needs what bench/run.py needs. Never part of the test run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from run import (
    BIN,
    DEFAULT_DATABASE_URL,
    DEFAULT_REDIS_URL,
    ROOT,
    WrkRun,
    add_common_arguments,
    dealer_headers,
    prepare,
    ratio_of,
    report,
    serving,
    status_of,
    wrk,
)

POST_EACH = ROOT / "bench" / "lua" / "post_each.lua"
TARGETS = {"list": 0.3, "detail": None, "submit": 0.1, "confirm": 0.1, "assign-vin": 0.1}


def make_pools(env: dict[str, str], pool: int, out: Path) -> dict:
    result = subprocess.run(
        [str(BIN / "python"), "bench/fixtures.py", "pools", "--pool", str(pool), "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"bench/fixtures.py failed:\n{result.stderr}")
    return json.loads(result.stdout)


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    found = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


def session_headers(base: str, username: str, password: str) -> dict[str, str]:
    """Log in through the portal's /login/ as a browser would: the session cookie and CSRF header.

    The cookies are Secure in production; the benchmark talks plain HTTP to gunicorn, so they are
    read from Set-Cookie and sent by hand.
    """
    host = urllib.parse.urlsplit(base).netloc
    connection = http.client.HTTPConnection(host, timeout=10)
    connection.request("GET", "/login/")
    page = connection.getresponse()
    cookies = _cookies(page)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode()).group(1)
    form = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    connection.request(
        "POST",
        "/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookies['csrftoken']}",
        },
    )
    answer = connection.getresponse()
    answer.read()
    cookies |= _cookies(answer)
    if answer.status != 302 or "sessionid" not in cookies:
        sys.exit(f"login as {username} failed: {answer.status}")
    return {
        "Cookie": f"sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}",
        "X-CSRFToken": cookies["csrftoken"],
        "Content-Type": "application/json",
        "Accept-Language": "ja",
    }


@dataclass
class Pool:
    """The request lines of one move, consumed in order: a line is never sent twice."""

    lines: list[str]
    directory: Path
    used: int = 0

    def run(self, base: str, headers: dict[str, str], seconds: int, connections: int) -> WrkRun:
        fresh = self.directory / f"run-{self.used}.lines"
        fresh.write_text("".join(self.lines[self.used :]))
        result = wrk(base, headers, seconds, connections, script=POST_EACH, script_args=(str(fresh),))
        if "POOL_EXHAUSTED" in result.output:
            sys.exit("the pool of orders ran out during a run: raise --pool")
        self.used += int(re.search(r"POOL_USED (\d+)", result.output).group(1))
        return result

    def first_path(self) -> str:
        return self.lines[self.used].split("\t", 1)[0]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_common_arguments(parser)
    parser.add_argument("--pool", type=int, default=30_000, help="orders prepared per move")
    parser.add_argument("--only", action="append", choices=sorted(TARGETS), help="measure only these")
    args = parser.parse_args()
    chosen = args.only or list(TARGETS)

    env, seeded = prepare(
        os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL,
    )
    key = dealer_headers(seeded)
    ops = next(u for u in seeded["users"] if u["role"] == "operations")
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-orders-") as scratch:
        made = make_pools(env, args.pool, Path(scratch))
        pools = {
            move: Pool(Path(spec["file"]).read_text().splitlines(keepends=True), Path(scratch))
            for move, spec in made["pools"].items()
        }
        with serving(env, args.workers) as base:
            session = session_headers(base, ops["username"], ops["password"])
            common = {
                "base": base,
                "rounds": args.rounds,
                "duration": args.duration,
                "connections": args.connections,
            }
            reads = {"list": "/api/v1/orders/", "detail": f"/api/v1/orders/{made['read']['detail']}/"}
            for name, path in reads.items():
                if name not in chosen:
                    continue
                label = f"GET {path}"
                status = status_of(base + path, key)
                if status != 200:
                    results.append({"endpoint": label, "skipped": f"answers {status}"})
                    continue
                results.append(
                    ratio_of(
                        label,
                        lambda seconds, path=path: wrk(base + path, key, seconds, args.connections),
                        target=TARGETS[name],
                        **common,
                    )
                )
            writers = {"submit": key, "confirm": session, "assign-vin": session}
            # assign-vin: the slot for VIN assignment, measured once `POST orders/{ref}/assign-vin/`
            # exists (until then OPTIONS on it answers 404 and it is skipped).
            for move, headers in writers.items():
                if move not in chosen:
                    continue
                pool = pools[move]
                label = f"POST orders/{{ref}}/{move}/"
                status = status_of(base + pool.first_path(), headers, method="OPTIONS")
                if status != 200:
                    results.append({"endpoint": label, "skipped": f"answers {status}"})
                    continue
                results.append(
                    ratio_of(
                        label,
                        lambda seconds, pool=pool, headers=headers: pool.run(
                            base, headers, seconds, args.connections
                        ),
                        target=TARGETS[move],
                        **common,
                    )
                )
                results[-1]["orders_moved"] = pool.used
    report(results, args.json)


if __name__ == "__main__":
    main()
