#!/usr/bin/env python3
"""The self-taught experiment's driver (bench/selftaught.sh runs it; stdlib only).

  selftaught.py settings SIZE             print the experiment's settings (JSON): fixed here, before any run
  selftaught.py service-args SIZE ARM     print the service's configuration flags for one arm, one per line
  selftaught.py arm URL SIZE ARM OUT [REFERENCE]
                                          run the iterations of one arm against a started service; write OUT (JSON).
                                          The control arm reads the self-taught arm's OUT (REFERENCE) for the number
                                          of examples to keep at each iteration.
  selftaught.py report SIZE SELFTAUGHT CONTROL PLOT
                                          print the summary line and the per-stage wall times; write the plot (SVG)

Arms: "selftaught" (rejection sampling, the method) and "control" (rejectionSampling false: a random judgment kept
per pair whatever its verdict, the same number of examples, so the same training steps).
"""
import json
import os
import re
import sqlite3
import sys
import time
import urllib.error
import urllib.request

import iteration_run

# Every setting of the experiment, fixed before the first run and written into its output. "full" is the
# experiment; "reduced" runs the same code at a size that finishes in minutes (to check the script, not a result);
# "dev" is the experiment's first iteration, its self-taught arm only and no vote, with its labeled set from the
# world's dev half: where settings are chosen, so that the test half is read only by the "full" run.
SETTINGS = {
    "full": {
        "seed_model_seed": 1,
        "world": {"pool_seed": 101, "pool_size": 2000, "labeled_seed": 202, "labeled_size": 480, "labeled_half": "test"},
        "iterations": 3,
        "arms": ["selftaught", "control"],
        "iteration": {"instructions": 300, "judgmentsPerPair": 8, "temperature": 0.8, "data": "iteration", "promotion": "gate"},
        "vote": {"samples": 5, "temperature": 0.7},
        "service": {
            "Judge:ContextSize": 1024,
            "Judge:Sequences": 16,
            "Judge:SelfTaught:Categories": ["math", "reasoning", "writing", "knowledge"],
            "Judge:SelfTaught:MaxResponseTokens": 32,
            "Judge:SelfTaught:MaxJudgeReasoningTokens": 104,
            "Judge:SelfTaught:SynthesisTemperature": 0.7,
            "Judge:SelfTaught:ItemParallelism": 8,
            "Judge:Evaluation:HeldOutPairs": 150,
            "Judge:Evaluation:Mode": "reasoning",
            "Judge:Evaluation:MaxReasoningTokens": 104,
            "Judge:Training:Rank": 16,
            "Judge:Training:Alpha": 32,
            "Judge:Training:LearningRate": 0.001,
            "Judge:Training:Epochs": 2,
            "Judge:Training:BatchSize": 8,
            "Judge:Training:MaxSequenceLength": 768,
            "Judge:Promotion:SignificanceLevel": 0.05,
        },
    },
}
SETTINGS["dev"] = json.loads(json.dumps(SETTINGS["full"]))
SETTINGS["dev"]["world"].update(labeled_half="dev")
SETTINGS["dev"].update(iterations=1, arms=["selftaught"], vote=None)
SETTINGS["reduced"] = json.loads(json.dumps(SETTINGS["full"]))
SETTINGS["reduced"]["world"].update(pool_size=160, labeled_size=24)
SETTINGS["reduced"]["iteration"].update(instructions=16, judgmentsPerPair=2)
SETTINGS["reduced"]["vote"].update(samples=2)
SETTINGS["reduced"]["service"].update({"Judge:Evaluation:HeldOutPairs": 8, "Judge:Training:Epochs": 1, "Judge:SelfTaught:MaxJudgeReasoningTokens": 24,
                                       "Judge:Evaluation:MaxReasoningTokens": 24, "Judge:SelfTaught:MaxResponseTokens": 12})

def call(url, method, path, body=None, timeout=600):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data, {"Content-Type": "application/json"}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        sys.exit(f"[selftaught] {method} {path}: {error.code} {error.read().decode(errors='replace')}")


def service_args(size, arm):
    settings = SETTINGS[size]
    args = []
    for key, value in settings["service"].items():
        if isinstance(value, list):
            args += [f"--{key}:{i}={v}" for i, v in enumerate(value)]
        else:
            args.append(f"--{key}={value}")
    return args


def wait(url, iteration_id):
    """Polls until the iteration ends; returns its last view and the wall time of each stage."""
    view, durations, _ = iteration_run.wait(url, iteration_id, interval=1)
    return view, {s: round(d, 1) for s, d in durations.items() if s != "done"}


def vote_accuracy(url, labeled_path, settings, adapter):
    """Majority vote over N sampled judgments of each order (the service's own samples/votes) with the given adapter live."""
    call(url, "POST", f"/adapters/{adapter}/activate" if adapter else "/adapters/deactivate")
    pairs = [json.loads(line) for line in open(labeled_path) if line.strip()]
    vote = settings["vote"]
    correct, by_family = 0.0, {}
    for start in range(0, len(pairs), 64):
        chunk = pairs[start:start + 64]
        items = [{"instruction": p["prompt"], "responseA": p["chosen"], "responseB": p["rejected"], "mode": "reasoning",
                  "samples": vote["samples"], "temperature": vote["temperature"], "swap": True, "seed": start + i,
                  "maxReasoningTokens": settings["service"]["Judge:Evaluation:MaxReasoningTokens"]} for i, p in enumerate(chunk)]
        answers = call(url, "POST", "/judge/batch", {"items": items}, timeout=3600)
        for pair, answer in zip(chunk, answers["items"]):
            if answer["status"] != 200:
                sys.exit(f"/judge/batch item {answer['index']}: {answer['error']}")
            votes = answer["result"]["votes"]
            score = 1.0 if votes["a"] > votes["b"] else 0.5 if votes["a"] == votes["b"] else 0.0
            correct += score
            family = by_family.setdefault(pair["subset"], [0.0, 0])
            family[0] += score
            family[1] += 1
    return correct / len(pairs), {f: c / n for f, (c, n) in sorted(by_family.items())}


def run_arm(url, size, arm, out_path, reference_path=None):
    settings = SETTINGS[size]
    world = settings["world"]
    run_dir = out_path.rsplit("/", 1)[0]
    with open(f"{run_dir}/world/pool.jsonl", "rb") as pool:
        request = urllib.request.Request(url + "/instructions", pool.read(), {"Content-Type": "application/x-ndjson"}, method="POST")
        with urllib.request.urlopen(request, timeout=600) as response:
            imported = json.load(response)
    reference = json.load(open(reference_path)) if arm == "control" else None
    iterations = []
    for number in range(1, settings["iterations"] + 1):
        body = dict(settings["iteration"], seed=1000 + number)
        if arm == "control":
            body["rejectionSampling"] = False
            body["maxExamples"] = reference["iterations"][number - 1]["view"]["progress"]["kept"]
        queued = call(url, "POST", "/iterations", body)
        view, seconds = wait(url, queued["id"])
        print(f"[selftaught] {arm} iteration {number}: {view['status']} in {sum(seconds.values()):.0f} s "
              f"(kept {view['progress']['kept']}, self-accuracy {view['metrics']['selfAccuracy']}, "
              f"promoted {((view.get('loop') or {}).get('promotion') or {}).get('promoted')})", file=sys.stderr)
        iterations.append({"request": body, "view": view, "seconds": seconds})
        if view["status"] != "succeeded":
            break
    vote = None
    if settings["vote"] and iterations and iterations[-1]["view"]["status"] == "succeeded":
        started = time.time()
        accuracy, families = vote_accuracy(url, f"{run_dir}/world/labeled.jsonl", settings, f"iteration-{len(iterations)}")
        vote = {"accuracy": accuracy, "families": families, "seconds": round(time.time() - started, 1)}
    json.dump({"arm": arm, "size": size, "settings": settings, "imported": imported, "iterations": iterations, "vote": vote},
              open(out_path, "w"), indent=1)
    failed = [i for i in iterations if i["view"]["status"] != "succeeded"]
    if failed:
        sys.exit(f"[selftaught] {arm}: iteration {failed[0]['view']['number']} {failed[0]['view']['status']}: {failed[0]['view']['error']}")


def labeled(iteration, weights):
    score = iteration["view"]["loop"]["evaluation"]["labeled"][weights]
    return score["accuracy"], {f: s["accuracy"] for f, s in (score.get("subsets") or {}).items()}


def curve(arm):
    """Accuracy on the labeled set: the seed model, then each iteration's candidate; overall and per family."""
    done = [i for i in arm["iterations"] if i["view"]["status"] == "succeeded"]
    if not done:
        return [], {}
    points = [labeled(done[0], "base")] + [labeled(i, "candidate") for i in done]
    return [p[0] for p in points], {f: [p[1].get(f) for p in points] for f in points[0][1]}


def svg(selftaught, control, path):
    overall, families = curve(selftaught)
    control_overall, _ = curve(control)
    width, height, left, top, plot_w, plot_h = 720, 420, 60, 30, 470, 330
    n = max(len(overall), len(control_overall))
    x = lambda i: left + plot_w * i / max(1, n - 1)
    y = lambda a: top + plot_h * (1 - a)
    palette = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
             f'<rect width="{width}" height="{height}" fill="white"/>',
             f'<text x="{left}" y="18" font-size="14">Labeled-set accuracy per iteration (proof world, {selftaught["size"]} run)</text>']
    for tick in range(0, 11, 2):
        a = tick / 10
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(a)}" y2="{y(a)}" stroke="#ddd"/>'
                     f'<text x="{left - 8}" y="{y(a) + 4}" text-anchor="end">{a:.1f}</text>')
    for i in range(n):
        parts.append(f'<text x="{x(i)}" y="{top + plot_h + 18}" text-anchor="middle">{"seed" if i == 0 else f"iter {i}"}</text>')

    def line(values, color, w, label, row, dash=""):
        pts = [(x(i), y(v)) for i, v in enumerate(values) if v is not None]
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="{w}" {dash} points="{" ".join(f"{a:.1f},{b:.1f}" for a, b in pts)}"/>')
        parts.extend(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="{w + 1}" fill="{color}"/>' for a, b in pts)
        ly = top + 10 + 18 * row
        parts.append(f'<line x1="{left + plot_w + 20}" x2="{left + plot_w + 44}" y1="{ly}" y2="{ly}" stroke="{color}" stroke-width="{w}" {dash}/>'
                     f'<text x="{left + plot_w + 50}" y="{ly + 4}">{label}</text>')

    line(overall, "#000", 3, "self-taught (all)", 0)
    line(control_overall, "#999", 3, "control (all)", 1, 'stroke-dasharray="6,4"')
    for row, (family, values) in enumerate(sorted(families.items())):
        line(values, palette[row % len(palette)], 1, family, row + 2)
    parts.append("</svg>")
    open(path, "w").write("\n".join(parts) + "\n")


# How the seed's careful judgments state the answer they check against ("The correct answer is 127. Assistant A …").
STATED_ANSWER = re.compile(r"The correct answer is (.+?)\. Assistant")


def audit(run_dir, arm):
    """The loop's own data against the world's answer key (pool-key.jsonl, which the service never reads): per iteration
    and family, the pairs, how often y_w (the model's answer to x) is right, the pairs kept, and how often the kept
    judgment states the right answer and y_w. Returns {iteration number: {family: counts}}."""
    key = {k["instruction"]: k for k in map(json.loads, open(f"{run_dir}/world/pool-key.jsonl"))}
    db = f"{run_dir}/{arm}-data/pipeline.db"
    if not os.path.exists(db):
        return {}
    clean = lambda text: (text or "").strip().rstrip(".").strip()
    result = {}
    with sqlite3.connect(db) as c:
        rows = c.execute("SELECT i.number, p.instruction, p.chosen, p.state, j.reasoning FROM pairs p JOIN iterations i ON i.id = p.iteration_id "
                         "LEFT JOIN judgments j ON j.pair_id = p.id AND j.sample = p.kept_sample").fetchall()
    for number, instruction, chosen, state, reasoning in rows:
        truth = key.get(instruction)
        if truth is None:
            continue
        counts = result.setdefault(number, {}).setdefault(truth["family"], dict.fromkeys(["pairs", "y_w_right", "kept", "stated_right", "stated_y_w"], 0))
        counts["pairs"] += 1
        counts["y_w_right"] += clean(chosen) == truth["answer"]
        if state == "kept":
            stated = STATED_ANSWER.search(reasoning or "")
            counts["kept"] += 1
            counts["stated_right"] += bool(stated) and clean(stated.group(1)) == truth["answer"]
            counts["stated_y_w"] += bool(stated) and clean(stated.group(1)) == clean(chosen)
    return result


def report(size, selftaught_path, control_path, plot_path):
    selftaught = json.load(open(selftaught_path))
    control = json.load(open(control_path)) if "control" in SETTINGS[size]["arms"] else {"iterations": []}
    overall, families = curve(selftaught)
    control_overall, control_families = curve(control)
    control_gain = control_overall[-1] - control_overall[0] if control_overall else float("nan")
    seed = overall[0]
    accs = overall[1:] + [float("nan")] * (3 - len(overall[1:]))
    vote = (selftaught["vote"] or {}).get("accuracy", float("nan"))
    print(json.dumps({"settings": SETTINGS[size]}, indent=None), file=sys.stderr)
    for name, arm in (("selftaught", selftaught), ("control", control)):
        for i, it in enumerate(arm["iterations"], 1):
            loop = it["view"].get("loop") or {}
            promotion = loop.get("promotion") or {}
            test = promotion.get("test") or {}
            print(f"[selftaught] {name} iter{i}: kept={it['view']['progress']['kept']} selfAccuracy={it['view']['metrics']['selfAccuracy']} "
                  f"steps={(loop.get('training') or {}).get('totalSteps')} promoted={promotion.get('promoted')} p={test.get('pValue')} "
                  f"stages_s={json.dumps(it['seconds'])}", file=sys.stderr)
    run_dir = os.path.dirname(os.path.abspath(selftaught_path))
    audits = {arm: audit(run_dir, arm) for arm in SETTINGS[size]["arms"]}
    json.dump(audits, open(f"{run_dir}/audit.json", "w"), indent=1)
    for arm, iterations in audits.items():
        for number, by_family in sorted(iterations.items()):
            print(f"[selftaught] audit {arm} iter{number} (family: kept/pairs, y_w right, kept stating the right answer, stating y_w): "
                  + "; ".join(f"{f} {c['kept']}/{c['pairs']} {c['y_w_right']} {c['stated_right']} {c['stated_y_w']}" for f, c in sorted(by_family.items())),
                  file=sys.stderr)
    for family in sorted(families):
        print(f"[selftaught] {family:<15} selftaught {' '.join(f'{v:.3f}' if v is not None else 'n/a' for v in families[family])}"
              f"   control {' '.join(f'{v:.3f}' if v is not None else 'n/a' for v in control_families.get(family, []))}", file=sys.stderr)
    svg(selftaught, control, plot_path)
    print(f"selftaught seed_acc={seed:.3f} iter1_acc={accs[0]:.3f} iter2_acc={accs[1]:.3f} iter3_acc={accs[2]:.3f} "
          f"gain={overall[-1] - seed:+.3f} vote_acc={vote:.3f} control_gain={control_gain:+.3f}")


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "settings":
        print(json.dumps(SETTINGS[sys.argv[2]], indent=1))
    elif command == "service-args":
        print("\n".join(service_args(sys.argv[2], sys.argv[3])))
    elif command == "arm":
        run_arm(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6] if len(sys.argv) > 6 else None)
    elif command == "report":
        report(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
    else:
        sys.exit(__doc__)
