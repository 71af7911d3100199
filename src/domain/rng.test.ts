import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from './rng.js';

describe('seeded Rng', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const seqA = Array.from({ length: 8 }, () => a.next());
    expect(Array.from({ length: 8 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 8 }, () => c.next())).not.toEqual(seqA);
  });

  it('forks stable, label-dependent streams', () => {
    const x1 = createRng(7).fork('card').int(0, 1_000_000);
    const x2 = createRng(7).fork('card').int(0, 1_000_000);
    const y = createRng(7).fork('reader').int(0, 1_000_000);
    expect(x1).toBe(x2);
    expect(y).not.toBe(x1);
  });

  it('int stays within bounds and next within [0, 1)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 1000 }), (seed, min, span) => {
        const rng = createRng(seed);
        for (let i = 0; i < 20; i++) {
          const n = rng.int(min, min + span);
          if (n < min || n > min + span || !Number.isInteger(n)) return false;
          const f = rng.next();
          if (f < 0 || f >= 1) return false;
        }
        return true;
      }),
    );
  });

  it('refuses bad arguments with a message that names them', () => {
    expect(() => createRng(1).int(5, 1)).toThrow('Rng.int: need integers min ≤ max, received 5, 1');
    expect(() => createRng(1).pick([])).toThrow('Rng.pick: empty list');
  });
});
