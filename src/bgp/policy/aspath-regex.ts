// AS-path regular expressions, matched against the path's text form "64512 64513 {64514,64515} (64516)".
//
// The dialect is JavaScript's regular expressions plus the Cisco/Junos `_`, which matches a boundary between AS
// numbers: the start or end of the path, or a run of separators (space, comma, braces, parentheses, brackets).
// So "_64500_" matches AS 64500 anywhere, "^64500_" a path learned from 64500, "_64500$" a path originated by
// 64500, "^$" the empty path (a locally originated route), "^64500_64501_" two consecutive ASes. Unlike Cisco,
// a `_` may consume several separators (" {" between a sequence and a set), which only makes it more forgiving.
// An `_` inside a character class or escaped (`\_`) is a literal underscore. Compiled once per policy.

const BOUNDARY = '(?:^|$|[\\s,{}()\\[\\]]+)';

/** Translate to a JavaScript RegExp; throws SyntaxError with the reason when the pattern is invalid. */
export function compileAsPathRegex(pattern: string): RegExp {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      out += c + (pattern[i + 1] ?? '');
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') { inClass = true; out += c; continue; }
    out += c === '_' ? BOUNDARY : c;
  }
  return new RegExp(out);
}
