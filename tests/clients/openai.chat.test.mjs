// Chat completions through the official `openai` npm client (pinned in package.json), on a
// Commander alone and on a Dispatcher in front of a Commander (cloud route and edge route),
// with the model's default template and with a Qwen 2.5 (Hermes <tool_call>) template:
// function tools (tool_choice required / named / auto / none, parallel_tool_calls, streamed
// deltas, the follow-up turn with the tool's result), response_format, embeddings.
//
// stories260K knows nothing of tools or JSON: a call is only certain when tool_choice forces
// one (the server then constrains decoding by a grammar); with `auto` only the shape of the
// answer is checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import {
  API_KEY, MODEL_ID, TOOLS, TOOL_PARAMS, WEATHER_PARAMS, forEachNode, assertRoute, assertToolCall,
  assertSchema, parseJson,
} from './support.mjs';

const client = (node) => new OpenAI({ apiKey: API_KEY, baseURL: node.baseURL, maxRetries: 0, timeout: 60_000 });
const USER = [{ role: 'user', content: 'What is the weather in Paris?' }];
// A forced call is one call here (parallel_tool_calls false): with parallel calls allowed the
// tiny model may go on adding calls until max_tokens (the parallel test below allows that).
const SAMPLING = { temperature: 0.8, seed: 7, max_tokens: 300, parallel_tool_calls: false };

// The reply is an assistant message whose tool_calls are all well formed.
function assertToolReply(r, allowed) {
  const choice = r.choices[0];
  assert.equal(r.object, 'chat.completion');
  assert.equal(choice.message.role, 'assistant');
  assert.ok(Array.isArray(choice.message.tool_calls) && choice.message.tool_calls.length >= 1,
    `expected message.tool_calls, got ${JSON.stringify(choice.message)} (finish_reason ${choice.finish_reason})`);
  assert.equal(choice.finish_reason, 'tool_calls');
  assert.ok(choice.message.content === null || typeof choice.message.content === 'string');
  const ids = new Set();
  for (const call of choice.message.tool_calls) {
    assertToolCall(call, allowed);
    assert.ok(!ids.has(call.id), `duplicate tool call id ${call.id}`);
    ids.add(call.id);
  }
  assert.ok(r.usage.completion_tokens > 0);
}

// Reassembles streamed tool-call deltas by index, as the OpenAI docs describe.
async function collectStream(stream) {
  const calls = [];
  let content = '';
  let finish = null;
  let role = null;
  for await (const chunk of stream) {
    assert.equal(chunk.object, 'chat.completion.chunk');
    for (const c of chunk.choices) {
      if (c.delta?.role) role = c.delta.role;
      if (c.delta?.content) content += c.delta.content;
      for (const d of c.delta?.tool_calls ?? []) {
        assert.equal(typeof d.index, 'number', `tool call delta without index: ${JSON.stringify(d)}`);
        if (!calls[d.index]) {
          // The first delta of a call carries its id, type and name.
          assert.equal(typeof d.id, 'string', `first delta of call ${d.index} has no id: ${JSON.stringify(d)}`);
          assert.equal(d.type, 'function');
          assert.equal(typeof d.function?.name, 'string');
          calls[d.index] = { id: d.id, type: d.type, function: { name: d.function.name, arguments: '' } };
        }
        calls[d.index].function.arguments += d.function?.arguments ?? '';
      }
      if (c.finish_reason) finish = c.finish_reason;
    }
  }
  assert.ok(calls.every(Boolean), 'tool call indices must be dense');
  return { calls, content, finish, role };
}

forEachNode(['default', 'qwen'], (node) => {
  test('tool_choice "required": message.tool_calls with arguments valid under the schema', async () => {
    const { data: r, response } = await client(node()).chat.completions.create({
      model: MODEL_ID, messages: USER, tools: TOOLS, tool_choice: 'required', ...SAMPLING,
    }).withResponse();
    assertRoute(node(), response.headers);
    assertToolReply(r);
  });

  test('tool_choice names a function: only that function is called', async () => {
    const r = await client(node()).chat.completions.create({
      model: MODEL_ID, messages: USER, tools: TOOLS, ...SAMPLING,
      tool_choice: { type: 'function', function: { name: 'get_time' } },
    });
    assertToolReply(r, ['get_time']);
  });

  test('parallel_tool_calls: false gives exactly one call', async () => {
    for (const seed of [1, 2, 3]) {
      const r = await client(node()).chat.completions.create({
        model: MODEL_ID, messages: USER, tools: TOOLS, tool_choice: 'required', parallel_tool_calls: false,
        ...SAMPLING, seed,
      });
      assertToolReply(r);
      assert.equal(r.choices[0].message.tool_calls.length, 1, JSON.stringify(r.choices[0].message.tool_calls));
    }
  });

  test('parallel_tool_calls (default true): valid calls, or an answer cut by max_tokens', async () => {
    for (const seed of [1, 2, 3]) {
      const r = await client(node()).chat.completions.create({
        model: MODEL_ID, messages: USER, tools: TOOLS, tool_choice: 'required', temperature: 0.8, seed, max_tokens: 200,
      });
      const { finish_reason: finish, message } = r.choices[0];
      if (finish === 'length') {
        assert.equal(r.usage.completion_tokens, 200);
      } else {
        // Not cut: every call is complete and valid.
        assertToolReply(r);
        assert.equal(r.usage.completion_tokens < 200, true,
          `finish_reason ${finish} after ${r.usage.completion_tokens} tokens = max_tokens: ${JSON.stringify(message.tool_calls)}`);
      }
    }
  });

  test('streamed tool call: deltas reassembled by index equal the non-streamed answer', async () => {
    const params = { model: MODEL_ID, messages: USER, tools: TOOLS, tool_choice: 'required', ...SAMPLING };
    const whole = await client(node()).chat.completions.create(params);
    assertToolReply(whole);
    const stream = await client(node()).chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } });
    const { calls, finish, role } = await collectStream(stream);
    assert.equal(role, 'assistant');
    assert.equal(finish, 'tool_calls');
    assert.ok(calls.length >= 1, 'no tool call in the stream');
    for (const call of calls) assertToolCall(call);
    // Same seed, same text, streamed or not (docs/API.md): the same calls.
    assert.deepEqual(calls.map((c) => [c.function.name, c.function.arguments]),
      whole.choices[0].message.tool_calls.map((c) => [c.function.name, c.function.arguments]));
  });

  test('the SDK stream helper assembles the tool call (chat.completions.stream)', async () => {
    const stream = client(node()).beta.chat.completions.stream({
      model: MODEL_ID, messages: USER, tools: TOOLS, ...SAMPLING, stream_options: { include_usage: true },
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    const final = await stream.finalChatCompletion();
    assertToolReply(final, ['get_weather']);
  });

  test('a forced call cut by max_tokens ends with finish_reason "length"', async () => {
    for (const stream of [false, true]) {
      const params = { model: MODEL_ID, messages: USER, tools: TOOLS, tool_choice: 'required', temperature: 0.8, seed: 7, max_tokens: 6 };
      let finish;
      if (stream) {
        ({ finish } = await collectStream(await client(node()).chat.completions.create({ ...params, stream: true })));
      } else {
        const r = await client(node()).chat.completions.create(params);
        finish = r.choices[0].finish_reason;
        assert.ok(r.usage.completion_tokens <= 6);
      }
      // No call can be complete in 6 tokens: the answer was cut, whatever the calls so far.
      assert.equal(finish, 'length', `stream=${stream}`);
    }
  });

  test('tool_choice "auto": the request succeeds and the answer is well formed', async () => {
    const r = await client(node()).chat.completions.create({
      model: MODEL_ID, messages: USER, tools: TOOLS, tool_choice: 'auto', temperature: 0, max_tokens: 40,
    });
    const { message, finish_reason: finish } = r.choices[0];
    assert.equal(message.role, 'assistant');
    if (message.tool_calls?.length) {
      assert.equal(finish, 'tool_calls');
      for (const call of message.tool_calls) assertToolCall(call);
    } else {
      assert.equal(typeof message.content, 'string');
      assert.ok(['stop', 'length'].includes(finish), finish);
    }
  });

  test('tool_choice "none": text, no tool_calls', async () => {
    const r = await client(node()).chat.completions.create({
      model: MODEL_ID, messages: USER, tools: TOOLS, tool_choice: 'none', temperature: 0, max_tokens: 24,
    });
    const { message, finish_reason: finish } = r.choices[0];
    assert.ok(!message.tool_calls || message.tool_calls.length === 0, JSON.stringify(message));
    assert.equal(typeof message.content, 'string');
    assert.ok(['stop', 'length'].includes(finish), finish);
  });

  test('follow-up turn: the assistant tool_calls message and the role "tool" result', async () => {
    const c = client(node());
    const first = await c.chat.completions.create({
      model: MODEL_ID, messages: USER, tools: TOOLS, ...SAMPLING,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    assertToolReply(first, ['get_weather']);
    const assistant = first.choices[0].message;
    const results = assistant.tool_calls.map((call) => ({
      role: 'tool', tool_call_id: call.id, content: JSON.stringify({ temperature: 21, sky: 'clear' }),
    }));
    // The SDK's own message object goes back as it came (content null, tool_calls).
    const followUp = { model: MODEL_ID, tools: TOOLS, tool_choice: 'none', temperature: 0, max_tokens: 24 };
    const { data: second, response } = await c.chat.completions.create({
      ...followUp, messages: [...USER, assistant, ...results],
    }).withResponse();
    assertRoute(node(), response.headers);
    assert.equal(second.choices[0].message.role, 'assistant');
    assert.equal(typeof second.choices[0].message.content, 'string');
    assert.ok(['stop', 'length'].includes(second.choices[0].finish_reason));
    const without = await c.chat.completions.create({ ...followUp, messages: USER });
    assert.ok(second.usage.prompt_tokens > without.usage.prompt_tokens,
      `the call and its result must reach the prompt (${second.usage.prompt_tokens} vs ${without.usage.prompt_tokens} tokens without them)`);

    // A hand-written history in the documented shape, content "" and a text-part tool result.
    const third = await c.chat.completions.create({
      model: MODEL_ID, temperature: 0, max_tokens: 16, tools: TOOLS,
      messages: [
        ...USER,
        { role: 'assistant', content: '', tool_calls: [{ id: 'call_abc', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' } }] },
        { role: 'tool', tool_call_id: 'call_abc', content: [{ type: 'text', text: '21 degrees' }] },
      ],
    });
    assert.equal(typeof third.choices[0].message.content, 'string');
  });

  test('tool errors: a named function not in tools, a tool result answering no call, a bad tool', async () => {
    const c = client(node());
    await assert.rejects(c.chat.completions.create({
      model: MODEL_ID, messages: USER, tools: TOOLS, tool_choice: { type: 'function', function: { name: 'nope' } },
    }), (e) => e instanceof OpenAI.BadRequestError && e.param === 'tool_choice');
    await assert.rejects(c.chat.completions.create({
      model: MODEL_ID, tools: TOOLS,
      messages: [...USER, { role: 'tool', tool_call_id: 'call_missing', content: '21' }],
    }), (e) => e instanceof OpenAI.BadRequestError);
    await assert.rejects(c.chat.completions.create({
      model: MODEL_ID, messages: USER, tools: [{ type: 'function', function: { description: 'no name' } }],
    }), (e) => e instanceof OpenAI.BadRequestError && /^tools/.test(e.param ?? ''));
    await assert.rejects(c.chat.completions.create({
      model: MODEL_ID, messages: USER, tool_choice: 'required',
    }), (e) => e instanceof OpenAI.BadRequestError && e.param === 'tool_choice');
  });

  test('response_format json_schema: the content parses and satisfies the schema', async () => {
    const schema = { ...WEATHER_PARAMS };
    const { data: r, response } = await client(node()).chat.completions.create({
      model: MODEL_ID, messages: USER, temperature: 1, seed: 3, max_tokens: 120,
      response_format: { type: 'json_schema', json_schema: { name: 'weather', schema, strict: true } },
    }).withResponse();
    assertRoute(node(), response.headers);
    assert.equal(r.choices[0].finish_reason, 'stop');
    assertSchema(schema, parseJson(r.choices[0].message.content, 'content'), 'content');
  });

  test('response_format json_schema, streamed: the joined deltas satisfy the schema', async () => {
    const schema = TOOL_PARAMS.get_time;
    const stream = await client(node()).chat.completions.create({
      model: MODEL_ID, messages: USER, temperature: 1, seed: 4, max_tokens: 120, stream: true,
      response_format: { type: 'json_schema', json_schema: { name: 'time', schema } },
    });
    const { content, finish } = await collectStream(stream);
    assert.equal(finish, 'stop');
    assertSchema(schema, parseJson(content, 'streamed content'), 'streamed content');
  });

  test('response_format json_object: a JSON object', async () => {
    const r = await client(node()).chat.completions.create({
      model: MODEL_ID, messages: [{ role: 'user', content: 'Answer in JSON.' }], temperature: 0, max_tokens: 200,
      response_format: { type: 'json_object' },
    });
    const { content } = r.choices[0].message;
    if (r.choices[0].finish_reason === 'stop') {
      const v = parseJson(content, 'content');
      assert.ok(v !== null && typeof v === 'object' && !Array.isArray(v), content);
    } else {
      assert.equal(r.choices[0].finish_reason, 'length');  // a prefix of an object, cut by max_tokens
      assert.ok(content.trimStart().startsWith('{'), content);
    }
  });

  test('embeddings: float and base64 agree, unit norm', async () => {
    const c = client(node());
    const dflt = await c.embeddings.create({ model: MODEL_ID, input: ['Once upon a time', 'The cat'] });
    const floats = await c.embeddings.create({ model: MODEL_ID, input: ['Once upon a time', 'The cat'], encoding_format: 'float' });
    assert.equal(dflt.data.length, 2);
    assert.deepEqual(dflt.data.map((d) => d.embedding), floats.data.map((d) => d.embedding));
    for (const d of floats.data) assert.ok(Math.abs(Math.hypot(...d.embedding) - 1) < 1e-4);
    assert.ok(floats.usage.prompt_tokens > 0);
  });
});
