"""Drives clients/judgeapi_judge.py against a live JudgeApi (started by PythonClientTests). Standard library only.

Checks the TRL interface (indices 0/1, -1 for a failed item), chunking at batch_size, the key header, that the
order shuffle maps verdicts back, and the retry on 503 while another request holds the only admission place.
"""
import json
import os
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "clients"))
from judgeapi_judge import JudgeApiPairwiseJudge  # noqa: E402

url, key = os.environ["JUDGEAPI_URL"], os.environ["JUDGEAPI_KEY"]
judge = JudgeApiPairwiseJudge(url, api_key=key, mode="direct", batch_size=2)

prompts = [f"Which answer is right? ({i})" for i in range(5)]
completions = [["Paris is the capital of France.", "Lyon is the capital of France."] for _ in prompts]
completions[3] = ["", "An answer."]  # empty: the service rejects this item alone
plain = judge.judge(prompts, completions, shuffle_order=False)
assert [p for i, p in enumerate(plain) if i != 3] and all(p in (0, 1) for i, p in enumerate(plain) if i != 3), plain
assert plain[3] == -1, plain
scores = judge.judge(prompts, completions, shuffle_order=False, return_scores=True)
assert scores[3] is None and all(0 <= s <= 1 for i, s in enumerate(scores) if i != 3), scores
assert [0 if s >= 0.5 else 1 for i, s in enumerate(scores) if i != 3] == [p for i, p in enumerate(plain) if i != 3]

# Shuffled: each pair may be shown the other way round, and the verdict still names the same completion.
flipped = JudgeApiPairwiseJudge(url, api_key=key, mode="direct").judge(prompts, [list(reversed(c)) for c in completions], shuffle_order=True)
assert [f for i, f in enumerate(flipped) if i != 3] == [1 - p for i, p in enumerate(plain) if i != 3], (flipped, plain)

# Without the key: every item fails (401), reported as -1, not raised.
assert JudgeApiPairwiseJudge(url, api_key=None).judge(prompts[:2], completions[:2]) == [-1, -1]


def queue_length():
    with urllib.request.urlopen(f"{url}/metrics") as response:
        for line in response.read().decode().splitlines():
            if line.startswith("judgeapi_queue_length"):
                return float(line.split()[-1])
    return 0.0


# Retry on 503: a long judgment holds the only place (Judge:MaxQueue=1); the judge waits Retry-After until it is free.
hold = JudgeApiPairwiseJudge(url, api_key=key, mode="reasoning", max_retries=0, maxReasoningTokens=600, temperature=0)
holder = threading.Thread(target=hold.judge, args=(["Hold the place."], [["A long answer.", "Another."]]))
holder.start()
deadline = time.time() + 300
while queue_length() < 1:
    assert holder.is_alive() and time.time() < deadline, "the long judgment ended before it was seen holding the place"
    time.sleep(0.05)
waiting = JudgeApiPairwiseJudge(url, api_key=key, mode="direct", max_retries=1000)
after_wait = waiting.judge(prompts[:1], completions[:1], shuffle_order=False)
holder.join()
assert waiting.retries >= 1, "the second request was never refused"
assert after_wait == plain[:1], (after_wait, plain)

print(json.dumps({"plain": plain, "retries": waiting.retries}))
