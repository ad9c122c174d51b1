"""One iteration through the service's HTTP API, timed per stage (used by bench/pipeline.sh and bench/generator.sh)."""
import json
import sys
import time
import urllib.request

STAGES = ["classify", "select", "synthesize", "annotate", "dataset", "done"]


def call(url, method, path, body=None, content_type="application/json"):
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    req = urllib.request.Request(url + path, data, {"Content-Type": content_type}, method=method)
    with urllib.request.urlopen(req, timeout=600) as r:
        return json.load(r)


def run(url, pairs, judgments, on_poll=None):
    """Queues an iteration (train off), polls it to its end (on_poll(stage) after each poll that does not end it);
    returns its last view, seconds per stage and in total."""
    iteration = call(url, "POST", "/iterations", {"instructions": pairs, "judgmentsPerPair": judgments, "train": False, "seed": 1})
    entered, stage, start = {}, None, time.time()
    while True:
        view = call(url, "GET", f"/iterations/{iteration['id']}")
        if view["stage"] != stage:
            stage = view["stage"]
            entered.setdefault(stage, time.time() - start)
        if view["status"] in ("succeeded", "failed", "canceled"):
            break
        if on_poll:
            on_poll(stage)
        time.sleep(0.25)
    total = time.time() - start
    if view["status"] != "succeeded":
        sys.exit(f"iteration {view['status']}: {view.get('error')}")
    marks = [(s, entered[s]) for s in STAGES if s in entered]
    durations = {s: (marks[i + 1][1] if i + 1 < len(marks) else total) - t for i, (s, t) in enumerate(marks)}
    return view, durations, total
