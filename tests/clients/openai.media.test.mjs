// Media through the official `openai` npm client on both nodes (issue 14's end-to-end
// acceptance): stories260K paired with a random-weight mmproj file from `tandem synth`
// holding an image and an audio encoder (rows of its 64 floats), on a Commander with --mmproj, a Dispatcher reading media on the
// edge (--media edge-only, the default) and a Dispatcher that lets media go to the Commander
// (--media allow-cloud, every prompt routed to the cloud). A chat with an image data URL and
// one with a WAV clip answer 200, count the media rows in usage.prompt_tokens, and stream the
// same answer; bad media is a 400 the client raises as BadRequestError.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { API_KEY, BINARY, MODEL, MODEL_ID, SOURCE_DIR, startProcess } from './support.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'tandem-media-'));
const procs = [];
after(() => {
  for (const p of procs) p.stop();
  rmSync(dir, { recursive: true, force: true });
});

function synth(args) {
  const r = spawnSync(BINARY, ['synth', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, `tandem synth ${args.join(' ')}: ${r.stderr}`);
}

const png = readFileSync(path.join(SOURCE_DIR, 'tests/vision/fixtures/tiny_45x37.png'));
const IMAGE = { type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } };
const wav = readFileSync(path.join(SOURCE_DIR, 'tests/audio/fixtures/chirp_1s_16k.wav'));
const AUDIO = { type: 'input_audio', input_audio: { data: wav.toString('base64'), format: 'wav' } };
const TEXT = { type: 'text', text: 'Once upon a time' };
const SAMPLING = { model: MODEL_ID, max_tokens: 8, temperature: 0 };

const nodes = {};
before(async () => {
  const mmproj = path.join(dir, 'mm.gguf');
  synth(['--mmproj-out', mmproj, '--projector', 'gemma3,ultravox', '--vision', 'tiny', '--audio', 'tiny',
    '--n-embd-text', '64']);
  const common = ['-m', MODEL, '-t', '1', '-c', '1024', '--api-key', API_KEY, '--model-alias', MODEL_ID,
    '--mmproj', mmproj];
  const commander = await startProcess('commander', common);
  procs.push(commander);
  const cloud = path.join(dir, 'cloud.toml');
  writeFileSync(cloud, '[routing]\nppl_threshold = 1.0\ncloud_intents = []\n');
  const dispatcher = (more) => startProcess('dispatcher', [...common, '--commander', commander.root,
    '--commander-key', API_KEY, '--intent-model', 'none', ...more]);
  const [edge, allowCloud] = await Promise.all([
    dispatcher([]), dispatcher(['--media', 'allow-cloud', '--policy', cloud])]);
  procs.push(edge, allowCloud);
  nodes.commander = { ...commander, route: null };
  nodes['dispatcher-edge-only'] = { ...edge, route: 'edge' };
  nodes['dispatcher-allow-cloud'] = { ...allowCloud, route: 'cloud' };
});

for (const name of ['commander', 'dispatcher-edge-only', 'dispatcher-allow-cloud']) {
  describe(name, () => {
    const client = () => new OpenAI({ apiKey: API_KEY, baseURL: nodes[name].baseURL, maxRetries: 0, timeout: 60_000 });

    test('/v1/models lists the image and audio modalities', async () => {
      const models = await client().models.list();
      assert.deepEqual(models.data[0].modalities, ['text', 'image', 'audio']);
    });

    for (const [kind, MEDIA] of [['an image', IMAGE], ['an audio clip', AUDIO]]) test(`a chat with ${kind} answers and counts its rows`, async () => {
      const textOnly = await client().chat.completions.create({
        ...SAMPLING, messages: [{ role: 'user', content: [TEXT] }] });
      const { data: r, response } = await client().chat.completions.create({
        ...SAMPLING, messages: [{ role: 'user', content: [TEXT, MEDIA] }] }).withResponse();
      if (nodes[name].route) assert.equal(response.headers.get('x-tandem-route'), nodes[name].route,
        response.headers.get('x-tandem-reason'));
      assert.equal(r.object, 'chat.completion');
      assert.ok(r.usage.prompt_tokens > textOnly.usage.prompt_tokens + 4,
        `prompt_tokens ${r.usage.prompt_tokens} vs ${textOnly.usage.prompt_tokens} without ${kind}`);
      assert.equal(typeof r.choices[0].message.content, 'string');

      const stream = await client().chat.completions.create({
        ...SAMPLING, messages: [{ role: 'user', content: [TEXT, MEDIA] }], stream: true,
        stream_options: { include_usage: true } });
      let text = '';
      let usage = null;
      for await (const chunk of stream) {
        if (chunk.usage) usage = chunk.usage;
        for (const c of chunk.choices) text += c.delta?.content ?? '';
      }
      assert.equal(text, r.choices[0].message.content);
      assert.equal(usage?.prompt_tokens, r.usage.prompt_tokens);
    });

    test('a corrupt image is a 400 naming the part', async () => {
      const bad = { type: 'image_url', image_url: { url: `data:image/png;base64,${png.subarray(0, 60).toString('base64')}` } };
      await assert.rejects(
        client().chat.completions.create({ ...SAMPLING, messages: [{ role: 'user', content: [TEXT, bad] }] }),
        (e) => {
          assert.ok(e instanceof OpenAI.BadRequestError, String(e));
          assert.equal(e.error?.code, 'invalid_media');
          assert.equal(e.error?.param, 'messages[0].content[1]');
          return true;
        });
    });
  });
}
