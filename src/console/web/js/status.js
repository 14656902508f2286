// The live status panel: /health (the Commander link, memory guard, caches) and /metrics
// (requests per route, prompt-cache hits, time-to-first-token histogram), every few seconds.
import { getJson, getText, AuthError } from './api.js';
import { $, fillFacts, svg, fmt } from './dom.js';

const PERIOD_MS = 3000;

// Prometheus text -> [{name, labels, value}].
export function parseMetrics(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = line.match(/^([a-zA-Z_:][\w:]*)(\{([^}]*)\})?\s+(\S+)/);
    if (!m) continue;
    const labels = {};
    for (const [, k, v] of (m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[k] = v;
    out.push({ name: m[1], labels, value: Number(m[4]) });
  }
  return out;
}

function sum(metrics, name, filter = () => true) {
  return metrics.filter((x) => x.name === name && filter(x.labels)).reduce((a, x) => a + x.value, 0);
}

// A bucket's upper bound, short enough for a narrow bar: 25 (ms), 2.5s, ∞.
function bucketLabel(le) {
  if (le === '+Inf') return '∞';
  const s = Number(le);
  return s < 1 ? `${Math.round(s * 1000)}` : `${s}s`;
}

export class Status {
  constructor({ onAuthError, haveKey, role }) {
    this.role = role;
    this.onAuthError = onAuthError;
    this.haveKey = haveKey;
    this.previousBuckets = null;
    this.timer = null;
  }

  start() {
    const tick = async () => {
      await this.refresh();
      this.timer = setTimeout(tick, PERIOD_MS);
    };
    tick();
  }

  async refresh() {
    let health = null;
    let metrics = [];
    let metricsError = null;
    try {
      health = await getJson('/health', { auth: false });
    } catch (e) {
      health = { status: `unreachable (${e.message})` };
    }
    try {
      if (!this.haveKey()) throw new AuthError('no key yet');
      metrics = parseMetrics(await getText('/metrics'));
    } catch (e) {
      metricsError = e instanceof AuthError ? 'needs the API key' : e.message;
    }
    const route = (r) => sum(metrics, 'tandem_routing_decisions_total', (l) => l.route === r);
    const prompt = sum(metrics, 'tandem_prompt_tokens_total');
    const cached = sum(metrics, 'tandem_prompt_cached_tokens_total');
    const link = health?.commander;
    const memory = health?.memory;
    const pressure = metrics.find((x) => x.name === 'tandem_memory_pressure');
    fillFacts($('status-facts'), [
      ['node', health?.status + (health?.reason ? ` (${health.reason})` : '')],
      ['Commander', link ? `${link.reachable ? 'reachable' : 'unreachable'}, circuit ${link.circuit}` : null],
      // A Commander routes nothing: it answers every request itself.
      ['edge answers', metrics.length && this.role === 'dispatcher' ? route('edge') : null],
      ['cloud answers', metrics.length && this.role === 'dispatcher' ? route('cloud') + route('cloud-speculative') : null],
      ['generated tokens', metrics.length ? sum(metrics, 'tandem_generated_tokens_total') : null],
      ['requests', metrics.length ? sum(metrics, 'tandem_requests_total', (l) => (l.endpoint ?? '').startsWith('/v1/')) : null],
      ['cache hit rate', prompt > 0 ? `${fmt((100 * cached) / prompt, 0)}% of prompt tokens` : (metrics.length ? 'no prompts yet' : null)],
      ['memory guard', memory ? `${memory.pressure ? 'under pressure' : 'ok'}, ${fmt(memory.available_bytes / 2 ** 30)} GiB free`
        : (pressure ? (pressure.value ? 'under pressure' : 'ok') : null)],
      ['metrics', metricsError],
    ]);
    $('status-time').textContent = new Date().toLocaleTimeString();
    this.drawLatency(metrics);
  }

  // Bars of the TTFT histogram's increase since the previous refresh (all of it, the first time).
  drawLatency(metrics) {
    const buckets = metrics.filter((x) => x.name === 'tandem_time_to_first_token_seconds_bucket')
      .map((x) => ({ le: x.labels.le, count: x.value }));
    const chart = $('latency-chart');
    chart.replaceChildren();
    if (!buckets.length) return;
    const previous = this.previousBuckets;
    const recent = buckets.map((b, i) => {
      const cumulative = b.count - (previous?.[i]?.count ?? 0);
      const below = i === 0 ? 0 : buckets[i - 1].count - (previous?.[i - 1]?.count ?? 0);
      return { le: b.le, n: Math.max(0, cumulative - below) };
    });
    if (recent.some((b) => b.n > 0) || !previous) this.shown = recent;
    this.previousBuckets = buckets;
    const shown = this.shown ?? recent;
    const max = Math.max(1, ...shown.map((b) => b.n));
    const w = 300 / shown.length;
    shown.forEach((b, i) => {
      const h = (60 * b.n) / max;
      chart.append(svg('rect', { x: i * w + 1, y: 65 - h, width: Math.max(1, w - 2), height: h }));
      const label = svg('text', { x: i * w + 1, y: 76 });
      label.textContent = bucketLabel(b.le);
      chart.append(label);
    });
  }
}
