/**
 * Synthetic faces: each persona has a fixed 16-number embedding drawn from the seeded Rng by its
 * key, and the reader compares the camera's embedding with the card's by cosine similarity
 * against a threshold (reader-flow N7 / F9). Real face images play no part: what matters to the
 * flow is that the holder matches and anyone else does not.
 */
import { createRng } from '../domain/rng.js';

export const FACE_EMBEDDING_LENGTH = 16;
/** Match threshold when the profile gives none (our number; no source states one). */
export const DEFAULT_FACE_MATCH_THRESHOLD = 0.8;
/** Seconds without a usable face frame before face-capture counts a failure (F11; our number, no source). */
export const DEFAULT_FACE_CAPTURE_TIMEOUT_S = 30;
/** Consecutive mismatches that lock face auth for a card (F10, option face_lock_after). */
export const DEFAULT_FACE_LOCK_AFTER = 10;

/**
 * What the camera saw; anything but 'ok' is a guidance prompt that does not count as a failure
 * (F8). 'mask' is a prompt only on a maker with the mask prompt (quirk maskPrompt); other
 * readers match through a mask (MIYASHISHOU), so there it is compared like 'ok'.
 */
export const FACE_QUALITIES = ['ok', 'too-close', 'backlight', 'no-face', 'occluded', 'in-sleeve', 'mask'] as const;
export type FaceQuality = (typeof FACE_QUALITIES)[number];

/** A fixed seed so that a persona's face is the same in every run and on every machine. */
const FACE_SEED = 0x6d79_6e61;

/** The persona's face: components uniform in [-1, 1), so two different faces are nearly orthogonal. */
export function faceEmbedding(personaKey: string): number[] {
  if (personaKey.length === 0) throw new RangeError('faceEmbedding: the persona key is empty; pass the key the scenario uses for the persona');
  const rng = createRng(FACE_SEED).fork(`face:${personaKey}`);
  return Array.from({ length: FACE_EMBEDDING_LENGTH }, () => rng.next() * 2 - 1);
}

/** Cosine similarity in [-1, 1]; 0 when either vector is empty, zero or of a different length. */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 || a.length !== b.length) return 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  if (na === 0 || nb === 0 || !Number.isFinite(dot)) return 0;
  return Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb)));
}
