import { randomFillSync } from 'node:crypto';
import type { Clock } from '../../domain/index.js';

export const CHALLENGE_NONCE_BYTES = 32;
export const DEFAULT_CHALLENGE_TTL_MS = 5 * 60_000;
/**
 * Challenges remembered at most. Expiry runs on the virtual clock, which a scenario (or
 * `myna-rig serve`) may hold still for hours while a soak sends thousands of checks a second; the
 * cap keeps memory bounded then (~50 B a challenge, in typed arrays). A reader uses its challenge within seconds.
 */
export const DEFAULT_MAX_CHALLENGES = 200_000;

const POOL_BYTES = 4096;
let pool = new Uint8Array(0);
let poolAt = 0;

/**
 * `length` bytes from node's CSPRNG, drawn from a 4 KiB block filled at once: one call into the
 * CSPRNG per ~80 challenges instead of two per challenge. Each block is new and never refilled,
 * so the bytes handed out are views into it, not copies (no allocation per nonce); every byte is
 * handed out once.
 */
export function csprngBytes(length: number): Uint8Array {
  if (length > POOL_BYTES) return randomFillSync(new Uint8Array(length));
  if (poolAt + length > pool.length) {
    pool = randomFillSync(new Uint8Array(POOL_BYTES));
    poolAt = 0;
  }
  const out = pool.subarray(poolAt, poolAt + length);
  poolAt += length;
  return out;
}

export interface IssuedChallenge {
  challengeId: string;
  nonce: Uint8Array;
  /** epoch ms (virtual clock) after which the challenge is refused. */
  expiresAt: number;
}

export type TakeResult = 'unknown' | 'expired' | 'reused' | { nonce: Uint8Array };

export interface ChallengeOptions {
  clock: Clock;
  ttlMs?: number;
  /**
   * Source of random bytes. Default: node's CSPRNG. Deliberately not the seeded Rng: a nonce
   * that a seed can reproduce could be signed in advance, which is what a challenge prevents.
   * Tests may inject fixed bytes.
   */
  randomBytes?: (length: number) => Uint8Array;
  /** At most this many are remembered; past it the oldest is forgotten (then 'unknown'). */
  maxEntries?: number;
}

/** The id: base64url of the slot (3 bytes, big-endian) and a random tag (9 bytes): 16 characters. */
const SLOT_BYTES = 3;
/** The most challenges a Challenges can hold: its ids name a slot in SLOT_BYTES bytes. */
export const MAX_CHALLENGES_LIMIT = 2 ** (8 * SLOT_BYTES);
const TAG_BYTES = 9;
const ID_BYTES = SLOT_BYTES + TAG_BYTES;
const CHALLENGE_ID = /^[A-Za-z0-9_-]{16}$/;
const FREE = 0;
const LIVE = 1;
const USED = 2;

/**
 * Single-use challenges for the card's (or the reader's) signature.
 *
 * Kept in typed arrays, one slot per challenge, the id naming its slot and carrying a random tag
 * that must match: a take is an array access, not a lookup in a Map of 200,000 fresh strings, and a
 * challenge leaves no JavaScript object behind for the garbage collector to copy (the event loop's
 * time per check, bench/backend-http.ts). A slot freed and reused gets a new tag, so an old id is
 * 'unknown' then, as a forgotten one always was.
 */
export class Challenges {
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #random: (length: number) => Uint8Array;
  readonly #maxEntries: number;
  #capacity = 0;
  #tags = new Uint8Array(0);
  #nonces = new Uint8Array(0);
  #expires = new Float64Array(0);
  #states = new Uint8Array(0);
  /** Slots freed by pruning, reused first; then #next, the first slot never used. */
  #free: number[] = [];
  #next = 0;
  /** Slots in issue order from #head: pruning takes the oldest first. */
  #order: number[] = [];
  #head = 0;
  #count = 0;
  readonly #id = Buffer.alloc(ID_BYTES);

  constructor(opts: ChallengeOptions) {
    this.#clock = opts.clock;
    this.#ttlMs = opts.ttlMs ?? DEFAULT_CHALLENGE_TTL_MS;
    if (!(this.#ttlMs > 0)) throw new RangeError(`Challenges: ttlMs must be > 0, received ${this.#ttlMs}`);
    this.#random = opts.randomBytes ?? csprngBytes;
    this.#maxEntries = opts.maxEntries ?? DEFAULT_MAX_CHALLENGES;
    if (!(this.#maxEntries >= 1 && this.#maxEntries <= MAX_CHALLENGES_LIMIT)) {
      throw new RangeError(`Challenges: maxEntries must be from 1 to ${MAX_CHALLENGES_LIMIT}, received ${this.#maxEntries}`);
    }
  }

  issue(): IssuedChallenge {
    this.#prune();
    const nonce = this.#random(CHALLENGE_NONCE_BYTES);
    if (nonce.length !== CHALLENGE_NONCE_BYTES) {
      throw new Error(`Challenges.issue: the byte source gave ${nonce.length} bytes, expected ${CHALLENGE_NONCE_BYTES}`);
    }
    const tag = this.#random(TAG_BYTES);
    const slot = this.#takeSlot();
    this.#tags.set(tag, slot * TAG_BYTES);
    this.#nonces.set(nonce, slot * CHALLENGE_NONCE_BYTES);
    const expiresAt = this.#clock.now() + this.#ttlMs;
    this.#expires[slot] = expiresAt;
    this.#states[slot] = LIVE;
    this.#order.push(slot);
    this.#count += 1;
    const id = this.#id;
    id[0] = slot >>> 16;
    id[1] = (slot >>> 8) & 0xff;
    id[2] = slot & 0xff;
    id.set(tag, SLOT_BYTES);
    return { challengeId: id.toString('base64url'), nonce, expiresAt };
  }

  /** Consumes the challenge: the first take of a live challenge yields its nonce, no later one does. */
  take(challengeId: string): TakeResult {
    if (!CHALLENGE_ID.test(challengeId)) return 'unknown';
    const id = Buffer.from(challengeId, 'base64url');
    const slot = (id[0]! << 16) | (id[1]! << 8) | id[2]!;
    if (slot >= this.#next || this.#states[slot] === FREE) return 'unknown';
    const tags = this.#tags;
    for (let i = 0, at = slot * TAG_BYTES; i < TAG_BYTES; i++) if (tags[at + i] !== id[SLOT_BYTES + i]) return 'unknown';
    if (this.#clock.now() > this.#expires[slot]!) return 'expired';
    if (this.#states[slot] === USED) return 'reused';
    this.#states[slot] = USED;
    // A copy: the slot is reused once the challenge is forgotten, and the nonce is still wanted then.
    return { nonce: this.#nonces.slice(slot * CHALLENGE_NONCE_BYTES, (slot + 1) * CHALLENGE_NONCE_BYTES) };
  }

  /** How many challenges are remembered now (tests: pruning keeps this bounded). */
  get size(): number {
    return this.#count;
  }

  #takeSlot(): number {
    const reused = this.#free.pop();
    if (reused !== undefined) return reused;
    if (this.#next === this.#capacity) this.#grow();
    return this.#next++;
  }

  /** Doubles the arrays (up to the cap); slots keep their numbers, so ids stay valid. */
  #grow(): void {
    const capacity = Math.min(this.#maxEntries, Math.max(1024, this.#capacity * 2));
    const grown = <T extends Uint8Array | Float64Array>(old: T, make: (n: number) => T, width: number): T => {
      const out = make(capacity * width);
      out.set(old);
      return out;
    };
    this.#tags = grown(this.#tags, (n) => new Uint8Array(n), TAG_BYTES);
    this.#nonces = grown(this.#nonces, (n) => new Uint8Array(n), CHALLENGE_NONCE_BYTES);
    this.#expires = grown(this.#expires, (n) => new Float64Array(n), 1);
    this.#states = grown(this.#states, (n) => new Uint8Array(n), 1);
    this.#capacity = capacity;
  }

  /**
   * Forgets challenges long past expiry (one more TTL, so a late reuse still reads "reused" or
   * "expired"), and the oldest when the cap is reached (room for the one being issued). In issue
   * order: after the clock is set back, a challenge may stay a little longer; none leaves early.
   */
  #prune(): void {
    const cutoff = this.#clock.now() - this.#ttlMs;
    const order = this.#order;
    let head = this.#head;
    while (head < order.length) {
      const slot = order[head]!;
      if (this.#expires[slot]! >= cutoff && this.#count < this.#maxEntries) break;
      this.#states[slot] = FREE;
      this.#free.push(slot);
      this.#count -= 1;
      head += 1;
    }
    this.#head = head;
    if (head > 4096 && head * 2 > order.length) {
      this.#order = order.slice(head);
      this.#head = 0;
    }
  }
}
