// The router playground: POST /v1/route scores a prompt (perplexity under the edge model,
// intent, PII spans) without generating; the threshold slider shows where the perplexity
// rule would send it at another threshold.
import { postJson, AuthError } from './api.js';
import { $, el, fillFacts, highlighted, fmt } from './dom.js';

// /v1/route's spans are byte offsets into the UTF-8 text; the page slices UTF-16 strings.
function charOffset(text, byteOffset) {
  const bytes = new TextEncoder().encode(text);
  return new TextDecoder().decode(bytes.slice(0, byteOffset)).length;
}

export class Playground {
  constructor({ onAuthError }) {
    this.onAuthError = onAuthError;
    this.result = null;
    $('playground-form').addEventListener('submit', (e) => {
      e.preventDefault();
      this.route($('playground-prompt').value);
    });
    $('threshold').addEventListener('input', () => this.showThreshold());
  }

  async route(text) {
    if (!text.trim()) return;
    try {
      this.result = await postJson('/v1/route', { messages: [{ role: 'user', content: text }] });
    } catch (e) {
      if (e instanceof AuthError) this.onAuthError();
      fillFacts($('playground-facts'), [['error', e.message]]);
      $('playground-result').classList.remove('hidden');
      return;
    }
    const r = this.result;
    const s = r.signals;
    const pre = $('playground-highlight');
    pre.replaceChildren();
    const spans = (r.pii_spans ?? []).filter((x) => x.message === 0)
      .map((x) => [charOffset(text, x.begin), charOffset(text, x.end)]);
    highlighted(pre, text, spans);
    fillFacts($('playground-facts'), [
      ['route', el('span', { class: `badge ${r.route}`, text: r.route })],
      ['reason', r.explain],
      ['perplexity', s.ppl == null ? 'not measured' : fmt(s.ppl, 2)],
      ['PII', (r.pii_spans ?? []).length ? r.pii_spans.map((x) => x.type).join(', ') : 'none'],
      ['prompt tokens', r.prompt_tokens],
    ]);
    const slider = $('threshold');
    const ppl = s.ppl ?? 1;
    slider.max = String(Math.max(10, Math.ceil(ppl * 2)));
    slider.value = String(s.ppl_threshold ?? Math.ceil(ppl * 1.5));
    const scores = $('intent-scores');
    scores.replaceChildren();
    for (const [label, p] of Object.entries(s.intent?.scores ?? {}).sort((a, b) => b[1] - a[1])) {
      scores.append(el('li', {}, el('meter', { min: '0', max: '1', value: String(p) }), ` ${label} ${fmt(p, 2)}`));
    }
    if (!s.intent) scores.append(el('li', { class: 'muted', text: 'No intent classifier on this node.' }));
    $('playground-result').classList.remove('hidden');
    this.showThreshold();
  }

  showThreshold() {
    const r = this.result;
    if (!r) return;
    const threshold = Number($('threshold').value);
    $('threshold-value').textContent = fmt(threshold, 1);
    const s = r.signals;
    const effect = $('threshold-effect');
    if (s.ppl == null) {
      effect.textContent = 'No perplexity was measured (the decision came before it), so the threshold does not matter here.';
      return;
    }
    const byPpl = s.ppl > threshold ? 'cloud' : 'edge';
    const ruleDecides = ['ppl', 'default'].includes(r.reason);
    const current = s.ppl_threshold == null ? 'no threshold' : `the node's threshold ${fmt(s.ppl_threshold, 1)}`;
    effect.textContent = ruleDecides
      ? `At ${fmt(threshold, 1)} the perplexity rule sends it to the ${byPpl} (${current}: ${r.route}).`
      + (byPpl !== (r.route === 'edge' ? 'edge' : 'cloud') ? ' That would change the route.' : ' No change.')
      : `The route is decided by another rule (${r.reason}); the perplexity rule alone would say ${byPpl}.`;
  }
}
