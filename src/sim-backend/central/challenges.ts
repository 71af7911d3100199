import { randomFillSync } from 'node:crypto';
import type { Clock } from '../../domain/index.js';
import { ExpiringMap } from './expiring-map.js';

export const CHALLENGE_NONCE_BYTES = 32;
export const DEFAULT_CHALLENGE_TTL_MS = 5 * 60_000;
/**
 * Challenges remembered at most. Expiry runs on the virtual clock, which a scenario (or
 * `myna-rig serve`) may hold still for hours while a soak sends thousands of checks a second; the
 * cap keeps memory bounded then (~200 B a challenge). A reader uses its challenge within seconds.
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

interface Entry {
  nonce: Uint8Array;
  expiresAt: number;
  used: boolean;
}

/** Single-use challenges for the card's (or the reader's) signature. */
export class Challenges {
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #random: (length: number) => Uint8Array;
  readonly #entries: ExpiringMap<Entry>;

  constructor(opts: ChallengeOptions) {
    this.#clock = opts.clock;
    this.#ttlMs = opts.ttlMs ?? DEFAULT_CHALLENGE_TTL_MS;
    if (!(this.#ttlMs > 0)) throw new RangeError(`Challenges: ttlMs must be > 0, received ${this.#ttlMs}`);
    this.#random = opts.randomBytes ?? csprngBytes;
    const maxEntries = opts.maxEntries ?? DEFAULT_MAX_CHALLENGES;
    if (!(maxEntries >= 1)) throw new RangeError(`Challenges: maxEntries must be ≥ 1, received ${maxEntries}`);
    this.#entries = new ExpiringMap(maxEntries);
  }

  issue(): IssuedChallenge {
    this.#prune();
    const nonce = this.#random(CHALLENGE_NONCE_BYTES);
    if (nonce.length !== CHALLENGE_NONCE_BYTES) {
      throw new Error(`Challenges.issue: the byte source gave ${nonce.length} bytes, expected ${CHALLENGE_NONCE_BYTES}`);
    }
    let challengeId: string;
    do {
      const id = this.#random(12);
      // A view, not a copy: the id is encoded straight from the bytes drawn.
      challengeId = Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('base64url');
    } while (this.#entries.has(challengeId));
    const expiresAt = this.#clock.now() + this.#ttlMs;
    this.#entries.add(challengeId, { nonce, expiresAt, used: false }, expiresAt);
    return { challengeId, nonce, expiresAt };
  }

  /** Consumes the challenge: the first take of a live challenge yields its nonce, no later one does. */
  take(challengeId: string): TakeResult {
    const entry = this.#entries.get(challengeId);
    if (!entry) return 'unknown';
    if (this.#clock.now() > entry.expiresAt) return 'expired';
    if (entry.used) return 'reused';
    entry.used = true;
    return { nonce: entry.nonce };
  }

  /** How many challenges are remembered now (tests: pruning keeps this bounded). */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Forgets challenges long past expiry (one more TTL, so a late reuse still reads "reused" or
   * "expired"), and the oldest when the cap is reached (room for the one being issued); see
   * ExpiringMap for the order.
   */
  #prune(): void {
    this.#entries.prune(this.#clock.now() - this.#ttlMs);
  }
}
