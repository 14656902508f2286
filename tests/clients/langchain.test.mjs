// LangChain's ChatOpenAI (@langchain/openai, pinned) pointed at Tandem through
// configuration.baseURL, on a Commander alone and on a Dispatcher in front of a Commander:
// bindTools with a forced tool_choice yields tool_calls (also streamed, and the follow-up turn
// with a ToolMessage), and withStructuredOutput returns a parsed object for each method
// (jsonSchema, functionCalling, jsonMode), given a zod schema or a plain JSON Schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatOpenAI } from '@langchain/openai';
import { tool } from '@langchain/core/tools';
import { HumanMessage, ToolMessage } from '@langchain/core/messages';
import { z } from 'zod';
import { API_KEY, MODEL_ID, TOOL_PARAMS, forEachNode, assertSchema } from './support.mjs';

const getWeather = tool(async ({ city }) => `21 degrees in ${city}`, {
  name: 'get_weather',
  description: 'Get the weather in a city',
  schema: z.object({ city: z.string().max(12), unit: z.enum(['celsius', 'fahrenheit']) }),
});
const getTime = tool(async ({ zone }) => `noon in ${zone}`, {
  name: 'get_time',
  description: 'Get the time in a time zone',
  schema: z.object({ zone: z.string().max(8), hours: z.number().int().min(0).max(23).optional() }),
});

const Character = z.object({
  name: z.string().min(1).max(12),
  mood: z.enum(['happy', 'sad', 'sleepy']),
  age: z.number().int().min(0).max(120),
  tags: z.array(z.string().max(6)).min(1).max(3),
}).describe('A character of a story');

function chat(node, extra = {}) {
  return new ChatOpenAI({
    model: MODEL_ID, apiKey: API_KEY, configuration: { baseURL: node.baseURL },
    temperature: 0.8, maxTokens: 300, maxRetries: 0, timeout: 60_000, modelKwargs: { seed: 11 }, ...extra,
  });
}

// LangChain tool calls: {name, args (parsed), id, type: 'tool_call'}.
function assertToolCalls(msg, allowed = ['get_weather', 'get_time']) {
  assert.ok(msg.tool_calls?.length >= 1,
    `no tool_calls: content ${JSON.stringify(msg.content)}, invalid_tool_calls ${JSON.stringify(msg.invalid_tool_calls)}`);
  assert.deepEqual(msg.invalid_tool_calls ?? [], [],
    `invalid tool calls (finish_reason ${msg.response_metadata?.finish_reason ?? msg.response_metadata?.status}, ` +
    `usage ${JSON.stringify(msg.usage_metadata)})`);
  for (const call of msg.tool_calls) {
    assert.ok(allowed.includes(call.name), `tool ${call.name} not in ${allowed}`);
    assert.equal(typeof call.id, 'string');
    assert.ok(call.id.length > 0);
    assertSchema(TOOL_PARAMS[call.name], call.args, `args of ${call.name}`);
  }
}

forEachNode(['default', 'qwen'], (node) => {
  test('bindTools, tool_choice "required": tool_calls', async () => {
    const msg = await chat(node()).bindTools([getWeather, getTime], { tool_choice: 'required', parallel_tool_calls: false })
      .invoke('What is the weather in Paris?');
    assertToolCalls(msg);
    assert.equal(msg.response_metadata?.finish_reason, 'tool_calls');
  });

  test('bindTools, tool_choice names a tool: that tool is called', async () => {
    const msg = await chat(node()).bindTools([getWeather, getTime], { tool_choice: 'get_time', parallel_tool_calls: false })
      .invoke('What time is it in Tokyo?');
    assertToolCalls(msg, ['get_time']);
  });

  test('bindTools, streamed: the chunks concatenate to the tool call', async () => {
    const model = chat(node()).bindTools([getWeather, getTime], { tool_choice: 'get_weather', parallel_tool_calls: false });
    let full;
    for await (const chunk of await model.stream('What is the weather in Paris?')) {
      full = full ? full.concat(chunk) : chunk;
    }
    assertToolCalls(full, ['get_weather']);
  });

  test('bindTools, tool_choice "auto": the request succeeds', async () => {
    const msg = await chat(node(), { temperature: 0, maxTokens: 32 }).bindTools([getWeather, getTime], { tool_choice: 'auto' })
      .invoke('Hello');
    if (msg.tool_calls?.length) assertToolCalls(msg);
    else assert.equal(typeof msg.content, 'string');
  });

  test('the tool loop: the AIMessage with tool_calls and a ToolMessage go back', async () => {
    const model = chat(node());
    const ask = new HumanMessage('What is the weather in Paris?');
    const ai = await model.bindTools([getWeather], { tool_choice: 'get_weather', parallel_tool_calls: false }).invoke([ask]);
    assertToolCalls(ai, ['get_weather']);
    const results = await Promise.all(ai.tool_calls.map((call) => getWeather.invoke(call)));
    assert.ok(results.every((m) => m instanceof ToolMessage));
    const answer = await chat(node(), { temperature: 0, maxTokens: 24 }).bindTools([getWeather], { tool_choice: 'none' })
      .invoke([ask, ai, ...results]);
    assert.equal(typeof answer.content, 'string');
    assert.deepEqual(answer.tool_calls ?? [], []);
  });

  // A named tool_choice: @langchain/openai 1.5.8 drops the string forms ("required", "auto",
  // "none") on its Responses path (ChatOpenAIResponses.invocationParams keeps only objects), so
  // "required" would never reach the server there.
  test('bindTools over the Responses API (useResponsesApi), named tool_choice: tool_calls', async () => {
    const msg = await chat(node(), { useResponsesApi: true }).bindTools([getWeather, getTime], { tool_choice: 'get_weather', parallel_tool_calls: false })
      .invoke('What is the weather in Paris?');
    assertToolCalls(msg, ['get_weather']);
  });

  // jsonMode sends only response_format {"type":"json_object"}: the schema never reaches the
  // server (LangChain expects the prompt to describe it), so no server can guarantee it; the
  // test runs and reports, as a TODO, whether this answer happened to satisfy it.
  const JSON_MODE_TODO = 'jsonMode sends no schema (response_format json_object only): the server cannot enforce it';
  for (const method of ['jsonSchema', 'functionCalling', 'jsonMode']) {
    test(`withStructuredOutput(zod, {method: "${method}"}) returns an object satisfying the schema`, { todo: method === 'jsonMode' ? JSON_MODE_TODO : undefined }, async () => {
      const model = chat(node(), { temperature: 1 }).withStructuredOutput(Character, { method, name: 'character', includeRaw: true });
      const { raw, parsed, parsingError } = await model.invoke('Describe a character of a story.');
      const rawText = `raw content ${JSON.stringify(raw?.content)}, tool_calls ${JSON.stringify(raw?.tool_calls)}, ` +
        `finish_reason ${raw?.response_metadata?.finish_reason}`;
      assert.equal(parsingError, undefined, `${method}: ${parsingError?.message}; ${rawText}`);
      assert.ok(parsed && typeof parsed === 'object', `${method}: parsed ${JSON.stringify(parsed)}; ${rawText}`);
      Character.parse(parsed);
    });
  }
  // With a plain JSON Schema LangChain parses without validating (JsonOutputParser for jsonMode):
  // jsonMode must still return a JSON object, which the server guarantees with its json_object
  // grammar; the other two methods send the schema, so the object must also satisfy it.
  const { $schema, ...CharacterJson } = z.toJSONSchema(Character);  // ajv: default draft
  for (const method of ['jsonSchema', 'functionCalling', 'jsonMode']) {
    test(`withStructuredOutput(JSON schema, {method: "${method}"}) returns a parsed object`, async () => {
      const model = chat(node(), { temperature: 1 }).withStructuredOutput(CharacterJson, { method, name: 'character', includeRaw: true });
      const { raw, parsed, parsingError } = await model.invoke('Describe a character of a story as JSON.');
      const rawText = `raw content ${JSON.stringify(raw?.content)}, finish_reason ${raw?.response_metadata?.finish_reason}`;
      assert.equal(parsingError, undefined, `${method}: ${parsingError?.message}; ${rawText}`);
      assert.ok(parsed && typeof parsed === 'object' && !Array.isArray(parsed), `${method}: parsed ${JSON.stringify(parsed)}; ${rawText}`);
      if (method === 'jsonMode') assert.deepEqual(JSON.parse(raw.content), parsed, rawText);
      else assertSchema(CharacterJson, parsed, method);
    });
  }
});
