// The decision beside an answer: its route and the reasons (from the answer's x_tandem
// object), its speed, and what left the device (the masked messages the Commander received,
// next to the originals).
import { $, el, fillFacts, highlighted, fmt } from './dom.js';
import { routeOf } from './chat.js';

const PLACEHOLDER = /<[A-Z][A-Z_]*_\d+>/g;

// A message's content as text: its text parts, and a short mark for each media part (a data:
// URL would fill the view).
function contentText(content) {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return JSON.stringify(content);
  return content.map((p) => (p.type === 'text' ? p.text : `[${p.type === 'image_url' ? 'image' : 'audio'}]`)).join(' ');
}

function transcript(messages) {
  if (typeof messages === 'string') return messages;  // a completion's prompt
  return (messages ?? []).map((m) => `${m.role}: ${contentText(m.content)}`).join('\n');
}

function placeholderRanges(text) {
  return [...text.matchAll(PLACEHOLDER)].map((m) => [m.index, m.index + m[0].length]);
}

export class Decision {
  constructor(role) {
    this.role = role;
  }

  show(message) {
    const facts = $('decision-facts');
    const sentView = $('sent-view');
    $('decision-empty').classList.toggle('hidden', Boolean(message));
    if (!message) {
      facts.replaceChildren();
      sentView.classList.add('hidden');
      return;
    }
    const t = message.trace;
    const route = routeOf(message, this.role);
    const badge = route ? el('span', { class: `badge ${route}`, id: 'decision-route', text: route }) : null;
    if (!t && message.pending) {
      fillFacts(facts, [['route', 'answering…']]);
      sentView.classList.add('hidden');
      return;
    }
    if (!t) {
      fillFacts(facts, [
        ['route', this.role === 'commander' ? el('span', { class: 'badge commander', id: 'decision-route', text: 'cloud/commander' }) : badge],
        ['note', this.role === 'commander' ? 'The Commander answers every request itself.'
          : message.stopped || message.error ? 'The answer ended before its trace (it comes with the last chunk).'
            : 'This answer carried no x_tandem trace (the Dispatcher runs with --no-trace).'],
      ]);
      sentView.classList.add('hidden');
      return;
    }
    const s = t.signals ?? {};
    const intent = s.intent ? `${s.intent.label} (p=${fmt(s.intent.scores?.[s.intent.label], 2)})` : 'no classifier';
    const ppl = s.ppl == null ? 'not measured'
      : `${fmt(s.ppl, 2)} ${s.ppl_threshold == null ? '(no threshold)' : `${s.ppl > s.ppl_threshold ? '>' : '≤'} threshold ${fmt(s.ppl_threshold, 2)}`}`;
    const spec = t.speculation;
    fillFacts(facts, [
      ['route', badge],
      ['reason', t.explain],
      ['intent', intent],
      ['perplexity', ppl],
      ['PII found', (s.pii ?? []).length ? s.pii.join(', ') : 'none'],
      ['prompt tokens', s.prompt_tokens],
      ['TTFT', t.ttft_ms == null ? null : `${fmt(t.ttft_ms, 0)} ms`],
      ['speed', t.tokens_per_s == null ? null : `${fmt(t.tokens_per_s)} tokens/s`],
      ['tokens', t.completion_tokens],
      ['acceptance', spec ? `${fmt((spec.acceptance_rate ?? 0) * 100, 0)}% (${spec.accepted}/${spec.drafted} drafted, ${spec.target_passes} passes)` : null],
      ['context trimmed', t.context_trimmed ? `${t.context_trimmed} messages dropped` : null],
    ]);
    if (t.sent_to_cloud == null) {
      sentView.classList.add('hidden');
      return;
    }
    sentView.classList.remove('hidden');
    const original = transcript(message.sent);
    const masked = transcript(t.sent_to_cloud);
    $('sent-original').replaceChildren(original);
    const maskedPre = $('sent-masked');
    maskedPre.replaceChildren();
    highlighted(maskedPre, masked, placeholderRanges(masked), 'placeholder');
  }
}
