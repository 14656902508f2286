// Conversations kept in the browser (localStorage), exportable as JSON. Nothing is stored on
// the server.
const STORAGE = 'tandem.console.conversations';

function load() {
  try {
    const list = JSON.parse(localStorage.getItem(STORAGE) ?? '[]');
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}

// crypto.randomUUID exists only in secure contexts (HTTPS, localhost): a console opened over
// plain HTTP on a LAN address must work too.
function newId() {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

export class Store {
  constructor() {
    this.conversations = load();
    if (this.conversations.length === 0) this.create();
    this.currentId = this.conversations[0].id;
  }

  create() {
    const c = { id: newId(), title: 'New chat', created: new Date().toISOString(), messages: [] };
    this.conversations.unshift(c);
    this.currentId = c.id;
    this.save();
    return c;
  }

  current() {
    return this.conversations.find((c) => c.id === this.currentId) ?? this.conversations[0];
  }

  select(id) {
    this.currentId = id;
  }

  save() {
    const c = this.current();
    const firstUser = c?.messages.find((m) => m.role === 'user');
    if (firstUser) c.title = firstUser.content.slice(0, 40);
    try {
      localStorage.setItem(STORAGE, JSON.stringify(this.conversations));
    } catch {
      // Over the browser's quota (a few MiB): keep the texts, drop the attachments' data.
      localStorage.setItem(STORAGE, JSON.stringify(this.conversations, (k, v) => ((k === 'url' || k === 'data') && typeof v === 'string' && v.length > 1000 ? undefined : v)));
    }
  }

  exportJson() {
    return JSON.stringify(this.current(), null, 2);
  }
}
