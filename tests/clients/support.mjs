// Shared pieces of the client tests: real `tandem` server processes (a Commander alone, and
// Dispatchers in front of a Commander: routed to the cloud, kept on the edge, or speculative),
// JSON Schema validation with ajv, and small helpers. Not a test file itself.
//
// Environment (set by CTest, see CMakeLists.txt):
//   TANDEM_BINARY  the built `tandem` executable
//   TANDEM_MODEL   stories260K-f32.gguf (../shared/models/stories260K/)
//   TANDEM_NODES   which nodes a run covers, comma-separated: commander, dispatcher-cloud,
//                  dispatcher-edge, dispatcher-speculative, or the shorthands `dispatcher`
//                  (the three Dispatchers) and `all` (the default)
import { before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import { startProcess } from './processes.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SOURCE_DIR = path.resolve(here, '../..');
// The server processes themselves: processes.mjs (shared with tests/console).
export { BINARY, startProcess } from './processes.mjs';
export const MODEL = process.env.TANDEM_MODEL
  ?? path.resolve(SOURCE_DIR, '../shared/models/stories260K/stories260K-f32.gguf');
export const API_KEY = 'sk-tandem-test';
export const MODEL_ID = 'stories';
// A Qwen 2.5 template: tools rendered into the system turn, calls in Hermes <tool_call> tags.
export const QWEN_TEMPLATE = path.join(SOURCE_DIR, 'testdata/templates/Qwen-Qwen2.5-7B-Instruct.jinja');

// stories260K's GGUF declares a 128-token context; a Qwen system turn listing two tools is
// several hundred of its (mostly one-character) tokens, so every server gets 2048.
export const CTX = ['-c', '2048'];

export const TEMPLATES = {
  default: [],  // stories260K has no chat template: the built-in plain transcript
  qwen: ['--chat-template', QWEN_TEMPLATE],
};

const DISPATCHERS = ['dispatcher-cloud', 'dispatcher-edge', 'dispatcher-speculative'];

export function selectedNodes() {
  const raw = (process.env.TANDEM_NODES ?? 'all').split(',').map((s) => s.trim()).filter(Boolean);
  const out = new Set();
  for (const n of raw) {
    if (n === 'all') ['commander', ...DISPATCHERS].forEach((x) => out.add(x));
    else if (n === 'dispatcher') DISPATCHERS.forEach((x) => out.add(x));
    else if (n === 'commander' || DISPATCHERS.includes(n)) out.add(n);
    else throw new Error(`TANDEM_NODES: unknown node ${n}`);
  }
  return [...out];
}

// Routing policies that pin a Dispatcher to one route (docs/ROUTING.md): every prompt's
// perplexity under stories260K is above 1, so `ppl_threshold = 1` sends all chats to the
// Commander; with no intent rule and no threshold the default (edge) answers. The speculative
// Dispatcher sends everything to the cloud too, where the edge drafts and the Commander
// verifies (requests the verify loop cannot serve take the plain cloud path).
const ALWAYS_CLOUD = '[routing]\nppl_threshold = 1.0\ncloud_intents = []\n';
const POLICIES = {
  'dispatcher-cloud': ALWAYS_CLOUD,
  'dispatcher-edge': '[routing]\ncloud_intents = []\n',
  'dispatcher-speculative': ALWAYS_CLOUD,
};
const ROUTES = {
  commander: null,
  'dispatcher-cloud': ['cloud'],
  'dispatcher-edge': ['edge'],
  'dispatcher-speculative': ['cloud-speculative', 'cloud'],
};

// The servers of one test file: for each chat template asked for, one Commander, plus the
// Dispatchers in front of it (each with the same template). Started lazily, once each.
export class Cluster {
  constructor() {
    this.procs = [];
    this.commanders = new Map();
    this.nodes = new Map();
    this.dir = mkdtempSync(path.join(tmpdir(), 'tandem-clients-'));
  }

  async commander(template) {
    if (!this.commanders.has(template)) {
      this.commanders.set(template, (async () => {
        const p = await startProcess('commander', ['-m', MODEL, '-t', '1', ...CTX, '--parallel', '4',
          '--api-key', API_KEY, '--model-alias', MODEL_ID, ...TEMPLATES[template]]);
        this.procs.push(p);
        return p;
      })());
    }
    return this.commanders.get(template);
  }

  // A node: {name, template, baseURL, root, route}. `route` lists the x-tandem-route values a
  // chat answer may carry (null on a Commander).
  async node(name, template) {
    const key = `${name}/${template}`;
    if (!this.nodes.has(key)) {
      this.nodes.set(key, (async () => {
        const commander = await this.commander(template);
        if (name === 'commander') return { name, template, baseURL: commander.baseURL, root: commander.root, route: ROUTES[name], proc: commander };
        const policy = path.join(this.dir, `${name}.toml`);
        writeFileSync(policy, POLICIES[name]);
        const p = await startProcess('dispatcher', ['-m', MODEL, '-t', '1', ...CTX, '--commander', commander.root,
          '--commander-key', API_KEY, '--api-key', API_KEY, '--model-alias', MODEL_ID,
          '--intent-model', 'none', '--policy', policy, ...TEMPLATES[template],
          ...(name === 'dispatcher-speculative' ? ['--speculative'] : [])]);
        this.procs.push(p);
        return { name, template, baseURL: p.baseURL, root: p.root, route: ROUTES[name], proc: p };
      })());
    }
    return this.nodes.get(key);
  }

  stop() {
    for (const p of this.procs) p.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// Declares one `describe` block per (node, template) and hands each a getter for its node.
// `body(getNode, {name, template})` declares the tests.
export function forEachNode(templates, body) {
  const cluster = new Cluster();
  after(() => cluster.stop());
  for (const name of selectedNodes()) {
    for (const template of templates) {
      describe(`${name} [${template} template]`, () => {
        let node;
        before(async () => { node = await cluster.node(name, template); });
        body(() => node, { name, template });
      });
    }
  }
  return cluster;
}

// The x-tandem-route header of an answer must name one of the node's routes.
export function assertRoute(node, headers) {
  if (!node.route) return;
  const get = (h) => (headers.get ? headers.get(h) : headers[h]);
  assert.ok(node.route.includes(get('x-tandem-route')),
    `x-tandem-route ${get('x-tandem-route')} (reason: ${get('x-tandem-reason')}), expected ${node.route.join(' or ')}`);
}

// POSTs JSON to the node, returns {status, headers, body (parsed JSON or text)}.
export async function post(node, pathname, body) {
  const r = await fetch(`${node.baseURL}${pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: r.status, headers: r.headers, text, json };
}

const ajv = new Ajv({ allErrors: true, strict: true });
// Asserts `value` satisfies JSON Schema `schema`; the message names every violation.
export function assertSchema(schema, value, what = 'value') {
  const validate = ajv.compile(schema);
  const ok = validate(value);
  assert.ok(ok, `${what} ${JSON.stringify(value)} violates the schema: ${ajv.errorsText(validate.errors)}`);
}

// JSON.parse with the text in the failure message.
export function parseJson(text, what = 'text') {
  try {
    return JSON.parse(text);
  } catch (e) {
    assert.fail(`${what} is not JSON (${e.message}): ${JSON.stringify(text)}`);
  }
}

// Two tools with bounded arguments: the tiny model writes random strings, so `maxLength`
// and enums keep a forced call short enough to finish inside max_tokens.
export const WEATHER_PARAMS = {
  type: 'object',
  properties: {
    city: { type: 'string', maxLength: 12 },
    unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
  },
  required: ['city', 'unit'],
  additionalProperties: false,
};
export const TIME_PARAMS = {
  type: 'object',
  properties: {
    zone: { type: 'string', maxLength: 8 },
    hours: { type: 'integer', minimum: 0, maximum: 23 },
  },
  required: ['zone'],
  additionalProperties: false,
};
export const TOOLS = [
  { type: 'function', function: { name: 'get_weather', description: 'Get the weather in a city', parameters: WEATHER_PARAMS } },
  { type: 'function', function: { name: 'get_time', description: 'Get the time in a time zone', parameters: TIME_PARAMS } },
];
export const TOOL_PARAMS = { get_weather: WEATHER_PARAMS, get_time: TIME_PARAMS };

// A chat-completions tool call (message.tool_calls[i], or one reassembled from stream deltas)
// is well formed and its arguments satisfy the named tool's parameters schema.
export function assertToolCall(call, allowed = Object.keys(TOOL_PARAMS)) {
  assert.equal(call.type, 'function', `tool call type: ${JSON.stringify(call)}`);
  assert.equal(typeof call.id, 'string');
  assert.ok(call.id.length > 0, 'tool call id is empty');
  assert.ok(allowed.includes(call.function?.name), `tool name ${call.function?.name} not in ${allowed}`);
  assert.equal(typeof call.function.arguments, 'string', 'function.arguments must be a JSON string');
  const args = parseJson(call.function.arguments, `arguments of ${call.function.name}`);
  assertSchema(TOOL_PARAMS[call.function.name], args, `arguments of ${call.function.name}`);
  return args;
}
