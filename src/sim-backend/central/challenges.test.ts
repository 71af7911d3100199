import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../domain/index.js';
import { Challenges, csprngBytes } from './challenges.js';

const T0 = '2025-04-01T09:30:00+09:00';

/** A byte source that counts up, so ids and nonces are predictable in tests. */
function countingBytes(): (n: number) => Uint8Array {
  let next = 0;
  return (n) => Uint8Array.from({ length: n }, () => next++ & 0xff);
}

describe('Challenges', () => {
  it('issues 32 nonce bytes from the byte source and expires 5 minutes later by default', () => {
    const clock = new VirtualClock(T0);
    const issued = new Challenges({ clock, randomBytes: countingBytes() }).issue();
    expect(Array.from(issued.nonce.subarray(0, 3))).toEqual([0, 1, 2]);
    expect(issued.nonce.length).toBe(32);
    expect(issued.expiresAt).toBe(Date.parse('2025-04-01T09:35:00+09:00'));
  });

  it('uses crypto randomness by default: two challenges differ', () => {
    const challenges = new Challenges({ clock: new VirtualClock(T0) });
    const a = challenges.issue();
    const b = challenges.issue();
    expect(a.challengeId).not.toBe(b.challengeId);
    expect(Buffer.from(a.nonce).equals(Buffer.from(b.nonce))).toBe(false);
  });

  it('gives the nonce once, then reports reuse', () => {
    const challenges = new Challenges({ clock: new VirtualClock(T0) });
    const { challengeId, nonce } = challenges.issue();
    expect(challenges.take(challengeId)).toEqual({ nonce });
    expect(challenges.take(challengeId)).toBe('reused');
  });

  it('reports an id it never issued as unknown', () => {
    expect(new Challenges({ clock: new VirtualClock(T0) }).take('nope')).toBe('unknown');
  });

  it('accepts at exactly the expiry instant and refuses 1 ms later', () => {
    const clock = new VirtualClock(T0);
    const challenges = new Challenges({ clock, ttlMs: 60_000 });
    const a = challenges.issue();
    const b = challenges.issue();
    clock.advance(60_000);
    expect(typeof challenges.take(a.challengeId)).toBe('object');
    clock.advance(1);
    expect(challenges.take(b.challengeId)).toBe('expired');
  });

  it('refuses a byte source that gives the wrong length', () => {
    const challenges = new Challenges({ clock: new VirtualClock(T0), randomBytes: () => new Uint8Array(8) });
    expect(() => challenges.issue()).toThrow(/8 bytes, expected 32/);
  });

  it('forgets a challenge one TTL after its expiry (10 minutes after issue), and not before', () => {
    const clock = new VirtualClock(T0);
    const challenges = new Challenges({ clock });
    const old = challenges.issue();
    clock.set('2025-04-01T09:40:00+09:00');
    challenges.issue();
    expect(challenges.size).toBe(2);
    expect(challenges.take(old.challengeId)).toBe('expired');
    clock.set('2025-04-01T09:40:00.001+09:00');
    challenges.issue();
    expect(challenges.size).toBe(2);
    expect(challenges.take(old.challengeId)).toBe('unknown');
  });

  it('remembers at most maxEntries: issuing one more forgets the oldest (unknown), even on a clock held still', () => {
    const challenges = new Challenges({ clock: new VirtualClock(T0), maxEntries: 3 });
    const [a, b, c, d] = [challenges.issue(), challenges.issue(), challenges.issue(), challenges.issue()];
    expect(challenges.size).toBe(3);
    expect(challenges.take(a.challengeId)).toBe('unknown');
    expect([b, c, d].map((x) => typeof challenges.take(x.challengeId))).toEqual(['object', 'object', 'object']);
  });

  it('a forgotten challenge whose slot was reused is unknown: the new one\'s nonce never answers for it', () => {
    const challenges = new Challenges({ clock: new VirtualClock(T0), maxEntries: 1 });
    const old = challenges.issue();
    const fresh = challenges.issue();
    // Same slot (the only one), new tag.
    expect(old.challengeId.slice(0, 4)).toBe(fresh.challengeId.slice(0, 4));
    expect(challenges.take(old.challengeId)).toBe('unknown');
    expect(challenges.take(fresh.challengeId)).toEqual({ nonce: fresh.nonce });
  });

  it('answers unknown to ids that are not its own: malformed, another tag on a live slot, a slot never used', () => {
    const challenges = new Challenges({ clock: new VirtualClock(T0) });
    const { challengeId } = challenges.issue();
    const otherTag = challengeId.slice(0, 4) + (challengeId[4] === 'A' ? 'B' : 'A') + challengeId.slice(5);
    for (const id of ['', 'x', `${challengeId}A`, challengeId.slice(1), `${challengeId.slice(0, 15)}=`, `${challengeId.slice(0, 15)}+`, otherTag, 'AAAFAAAAAAAAAAAA']) {
      expect([id, challenges.take(id)]).toEqual([id, 'unknown']);
    }
    expect(typeof challenges.take(challengeId)).toBe('object');
  });

  it('keeps every id valid while its storage grows (3,000 live challenges, taken in reverse)', () => {
    const challenges = new Challenges({ clock: new VirtualClock(T0) });
    const issued = Array.from({ length: 3000 }, () => challenges.issue());
    expect(new Set(issued.map((c) => c.challengeId)).size).toBe(3000);
    for (const c of issued.reverse()) expect(challenges.take(c.challengeId)).toEqual({ nonce: c.nonce });
  });

  it('hands out a copy of the nonce: a later challenge in the same slot does not change it', () => {
    const challenges = new Challenges({ clock: new VirtualClock(T0), maxEntries: 1, randomBytes: countingBytes() });
    const first = challenges.issue();
    const taken = challenges.take(first.challengeId);
    if (typeof taken !== 'object') throw new Error(`expected the nonce, got ${taken}`);
    const kept = Array.from(taken.nonce);
    challenges.issue();
    expect(Array.from(taken.nonce)).toEqual(kept);
  });

  it('refuses a cap it cannot number (ids carry the slot in 3 bytes)', () => {
    expect(() => new Challenges({ clock: new VirtualClock(T0), maxEntries: 2 ** 24 + 1 })).toThrow(/maxEntries must be from 1 to 16777216, received 16777217/);
    expect(() => new Challenges({ clock: new VirtualClock(T0), maxEntries: 0 })).toThrow(/received 0/);
  });

  it('csprngBytes: gives bytes that a later refill does not change, and differs call to call', () => {
    const first = csprngBytes(32);
    const kept = Array.from(first);
    for (let i = 0; i < 300; i++) csprngBytes(32); // more than one 4 KiB block: at least one refill
    expect(Array.from(first)).toEqual(kept);
    expect(Buffer.from(csprngBytes(32)).equals(Buffer.from(csprngBytes(32)))).toBe(false);
    expect(csprngBytes(5000).length).toBe(5000);
  });
});
