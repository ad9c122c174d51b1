"""One iteration through the service's HTTP API, timed per stage (used by bench/pipeline.sh, bench/generator.sh and bench/selftaught.py)."""
import json
import sys
import time
import urllib.request

def call(url, method, path, body=None, content_type="application/json"):
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    req = urllib.request.Request(url + path, data, {"Content-Type": content_type}, method=method)
    with urllib.request.urlopen(req, timeout=600) as r:
        return json.load(r)


def run(url, pairs, judgments, on_poll=None):
    """Queues an iteration (train off), polls it to its end (on_poll(stage) after each poll that does not end it);
    returns its last view, seconds per stage and in total."""
    iteration = call(url, "POST", "/iterations", {"instructions": pairs, "judgmentsPerPair": judgments, "train": False, "seed": 1})
    view, durations, total = wait(url, iteration["id"], on_poll)
    if view["status"] != "succeeded":
        sys.exit(f"iteration {view['status']}: {view.get('error')}")
    return view, durations, total


def wait(url, iteration_id, on_poll=None, interval=0.25):
    """Polls an iteration until it ends; returns its last view, the seconds of each stage it entered (in the order
    entered) and the total."""
    entered, stage, start = {}, None, time.time()
    while True:
        view = call(url, "GET", f"/iterations/{iteration_id}")
        if view["stage"] != stage:
            stage = view["stage"]
            entered.setdefault(stage, time.time() - start)
        if view["status"] in ("succeeded", "failed", "canceled"):
            break
        if on_poll:
            on_poll(stage)
        time.sleep(interval)
    total = time.time() - start
    marks = sorted(entered.items(), key=lambda m: m[1])
    durations = {s: (marks[i + 1][1] if i + 1 < len(marks) else total) - t for i, (s, t) in enumerate(marks)}
    return view, durations, total
