"""Sustained submissions through `kaiku serve`: the public JSON endpoint and the
HTML form, with a trivial JSON endpoint as the yardstick, driven by wrk.

    .venv/bin/python benchmarks/submissions.py [--database-url URL] [--seconds 20]
        [--connections 32] [--workers N] [--threads N]

Prints, per path: requests per second, p50 and p99 latency, errors, and a count
check that every accepted submission is stored exactly once. Needs `wrk` (Debian
package wrk). Without --database-url a throwaway SQLite file is used. Rate limits
are lifted for the run (one client address sends everything).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

LUA = """
wrk.method = "{method}"
wrk.body = {body}
{headers}
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %d %d %.3f %.3f %.3f\\n", summary.requests, errors,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


COUNT_CHECK = 1000


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


NO_REDIRECTS = urllib.request.build_opener(_NoRedirect)


def lua(method: str, body: str, headers: dict[str, str]) -> str:
    lines = "\n".join(f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items())
    return LUA.format(method=method, body=json.dumps(body) if body else "nil", headers=lines)


def run_wrk(
    url: str, script: str, seconds: int, connections: int, workdir: Path
) -> dict[str, float]:
    path = workdir / "script.lua"
    path.write_text(script)
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "5s",
            "-s",
            str(path),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"RESULT (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+)", out)
    assert match, out
    requests, errors, duration, p50, p99 = match.groups()
    return {
        "requests": int(requests),
        "errors": int(errors),
        "rate": int(requests) / float(duration),
        "p50": float(p50),
        "p99": float(p99),
    }


def count_check(url: str, kind: str, extra: dict[str, str], survey: object) -> tuple[int, int, int]:
    """Send COUNT_CHECK submissions, each with its own marker text, from 8 threads;
    then count each marker in the database: stored exactly once, or lost, or twice."""
    from concurrent.futures import ThreadPoolExecutor

    from kaiku.responses.models import Answer

    def send(i: int) -> str | None:
        marker = f"{kind}-marker-{i}"
        if kind == "json":
            data = json.dumps({"answers": {"nps": 3, "what_happened": marker}}).encode()
            headers = {"Content-Type": "application/json"}
        else:
            fields = {k: v for k, v in extra.items() if k != "Cookie"}
            data = urllib.parse.urlencode(
                {**fields, "q_nps": "3", "q_what_happened": marker}
            ).encode()
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": extra["Cookie"],
                "Referer": url,
            }
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")
        try:
            with NO_REDIRECTS.open(request, timeout=30) as answer:
                ok = answer.status in (201, 302)
        except urllib.error.HTTPError as error:
            ok = error.code == 302
        except OSError:
            ok = False
        return marker if ok else None

    with ThreadPoolExecutor(8) as pool:
        accepted = [m for m in pool.map(send, range(COUNT_CHECK)) if m]
    stored: dict[str, int] = {}
    mine = Answer.objects.filter(response__survey=survey, text__startswith=f"{kind}-marker-")
    for text in mine.values_list("text", flat=True):
        stored[text] = stored.get(text, 0) + 1
    lost = sum(1 for m in accepted if m not in stored)
    duplicated = sum(n - 1 for n in stored.values() if n > 1)
    return len(accepted), lost, duplicated


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, help="default: kaiku serve's (cores + 1)")
    parser.add_argument("--threads", type=int, help="default: kaiku serve's (4)")
    parser.add_argument("--port", type=int, default=8765)
    options = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("This benchmark needs wrk: apt-get install wrk")

    workdir = Path(tempfile.mkdtemp(prefix="kaiku-submit-bench-"))
    from benchmarks.submission_env import form_answer, form_tokens, submission_env

    env = {**os.environ, **submission_env(workdir, options.database_url)}
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from tests.factories import make_survey, make_user

    from kaiku.organisations.services import create_organisation

    # A database used before keeps its rows; the new ones get names of their own.
    owner = make_user(f"benchmark-{uuid.uuid4().hex[:12]}@example.org")
    organisation = create_organisation(name="Submission benchmark", owner=owner)
    survey = make_survey(organisation)
    vendor = connection.vendor
    connection.close()

    kaiku = Path(sys.executable).with_name("kaiku")
    sizes = [
        f"--{name}={value}"
        for name, value in (("workers", options.workers), ("threads", options.threads))
        if value
    ]
    bind = f"127.0.0.1:{options.port}"
    server = subprocess.Popen(
        [str(kaiku), "serve", "--bind", bind, *sizes],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://{bind}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        results = {}
        results["trivial JSON GET /healthz"] = run_wrk(
            f"{base}/healthz", lua("GET", "", {}), options.seconds, options.connections, workdir
        )
        body = json.dumps(
            {"answers": {"nps": 8, "ease": 6, "feeling": [{"emotion": "joy", "intensity": 2}]}}
        )
        json_path = f"{base}/api/v1/public/surveys/{survey.public_token}/responses"
        results["public JSON POST"] = run_wrk(
            json_path,
            lua("POST", body, {"Content-Type": "application/json"}),
            options.seconds,
            options.connections,
            workdir,
        )
        form_url = f"{base}/s/{survey.public_token}/"
        page = urllib.request.urlopen(form_url)
        html = page.read().decode()
        cookie = page.headers["Set-Cookie"].split(";")[0]
        tokens = form_tokens(html)
        form = form_answer(tokens)
        results["HTML form POST"] = run_wrk(
            form_url,
            lua(
                "POST",
                form,
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": cookie,
                    "Referer": form_url,
                    "Origin": base,
                },
            ),
            options.seconds,
            options.connections,
            workdir,
        )
        checks = {
            "public JSON POST": count_check(json_path, "json", {}, survey),
            "HTML form POST": count_check(
                form_url,
                "form",
                {"Cookie": cookie, **tokens},
                survey,
            ),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)

    trivial = results["trivial JSON GET /healthz"]["rate"]
    from benchmarks.yardstick import describe

    print(describe())
    serve = " ".join(sizes) or "defaults"
    print(f"database: {vendor}   kaiku serve: {serve}   wrk: 2 threads, "
          f"{options.connections} connections, {options.seconds} s per path")  # fmt: skip
    for name, r in results.items():
        latency = f"p50 {r['p50']:6.1f} ms   p99 {r['p99']:6.1f} ms"
        ratio = r["rate"] / trivial
        line = (
            f"{name:<28} {r['rate']:8.0f}/s   {latency}   errors {r['errors']}   ratio {ratio:.2f}"
        )
        print(line)
    for name, (accepted, lost, duplicated) in checks.items():
        print(f"count check, {name}: {accepted} accepted, {lost} lost, {duplicated} duplicated")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
