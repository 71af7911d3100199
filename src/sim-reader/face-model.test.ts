import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cosineSimilarity, faceEmbedding } from './face-model.js';

describe('faceEmbedding', () => {
  it('is 16 numbers in [-1, 1), the same on every call (golden values for persona "taro")', () => {
    const e = faceEmbedding('taro');
    expect(e).toHaveLength(16);
    expect(e.slice(0, 3)).toEqual([0.3789097536355257, -0.9997469577938318, -0.23623016010969877]);
    expect(faceEmbedding('taro')).toEqual(e);
  });

  it('refuses an empty persona key', () => {
    expect(() => faceEmbedding('')).toThrow(/persona key is empty/);
  });

  it('property: every persona matches itself exactly and its components stay in [-1, 1)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), (key) => {
        const e = faceEmbedding(key);
        expect(e.every((x) => x >= -1 && x < 1)).toBe(true);
        expect(cosineSimilarity(e, faceEmbedding(key))).toBeCloseTo(1, 12);
      }),
    );
  });

  it('different personas of the built-in scenarios are far below the 0.8 threshold', () => {
    expect(cosineSimilarity(faceEmbedding('taro'), faceEmbedding('hanako'))).toBeLessThan(0.8);
    expect(cosineSimilarity(faceEmbedding('watanabe'), faceEmbedding('suzuki'))).toBeLessThan(0.8);
  });
});

describe('cosineSimilarity', () => {
  it('known values', () => {
    expect(cosineSimilarity([1, 0], [0, 1])).toBe(0);
    expect(cosineSimilarity([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(cosineSimilarity([1, 0], [1, 1])).toBeCloseTo(0.7071067811865476, 12);
    expect(cosineSimilarity([1, 0], [-1, 0])).toBe(-1);
  });

  it('0 for empty, zero or mismatched vectors', () => {
    expect(cosineSimilarity([], [])).toBe(0);
    expect(cosineSimilarity([0, 0], [1, 1])).toBe(0);
    expect(cosineSimilarity([1, 2], [1, 2, 3])).toBe(0);
  });
});
