// Images and audio attached to the next message: read in the browser as data: URLs and sent
// as OpenAI content parts (image_url; input_audio with base64 data and its format). Whether
// the node can read them is its decision (--mmproj, --media); its 400 says why when not.
import { $, el } from './dom.js';

const AUDIO_FORMATS = { 'audio/wav': 'wav', 'audio/x-wav': 'wav', 'audio/wave': 'wav', 'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3', 'audio/flac': 'flac', 'audio/x-flac': 'flac', 'audio/ogg': 'ogg' };
// A data: URL is a third bigger than its file, and the node's --max-body bounds the request.
const MAX_BYTES = 4 << 20;

function readAsDataUrl(file) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result);
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

// One attachment as the content part the API takes.
export function contentPart(a) {
  if (a.kind === 'image') return { type: 'image_url', image_url: { url: a.url } };
  return { type: 'input_audio', input_audio: { data: a.url.slice(a.url.indexOf(',') + 1), format: a.format } };
}

// How an attachment shows in a message: a thumbnail for an image, a labelled chip for audio.
export function attachmentView(a) {
  if (a.kind === 'image' && a.url) return el('img', { class: 'thumb', src: a.url, alt: a.name, title: a.name });
  return el('span', { class: 'chip', text: `${a.kind === 'audio' ? 'audio' : 'image'}: ${a.name}` });
}

export class Attachments {
  constructor({ onError }) {
    this.items = [];
    this.onError = onError;
    this.list = $('attachments');
    $('attach').addEventListener('change', (e) => {
      this.add([...e.target.files]).finally(() => { e.target.value = ''; });
    });
  }

  async add(files) {
    for (const f of files) {
      const format = AUDIO_FORMATS[f.type];
      const kind = f.type.startsWith('image/') ? 'image' : format ? 'audio' : null;
      if (!kind) { this.onError(`${f.name}: not an image or a wav/mp3/flac/ogg file`); continue; }
      if (f.size > MAX_BYTES) { this.onError(`${f.name}: larger than ${MAX_BYTES >> 20} MiB`); continue; }
      this.items.push({ kind, name: f.name, format, url: await readAsDataUrl(f) });
    }
    this.render();
  }

  render() {
    this.list.replaceChildren(...this.items.map((a, i) => {
      const remove = el('button', { type: 'button', class: 'remove', 'aria-label': `Remove ${a.name}`, text: '×' });
      remove.addEventListener('click', () => { this.items.splice(i, 1); this.render(); });
      return el('li', { class: 'attachment' }, attachmentView(a), remove);
    }));
  }

  // The attachments for the message being sent; the list starts empty again.
  take() {
    const items = this.items;
    this.items = [];
    this.render();
    return items;
  }
}
