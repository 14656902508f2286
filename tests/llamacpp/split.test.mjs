// llama.cpp as the oracle for `tandem split` (issue 25): node-llama-cpp 3.21.1 (llama.cpp's own
// loader, in-process) must load the shards Tandem writes, given the first one, and read the
// same model as from the whole file:
//   - llama.cpp's greedy tokens from the shards are exactly its tokens from the whole file,
//   - its perplexity over the same text is the same to the last digit,
//   - Tandem's greedy tokens from the shards are llama.cpp's (stories260K F32: a trained
//     model's logits leave no near-ties to round either way).
// Environment: TANDEM_BINARY (set by CTest), TANDEM_SHARED (default ../../../shared).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getLlama, LlamaLogLevel } from 'node-llama-cpp';

const here = path.dirname(fileURLToPath(import.meta.url));
const TANDEM = process.env.TANDEM_BINARY;
const SHARED = process.env.TANDEM_SHARED ?? path.resolve(here, '../../../shared');
const WHOLE = path.join(SHARED, 'models/stories260K/stories260K-f32.gguf');
const PROMPT = 'Once upon a time';
const GREEDY = 32;
const CTX = 64;

let llama;
let dir;

const tandem = (...args) => execFileSync(TANDEM, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 24 });

before(async () => {
  assert.ok(TANDEM, 'TANDEM_BINARY must name the tandem executable');
  llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error, progressLogs: false });
  dir = mkdtempSync(path.join(tmpdir(), 'tandem-split-oracle-'));
});

after(async () => {
  await llama?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function promptTokens(model) {
  const p = model.tokenize(PROMPT);
  return model.tokens.shouldPrependBosToken ? [model.tokens.bos, ...p] : p;
}

// llama.cpp's own greedy continuation, one argmax at a time.
async function llamaGreedy(model) {
  const context = await model.createContext({ contextSize: 128, batchSize: 128, sequences: 1, threads: 2 });
  try {
    const seq = context.getSequence();
    const out = [];
    let input = promptTokens(model);
    for (let i = 0; i < GREEDY; i++) {
      const res = await seq.controlledEvaluate(input.map((t, j) => (j === input.length - 1 ? [t, { generateNext: { token: true } }] : t)));
      const next = res[input.length - 1].next.token;
      out.push(next);
      input = [next];
    }
    return out;
  } finally {
    await context.dispose();
  }
}

// llama-perplexity's sums (chunks of CTX, BOS in front, the second half scored).
async function llamaPerplexity(model, text) {
  const context = await model.createContext({ contextSize: CTX, batchSize: CTX, sequences: 1, threads: 2 });
  try {
    const seq = context.getSequence();
    const bos = model.tokens.bos;
    const tokens = [bos, ...model.tokenize(text)];
    const chunks = Math.floor(tokens.length / CTX);
    assert.ok(chunks >= 2);
    let nll = 0;
    let n = 0;
    for (let c = 0; c < chunks; c++) {
      const chunk = tokens.slice(c * CTX, (c + 1) * CTX);
      chunk[0] = bos;
      await seq.clearHistory();
      const out = await seq.controlledEvaluate(chunk.map((t, j) => (j >= CTX / 2 && j < CTX - 1 ? [t, { generateNext: { probabilities: true } }] : t)));
      for (let j = CTX / 2; j < CTX - 1; j++) {
        nll -= Math.log(out[j].next.probabilities.get(tokens[c * CTX + j + 1]));
        n++;
      }
    }
    return Math.exp(nll / n);
  } finally {
    await context.dispose();
  }
}

for (const mode of [['--split-max-tensors', '20'], ['--split-max-size', '400K']]) {
  test(`llama.cpp reads Tandem's shards (${mode.join(' ')}) as the whole model`, async () => {
    const prefix = path.join(dir, `stories${mode[0]}`);
    const out = tandem('split', WHOLE, prefix, ...mode);
    const n = Number(/n_split: (\d+)/.exec(out)[1]);
    assert.ok(n >= 2, out);
    const first = `${prefix}-00001-of-${String(n).padStart(5, '0')}.gguf`;
    assert.ok(existsSync(first));
    const text = readFileSync(path.join(SHARED, 'eval/tinystories/stories_dev.txt'), 'utf8').slice(0, 1500);

    const whole = await llama.loadModel({ modelPath: WHOLE });
    const split = await llama.loadModel({ modelPath: first });
    try {
      const [a, b] = [await llamaGreedy(whole), await llamaGreedy(split)];
      assert.deepEqual(b, a, 'llama.cpp greedy tokens from the shards');
      const [pa, pb] = [await llamaPerplexity(whole, text), await llamaPerplexity(split, text)];
      console.log(`${n} shards: llama.cpp PPL whole ${pa} split ${pb}`);
      assert.equal(pb, pa, 'llama.cpp perplexity from the shards');

      const run = spawnSync(TANDEM, ['run', '-m', first, '-p', PROMPT, '-n', String(GREEDY), '--temp', '0', '-t', '2', '--token-ids'], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      const ids = JSON.parse(/token ids: (\[.*\])/.exec(run.stderr)[1]);
      assert.deepEqual(ids, b, "Tandem's greedy tokens from the shards");
    } finally {
      await split.dispose();
      await whole.dispose();
    }
  });
}
