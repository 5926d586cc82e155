// Prometheus metrics in the text exposition format (version 0.0.4): counters and histograms kept by the agent,
// gauges computed from its state at scrape time. No client library: the format is a few lines of text.
export type Labels = Record<string, string>;

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labelText(l: Labels): string {
  const keys = Object.keys(l);
  return keys.length ? `{${keys.map((k) => `${k}="${escapeLabel(l[k]!)}"`).join(',')}}` : '';
}

function fmt(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(Math.round(n * 1e6) / 1e6);
}

export class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(readonly name: string, readonly help: string) {}
  inc(labels: Labels = {}, by = 1): void {
    const k = labelText(labels);
    const v = this.values.get(k);
    if (v) v.value += by;
    else this.values.set(k, { labels, value: by });
  }
  get(labels: Labels = {}): number {
    return this.values.get(labelText(labels))?.value ?? 0;
  }
  render(): string[] {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`,
      ...[...this.values.values()].map((v) => `${this.name}${labelText(v.labels)} ${fmt(v.value)}`)];
  }
}

export class Histogram {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly help: string, readonly buckets: number[]) {}
  observe(labels: Labels, value: number): void {
    const k = labelText(labels);
    let s = this.series.get(k);
    if (!s) {
      s = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(k, s);
    }
    this.buckets.forEach((b, i) => { if (value <= b) s!.counts[i]!++; });
    s.sum += value;
    s.count++;
  }
  render(): string[] {
    const out = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const s of this.series.values()) {
      this.buckets.forEach((b, i) => out.push(`${this.name}_bucket${labelText({ ...s.labels, le: fmt(b) })} ${s.counts[i]}`));
      out.push(`${this.name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.count}`);
      out.push(`${this.name}_sum${labelText(s.labels)} ${fmt(s.sum)}`);
      out.push(`${this.name}_count${labelText(s.labels)} ${s.count}`);
    }
    return out;
  }
}

/** A gauge family computed at scrape time. */
export function gauge(name: string, help: string, samples: Array<[Labels, number]>): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, ...samples.map(([l, v]) => `${name}${labelText(l)} ${fmt(v)}`)];
}

export class AgentMetrics {
  readonly transitions = new Counter('anycast_agent_service_transitions_total', 'Service state transitions.');
  readonly flaps = new Counter('anycast_agent_service_flaps_total', 'Service failures counted by flap damping.');
  readonly checkResults = new Counter('anycast_agent_check_results_total', 'Completed probes by result.');
  readonly checkDuration = new Histogram('anycast_agent_check_duration_seconds', 'Probe latency.',
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
  readonly applies = new Counter('anycast_agent_backend_applies_total', 'Desired-state changes handed to the backend, by outcome.');
  readonly reloads = new Counter('anycast_agent_reloads_total', 'Configuration reloads by outcome.');
}
