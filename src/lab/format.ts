// Plain-text tables for the lab's reports (aligned columns, a rule under the header), and small formatting
// helpers. Machine-readable output is always the JSON beside them (--json).

export function table(header: string[], rows: Array<Array<string | number | null | undefined>>, align: Array<'l' | 'r'> = []): string {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined ? '-' : String(c))));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (align[i] === 'r' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

export const ms = (x: number | null | undefined, digits = 1): string => (x === null || x === undefined ? '-' : `${x.toFixed(digits)} ms`);
export const pct = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? '-' : `${(x * 100).toFixed(1)}%`);
export const km = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : `${Math.round(x).toLocaleString('en-US')} km`);
