// The event queue of the convergence simulator: a binary min-heap on (time, sequence) over events stored as
// parallel typed arrays (no per-event objects), with recycled slots. Equal times pop in the order they were
// pushed, so a run is deterministic.
export class EventQueue {
  time = new Float64Array(1024);
  seq = new Float64Array(1024);
  kind = new Uint8Array(1024);
  a = new Int32Array(1024);
  b = new Int32Array(1024);
  c = new Int32Array(1024);
  d = new Int32Array(1024);
  private heap = new Int32Array(1024);
  private size = 0;
  private free: number[] = [];
  private used = 0;
  private counter = 0;

  get length(): number { return this.size; }

  private grow(): void {
    const n = this.time.length * 2;
    const g = <T extends Float64Array | Int32Array | Uint8Array>(x: T, C: new (n: number) => T): T => { const y = new C(n); y.set(x); return y; };
    this.time = g(this.time, Float64Array); this.seq = g(this.seq, Float64Array); this.kind = g(this.kind, Uint8Array);
    this.a = g(this.a, Int32Array); this.b = g(this.b, Int32Array); this.c = g(this.c, Int32Array); this.d = g(this.d, Int32Array);
    this.heap = g(this.heap, Int32Array);
  }

  private less(x: number, y: number): boolean {
    const tx = this.time[x]!;
    const ty = this.time[y]!;
    return tx < ty || (tx === ty && this.seq[x]! < this.seq[y]!);
  }

  push(time: number, kind: number, a: number, b: number, c: number, d: number): void {
    let id: number;
    if (this.free.length > 0) id = this.free.pop()!;
    else { if (this.used === this.time.length) this.grow(); id = this.used++; }
    this.time[id] = time; this.seq[id] = this.counter++; this.kind[id] = kind;
    this.a[id] = a; this.b[id] = b; this.c[id] = c; this.d[id] = d;
    if (this.size === this.heap.length) this.grow();
    let i = this.size++;
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(id, h[p]!)) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = id;
  }

  /** Removes the earliest event and returns its slot (valid until the next push), or -1 when empty. */
  pop(): number {
    if (this.size === 0) return -1;
    const h = this.heap;
    const top = h[0]!;
    const last = h[--this.size]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.size) break;
      const r = l + 1;
      const m = r < this.size && this.less(h[r]!, h[l]!) ? r : l;
      if (!this.less(h[m]!, last)) break;
      h[i] = h[m]!;
      i = m;
    }
    h[i] = last;
    this.free.push(top);
    return top;
  }

  peekTime(): number {
    return this.size === 0 ? Infinity : this.time[this.heap[0]!]!;
  }
}
