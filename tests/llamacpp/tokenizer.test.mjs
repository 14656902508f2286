// Tokenizers against llama.cpp (issue 18), through node-llama-cpp 3.21.1 loading vocab-only
// files (`vocabOnly`), and `tandem tokenize --ids --no-bos` on the same files:
//   - every vocab-only GGUF in ../shared/tokenizers, on its own test inputs (the .inp file,
//     joined into one text) plus a multilingual line;
//   - every byte-level BPE pre-tokenizer Tandem knows, by rewriting `tokenizer.ggml.pre` of
//     the GPT-2 vocabulary (same tokens and merges, a different split): the split regexes are
//     what differs between them, and llama.cpp applies each name's own.
// A name llama.cpp itself does not know is reported and skipped (it cannot be checked here).
//
// Environment: TANDEM_BINARY (set by CTest), TANDEM_SHARED (default ../../../shared).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getLlama, LlamaLogLevel } from 'node-llama-cpp';

const here = path.dirname(fileURLToPath(import.meta.url));
const TANDEM = process.env.TANDEM_BINARY;
const SHARED = process.env.TANDEM_SHARED ?? path.resolve(here, '../../../shared');
const TOKENIZERS = path.join(SHARED, 'tokenizers');
const MULTILINGUAL = 'Hello world! Café naïve — 你好，世界。 Привет, мир! こんにちは 🙂 123 4567 \n\t  tabs  and\nnew lines; <sentinel:12> IMGIMGABZ don\'t WE\'LL ＡＢＣ１２３ ΑΒΓ 𐐀𐐨';

// The names Tandem's pre-tokenizer table knows (src/tokenizer/pretokenizer.cc).
const PRE_NAMES = [
  'default', 'llama3', 'llama-v3', 'llama-bpe', 'falcon3', 'falcon-h1', 'pixtral', 'midm-2.0', 'lfm2',
  'dbrx', 'smaug-bpe', 'glm4', 'chatglm-bpe', 'deepseek-llm', 'deepseek-v3', 'hunyuan-dense', 'chameleon',
  'deepseek-coder', 'falcon', 'starcoder', 'refact', 'command-r', 'smollm', 'codeshell', 'exaone', 'minerva-7b',
  'gpt-2', 'phi-2', 'jina-es', 'jina-de', 'jina-v1-en', 'jina-v2-es', 'jina-v2-de', 'jina-v2-code', 'roberta-bpe',
  'mpt', 'olmo', 'jais', 'exaone4', 'gigachat', 'mellum', 'qwen2', 'stablelm2', 'deepseek-r1-qwen', 'megrez',
  'hunyuan', 'gpt-4o', 'llama4', 'tekken', 'poro-chat', 'bloom', 'gpt3-finnish', 'viking',
];

let llama;
let dir;

before(async () => {
  assert.ok(TANDEM, 'TANDEM_BINARY must name the tandem executable');
  llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error, progressLogs: false });
  dir = mkdtempSync(path.join(tmpdir(), 'tandem-tok-oracle-'));
});

after(async () => {
  await llama?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function inputs(vocabFile) {
  try {
    return readFileSync(`${vocabFile}.inp`, 'utf8').split('\n__ggml_vocab_test__\n').join('\n');
  } catch {
    return '';
  }
}

async function compare(file, text) {
  const model = await llama.loadModel({ modelPath: file, vocabOnly: true });
  try {
    const textFile = path.join(dir, 'text.txt');
    writeFileSync(textFile, text);
    const got = JSON.parse(execFileSync(TANDEM, ['tokenize', '-m', file, '--ids', '--no-bos', '-f', textFile], { encoding: 'utf8', maxBuffer: 1 << 24 }));
    const want = model.tokenize(text);
    if (got.length !== want.length || got.some((t, i) => t !== want[i])) {
      const i = got.findIndex((t, k) => t !== want[k]);
      const at = i < 0 ? Math.min(got.length, want.length) : i;
      assert.fail(`${path.basename(file)}: first difference at token ${at}: tandem ${JSON.stringify(got.slice(Math.max(0, at - 3), at + 5))} ` +
        `llama.cpp ${JSON.stringify(want.slice(Math.max(0, at - 3), at + 5))} ("${model.detokenize(want.slice(Math.max(0, at - 3), at + 5))}")`);
    }
  } finally {
    await model.dispose();
  }
}

// GGUF metadata: rewrite one string value (vocab-only files have no tensors, so nothing after
// the key/value section moves).
function withStringValue(bytes, key, value) {
  let o = 4 + 4;
  const nTensors = bytes.readBigUInt64LE(o); o += 8;
  const nKv = Number(bytes.readBigUInt64LE(o)); o += 8;
  assert.equal(nTensors, 0n, 'only vocab-only files are rewritten');
  const readStr = () => { const n = Number(bytes.readBigUInt64LE(o)); o += 8; const s = bytes.toString('utf8', o, o + n); o += n; return s; };
  const sizes = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
  const skip = (type) => {
    if (type === 8) { readStr(); return; }
    if (type === 9) {
      const inner = bytes.readUInt32LE(o); o += 4;
      const n = Number(bytes.readBigUInt64LE(o)); o += 8;
      for (let i = 0; i < n; i++) skip(inner);
      return;
    }
    o += sizes[type];
  };
  for (let i = 0; i < nKv; i++) {
    const k = readStr();
    const type = bytes.readUInt32LE(o); o += 4;
    const start = o;
    skip(type);
    if (k === key) {
      assert.equal(type, 8, `${key} is not a string`);
      const v = Buffer.from(value, 'utf8');
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(v.length));
      return Buffer.concat([bytes.subarray(0, start), len, v, bytes.subarray(o)]);
    }
  }
  throw new Error(`${key} not found`);
}

const vocabFiles = readdirSync(TOKENIZERS).filter((f) => f.endsWith('.gguf')).sort();
for (const f of vocabFiles) {
  test(`vocab ${f}: its test inputs tokenize as llama.cpp does`, async () => {
    const file = path.join(TOKENIZERS, f);
    await compare(file, `${inputs(file)}\n${MULTILINGUAL}`);
  });
}

const gpt2 = path.join(TOKENIZERS, 'ggml-vocab-gpt-2.gguf');
const preText = `${inputs(gpt2)}\n${MULTILINGUAL}`;
for (const pre of PRE_NAMES) {
  test(`pre-tokenizer ${pre}: splits as llama.cpp does`, async (t) => {
    const file = path.join(dir, `vocab-${pre}.gguf`);
    writeFileSync(file, withStringValue(readFileSync(gpt2), 'tokenizer.ggml.pre', pre));
    let known = true;
    try {
      await (await llama.loadModel({ modelPath: file, vocabOnly: true })).dispose();
    } catch {
      known = false;
    }
    if (!known) {
      t.skip(`llama.cpp in node-llama-cpp 3.21.1 does not know the pre-tokenizer '${pre}'`);
      return;
    }
    await compare(file, preText);
  });
}
