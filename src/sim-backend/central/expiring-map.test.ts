import { describe, expect, it } from 'vitest';
import { ExpiringMap } from './expiring-map.js';

describe('ExpiringMap', () => {
  it('forgets entries that expired before the cutoff, oldest first, and keeps one expiring at the cutoff', () => {
    const m = new ExpiringMap<string>(10);
    m.add('a', 'A', 100);
    m.add('b', 'B', 200);
    m.add('c', 'C', 300);
    m.prune(200);
    expect([m.get('a'), m.get('b'), m.get('c'), m.size]).toEqual([undefined, 'B', 'C', 2]);
    m.prune(301);
    expect(m.size).toBe(0);
  });

  it('at the cap forgets the oldest to make room, whatever its expiry', () => {
    const m = new ExpiringMap<number>(3);
    for (let i = 1; i <= 3; i++) m.add(`k${i}`, i, 1_000_000);
    m.prune(0);
    m.add('k4', 4, 1_000_000);
    expect([m.has('k1'), m.has('k2'), m.has('k3'), m.has('k4'), m.size]).toEqual([false, true, true, true, 3]);
  });

  it('stops at the first live entry in insertion order (a later-inserted, earlier-expiring one waits)', () => {
    const m = new ExpiringMap<string>(10);
    m.add('late', 'L', 500);
    m.add('early', 'E', 100);
    m.prune(200);
    expect([m.has('late'), m.has('early')]).toEqual([true, true]);
    m.prune(501);
    expect(m.size).toBe(0);
  });

  it('stays right across the compaction of its order (tens of thousands of entries through a cap of 1,000)', () => {
    const m = new ExpiringMap<number>(1000);
    for (let i = 0; i < 20_000; i++) {
      m.prune(i - 500);
      m.add(`k${i}`, i, i);
    }
    // The last prune (cutoff 19,499) left k19499 … k19998, then k19999 came: 501, never the cap.
    expect(m.size).toBe(501);
    expect([m.get('k19498'), m.get('k19499'), m.get('k19999')]).toEqual([undefined, 19_499, 19_999]);
  });

  it('refuses a cap below 1', () => {
    expect(() => new ExpiringMap(0)).toThrow(/maxEntries must be ≥ 1, received 0/);
  });
});
