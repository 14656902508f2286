// The Commander through the official `openai` npm client: what any OpenAI app would do.
// Run by CTest (test_api_openai_client) with TANDEM_BINARY and TANDEM_MODEL set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startProcess } from './processes.mjs';

const binary = process.env.TANDEM_BINARY;
const model = process.env.TANDEM_MODEL;
const apiKey = 'sk-tandem-test';
let server;
let baseURL;

before(async () => {
  assert.ok(binary && model, 'TANDEM_BINARY and TANDEM_MODEL must be set');
  server = await startProcess('commander', ['-m', model, '--api-key', apiKey, '--parallel', '4',
    '-t', '2', '--model-alias', 'stories']);
  baseURL = server.baseURL;
});

after(() => {
  server?.stop();
});

const client = () => new OpenAI({ apiKey, baseURL, maxRetries: 0 });

test('models.list names the served model', async () => {
  const page = await client().models.list();
  const ids = page.data.map((m) => m.id);
  assert.deepEqual(ids, ['stories']);
});

test('chat completion, non-streaming', async () => {
  const r = await client().chat.completions.create({
    model: 'stories',
    messages: [{ role: 'system', content: 'Tell a story.' }, { role: 'user', content: 'Once upon a time' }],
    max_tokens: 16,
    temperature: 0,
  });
  assert.equal(r.object, 'chat.completion');
  assert.equal(r.choices.length, 1);
  assert.equal(r.choices[0].message.role, 'assistant');
  assert.ok(r.choices[0].message.content.length > 0);
  assert.ok(['stop', 'length'].includes(r.choices[0].finish_reason));
  assert.ok(r.usage.prompt_tokens > 0);
  assert.ok(r.usage.completion_tokens > 0 && r.usage.completion_tokens <= 16);
});

test('chat completion, streaming, matches non-streaming greedy text', async () => {
  const params = {
    model: 'stories',
    messages: [{ role: 'user', content: 'Lily' }],
    max_tokens: 20,
    temperature: 0,
  };
  const whole = await client().chat.completions.create(params);
  const stream = await client().chat.completions.create({
    ...params, stream: true, stream_options: { include_usage: true },
  });
  let text = '';
  let finish = null;
  let usage = null;
  for await (const chunk of stream) {
    assert.equal(chunk.object, 'chat.completion.chunk');
    if (chunk.usage) usage = chunk.usage;
    for (const c of chunk.choices) {
      text += c.delta?.content ?? '';
      if (c.finish_reason) finish = c.finish_reason;
    }
  }
  assert.equal(text, whole.choices[0].message.content);
  assert.equal(finish, whole.choices[0].finish_reason);
  assert.equal(usage.completion_tokens, whole.usage.completion_tokens);
});

test('completions with echo and logprobs', async () => {
  const r = await client().completions.create({
    model: 'stories', prompt: 'Once upon a time', max_tokens: 8, temperature: 0, echo: true, logprobs: 2,
  });
  assert.equal(r.object, 'text_completion');
  assert.ok(r.choices[0].text.startsWith('Once upon a time'));
  const lp = r.choices[0].logprobs;
  assert.equal(lp.tokens.length, r.usage.prompt_tokens + r.usage.completion_tokens);
  assert.equal(lp.token_logprobs[0], null);
  for (const x of lp.token_logprobs.slice(1)) assert.ok(x <= 0);
});

test('completions streaming', async () => {
  const stream = await client().completions.create({
    model: 'stories', prompt: 'The dog', max_tokens: 12, temperature: 0, stream: true,
  });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
  const whole = await client().completions.create({
    model: 'stories', prompt: 'The dog', max_tokens: 12, temperature: 0,
  });
  assert.equal(text, whole.choices[0].text);
});

test('a wrong API key is an AuthenticationError (401)', async () => {
  const bad = new OpenAI({ apiKey: 'sk-wrong', baseURL, maxRetries: 0 });
  await assert.rejects(
    bad.chat.completions.create({ model: 'stories', messages: [{ role: 'user', content: 'x' }] }),
    (e) => e instanceof OpenAI.AuthenticationError && e.status === 401 && e.error?.type === 'authentication_error',
  );
});

test('an unknown model is NotFoundError (404), n=2 is BadRequestError (400)', async () => {
  await assert.rejects(
    client().chat.completions.create({ model: 'gpt-9', messages: [{ role: 'user', content: 'x' }] }),
    (e) => e instanceof OpenAI.NotFoundError && e.code === 'model_not_found',
  );
  await assert.rejects(
    client().chat.completions.create({ model: 'stories', n: 2, messages: [{ role: 'user', content: 'x' }] }),
    (e) => e instanceof OpenAI.BadRequestError && e.param === 'n',
  );
});

test('embeddings: string and array input; the default base64 decodes to the float answer', async () => {
  const c = client();
  // The client asks for base64 when encoding_format is left out and decodes it itself.
  const dflt = await c.embeddings.create({ model: 'stories', input: 'Once upon a time' });
  const floats = await c.embeddings.create({ model: 'stories', input: 'Once upon a time', encoding_format: 'float' });
  assert.equal(dflt.object, 'list');
  assert.equal(dflt.model, 'stories');
  assert.equal(dflt.data.length, 1);
  assert.equal(dflt.data[0].object, 'embedding');
  assert.equal(dflt.data[0].embedding.length, 64);
  assert.deepEqual(dflt.data[0].embedding, floats.data[0].embedding);
  const norm = Math.hypot(...floats.data[0].embedding);
  assert.ok(Math.abs(norm - 1) < 1e-4, `norm ${norm}`);
  assert.ok(floats.usage.prompt_tokens > 0);
  assert.equal(floats.usage.total_tokens, floats.usage.prompt_tokens);

  const texts = ['Once upon a time', 'The cat sat on the mat'];
  const raw = await c.embeddings.create({ model: 'stories', input: texts, encoding_format: 'base64' });
  assert.deepEqual(raw.data.map((d) => d.index), [0, 1]);
  assert.equal(typeof raw.data[0].embedding, 'string');
  const buf = Buffer.from(raw.data[0].embedding, 'base64');
  const decoded = Array.from(new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4));
  assert.deepEqual(decoded, floats.data[0].embedding);
  const batch = await c.embeddings.create({ model: 'stories', input: texts, encoding_format: 'float' });
  assert.equal(batch.data.length, 2);
  assert.notDeepEqual(batch.data[0].embedding, batch.data[1].embedding);
});

test('embeddings errors: dimensions is BadRequestError (400), an unknown model NotFoundError', async () => {
  await assert.rejects(
    client().embeddings.create({ model: 'stories', input: 'x', dimensions: 8 }),
    (e) => e instanceof OpenAI.BadRequestError && e.param === 'dimensions',
  );
  await assert.rejects(
    client().embeddings.create({ model: 'text-embedding-3-small', input: 'x' }),
    (e) => e instanceof OpenAI.NotFoundError && e.code === 'model_not_found',
  );
});

test('models.retrieve returns the served model, an unknown id is NotFoundError', async () => {
  const m = await client().models.retrieve('stories');
  assert.equal(m.id, 'stories');
  assert.equal(m.object, 'model');
  await assert.rejects(
    client().models.retrieve('gpt-9'),
    (e) => e instanceof OpenAI.NotFoundError && e.code === 'model_not_found',
  );
});
