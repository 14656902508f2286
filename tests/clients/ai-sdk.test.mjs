// The Vercel AI SDK (`ai` + `@ai-sdk/openai`, pinned) against Tandem through
// createOpenAI({baseURL, apiKey}), on a Commander alone and on a Dispatcher in front of a
// Commander. Two providers: `openai.chat(id)` (chat completions) and the default `openai(id)`,
// which speaks the Responses API (/v1/responses). generateText with tools (toolChoice
// required), a tool loop, multi-turn history (stored items referenced by id, and
// previousResponseId), generateObject with a zod schema, streamText.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateText, generateObject, streamText, tool } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { z } from 'zod';
import { API_KEY, MODEL_ID, TOOL_PARAMS, forEachNode, assertSchema } from './support.mjs';

const tools = {
  get_weather: tool({
    description: 'Get the weather in a city',
    inputSchema: z.object({ city: z.string().max(12), unit: z.enum(['celsius', 'fahrenheit']) }),
  }),
  get_time: tool({
    description: 'Get the time in a time zone',
    inputSchema: z.object({ zone: z.string().max(8), hours: z.number().int().min(0).max(23).optional() }),
  }),
};

const Character = z.object({
  name: z.string().min(1).max(12),
  mood: z.enum(['happy', 'sad', 'sleepy']),
  age: z.number().int().min(0).max(120),
  tags: z.array(z.string().max(6)).min(1).max(3),
});

const provider = (node) => createOpenAI({ baseURL: node.baseURL, apiKey: API_KEY });
// The two model flavours of the provider: chat completions, and the default (Responses API).
const FLAVOURS = {
  chat: (node) => provider(node).chat(MODEL_ID),
  responses: (node) => provider(node)(MODEL_ID),
};
const COMMON = { maxRetries: 0, timeout: 60_000 };
// One call per forced answer: with parallel calls the tiny model may add calls until the limit.
const ONE_CALL = { providerOptions: { openai: { parallelToolCalls: false } } };

function assertToolCalls(result, allowed = Object.keys(tools)) {
  assert.ok(result.toolCalls.length >= 1,
    `no tool calls: finishReason ${result.finishReason}, text ${JSON.stringify(result.text)}, content ${JSON.stringify(result.content)}`);
  for (const call of result.toolCalls) {
    assert.equal(call.type, 'tool-call');
    assert.ok(allowed.includes(call.toolName), `tool ${call.toolName} not in ${allowed}`);
    assert.equal(typeof call.toolCallId, 'string');
    assert.ok(!call.invalid, `invalid tool call: ${JSON.stringify(call)}`);
    assertSchema(TOOL_PARAMS[call.toolName], call.input, `input of ${call.toolName}`);
  }
  assert.equal(result.finishReason, 'tool-calls');
}

forEachNode(['default', 'qwen'], (node) => {
  for (const [flavour, model] of Object.entries(FLAVOURS)) {
    test(`[${flavour}] generateText with tools, toolChoice "required"`, async () => {
      const result = await generateText({
        ...COMMON, model: model(node()), tools, toolChoice: 'required',
        prompt: 'What is the weather in Paris?', temperature: 0.8, maxOutputTokens: 300, ...ONE_CALL,
      });
      assertToolCalls(result);
    });

    test(`[${flavour}] generateText, toolChoice names a tool`, async () => {
      const result = await generateText({
        ...COMMON, model: model(node()), tools, toolChoice: { type: 'tool', toolName: 'get_time' },
        prompt: 'What time is it in Tokyo?', temperature: 0.8, maxOutputTokens: 300, ...ONE_CALL,
      });
      assertToolCalls(result, ['get_time']);
    });

    test(`[${flavour}] a tool loop: the call, its result, then text`, async () => {
      const messages = [{ role: 'user', content: 'What is the weather in Paris?' }];
      const first = await generateText({
        ...COMMON, model: model(node()), tools, toolChoice: { type: 'tool', toolName: 'get_weather' },
        messages, temperature: 0.8, maxOutputTokens: 300, ...ONE_CALL,
      });
      assertToolCalls(first, ['get_weather']);
      const toolResults = {
        role: 'tool',
        content: first.toolCalls.map((c) => ({
          type: 'tool-result', toolCallId: c.toolCallId, toolName: c.toolName,
          output: { type: 'json', value: { temperature: 21 } },
        })),
      };
      const second = await generateText({
        ...COMMON, model: model(node()), tools, toolChoice: 'none', temperature: 0, maxOutputTokens: 24,
        messages: [...messages, ...first.response.messages, toolResults],
      });
      assert.equal(typeof second.text, 'string');
      assert.deepEqual(second.toolCalls, []);
      assert.ok(['stop', 'length'].includes(second.finishReason), second.finishReason);
    });

    // A chat history as apps keep it: the earlier answer's response.messages go back. With
    // `store` true (its default) the Responses provider sends earlier output as item_reference
    // items, which the server resolves from its response store; with false, the items whole.
    for (const store of [false, true]) {
      test(`[${flavour}] multi-turn: the earlier answer goes back (store: ${store})`, async () => {
        const opts = { ...COMMON, model: model(node()), temperature: 0, maxOutputTokens: 12, providerOptions: { openai: { store } } };
        const messages = [{ role: 'user', content: 'Tell me a story.' }];
        const first = await generateText({ ...opts, messages });
        assert.ok(first.text.length > 0);
        if (flavour === 'responses' && store) {
          // The SDK refers to this answer by its item id on the next turn.
          const ids = first.response.messages.flatMap((m) => Array.isArray(m.content) ? m.content : [])
            .map((p) => p.providerOptions?.openai?.itemId).filter(Boolean);
          assert.ok(ids.length > 0 && ids.every((id) => id.startsWith('msg_')), JSON.stringify(first.response.messages));
        }
        const second = await generateText({ ...opts, messages: [...messages, ...first.response.messages, { role: 'user', content: 'And then?' }] });
        assert.ok(second.text.length > 0);
        assert.ok(second.usage.inputTokens > first.usage.inputTokens);
        assert.ok(second.usage.inputTokens >= first.usage.inputTokens + first.usage.outputTokens,
          `the second prompt holds the first answer: ${JSON.stringify([first.usage, second.usage])}`);
      });
    }

    if (flavour === 'responses') {
      test('[responses] previousResponseId continues a stored conversation (streamed first turn)', async () => {
        const opts = { ...COMMON, model: model(node()), temperature: 0, maxOutputTokens: 12 };
        const stream = streamText({ ...opts, prompt: 'Tell me a story.' });
        let text = '';
        for await (const part of stream.textStream) text += part;
        assert.ok(text.length > 0);
        const firstId = (await stream.providerMetadata)?.openai?.responseId;
        const firstUsage = await stream.usage;
        assert.match(firstId, /^resp_/);
        const second = await generateText({
          ...opts, prompt: 'And then?', providerOptions: { openai: { previousResponseId: firstId } },
        });
        assert.ok(second.text.length > 0);
        assert.ok(second.usage.inputTokens >= firstUsage.inputTokens + firstUsage.outputTokens,
          `the second prompt holds the first turn: ${JSON.stringify([firstUsage, second.usage])}`);
        // Not stored: nothing to continue.
        const unstored = await generateText({ ...opts, prompt: 'Hi', providerOptions: { openai: { store: false } } });
        await assert.rejects(generateText({
          ...opts, prompt: 'And then?',
          providerOptions: { openai: { previousResponseId: unstored.providerMetadata.openai.responseId } },
        }), /not found/);
      });
    }

    test(`[${flavour}] generateObject with a zod schema`, async () => {
      const { object, finishReason } = await generateObject({
        ...COMMON, model: model(node()), schema: Character, schemaName: 'character',
        prompt: 'Describe a character of a story.', temperature: 1, maxOutputTokens: 200,
      });
      assert.equal(finishReason, 'stop');
      Character.parse(object);
    });

    test(`[${flavour}] generateText, plain text`, async () => {
      const result = await generateText({
        ...COMMON, model: model(node()), prompt: 'Once upon a time', temperature: 0, maxOutputTokens: 16,
      });
      assert.ok(result.text.length > 0);
      assert.ok(['stop', 'length'].includes(result.finishReason), result.finishReason);
      assert.ok(result.usage.inputTokens > 0);
      assert.ok(result.usage.outputTokens > 0);
    });

    test(`[${flavour}] streamText: the text stream joins to the greedy generateText answer`, async () => {
      const params = { ...COMMON, model: model(node()), prompt: 'Lily and the dog', temperature: 0, maxOutputTokens: 20 };
      const whole = await generateText(params);
      const errors = [];
      const result = streamText({ ...params, onError: ({ error }) => errors.push(error) });
      let text = '';
      for await (const part of result.textStream) text += part;
      assert.deepEqual(errors, []);
      assert.equal(text, whole.text);
      assert.equal(await result.finishReason, whole.finishReason);
    });

    test(`[${flavour}] streamText with a forced tool: tool-call parts`, async () => {
      const errors = [];
      const result = streamText({
        ...COMMON, model: model(node()), tools, toolChoice: 'required', prompt: 'What is the weather in Paris?',
        temperature: 0.8, maxOutputTokens: 300, ...ONE_CALL, onError: ({ error }) => errors.push(error),
      });
      const calls = [];
      for await (const part of result.fullStream) if (part.type === 'tool-call') calls.push(part);
      assert.deepEqual(errors, []);
      assert.ok(calls.length >= 1, 'no tool-call part in the stream');
      for (const c of calls) assertSchema(TOOL_PARAMS[c.toolName], c.input, `input of ${c.toolName}`);
      assert.equal(await result.finishReason, 'tool-calls');
    });
  }
});
