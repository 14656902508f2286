// The Responses API (POST /v1/responses) through the official `openai` npm client, on a
// Commander alone and on a Dispatcher in front of a Commander (cloud and edge routes):
// text in and out, streamed events, function tools with tool_choice forced, the follow-up turn
// with a function_call_output item, and text.format json_schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import {
  API_KEY, MODEL_ID, TOOLS, TOOL_PARAMS, forEachNode, assertRoute, assertSchema, parseJson,
} from './support.mjs';

const client = (node) => new OpenAI({ apiKey: API_KEY, baseURL: node.baseURL, maxRetries: 0, timeout: 60_000 });
// Responses-style function tools are flat: {type, name, description, parameters}.
const RESPONSE_TOOLS = TOOLS.map(({ function: f }) => ({ type: 'function', name: f.name, description: f.description, parameters: f.parameters, strict: true }));

function assertFinished(r) {
  assert.equal(r.object, 'response');
  assert.equal(typeof r.id, 'string');
  assert.ok(['completed', 'incomplete'].includes(r.status), `status ${r.status}`);
  if (r.status === 'incomplete') assert.equal(r.incomplete_details?.reason, 'max_output_tokens');
  assert.ok(r.usage.input_tokens > 0);
  assert.ok(r.usage.output_tokens > 0);
  assert.equal(r.usage.total_tokens, r.usage.input_tokens + r.usage.output_tokens);
}

// The text of the message items, as the SDK's output_text computes it.
function messageText(r) {
  return r.output.filter((o) => o.type === 'message')
    .flatMap((o) => o.content).filter((c) => c.type === 'output_text').map((c) => c.text).join('');
}

function assertFunctionCall(item, allowed = Object.keys(TOOL_PARAMS)) {
  assert.equal(item.type, 'function_call');
  assert.equal(typeof item.call_id, 'string');
  assert.ok(item.call_id.length > 0);
  assert.ok(allowed.includes(item.name), `function ${item.name} not in ${allowed}`);
  assert.equal(typeof item.arguments, 'string');
  assertSchema(TOOL_PARAMS[item.name], parseJson(item.arguments, `arguments of ${item.name}`), `arguments of ${item.name}`);
}

// Reads a Responses event stream; checks the event order and numbering.
async function collectEvents(stream) {
  const events = [];
  for await (const ev of stream) events.push(ev);
  assert.ok(events.length >= 2, 'too few events');
  assert.equal(events[0].type, 'response.created');
  const last = events[events.length - 1];
  assert.ok(['response.completed', 'response.incomplete'].includes(last.type), `last event ${last.type}`);
  for (let i = 1; i < events.length; i++) {
    assert.ok(events[i].sequence_number > events[i - 1].sequence_number,
      `sequence_number not increasing at ${events[i].type}`);
  }
  return { events, response: last.response };
}

forEachNode(['default', 'qwen'], (node) => {
  test('responses.create: text in, message with output_text out', async () => {
    const { data: r, response } = await client(node()).responses.create({
      model: MODEL_ID, input: 'Once upon a time', max_output_tokens: 16, temperature: 0,
    }).withResponse();
    assertRoute(node(), response.headers);
    assertFinished(r);
    const msg = r.output.find((o) => o.type === 'message');
    assert.ok(msg, JSON.stringify(r.output));
    assert.equal(msg.role, 'assistant');
    assert.ok(r.output_text.length > 0);
    assert.equal(r.output_text, messageText(r));
    assert.ok(r.usage.output_tokens <= 16);
  });

  test('responses.create, streamed: the deltas join to the non-streamed greedy text', async () => {
    const params = {
      model: MODEL_ID, instructions: 'Tell a story.', max_output_tokens: 24, temperature: 0,
      input: [{ role: 'user', content: 'Lily and the dog' }],
    };
    const whole = await client(node()).responses.create(params);
    assertFinished(whole);
    const stream = await client(node()).responses.create({ ...params, stream: true });
    const { events, response } = await collectEvents(stream);
    const deltas = events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta).join('');
    const done = events.find((e) => e.type === 'response.output_text.done');
    assert.ok(done, 'no response.output_text.done event');
    assert.equal(done.text, deltas);
    assert.equal(deltas, whole.output_text);
    assertFinished(response);
    assert.equal(messageText(response), whole.output_text);
    for (const type of ['response.output_item.added', 'response.content_part.added', 'response.output_item.done']) {
      assert.ok(events.some((e) => e.type === type), `no ${type} event`);
    }
  });

  test('function tools with tool_choice "required": function_call items', async () => {
    const r = await client(node()).responses.create({
      model: MODEL_ID, input: 'What is the weather in Paris?', tools: RESPONSE_TOOLS, tool_choice: 'required',
      temperature: 0.8, max_output_tokens: 300, parallel_tool_calls: false,
    });
    assert.equal(r.status, 'completed');
    const calls = r.output.filter((o) => o.type === 'function_call');
    assert.ok(calls.length >= 1, JSON.stringify(r.output));
    for (const c of calls) assertFunctionCall(c);
  });

  test('a forced call cut by max_output_tokens is "incomplete"', async () => {
    const r = await client(node()).responses.create({
      model: MODEL_ID, input: 'What is the weather in Paris?', tools: RESPONSE_TOOLS, tool_choice: 'required',
      temperature: 0.8, max_output_tokens: 16,
    });
    // No call fits in 16 tokens.
    assert.equal(r.status, 'incomplete', JSON.stringify(r.output));
    assert.equal(r.incomplete_details?.reason, 'max_output_tokens');
  });

  test('function tools streamed, named tool_choice: argument deltas join to the call', async () => {
    const stream = await client(node()).responses.create({
      model: MODEL_ID, input: 'What time is it in Tokyo?', tools: RESPONSE_TOOLS,
      tool_choice: { type: 'function', name: 'get_time' }, temperature: 0.8, max_output_tokens: 300, parallel_tool_calls: false, stream: true,
    });
    const { events, response } = await collectEvents(stream);
    assert.equal(response.status, 'completed');
    const calls = response.output.filter((o) => o.type === 'function_call');
    assert.ok(calls.length >= 1, JSON.stringify(response.output));
    for (const c of calls) assertFunctionCall(c, ['get_time']);
    const args = events.filter((e) => e.type === 'response.function_call_arguments.delta').map((e) => e.delta).join('');
    assert.equal(args, calls.map((c) => c.arguments).join(''));
    assert.ok(events.some((e) => e.type === 'response.function_call_arguments.done'));
  });

  test('follow-up turn: function_call item and function_call_output', async () => {
    const c = client(node());
    const first = await c.responses.create({
      model: MODEL_ID, input: 'What is the weather in Paris?', tools: RESPONSE_TOOLS, temperature: 0.8,
      tool_choice: { type: 'function', name: 'get_weather' }, max_output_tokens: 300, parallel_tool_calls: false,
    });
    const calls = first.output.filter((o) => o.type === 'function_call');
    assert.ok(calls.length >= 1, JSON.stringify(first.output));
    const second = await c.responses.create({
      model: MODEL_ID, tools: RESPONSE_TOOLS, temperature: 0, max_output_tokens: 16,
      input: [
        { role: 'user', content: 'What is the weather in Paris?' },
        ...calls,
        ...calls.map((call) => ({ type: 'function_call_output', call_id: call.call_id, output: '{"temperature":21}' })),
      ],
    });
    assertFinished(second);
    assert.ok(second.usage.input_tokens > first.usage.input_tokens);
  });

  test('text.format json_schema: output_text satisfies the schema', async () => {
    const schema = TOOL_PARAMS.get_weather;
    const r = await client(node()).responses.create({
      model: MODEL_ID, input: 'Weather as JSON', temperature: 1, max_output_tokens: 300,
      text: { format: { type: 'json_schema', name: 'weather', schema, strict: true } },
    });
    assert.equal(r.status, 'completed');
    assertSchema(schema, parseJson(r.output_text, 'output_text'), 'output_text');
  });

  test('errors: unknown model is 404, a bad input is 400', async () => {
    await assert.rejects(client(node()).responses.create({ model: 'gpt-9', input: 'x' }),
      (e) => e instanceof OpenAI.NotFoundError && e.code === 'model_not_found');
    await assert.rejects(client(node()).responses.create({ model: MODEL_ID, input: 42 }),
      (e) => e instanceof OpenAI.BadRequestError && e.param === 'input');
  });
});
