// Master-file lexer (RFC 1035 §5.1): splits text into logical entries. Comments run from ';' to the end of the line,
// parentheses continue an entry over several lines, "quoted strings" keep their spaces, and an entry that starts
// with blank space inherits the previous owner. Escapes ("\X", "\DDD") are left in the token text undecoded: names
// and character-strings decode them differently (a "\." inside a name is not a label separator).

export interface Token {
  text: string;
  quoted: boolean;
  line: number;
}

export interface Entry {
  /** Line number (1-based) where the entry starts. */
  line: number;
  /** The entry began with a space or tab: its owner is the previous entry's. */
  blankOwner: boolean;
  tokens: Token[];
}

export interface LexError {
  line: number;
  reason: string;
}

export function tokenize(text: string): { entries: Entry[]; errors: LexError[] } {
  const entries: Entry[] = [];
  const errors: LexError[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  let cur: Entry | undefined;
  let parenDepth = 0;
  let parenLine = 0;
  let atLineStart = true;

  const flush = () => {
    if (cur && cur.tokens.length > 0) entries.push(cur);
    cur = undefined;
  };

  while (i < n) {
    const ch = text[i]!;
    if (atLineStart) {
      atLineStart = false;
      // Inside parentheses a new line continues the entry; only outside does it start a new one.
      if (parenDepth === 0) cur = { line, blankOwner: ch === ' ' || ch === '\t', tokens: [] };
    }
    if (ch === '\n') {
      line++;
      i++;
      atLineStart = true;
      if (parenDepth === 0) flush();
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      i++;
      continue;
    }
    if (ch === ';') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (ch === '(') {
      if (parenDepth === 0) parenLine = line;
      parenDepth++;
      i++;
      continue;
    }
    if (ch === ')') {
      if (parenDepth === 0) errors.push({ line, reason: "')' without a matching '('" });
      else parenDepth--;
      i++;
      continue;
    }
    if (ch === '"') {
      const startLine = line;
      let s = '';
      i++;
      let closed = false;
      while (i < n) {
        const c = text[i]!;
        if (c === '\\' && i + 1 < n) {
          s += c + text[i + 1];
          if (text[i + 1] === '\n') line++;
          i += 2;
          continue;
        }
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        if (c === '\n') line++;
        s += c;
        i++;
      }
      if (!closed) {
        errors.push({ line: startLine, reason: 'unterminated quoted string' });
        cur = undefined;
        break;
      }
      cur!.tokens.push({ text: s, quoted: true, line: startLine });
      continue;
    }
    // A plain token: up to blank space, a special, or the end of the line. Backslash escapes the next char.
    let s = '';
    while (i < n) {
      const c = text[i]!;
      if (c === '\\' && i + 1 < n && text[i + 1] !== '\n') {
        s += c + text[i + 1];
        i += 2;
        continue;
      }
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === ';' || c === '(' || c === ')' || c === '"') break;
      s += c;
      i++;
    }
    cur!.tokens.push({ text: s, quoted: false, line });
  }
  if (parenDepth > 0) errors.push({ line: parenLine, reason: "'(' is never closed" });
  else flush();
  return { entries, errors };
}

/** Decodes "\X" and "\DDD" escapes into octets (latin1 chars); used for character-strings. */
export function unescapeText(raw: string): { ok: true; value: string } | { ok: false; reason: string } {
  if (!raw.includes('\\')) return { ok: true, value: raw };
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const d = /^\d{3}/.exec(raw.slice(i + 1, i + 4));
    if (d) {
      const v = Number(d[0]);
      if (v > 255) return { ok: false, reason: `bad escape \\${d[0]} (above 255)` };
      out += String.fromCharCode(v);
      i += 3;
    } else if (i + 1 < raw.length) out += raw[++i];
    else return { ok: false, reason: 'text ends with a lone backslash' };
  }
  return { ok: true, value: out };
}
