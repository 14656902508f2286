// A small, independent GBNF reader and random sentence generator for the parity test: it
// follows llama.cpp's grammar-parser.cpp (where a newline may appear, escapes, classes with
// `-` ranges and `^`, `{m}`, `{m,}`, `{m,n}`), builds an AST, and derives random sentences
// with a depth bound (past it, each choice takes the branch that ends soonest), so samples
// come from neither implementation under test.

const isWordChar = (c) => /[a-zA-Z0-9_-]/.test(c ?? '');

// Parses GBNF into {rules: Map<name, Alt>}. Alt = {t:'alt', seqs: Seq[]}; Seq = Item[];
// Item = {atom, min, max}; atom: {t:'lit', cps}, {t:'class', neg, ranges}, {t:'any'},
// {t:'ref', name}, {t:'alt', ...} (a group).
export function parseGbnf(text) {
  const s = Array.from(text);  // code points
  let i = 0;
  const rules = new Map();
  const fail = (msg) => { throw new Error(`gbnf.mjs: ${msg} at code point ${i}: ${JSON.stringify(s.slice(i, i + 20).join(''))}`); };

  const space = (newlineOk) => {
    while (i < s.length) {
      const c = s[i];
      if (c === '#') { while (i < s.length && s[i] !== '\r' && s[i] !== '\n') i++; }
      else if (c === ' ' || c === '\t' || (newlineOk && (c === '\r' || c === '\n'))) i++;
      else break;
    }
  };
  const name = () => {
    const start = i;
    while (isWordChar(s[i])) i++;
    if (i === start) fail('expecting name');
    return s.slice(start, i).join('');
  };
  const hex = (n) => {
    const h = s.slice(i, i + n).join('');
    if (!/^[0-9a-fA-F]+$/.test(h) || h.length !== n) fail(`expecting ${n} hex digits`);
    i += n;
    return parseInt(h, 16);
  };
  const char = () => {
    if (s[i] === '\\') {
      const e = s[i + 1];
      i += 2;
      switch (e) {
        case 'x': return hex(2);
        case 'u': return hex(4);
        case 'U': return hex(8);
        case 't': return 9;
        case 'r': return 13;
        case 'n': return 10;
        case '\\': case '"': case '[': case ']': return e.codePointAt(0);
        default: fail(`unknown escape \\${e}`);
      }
    }
    if (i >= s.length) fail('unexpected end');
    return s[i++].codePointAt(0);
  };
  const int = () => {
    const start = i;
    while (/[0-9]/.test(s[i] ?? '')) i++;
    return i === start ? null : Number(s.slice(start, i).join(''));
  };

  const sequence = (nested) => {
    const seq = [];
    while (i < s.length) {
      const c = s[i];
      if (c === '"') {
        i++;
        const cps = [];
        while (s[i] !== '"') { if (i >= s.length) fail('unterminated literal'); cps.push(char()); }
        i++;
        seq.push({ atom: { t: 'lit', cps }, min: 1, max: 1 });
        space(nested);
      } else if (c === '[') {
        i++;
        const neg = s[i] === '^';
        if (neg) i++;
        const ranges = [];
        while (s[i] !== ']') {
          if (i >= s.length) fail('unterminated class');
          const lo = char();
          if (s[i] === '-' && s[i + 1] !== ']') { i++; ranges.push([lo, char()]); }
          else ranges.push([lo, lo]);
        }
        i++;
        seq.push({ atom: { t: 'class', neg, ranges }, min: 1, max: 1 });
        space(nested);
      } else if (isWordChar(c)) {
        seq.push({ atom: { t: 'ref', name: name() }, min: 1, max: 1 });
        space(nested);
      } else if (c === '(') {
        i++;
        space(true);
        const alt = alternates(true);
        if (s[i] !== ')') fail('expecting )');
        i++;
        seq.push({ atom: alt, min: 1, max: 1 });
        space(nested);
      } else if (c === '.') {
        i++;
        seq.push({ atom: { t: 'any' }, min: 1, max: 1 });
        space(nested);
      } else if (c === '*' || c === '+' || c === '?') {
        if (!seq.length) fail('repetition without an element');
        const last = seq[seq.length - 1];
        if (c === '*') { last.min = 0; last.max = Infinity; }
        if (c === '+') { last.min = 1; last.max = Infinity; }
        if (c === '?') { last.min = 0; last.max = 1; }
        i++;
        space(nested);
      } else if (c === '{') {
        if (!seq.length) fail('repetition without an element');
        i++;
        space(nested);
        const lo = int();
        if (lo === null) fail('expecting an integer');
        space(nested);
        let hi = lo;
        if (s[i] === ',') {
          i++;
          space(nested);
          const h = int();
          hi = h === null ? Infinity : h;
          space(nested);
        }
        if (s[i] !== '}') fail('expecting }');
        i++;
        // Nested repetitions multiply; `x{a,b}` applied to an item already repeated wraps it.
        const last = seq[seq.length - 1];
        if (last.min === 1 && last.max === 1) { last.min = lo; last.max = hi; }
        else seq[seq.length - 1] = { atom: { t: 'alt', seqs: [[last]] }, min: lo, max: hi };
        space(nested);
      } else {
        break;
      }
    }
    return seq;
  };
  const alternates = (nested) => {
    const seqs = [sequence(nested)];
    while (s[i] === '|') {
      i++;
      space(true);
      seqs.push(sequence(nested));
    }
    return { t: 'alt', seqs };
  };

  space(true);
  while (i < s.length) {
    const n = name();
    space(false);
    if (s.slice(i, i + 3).join('') !== '::=') fail('expecting ::=');
    i += 3;
    space(true);
    rules.set(n, alternates(false));
    if (s[i] === '\r') i += s[i + 1] === '\n' ? 2 : 1;
    else if (s[i] === '\n') i++;
    else if (i < s.length) fail('expecting newline or end');
    space(true);
  }
  if (!rules.has('root')) throw new Error('gbnf.mjs: no root rule');
  return { rules };
}

// Seeded PRNG (mulberry32).
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));  // inclusive
  next.pick = (arr) => arr[Math.floor(next() * arr.length)];
  return next;
}

// Characters for `.`, negated classes and insertions: ASCII, controls, Latin-1, other
// scripts, line separators, astral. No NUL (llama.cpp never matches a NUL byte token).
export const POOL = [
  ...Array.from({ length: 95 }, (_, k) => String.fromCodePoint(32 + k)),
  '\t', '\n', '\r', '\x01', '\x0b', '\x0c', '\x1f', '\x7f', '\x85', '\xa0', 'é', 'ß', 'ÿ', 'À',
  'Ω', 'ω', 'ж', 'ぁ', 'ア', '、', '中', '鿿', '\u2028', '\u2029', '€', '☃', '😀', '🙏', '𝄞', '\u{10FFFF}',
].map((c) => c.codePointAt(0));

const inRanges = (cp, ranges) => ranges.some(([lo, hi]) => cp >= lo && cp <= hi);
const validCp = (cp) => cp > 0 && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);

export class Generator {
  constructor(grammar, random, { maxDepth = 12, extra = 3 } = {}) {
    this.g = grammar;
    this.r = random;
    this.maxDepth = maxDepth;
    this.extra = extra;
    this.cost = new Map();
    // Least derivation depth per rule (fixed point), to steer deep derivations to an end.
    for (const n of grammar.rules.keys()) this.cost.set(n, Infinity);
    for (let changed = true; changed;) {
      changed = false;
      for (const [n, alt] of grammar.rules) {
        const c = 1 + this.altCost(alt);
        if (c < this.cost.get(n)) { this.cost.set(n, c); changed = true; }
      }
    }
    for (const [n, c] of this.cost) if (c === Infinity) throw new Error(`rule ${n} derives no finite sentence`);
  }

  altCost(alt) { return Math.min(...alt.seqs.map((q) => this.seqCost(q))); }
  seqCost(seq) { return Math.max(0, ...seq.filter((it) => it.min > 0).map((it) => this.atomCost(it.atom))); }
  atomCost(a) {
    if (a.t === 'ref') { const c = this.cost.get(a.name); if (c === undefined) throw new Error(`undefined rule ${a.name}`); return c; }
    if (a.t === 'alt') return this.altCost(a);
    return 0;
  }

  // A random sentence of the grammar, as an array of code points.
  sentence() {
    const out = [];
    this.alt(this.g.rules.get('root'), 0, out);
    return out;
  }

  alt(alt, depth, out) {
    let seq;
    if (depth > this.maxDepth) {
      const best = Math.min(...alt.seqs.map((q) => this.seqCost(q)));
      seq = this.r.pick(alt.seqs.filter((q) => this.seqCost(q) === best));
    } else {
      seq = this.r.pick(alt.seqs);
    }
    for (const it of seq) {
      let n;
      if (depth > this.maxDepth) n = it.min;
      else n = this.r.int(it.min, Math.min(it.max, it.min + this.extra));
      for (let k = 0; k < n; k++) this.atom(it.atom, depth, out);
    }
  }

  atom(a, depth, out) {
    switch (a.t) {
      case 'lit': out.push(...a.cps); break;
      case 'ref': this.alt(this.g.rules.get(a.name), depth + 1, out); break;
      case 'alt': this.alt(a, depth + 1, out); break;
      case 'any': out.push(this.r.pick(POOL)); break;
      case 'class': out.push(this.classChar(a)); break;
      default: throw new Error(`atom ${a.t}`);
    }
  }

  classChar(a) {
    if (a.neg) {
      const ok = POOL.filter((cp) => !inRanges(cp, a.ranges));
      return this.r.pick(ok);
    }
    for (let tries = 0; tries < 100; tries++) {
      const [lo, hi] = this.r.pick(a.ranges);
      // Half the time a range's edge: off-by-one errors live there.
      const cp = this.r() < 0.25 ? lo : this.r() < 0.33 ? hi : this.r.int(lo, hi);
      if (validCp(cp)) return cp;
    }
    throw new Error('class with no valid code point');
  }
}

// Every code point that appears in the grammar's literals and at its classes' edges (± 1):
// insertions and replacements drawn from these hit the grammar's decisions.
export function grammarChars(grammar) {
  const out = new Set();
  const visitAlt = (alt) => alt.seqs.forEach((q) => q.forEach((it) => visit(it.atom)));
  const visit = (a) => {
    if (a.t === 'lit') a.cps.forEach((c) => out.add(c));
    if (a.t === 'class') a.ranges.forEach(([lo, hi]) => [lo - 1, lo, hi, hi + 1].forEach((c) => validCp(c) && out.add(c)));
    if (a.t === 'alt') visitAlt(a);
  };
  for (const alt of grammar.rules.values()) visitAlt(alt);
  return [...out];
}

// A random edit of a code-point array: delete, insert, replace, duplicate a span, swap two
// neighbours, or truncate.
export function mutate(cps, random, alphabet) {
  const s = cps.slice();
  const at = (extra = 0) => random.int(0, Math.max(0, s.length - 1 + extra));
  const ch = () => (random() < 0.7 ? random.pick(alphabet) : random.pick(POOL));
  switch (random.int(0, 5)) {
    case 0: if (s.length) s.splice(at(), 1); break;
    case 1: s.splice(at(1), 0, ch()); break;
    case 2: if (s.length) s[at()] = ch(); else s.push(ch()); break;
    case 3: { if (!s.length) break; const a = at(); const b = random.int(a, Math.min(s.length, a + 4)); s.splice(b, 0, ...s.slice(a, b)); break; }
    case 4: { if (s.length < 2) break; const a = random.int(0, s.length - 2); [s[a], s[a + 1]] = [s[a + 1], s[a]]; break; }
    default: s.length = random.int(0, s.length);
  }
  return s;
}

export const toText = (cps) => String.fromCodePoint(...cps);
