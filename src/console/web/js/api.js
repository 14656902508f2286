// Calls to this node's own API (same origin only: the CSP allows nothing else). The API key,
// when the node has one, is kept in sessionStorage and sent as a Bearer token.
const KEY_STORAGE = 'tandem.console.key';

export class AuthError extends Error {}

export function apiKey() {
  return sessionStorage.getItem(KEY_STORAGE) ?? '';
}

export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
}

function headers(json) {
  const h = {};
  if (json) h['content-type'] = 'application/json';
  const key = apiKey();
  if (key) h.authorization = `Bearer ${key}`;
  return h;
}

async function checked(response) {
  if (response.status === 401) throw new AuthError('the API key is missing or wrong');
  if (!response.ok) {
    let message = `HTTP ${response.status}`;
    try {
      const body = await response.json();
      message = body?.error?.message ?? message;
    } catch { /* not JSON */ }
    throw new Error(message);
  }
  return response;
}

export async function getJson(path, { auth = true } = {}) {
  const r = await fetch(path, { headers: auth ? headers(false) : {} });
  return (await checked(r)).json();
}

export async function getText(path) {
  const r = await fetch(path, { headers: headers(false) });
  return (await checked(r)).text();
}

export async function postJson(path, body) {
  const r = await fetch(path, { method: 'POST', headers: headers(true), body: JSON.stringify(body) });
  return (await checked(r)).json();
}

// Streams a chat completion: onHeaders(headers) once the answer starts, onChunk(chunk) for
// every SSE data event (x_tandem arrives on the last one before [DONE]).
export async function streamChat(body, { signal, onHeaders, onChunk }) {
  // X-Tandem-Trace: the Dispatcher adds the masked messages it sent to x_tandem (the decision
  // panel's "what left the device"); a Commander ignores it.
  const r = await fetch('/v1/chat/completions', {
    method: 'POST', headers: { ...headers(true), 'x-tandem-trace': 'sent_to_cloud' }, body: JSON.stringify({ ...body, stream: true }), signal,
  });
  await checked(r);
  onHeaders?.(r.headers);
  const reader = r.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      for (const line of event.split('\n')) {
        if (!line.startsWith('data:')) continue;
        const data = line.slice(5).trim();
        if (data === '[DONE]') continue;
        const chunk = JSON.parse(data);
        if (chunk.error) throw new Error(chunk.error.message ?? 'stream error');
        onChunk(chunk);
      }
    }
  }
}
