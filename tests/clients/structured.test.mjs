// Structured output acceptance (issue 13): 50 seeded runs (seed 1..50, temperature 1) of a
// json_schema request on stories260K, on a Commander and on a Dispatcher (cloud and edge
// routes); every output must be complete and valid under the schema, checked with ajv.
// The schema has a nested object, enums, an array with minItems/maxItems, integers with
// bounds, a boolean, an anyOf with null, and required plus optional properties.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import Ajv from 'ajv';
import { API_KEY, MODEL_ID, forEachNode, assertRoute } from './support.mjs';

export const SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 12 },
    age: { type: 'integer', minimum: 0, maximum: 120 },
    mood: { type: 'string', enum: ['happy', 'sad', 'sleepy'] },
    tags: { type: 'array', items: { type: 'string', maxLength: 6 }, minItems: 1, maxItems: 3 },
    pet: {
      type: 'object',
      properties: {
        kind: { type: 'string', enum: ['cat', 'dog', 'bird'] },
        legs: { type: 'integer', minimum: 0, maximum: 8 },
        friendly: { type: 'boolean' },
      },
      required: ['kind', 'legs'],
      additionalProperties: false,
    },
    nickname: { type: 'string', maxLength: 8 },
    score: { anyOf: [{ type: 'integer', minimum: 0, maximum: 10 }, { type: 'null' }] },  // pydantic's Optional[int]
  },
  required: ['name', 'age', 'mood', 'tags', 'pet'],
  additionalProperties: false,
};

const RUNS = 50;
const CONCURRENCY = 4;
const validate = new Ajv({ allErrors: true, strict: true }).compile(SCHEMA);

forEachNode(['default'], (node) => {
  test(`${RUNS} seeded json_schema answers (temperature 1) are all valid under the schema`, async () => {
    const client = new OpenAI({ apiKey: API_KEY, baseURL: node().baseURL, maxRetries: 0, timeout: 60_000 });
    const failures = [];
    const outputs = new Set();
    let seed = 1;
    const worker = async () => {
      while (seed <= RUNS) {
        const s = seed++;
        let r;
        try {
          const { data, response } = await client.chat.completions.create({
            model: MODEL_ID,
            messages: [{ role: 'user', content: 'Describe a character as JSON.' }],
            temperature: 1, seed: s, max_tokens: 256,
            response_format: { type: 'json_schema', json_schema: { name: 'character', schema: SCHEMA, strict: true } },
          }).withResponse();
          assertRoute(node(), response.headers);
          r = data;
        } catch (e) {
          failures.push(`seed ${s}: request failed: ${e.status ?? ''} ${e.message}`);
          continue;
        }
        const { content } = r.choices[0].message;
        outputs.add(content);
        if (r.choices[0].finish_reason !== 'stop') {
          failures.push(`seed ${s}: finish_reason ${r.choices[0].finish_reason}: ${content}`);
          continue;
        }
        let value;
        try {
          value = JSON.parse(content);
        } catch (e) {
          failures.push(`seed ${s}: not JSON (${e.message}): ${content}`);
          continue;
        }
        if (!validate(value)) failures.push(`seed ${s}: ${JSON.stringify(validate.errors)}: ${content}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    assert.deepEqual(failures, [], `${failures.length} of ${RUNS} runs failed:\n${failures.join('\n')}`);
    // Sampling at temperature 1 with distinct seeds explores the schema, not one answer.
    assert.ok(outputs.size > RUNS / 2, `only ${outputs.size} distinct answers`);
  });

  // OpenAI's strict mode makes a field optional with a type union with null; a keyword of the
  // other type (maxLength, minimum, ...) then applies to that type only (JSON Schema:
  // validation keywords ignore instances of other types).
  test('type unions with null keep the other type\'s keywords', async () => {
    const schema = {
      type: 'object',
      properties: {
        nick: { type: ['string', 'null'], maxLength: 8 },
        age: { type: ['integer', 'null'], minimum: 0, maximum: 120 },
        tags: { type: ['array', 'null'], items: { type: 'string', maxLength: 4 }, maxItems: 2 },
      },
      required: ['nick', 'age', 'tags'],
      additionalProperties: false,
    };
    const check = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);
    const client = new OpenAI({ apiKey: API_KEY, baseURL: node().baseURL, maxRetries: 0, timeout: 60_000 });
    for (const seed of [1, 2, 3, 4, 5]) {
      const r = await client.chat.completions.create({
        model: MODEL_ID, messages: [{ role: 'user', content: 'A pet as JSON.' }], temperature: 1, seed, max_tokens: 200,
        response_format: { type: 'json_schema', json_schema: { name: 'pet', schema, strict: true } },
      });
      assert.equal(r.choices[0].finish_reason, 'stop', r.choices[0].message.content);
      const value = JSON.parse(r.choices[0].message.content);
      assert.ok(check(value), `${r.choices[0].message.content}: ${JSON.stringify(check.errors)}`);
    }
  });
});
