// The web console in a real browser: Debian's chromium, headless, driven by puppeteer-core,
// against a real Dispatcher (stories260K on the edge) in front of a real Commander. A story
// prompt is answered on the edge, a coding prompt holding a phone number by the Commander;
// the page must stream both, badge their routes, and show the masked text the Commander got
// (which must not hold the number: the Commander's own request log is checked too).
// Every request to another host fails the test, and so does any console error.
//
// Environment (CTest sets it): TANDEM_BINARY, TANDEM_MODEL, CONSOLE_SCREENSHOTS (a folder for
// the screenshots, the CI artefacts), CHROMIUM (default /usr/bin/chromium).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { BINARY, startProcess } from '../clients/processes.mjs';

const SOURCE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MODEL = process.env.TANDEM_MODEL
  ?? path.resolve(SOURCE_DIR, '../shared/models/stories260K/stories260K-f32.gguf');
const API_KEY = 'sk-tandem-console-test';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = process.env.CONSOLE_SCREENSHOTS ?? path.join(SOURCE_DIR, 'build/console-screenshots');
const PHONE = '415-555-0172';
const STORY = 'Once upon a time, there was a little dog named Max. One day';
const CODING = `Write a Python function that sends an SMS to ${PHONE} and returns the status code`;
const IMAGE = path.join(SOURCE_DIR, 'tests/vision/fixtures/tiny_45x37.png');

let commander, dispatcher, browser, page, dir, requestLog;
const problems = [];  // console errors, page errors, requests to other hosts
const allowedOrigins = new Set();  // the node under test (the Dispatcher, later the Commander)

async function shot(name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

// Sends `text` with the keyboard (Enter) and waits for the answer to finish; returns how many
// different non-empty texts the answer showed on the way (> 1: it streamed in). On loopback a
// short answer can arrive in one read; the page's connection is throttled (16 kB/s) so the
// SSE events reach it spread out as they would over a real link, and the count does not
// depend on the machine's speed. (That the servers stream is tested without a browser:
// test_console, tests/clients.)
async function sendAndWait(text) {
  await page.emulateNetworkConditions({ download: 16_000, upload: 1_000_000, latency: 0 });
  const before = await page.$$eval('.message.assistant', (l) => l.length);
  await page.evaluate(() => {
    window.__seen = new Set();
    const list = document.getElementById('messages');
    window.__observer?.disconnect();
    // Each repaint replaces the answer's element: the records' added nodes keep every state
    // the page drew, even when a busy machine hands the page several SSE events in one read
    // and the observer runs only after the last of them. Only the answer being streamed is
    // marked pending, so earlier answers redrawn by a full render do not count.
    window.__observer = new MutationObserver((records) => {
      for (const r of records)
        for (const n of r.addedNodes) {
          if (n.nodeType !== 1 || !n.matches('.message.assistant') || !n.querySelector('.pending')) continue;
          const text = n.querySelector('.text')?.textContent;
          if (text) window.__seen.add(text);
        }
      const answers = list.querySelectorAll('.message.assistant .text');
      const last = answers[answers.length - 1];
      if (last?.textContent) window.__seen.add(last.textContent);
    });
    window.__observer.observe(list, { childList: true, subtree: true, characterData: true });
  });
  await page.click('#prompt');
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
  await page.waitForFunction((n) => {
    const answers = document.querySelectorAll('.message.assistant');
    return answers.length > n && !answers[answers.length - 1].querySelector('.pending');
  }, { timeout: 120_000 }, before);
  await page.emulateNetworkConditions(null);
  return page.evaluate(() => window.__seen.size);
}

async function lastAnswer() {
  return page.$$eval('.message.assistant', (l) => {
    const m = l[l.length - 1];
    return {
      text: m.querySelector('.text').textContent,
      route: m.querySelector('.badge')?.dataset.route ?? null,
      error: m.querySelector('.error')?.textContent ?? null,
      stopped: m.querySelector('.stopped') !== null,
    };
  });
}

before(async () => {
  assert.ok(existsSync(CHROMIUM), `no browser at ${CHROMIUM}: scripts/setup.sh installs Debian's chromium`);
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(path.join(tmpdir(), 'tandem-console-'));
  requestLog = path.join(dir, 'commander-requests.log');
  const policy = path.join(dir, 'policy.toml');
  // Coding goes to the Commander by intent; stories stay on the edge (their perplexity is far
  // under the threshold, which is there for the playground's slider).
  writeFileSync(policy, '[routing]\nppl_threshold = 500.0\ncloud_intents = ["coding"]\n');
  commander = await startProcess('commander', ['-m', MODEL, '-t', '1', '-c', '2048', '--api-key', API_KEY,
    '--model-alias', 'stories', '--log-requests', requestLog]);
  // The edge reads images through a tiny synthesized encoder for stories260K's 64-wide
  // embeddings (the attachment test).
  const mmproj = path.join(dir, 'mmproj.gguf');
  execFileSync(BINARY, ['synth', '--mmproj-out', mmproj, '--projector', 'gemma3', '--vision', 'tiny',
    '--n-embd-text', '64'], { stdio: 'ignore' });
  dispatcher = await startProcess('dispatcher', ['-m', MODEL, '-t', '1', '-c', '2048', '--mmproj', mmproj,
    '--commander', commander.root,
    '--commander-key', API_KEY, '--api-key', API_KEY, '--model-alias', 'stories',
    '--intent-model', path.join(SOURCE_DIR, 'data/intent/intent_model.bin'), '--policy', policy]);
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  page = await browser.newPage();
  allowedOrigins.add(new URL(dispatcher.root).origin);
  await page.setRequestInterception(true);
  page.on('request', (req) => {
    const url = req.url();
    if (url.startsWith('data:') || url.startsWith('blob:') || allowedOrigins.has(new URL(url).origin)) return req.continue();
    problems.push(`request to another host: ${url}`);
    return req.abort();
  });
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.setViewport({ width: 1280, height: 900 });
});

after(async () => {
  await browser?.close();
  dispatcher?.stop();
  commander?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the page loads from the binary and asks for the API key', async () => {
  const response = await page.goto(dispatcher.root, { waitUntil: 'networkidle0' });
  assert.equal(response.status(), 200);
  assert.match(response.headers()['content-security-policy'], /default-src 'self'/);
  await page.waitForSelector('#key-form:not(.hidden)');
  await shot('01-api-key');
  await page.type('#key-input', API_KEY);
  await page.click('#key-form button[type=submit]');
  await page.waitForFunction(() => document.querySelectorAll('#model option').length > 0);
  assert.equal(await page.$eval('#model', (s) => s.value), 'stories');
  assert.equal(await page.$eval('#role', (e) => e.textContent), 'dispatcher');
});

test('a story prompt streams in from the edge', async () => {
  const seen = await sendAndWait(STORY);
  const a = await lastAnswer();
  assert.equal(a.error, null);
  assert.ok(a.text.length > 0, 'empty answer');
  assert.ok(seen > 1, `the answer appeared in one piece (${seen} states), not streamed`);
  assert.equal(a.route, 'edge');
  assert.equal(await page.$eval('#decision-route', (e) => e.textContent), 'edge');
  assert.ok(await page.$eval('#sent-view', (e) => e.classList.contains('hidden')), 'an edge answer sent nothing');
  // The status panel refreshes after each answer: /metrics counts it on the edge.
  await page.waitForFunction(() => /edge answers1/.test(document.getElementById('status-facts').textContent),
    { timeout: 10_000 });
  await shot('02-edge-answer');
});

test('a coding prompt with a phone number goes to the Commander masked', async () => {
  const seen = await sendAndWait(CODING);
  const a = await lastAnswer();
  assert.equal(a.error, null);
  assert.ok(a.text.length > 0, 'empty answer');
  assert.ok(seen > 1, `the answer appeared in one piece (${seen} states), not streamed`);
  assert.equal(a.route, 'cloud');
  await page.waitForSelector('#sent-view:not(.hidden)');
  const masked = await page.$eval('#sent-masked', (e) => e.textContent);
  const placeholders = await page.$$eval('#sent-masked mark.placeholder', (l) => l.map((m) => m.textContent));
  const original = await page.$eval('#sent-original', (e) => e.textContent);
  assert.ok(original.includes(PHONE), 'the original shows the number');
  assert.ok(!masked.includes(PHONE), `the masked view shows the number: ${masked}`);
  assert.ok(placeholders.some((p) => /^<PHONE_\d+>$/.test(p)), `no highlighted phone placeholder in ${masked}`);
  // What the Commander really received (its own request log), not just what the page shows.
  const received = readFileSync(requestLog, 'utf8');
  assert.ok(!received.includes(PHONE), 'the number reached the Commander');
  assert.match(received, /<PHONE_\d+>/);
  await page.waitForFunction(() => /cloud answers1/.test(document.getElementById('status-facts').textContent),
    { timeout: 10_000 });
  await shot('03-cloud-answer-masked');
});

test('keyboard: Shift+Enter is a new line, Esc stops an answer', async () => {
  const n = await page.$$eval('.message', (l) => l.length);
  await page.click('#prompt');
  await page.keyboard.type('first line');
  await page.keyboard.down('Shift');
  await page.keyboard.press('Enter');
  await page.keyboard.up('Shift');
  await page.keyboard.type('second line');
  assert.equal(await page.$eval('#prompt', (t) => t.value), 'first line\nsecond line');
  assert.equal(await page.$$eval('.message', (l) => l.length), n, 'Shift+Enter sent the message');
  await page.$eval('#prompt', (t) => { t.value = ''; });
  // A long answer, stopped as soon as its first text shows. The edge writes faster than Esc
  // could be pressed, so the page's connection is throttled: the stream is still arriving.
  await page.$eval('#max-tokens', (i) => { i.value = '1500'; });
  await page.emulateNetworkConditions({ download: 2000, upload: 1_000_000, latency: 0 });
  await page.click('#prompt');
  await page.keyboard.type(STORY);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => {
    const answers = document.querySelectorAll('.message.assistant');
    const last = answers[answers.length - 1];
    return last?.querySelector('.pending') && last.querySelector('.text').textContent.length > 0;
  }, { timeout: 60_000 });
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => {
    const answers = document.querySelectorAll('.message.assistant');
    return !answers[answers.length - 1].querySelector('.pending');
  }, { timeout: 30_000 });
  await page.emulateNetworkConditions(null);
  const a = await lastAnswer();
  assert.ok(a.stopped, 'Esc did not stop the answer');
  assert.equal(a.route, 'edge', 'a stopped answer keeps its route badge (from x-tandem-route)');
  await page.$eval('#max-tokens', (i) => { i.value = '64'; });
});

test('the status panel and the router playground', async () => {
  await page.waitForFunction(() => {
    const text = document.getElementById('status-facts').textContent;
    return text.includes('edge answers') && text.includes('reachable');
  }, { timeout: 15_000 });
  await page.type('#playground-prompt', `Call me at ${PHONE} about the story`);
  await page.click('#playground-form button[type=submit]');
  await page.waitForSelector('#playground-result:not(.hidden)');
  await page.waitForFunction(() => document.querySelector('#playground-highlight mark'));
  assert.equal(await page.$eval('#playground-highlight mark', (m) => m.textContent), PHONE);
  assert.match(await page.$eval('#threshold-effect', (p) => p.textContent), /No change/);
  // Under the prompt's perplexity the same rule would send it to the Commander.
  await page.$eval('#threshold', (r) => {
    r.value = '2';
    r.dispatchEvent(new Event('input'));
  });
  assert.match(await page.$eval('#threshold-effect', (p) => p.textContent), /to the cloud .*would change the route/);
  await shot('04-desktop-status-playground');
});

test('the conversation exports as JSON with each answer\'s trace', async () => {
  const downloads = path.join(dir, 'downloads');
  mkdirSync(downloads, { recursive: true });
  const cdp = await page.createCDPSession();
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
  await page.click('#export-chat');
  const file = path.join(downloads, 'tandem-conversation.json');
  for (let i = 0; i < 100 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 100));
  const exported = JSON.parse(readFileSync(file, 'utf8'));
  const answers = exported.messages.filter((m) => m.role === 'assistant');
  assert.ok(answers.length >= 2);
  assert.equal(answers[0].trace.route, 'edge');
  assert.equal(answers[1].trace.route, 'cloud');
  assert.ok(!JSON.stringify(answers[1].trace.sent_to_cloud).includes(PHONE));
});

test('an attached image is sent as a content part and answered by the edge encoder', async () => {
  const bodies = [];
  const onRequest = (req) => {
    if (req.method() === 'POST' && req.url().endsWith('/v1/chat/completions')) bodies.push(req.postData() ?? '');
  };
  page.on('request', onRequest);
  const input = await page.$('#attach');
  await input.uploadFile(IMAGE);
  await page.waitForSelector('#attachments .attachment img.thumb');
  const seen = await sendAndWait('Once upon a time, a girl looked at this picture');
  page.off('request', onRequest);
  const a = await lastAnswer();
  assert.equal(a.error, null, `the image answer failed: ${a.error}`);
  assert.ok(seen >= 1 && a.text.length > 0, 'no answer text');
  assert.equal(a.route, 'edge', 'media is read on the edge (--media edge-only)');
  assert.equal(await page.$$eval('#attachments .attachment', (l) => l.length), 0, 'the attachment was not taken');
  assert.ok(await page.$$eval('.message.user', (l) => l[l.length - 1].querySelector('img.thumb') !== null),
    'the user message shows no thumbnail');
  const body = JSON.parse(bodies[bodies.length - 1]);
  const parts = body.messages[body.messages.length - 1].content;
  assert.ok(Array.isArray(parts), 'the message was not sent as content parts');
  assert.equal(parts[0].type, 'text');
  assert.equal(parts[1].type, 'image_url');
  assert.match(parts[1].image_url.url, /^data:image\/png;base64,/);
  await shot('05-image-attachment');
});

test('the layout holds at phone width', async () => {
  await page.setViewport({ width: 375, height: 812, isMobile: true, hasTouch: true });
  await page.reload({ waitUntil: 'networkidle0' });
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  const width = await page.evaluate(() => document.scrollingElement.scrollWidth);
  assert.ok(width <= 375, `horizontal overflow at 375 px: scrollWidth ${width}`);
  assert.ok(await page.$$eval('.message.assistant', (l) => l.length) >= 2, 'the conversation was not kept');
  await shot('06-phone');
});

test('a Commander serves the console too: chat and status, no routing', async () => {
  const origin = new URL(commander.root).origin;
  allowedOrigins.add(origin);
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(commander.root, { waitUntil: 'networkidle0' });
  assert.equal(await page.$eval('#role', (e) => e.textContent), 'commander');
  assert.ok(await page.$eval('#playground', (e) => e.classList.contains('hidden')), 'a Commander has no router playground');
  await page.waitForSelector('#key-form:not(.hidden)');  // another origin: the key is asked again
  await page.type('#key-input', API_KEY);
  await page.click('#key-form button[type=submit]');
  await page.waitForFunction(() => document.querySelectorAll('#model option').length > 0);
  const seen = await sendAndWait(STORY);
  const a = await lastAnswer();
  assert.equal(a.error, null);
  assert.ok(seen > 1, `the answer appeared in one piece (${seen} states), not streamed`);
  assert.equal(a.route, 'commander');
  assert.equal(await page.$eval('#decision-route', (e) => e.textContent), 'cloud/commander');
  await page.waitForFunction(() => document.getElementById('status-facts').textContent.includes('generated tokens'));
  await shot('07-commander');
});

test('no console errors and no request left this host', () => {
  assert.deepEqual(problems, []);
});
