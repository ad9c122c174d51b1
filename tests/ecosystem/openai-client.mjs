// The official `openai` npm client against a live JudgeApi (started by OpenAiClientTests): list models, chat,
// stream, logprobs, pick an adapter by model id, and errors. Exits non-zero on the first failed check; prints one
// JSON line of what it saw for the test to check further.
import assert from "node:assert/strict";
import OpenAI from "openai";

const { JUDGEAPI_URL, JUDGEAPI_KEY, JUDGEAPI_BASE_MODEL, JUDGEAPI_ADAPTER_MODEL } = process.env;
const client = new OpenAI({ baseURL: `${JUDGEAPI_URL}/v1`, apiKey: JUDGEAPI_KEY, maxRetries: 0, timeout: 300_000 });
const messages = [{ role: "system", content: "You are terse." }, { role: "user", content: "Name a colour." }];
const greedy = { messages, max_tokens: 12, temperature: 0, seed: 1 };

// Models: the base model and the adapter, each with OpenAI's model fields.
const models = [];
for await (const model of client.models.list()) models.push(model);
const ids = models.map((m) => m.id);
assert.ok(ids.includes(JUDGEAPI_BASE_MODEL), `models: ${ids}`);
assert.ok(ids.includes(JUDGEAPI_ADAPTER_MODEL), `models: ${ids}`);
assert.ok(models.every((m) => m.object === "model" && Number.isInteger(m.created) && m.owned_by));

// Chat: one choice with usage that adds up.
const chat = await client.chat.completions.create({ model: JUDGEAPI_BASE_MODEL, ...greedy });
assert.equal(chat.object, "chat.completion");
assert.equal(chat.model, JUDGEAPI_BASE_MODEL);
assert.equal(chat.choices.length, 1);
assert.equal(chat.choices[0].message.role, "assistant");
assert.equal(typeof chat.choices[0].message.content, "string");
assert.ok(["stop", "length"].includes(chat.choices[0].finish_reason));
assert.equal(chat.usage.total_tokens, chat.usage.prompt_tokens + chat.usage.completion_tokens);
assert.ok(chat.usage.prompt_tokens > 0 && chat.usage.completion_tokens > 0 && chat.usage.completion_tokens <= 12);

// Stream: the deltas add up to the same greedy text, the last chunk carries usage, and the SDK saw [DONE] (the loop ends).
const stream = await client.chat.completions.create({ model: JUDGEAPI_BASE_MODEL, ...greedy, stream: true, stream_options: { include_usage: true } });
let streamed = "", finish = null, usage = null, chunks = 0;
for await (const chunk of stream) {
  chunks++;
  assert.equal(chunk.object, "chat.completion.chunk");
  for (const choice of chunk.choices) {
    streamed += choice.delta.content ?? "";
    finish = choice.finish_reason ?? finish;
  }
  usage = chunk.usage ?? usage;
}
assert.equal(streamed, chat.choices[0].message.content);
assert.equal(finish, chat.choices[0].finish_reason);
assert.deepEqual(usage, chat.usage);

// Logprobs: one entry per generated token (the limit was hit), top alternatives sorted, the chosen token among them at temperature 0.
const scored = await client.chat.completions.create({ model: JUDGEAPI_BASE_MODEL, messages, max_tokens: 6, temperature: 0, logprobs: true, top_logprobs: 3 });
const tokens = scored.choices[0].logprobs.content;
assert.equal(scored.choices[0].finish_reason, "length");
assert.equal(tokens.length, 6);
assert.equal(tokens.map((t) => t.token).join(""), scored.choices[0].message.content);
for (const t of tokens) {
  assert.ok(t.logprob <= 0);
  assert.equal(t.top_logprobs.length, 3);
  assert.ok(t.top_logprobs[0].logprob >= t.top_logprobs[1].logprob && t.top_logprobs[1].logprob >= t.top_logprobs[2].logprob);
  assert.equal(t.top_logprobs[0].token, t.token);
  assert.equal(t.top_logprobs[0].logprob, t.logprob);
}

// Adapter by model id: the same greedy request on the adapter's weights gives other log-probabilities.
const adapted = await client.chat.completions.create({ model: JUDGEAPI_ADAPTER_MODEL, messages, max_tokens: 6, temperature: 0, logprobs: true });
assert.equal(adapted.model, JUDGEAPI_ADAPTER_MODEL);
const adaptedFirst = adapted.choices[0].logprobs.content[0].logprob;
assert.notEqual(adaptedFirst, tokens[0].logprob);

// Errors: OpenAI's error shape, read by the SDK into its own error classes.
await assert.rejects(client.chat.completions.create({ model: "no-such-model", messages }), (e) =>
  e instanceof OpenAI.NotFoundError && e.status === 404 && e.code === "model_not_found" && e.param === "model");
await assert.rejects(client.chat.completions.create({ model: JUDGEAPI_BASE_MODEL, messages, temperature: 3 }), (e) =>
  e instanceof OpenAI.BadRequestError && e.status === 400 && e.param === "temperature");
const stranger = new OpenAI({ baseURL: `${JUDGEAPI_URL}/v1`, apiKey: "not-a-key", maxRetries: 0 });
await assert.rejects(stranger.models.list(), (e) => e instanceof OpenAI.AuthenticationError && e.status === 401 && e.code === "invalid_api_key");

console.log(JSON.stringify({ models: ids, text: chat.choices[0].message.content, streamed, chunks, usage: chat.usage, firstLogprob: tokens[0].logprob, adaptedFirst }));
