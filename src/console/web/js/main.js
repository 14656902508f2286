// Wires the console's panels together: config, API key, models, chat, status, playground.
import { getJson, apiKey, setApiKey, AuthError } from './api.js';
import { $, el } from './dom.js';
import { Store } from './store.js';
import { Chat } from './chat.js';
import { Decision } from './decision.js';
import { Status } from './status.js';
import { Playground } from './playground.js';
import { Attachments } from './attachments.js';

function showKeyForm(message) {
  $('key-form').classList.remove('hidden');
  $('key-message').textContent = message ?? '';
  $('key-input').focus();
}

async function loadModels(onAuthError) {
  try {
    const list = await getJson('/v1/models');
    const select = $('model');
    select.replaceChildren(...(list.data ?? []).map((m) => el('option', { value: m.id, text: m.id })));
  } catch (e) {
    if (e instanceof AuthError) onAuthError();
  }
}

function renderConversationList(store) {
  const select = $('conversation-list');
  select.replaceChildren(...store.conversations.map((c) => el('option', { value: c.id, text: c.title })));
  select.value = store.currentId;
}

function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function main() {
  const config = await getJson('/console/config.json', { auth: false });
  $('role').textContent = config.role;
  document.body.dataset.role = config.role;
  if (config.role !== 'dispatcher') $('playground').classList.add('hidden');

  const onAuthError = () => showKeyForm('This node needs its API key (--api-key).');
  const store = new Store();
  const decision = new Decision(config.role);
  // Without a key a protected endpoint would answer 401 (which the browser logs as an error):
  // nothing protected is asked for until the user has given one.
  const haveKey = () => !config.key_required || Boolean(apiKey());
  const status = new Status({ onAuthError, haveKey, role: config.role });
  // The counters move with every answer: the status panel need not wait for its next tick.
  const chat = new Chat({ store, decision, onAuthError, onAnswered: () => status.refresh(), role: config.role });
  if (config.role === 'dispatcher') new Playground({ onAuthError });

  $('key-form').addEventListener('submit', (e) => {
    e.preventDefault();
    setApiKey($('key-input').value.trim());
    $('key-form').classList.add('hidden');
    loadModels(onAuthError);
    status.refresh();
  });
  $('key-button').addEventListener('click', () => showKeyForm());
  if (config.key_required && !apiKey()) showKeyForm('This node needs its API key (--api-key).');

  const attachments = new Attachments({ onError: (message) => { $('attach-message').textContent = message; } });
  const prompt = $('prompt');
  const send = () => {
    const text = prompt.value;
    if (!text.trim() || chat.busy()) return;
    prompt.value = '';
    $('attach-message').textContent = '';
    chat.send(text, attachments.take()).then(() => renderConversationList(store));
  };
  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    send();
  });
  // Enter sends, Shift+Enter is a new line, Esc stops the answer being streamed.
  prompt.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send();
    }
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && chat.busy()) chat.stop();
  });
  $('stop').addEventListener('click', () => chat.stop());
  $('new-chat').addEventListener('click', () => {
    store.create();
    renderConversationList(store);
    chat.render();
  });
  $('conversation-list').addEventListener('change', (e) => {
    store.select(e.target.value);
    chat.render();
  });
  $('export-chat').addEventListener('click', () => download('tandem-conversation.json', store.exportJson()));

  renderConversationList(store);
  chat.render();
  if (haveKey()) await loadModels(onAuthError);
  status.start();
  document.body.dataset.ready = 'true';
}

main().catch((e) => {
  document.body.append(el('p', { class: 'error', text: `The console failed to start: ${e.message}` }));
  throw e;
});
