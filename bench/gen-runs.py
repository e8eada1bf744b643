#!/usr/bin/env python3
"""Generates a GitHub "list workflow runs" page of N runs for the benchmark.

The runs build real commits of REPO (the newest ones on any branch, two to
three workflows per commit), so the model can link them to the default
branch and to feature branches: a commit whose subject is "feature K: ..."
(bench/gen-history.py) is built on branch feature/fKK, any other on main.
Times follow the commit's committer time: queued a minute or two later,
3 to 40 minutes long (by workflow); 5 % are re-run as attempt 2 after a
failed first attempt; of the rest about 11 % fail, 3 % are cancelled and
2 % skipped (15 % failures in all). Deterministic for a given seed. Writes
the JSON document to stdout.

usage: gen-runs.py REPO [--runs N] [--seed S] > runs.json
"""
import argparse
import json
import random
import subprocess
import sys
import time

WORKFLOWS = [("CI", 12 * 60), ("Lint", 3 * 60), ("Security scan", 25 * 60)]


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("repo")
    ap.add_argument("--runs", type=int, default=50000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    # at least two runs a commit: enough commits, newest first
    log = subprocess.run(["git", "-C", a.repo, "log", "--branches", "--format=%H %ct %s",
                          "-n", str(a.runs // 2 + 100)],
                         check=True, capture_output=True, text=True).stdout.splitlines()
    runs = []
    run_id = 9000000000
    number = 0
    for line in reversed(log):          # oldest first, as a CI system numbers them
        sha, ct, subject = line.split(" ", 2)
        ct = int(ct)
        branch = "main"
        if subject.startswith("feature "):
            k = int(subject.split()[1].rstrip(":"))
            branch = "feature/f%02d" % (k % 40)
        flows = WORKFLOWS if rnd.random() < 0.4 else WORKFLOWS[:2]
        for name, typical in flows:
            run_id += rnd.randint(1, 50)
            number += 1
            created = ct + rnd.randint(5, 120)
            attempts = 2 if rnd.random() < 0.05 else 1
            started = created + rnd.randint(10, 180)
            for attempt in range(1, attempts + 1):
                r = rnd.random()
                conclusion = ("failure" if r < 0.11 else "cancelled" if r < 0.14
                              else "skipped" if r < 0.16 else "success")
                if attempt < attempts:
                    conclusion = "failure"
                dur = max(20, int(rnd.gauss(typical, typical / 4)))
                if conclusion == "skipped":
                    dur = 2
                run = {
                    "id": run_id, "name": name, "display_title": subject[:60],
                    "run_number": number, "run_attempt": attempt,
                    "event": "push" if branch == "main" else "pull_request",
                    "status": "completed", "conclusion": conclusion,
                    "head_branch": branch, "head_sha": sha,
                    "created_at": iso(created), "run_started_at": iso(started),
                    "updated_at": iso(started + dur),
                    "html_url": "https://github.com/acme/bench/actions/runs/%d" % run_id,
                }
                runs.append(run)
                started += dur + rnd.randint(600, 7200)
    del runs[:-a.runs]            # the newest N
    json.dump({"total_count": len(runs), "workflow_runs": runs}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
