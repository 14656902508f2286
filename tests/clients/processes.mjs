// Real `tandem` server processes for the node test suites (tests/clients, tests/console): one
// `tandem <role> ...` on a free loopback port, healthy before it is handed out, killed when
// the test process exits. No dependencies beyond node itself.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';

export const BINARY = process.env.TANDEM_BINARY;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitHealthy(root, proc, log, what) {
  for (let i = 0; i < 1200; i++) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`${what} exited (${proc.exitCode ?? proc.signalCode}): ${log.join('')}`);
    }
    try {
      const r = await fetch(`${root}/health`);
      if (r.status === 200) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} not healthy after 60 s: ${log.join('')}`);
}

// Every server this process started; killed when it exits, however it exits (short of
// SIGKILL), so a failed or timed-out run leaves no server behind.
const live = new Set();
process.on('exit', () => { for (const p of live) p.kill('SIGKILL'); });
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => { for (const p of live) p.kill('SIGKILL'); process.exit(128 + (sig === 'SIGINT' ? 2 : 15)); });
}

// One `tandem <role> ...` process on a free loopback port. A port taken between the probe and
// the bind makes the process exit; that is retried.
export async function startProcess(role, args) {
  assert.ok(BINARY, 'TANDEM_BINARY must be set (the built tandem executable)');
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const log = [];
    const proc = spawn(BINARY, [role, ...args, '--host', '127.0.0.1', '--port', String(port)],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(proc);
    proc.on('exit', () => live.delete(proc));
    proc.stdout.on('data', (d) => log.push(d.toString()));
    proc.stderr.on('data', (d) => log.push(d.toString()));
    const root = `http://127.0.0.1:${port}`;
    try {
      await waitHealthy(root, proc, log, `tandem ${role}`);
      return {
        root, baseURL: `${root}/v1`, log, proc,
        stop: () => { if (proc.exitCode === null) proc.kill('SIGTERM'); },
      };
    } catch (e) {
      lastError = e;
      if (proc.exitCode === null) proc.kill('SIGKILL');
      if (!/address|bind|in use/i.test(String(e.message))) break;
    }
  }
  throw lastError;
}
