// Reusable typed arrays for sweeps: a worker evaluating hundreds of variants would otherwise allocate (and leave
// for the garbage collector) a few MB of per-AS arrays per variant; V8 collects such off-heap memory lazily, so a
// worker's RSS would grow by tens of MB. With a Scratch the same arrays are refilled each time. Results built
// in scratch arrays are valid only until the next call that uses the same Scratch.
type Ctor<T> = new (n: number) => T;

export class Scratch {
  private readonly arrays = new Map<string, Int32Array | Uint8Array | Uint16Array | Float64Array>();

  private get<T extends Int32Array | Uint8Array | Uint16Array | Float64Array>(tag: string, n: number, C: Ctor<T>, fill: number): T {
    let a = this.arrays.get(tag) as T | undefined;
    if (a === undefined || a.length !== n || !(a instanceof C)) {
      a = new C(n);
      this.arrays.set(tag, a);
    }
    a.fill(fill);
    return a;
  }

  i32(tag: string, n: number, fill = 0): Int32Array { return this.get(tag, n, Int32Array, fill); }

  /** A growable buffer: at least `cap` long, contents unspecified; kept (and only ever enlarged) across calls. */
  i32cap(tag: string, cap: number): Int32Array { return this.cap(tag, cap, Int32Array); }
  f64cap(tag: string, cap: number): Float64Array { return this.cap(tag, cap, Float64Array); }

  private cap<T extends Int32Array | Float64Array>(tag: string, cap: number, C: Ctor<T>): T {
    const a = this.arrays.get(tag) as T | undefined;
    if (a !== undefined && a.length >= cap && a instanceof C) return a;
    const b = new C(Math.max(cap, (a?.length ?? 0) * 2));
    this.arrays.set(tag, b);
    return b;
  }
  u16(tag: string, n: number, fill = 0): Uint16Array { return this.get(tag, n, Uint16Array, fill); }
  u8(tag: string, n: number, fill = 0): Uint8Array { return this.get(tag, n, Uint8Array, fill); }
  f64(tag: string, n: number, fill = 0): Float64Array { return this.get(tag, n, Float64Array, fill); }
}
