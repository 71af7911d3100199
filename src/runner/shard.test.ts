import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LoadedScenario } from '../scenarios/loader.js';
import { selectShard } from './shard.js';

const fake = (id: string): LoadedScenario => ({ scenario: { id } as LoadedScenario['scenario'], file: `${id}.yaml`, line: 1 });

describe('selectShard', () => {
  it('cuts sorted ids into contiguous slices: 5 scenarios in 2 shards → 2 + 3', () => {
    const all = ['e', 'b', 'a', 'd', 'c'].map(fake);
    expect(selectShard(all, { current: 1, total: 2 }).map((s) => s.scenario.id)).toEqual(['b', 'a']);
    expect(selectShard(all, { current: 2, total: 2 }).map((s) => s.scenario.id)).toEqual(['e', 'd', 'c']);
  });

  it('puts every scenario in exactly one shard, sizes within one of each other, whatever the input order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 40 }), fc.integer({ min: 1, max: 8 }), (ids, total) => {
        const all = ids.map(fake);
        const shards = Array.from({ length: total }, (_, k) => selectShard(all, { current: k + 1, total }).map((s) => s.scenario.id));
        expect(shards.flat().sort()).toEqual([...ids].sort());
        const sizes = shards.map((s) => s.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        const reversed = Array.from({ length: total }, (_, k) => selectShard([...all].reverse(), { current: k + 1, total }).map((s) => s.scenario.id).sort());
        expect(reversed).toEqual(shards.map((s) => [...s].sort()));
      }),
    );
  });
});
