// Output for humans and machines: aligned text tables (numbers right-aligned, like `birdc show` output),
// CSV (RFC 4180 quoting) and JSON with NaN as null.

export type Cell = string | number | null | undefined;

export interface Column {
  title: string;
  align?: 'left' | 'right';
  /** Digits after the point for numbers (default: integers as is, others 1). */
  digits?: number;
}

function show(x: Cell, col: Column): string {
  if (x === null || x === undefined) return '-';
  if (typeof x === 'number') {
    if (Number.isNaN(x)) return '-';
    if (col.digits !== undefined) return x.toFixed(col.digits);
    return Number.isInteger(x) ? String(x) : x.toFixed(1);
  }
  return x;
}

export function table(cols: Column[], rows: Cell[][]): string {
  const text = rows.map((r) => r.map((x, i) => show(x, cols[i]!)));
  const width = cols.map((c, i) => Math.max(c.title.length, ...text.map((r) => r[i]!.length)));
  const numeric = cols.map((_, i) => rows.some((r) => typeof r[i] === 'number'));
  const line = (cells: string[], header = false) => cells.map((s, i) => {
    const right = cols[i]!.align === 'right' || (cols[i]!.align === undefined && numeric[i]! && !header) ||
      (header && cols[i]!.align === undefined && numeric[i]!);
    return right ? s.padStart(width[i]!) : s.padEnd(width[i]!);
  }).join('  ').trimEnd();
  return [line(cols.map((c) => c.title), true), ...text.map((r) => line(r))].join('\n');
}

function csvCell(x: Cell): string {
  if (x === null || x === undefined || (typeof x === 'number' && Number.isNaN(x))) return '';
  const s = typeof x === 'number' ? (Number.isInteger(x) ? String(x) : String(Math.round(x * 1e6) / 1e6)) : x;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csv(header: string[], rows: Cell[][]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

export function json(x: unknown): string {
  return JSON.stringify(x, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
}

export function pct(x: number, digits = 1): string {
  return Number.isNaN(x) ? '-' : `${(100 * x).toFixed(digits)}%`;
}
