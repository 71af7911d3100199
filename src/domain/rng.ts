/**
 * Seeded pseudo-random numbers (sfc32 seeded through splitmix32). Every random choice in a run
 * comes from here so that the same scenario and seed give the same run.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number;
  bytes(length: number): Uint8Array;
  pick<T>(items: readonly T[]): T;
  /** An independent stream, stable for a given label. */
  fork(label: string): Rng;
}

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  }
  return h;
}

export function createRng(seed: number): Rng {
  const init = splitmix32(seed);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  const next32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) next32();

  const rng: Rng = {
    next: () => next32() / 0x1_0000_0000,
    int(min, max) {
      if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
        throw new RangeError(`Rng.int: need integers min ≤ max, received ${min}, ${max}`);
      }
      return min + Math.floor(rng.next() * (max - min + 1));
    },
    bytes(length) {
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i++) out[i] = next32() & 0xff;
      return out;
    },
    pick(items) {
      if (items.length === 0) throw new RangeError('Rng.pick: empty list');
      return items[rng.int(0, items.length - 1)] as (typeof items)[number];
    },
    fork(label) {
      return createRng((seed ^ hashLabel(label)) >>> 0);
    },
  };
  return rng;
}
