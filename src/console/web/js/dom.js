// Small DOM helpers: every text goes in through textContent (never innerHTML), so nothing a
// model or a user writes can become markup.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c != null) node.append(c);
  return node;
}

export function svg(tag, attrs = {}) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

export function $(id) {
  return document.getElementById(id);
}

// Fills a <dl> with [term, value] rows (null values are left out).
export function fillFacts(dl, rows) {
  dl.replaceChildren();
  for (const [term, value] of rows) {
    if (value == null || value === '') continue;
    dl.append(el('dt', { text: term }), value instanceof Node ? el('dd', {}, value) : el('dd', { text: String(value) }));
  }
}

// Appends `text` to `parent`, wrapping the [begin, end) ranges in <mark class=cls>.
export function highlighted(parent, text, ranges, cls = '') {
  let at = 0;
  for (const [begin, end] of [...ranges].sort((a, b) => a[0] - b[0])) {
    if (begin < at) continue;
    parent.append(text.slice(at, begin), el('mark', { class: cls, text: text.slice(begin, end) }));
    at = end;
  }
  parent.append(text.slice(at));
}

export function fmt(n, digits = 1) {
  return n == null || Number.isNaN(n) ? null : Number(n).toFixed(digits);
}
