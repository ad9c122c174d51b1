"""Load generator of bench/judge.sh: N clients send judge requests back to back, to our service or to llama-server.

usage: judge-load.py ours|llama-server URL PROMPTS_JSON MODE CLIENTS REQUESTS_PER_CLIENT GEN
Every request judges one pair in both orders with a fresh instruction (no cache hits): ours through one
POST /judge (swap on), llama-server through two concurrent /completion calls per order, the same rendered judge
prompt as ours (direct: one call with the verdict lead appended, reading the label probabilities with n_probs;
reasoning: GEN tokens stopping at the verdict marker, then a call with the lead forced, cache_prompt on so the
slot keeps what it decoded). Prints one JSON line: judgments/s, generated tokens/s, latency percentiles.
"""
import json, sys, threading, time, urllib.request, uuid

target, url, prompts_path, mode, clients, per_client, gen = sys.argv[1:8]
clients, per_client, gen = int(clients), int(per_client), int(gen)
prompts = json.load(open(prompts_path))
RESPONSE_A = "Insertion sort: it runs in nearly linear time when few elements are out of place."
RESPONSE_B = "Quicksort with a random pivot, because it is the fastest sort on every input."


def post(path, body):
    req = urllib.request.Request(url + path, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=1200) as r:
        return json.load(r)


def ours(instruction):
    answer = post("/judge", {"instruction": instruction, "responseA": RESPONSE_A, "responseB": RESPONSE_B, "mode": mode,
                             "maxReasoningTokens": gen, "useCache": False})
    return answer["votes"]["a"] + answer["votes"]["b"], answer["reasoningTokens"]


def theirs_one_order(prompt, out, i):
    common = {"temperature": 0, "cache_prompt": True}
    if mode == "direct":
        post("/completion", {**common, "prompt": prompt + prompts["direct_lead"], "n_predict": 1, "n_probs": 2})
        out[i] = 0
        return
    first = post("/completion", {**common, "prompt": prompt, "n_predict": gen, "stop": [prompts["stop"]]})
    post("/completion", {**common, "prompt": prompt + first["content"] + prompts["reasoning_lead"], "n_predict": 1, "n_probs": 2})
    out[i] = first["tokens_predicted"]


def theirs(instruction):
    out = [0, 0]
    orders = [prompts[o].replace(prompts["placeholder"], instruction) for o in ("ab", "ba")]
    threads = [threading.Thread(target=theirs_one_order, args=(p, out, i)) for i, p in enumerate(orders)]
    for t in threads: t.start()
    for t in threads: t.join()
    return 2, sum(out)


judge = ours if target == "ours" else theirs
done, lock = [], threading.Lock()


def client():
    for _ in range(per_client):
        instruction = "Explain which sorting algorithm suits nearly sorted data. " + uuid.uuid4().hex
        start = time.time()
        judgments, tokens = judge(instruction)
        with lock:
            done.append((time.time() - start, judgments, tokens))


threads = [threading.Thread(target=client) for _ in range(clients)]
start = time.time()
for t in threads: t.start()
for t in threads: t.join()
wall = time.time() - start
latencies = sorted(d[0] for d in done)
pct = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
print(json.dumps({"target": target, "mode": mode, "clients": clients, "requests": len(done), "wall_s": round(wall, 2),
                  "judgments_per_s": sum(d[1] for d in done) / wall, "tg_per_s": sum(d[2] for d in done) / wall,
                  "p50_s": pct(0.5), "p99_s": pct(0.99), "max_s": latencies[-1]}))
