"""A pairwise judge for training pipelines over JudgeApi's POST /judge/batch, with the Python standard library only.

It implements TRL's pairwise-judge interface (``trl.BasePairwiseJudge``): ``judge(prompts, completions,
shuffle_order=True)`` returns, for each prompt, the index (0 or 1) of the better of its two completions, or -1 when
that item failed. So it plugs into TRL's online DPO (``OnlineDPOTrainer(judge=...)``) or a best-of-N loop as it is.

    from judgeapi_judge import JudgeApiPairwiseJudge
    judge = JudgeApiPairwiseJudge("http://localhost:5000", api_key="...", mode="direct")
    judge.judge(["What is 2+2?"], [["4", "5"]])          # -> [0]
"""

import json
import random
import time
import urllib.error
import urllib.request

__all__ = ["JudgeApiPairwiseJudge"]


class JudgeApiPairwiseJudge:
    """TRL-style pairwise judge backed by a JudgeApi service.

    base_url: the service, e.g. "http://localhost:5000".
    api_key: sent as X-API-Key (a client or operator key); None when the service runs without keys.
    mode: "direct" (one forward pass per order, the fast reward signal) or "reasoning".
    batch_size: items per POST /judge/batch (the service accepts at most 256).
    max_retries: how often a batch refused with 503 or 429 (busy) is retried, waiting Retry-After each time.
    options: further /judge fields for every item, e.g. maxReasoningTokens=128, samples=2, seed=7.
    """

    MAX_BATCH = 256

    def __init__(self, base_url="http://localhost:5000", api_key=None, mode="direct", batch_size=MAX_BATCH,
                 max_retries=10, timeout=600, **options):
        if not 1 <= batch_size <= self.MAX_BATCH:
            raise ValueError(f"batch_size must be 1..{self.MAX_BATCH}, got {batch_size}")
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.batch_size = batch_size
        self.max_retries = max_retries
        self.timeout = timeout
        self.options = dict(options, mode=mode)
        self.retries = 0  # batches retried after a 503 or 429, over this judge's life

    def judge(self, prompts, completions, shuffle_order=True, return_scores=False):
        """For each prompt, 0 if completions[i][0] is better, 1 if completions[i][1] is, -1 if the item failed.

        shuffle_order shows each pair in a random order (and maps the verdict back), so a position bias of the
        judge cannot favour one side. return_scores gives P(completions[i][0] is better) instead (None on failure).
        """
        if len(prompts) != len(completions):
            raise ValueError("prompts and completions must have the same length")
        swapped = [shuffle_order and random.random() < 0.5 for _ in prompts]
        items = []
        for prompt, pair, swap in zip(prompts, completions, swapped):
            if len(pair) != 2:
                raise ValueError("each entry of completions must hold exactly two completions")
            first, second = (pair[1], pair[0]) if swap else (pair[0], pair[1])
            items.append(dict(self.options, instruction=prompt, responseA=first, responseB=second))

        results = []
        for start in range(0, len(items), self.batch_size):
            results.extend(self._judge_batch(items[start:start + self.batch_size]))

        answers = []
        for result, swap in zip(results, swapped):
            if result is None:
                answers.append(None if return_scores else -1)
                continue
            p_first = 1.0 - result["probabilityA"] if swap else result["probabilityA"]
            answers.append(p_first if return_scores else (0 if p_first >= 0.5 else 1))
        return answers

    def _judge_batch(self, items):
        """The batch's results in order: each item's judgment, or None where that item (or the whole batch) failed."""
        body = json.dumps({"items": items}).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["X-API-Key"] = self.api_key
        for attempt in range(self.max_retries + 1):
            request = urllib.request.Request(f"{self.base_url}/judge/batch", data=body, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    answer = json.load(response)
                return [item["result"] if item["status"] == 200 else None for item in answer["items"]]
            except urllib.error.HTTPError as error:
                if error.code not in (429, 503) or attempt == self.max_retries:
                    return [None] * len(items)
                self.retries += 1
                time.sleep(_retry_after(error.headers.get("Retry-After"), attempt))
            except (urllib.error.URLError, TimeoutError, OSError):
                if attempt == self.max_retries:
                    return [None] * len(items)
                self.retries += 1
                time.sleep(_retry_after(None, attempt))
        return [None] * len(items)


def _retry_after(header, attempt):
    """The server's Retry-After in seconds, else exponential back-off (capped at 30 s)."""
    try:
        return max(0.0, float(header))
    except (TypeError, ValueError):
        return min(30.0, 0.5 * 2 ** attempt)
