// The chat: renders the current conversation, sends it (streamed), stops it, and hands each
// answer's x_tandem trace to the decision panel.
import { streamChat, AuthError } from './api.js';
import { $, el, fmt } from './dom.js';
import { attachmentView, contentPart } from './attachments.js';

export class Chat {
  constructor({ store, decision, onAuthError, onAnswered, role }) {
    this.store = store;
    this.onAnswered = onAnswered;
    this.decision = decision;
    this.onAuthError = onAuthError;
    this.role = role;
    this.controller = null;
    this.list = $('messages');
  }

  settings() {
    return {
      model: $('model').value || undefined,
      system: $('system-prompt').value.trim(),
      temperature: Number($('temperature').value),
      max_tokens: Number($('max-tokens').value),
    };
  }

  render() {
    this.list.replaceChildren();
    const c = this.store.current();
    c.messages.forEach((m, i) => this.list.append(this.renderMessage(m, i)));
    const last = [...c.messages].reverse().find((m) => m.role === 'assistant');
    this.decision.show(last ?? null);
    this.list.scrollTop = this.list.scrollHeight;
  }

  renderMessage(m, index) {
    const item = el('li', { class: `message ${m.role}`, 'data-index': String(index) });
    if (m.reasoning) {
      item.append(el('details', { class: 'thinking' }, el('summary', { text: 'Thinking' }), el('pre', { text: m.reasoning })));
    }
    item.append(el('div', { class: 'text', text: m.content }));
    if (m.media?.length) item.append(el('div', { class: 'media' }, ...m.media.map(attachmentView)));
    if (m.role === 'assistant') {
      const meta = el('div', { class: 'meta' });
      const route = routeOf(m, this.role);
      if (route) {
        const badge = el('button', { type: 'button', class: `badge ${route}`, 'data-route': route, text: route });
        badge.addEventListener('click', () => this.select(index));
        meta.append(badge);
      }
      const t = m.trace;
      if (t?.ttft_ms != null) meta.append(el('span', { text: `TTFT ${fmt(t.ttft_ms, 0)} ms` }));
      if (t?.tokens_per_s != null) meta.append(el('span', { text: `${fmt(t.tokens_per_s)} tok/s` }));
      if (!t && m.browserTtftMs != null) meta.append(el('span', { text: `first text after ${fmt(m.browserTtftMs, 0)} ms (browser)` }));
      if (m.pending) meta.append(el('span', { class: 'pending', text: 'streaming…' }));
      if (m.stopped) meta.append(el('span', { class: 'stopped', text: 'stopped' }));
      if (m.error) meta.append(el('span', { class: 'error', text: m.error }));
      item.append(meta);
    }
    return item;
  }

  select(index) {
    for (const li of this.list.querySelectorAll('.message')) li.classList.toggle('selected', li.dataset.index === String(index));
    this.decision.show(this.store.current().messages[index]);
  }

  busy() {
    return this.controller !== null;
  }

  stop() {
    this.controller?.abort();
  }

  // media: attachments (attachments.js) sent with the text as content parts.
  async send(text, media = []) {
    if (this.busy() || !text.trim()) return;
    const c = this.store.current();
    const s = this.settings();
    c.messages.push(media.length ? { role: 'user', content: text, media } : { role: 'user', content: text });
    const history = [];
    if (s.system) history.push({ role: 'system', content: s.system });
    for (const m of c.messages) history.push({ role: m.role, content: messageContent(m) });
    const answer = { role: 'assistant', content: '', reasoning: '', pending: true, sent: history };
    c.messages.push(answer);
    this.store.save();
    this.controller = new AbortController();
    this.setBusy(true);
    this.render();
    const index = c.messages.length - 1;
    const sentAt = performance.now();
    const repaint = () => {
      const old = this.list.querySelector(`[data-index="${index}"]`);
      if (old) old.replaceWith(this.renderMessage(answer, index));
      this.list.scrollTop = this.list.scrollHeight;
    };
    try {
      await streamChat(
        { model: s.model, messages: history, temperature: s.temperature, max_tokens: s.max_tokens, return_reasoning: true },
        {
          signal: this.controller.signal,
          // The route header comes first: a stopped answer still shows where it was answered.
          onHeaders: (headers) => { answer.headerRoute = headers.get('x-tandem-route'); },
          onChunk: (chunk) => {
            const delta = chunk.choices?.[0]?.delta;
            // Measured here too, for answers without x_tandem (a Commander's).
            if (delta?.content && answer.browserTtftMs == null) answer.browserTtftMs = performance.now() - sentAt;
            if (delta?.content) answer.content += delta.content;
            if (delta?.reasoning_content) answer.reasoning += delta.reasoning_content;
            if (chunk.x_tandem) answer.trace = chunk.x_tandem;
            repaint();
          },
        });
    } catch (e) {
      if (e.name === 'AbortError') answer.stopped = true;
      else answer.error = e.message;
      if (e instanceof AuthError) this.onAuthError();
    } finally {
      answer.pending = false;
      this.controller = null;
      this.setBusy(false);
      this.store.save();
      this.render();
      this.onAnswered?.();
    }
  }

  setBusy(busy) {
    $('send').disabled = busy;
    $('stop').disabled = !busy;
  }
}

// The badge: x_tandem's route (failover / offload named as such), else the header's, else
// "commander" on a Commander (it answers everything itself).
export function routeOf(m, role) {
  const t = m.trace;
  if (t) {
    if (t.failover) return 'failover';
    if (t.offload) return 'offload';
    return t.route;
  }
  if (m.headerRoute) return m.headerRoute;
  return role === 'commander' && !m.pending && !m.error ? 'commander' : null;
}

// What the API is sent for a stored message: its text, plus its media as content parts (those
// whose data was too big to keep in localStorage are left out).
function messageContent(m) {
  const media = (m.media ?? []).filter((a) => a.url);
  if (media.length === 0) return m.content;
  return [{ type: 'text', text: m.content }, ...media.map(contentPart)];
}
