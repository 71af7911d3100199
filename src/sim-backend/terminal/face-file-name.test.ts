import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../domain/clock.js';
import { createFaceFileNamer, faceFileName } from './face-file-name.js';

// oqs-interface.md §1.2: prefix + 10-digit code + 20 lower-case hex + '_' + yyyyMMddHHmmss + '.xml'.
const SHAPE = /^OQSsiquc01res_face_\d{10}[0-9a-f]{20}_\d{14}\.xml$/;

describe('faceFileName', () => {
  it('writes the JST timestamp of the instant', () => {
    // 2025-04-01 00:30:00 UTC is 09:30:00 JST.
    expect(faceFileName('1312345678', '0123456789abcdef0123', Date.UTC(2025, 3, 1, 0, 30, 0))).toBe(
      'OQSsiquc01res_face_13123456780123456789abcdef0123_20250401093000.xml',
    );
  });

  it('crosses the date line at 15:00 UTC', () => {
    expect(faceFileName('0000000001', 'ffffffffffffffffffff', Date.UTC(2024, 11, 31, 15, 0, 0))).toBe(
      'OQSsiquc01res_face_0000000001ffffffffffffffffffff_20250101000000.xml',
    );
  });

  it('refuses a code that is not 10 digits and a unique part that is not 20 lower-case hex', () => {
    expect(() => faceFileName('131234567', '0'.repeat(20), 0)).toThrow(/10 digits.*"131234567"/);
    expect(() => faceFileName('1312345678', 'A'.repeat(20), 0)).toThrow(/20 lower-case hex/);
  });
});

describe('createFaceFileNamer', () => {
  it('counts in the hex part and takes the time from the clock', () => {
    const clock = new VirtualClock('2025-04-01T09:30:00+09:00');
    const next = createFaceFileNamer('1312345678', clock);
    expect(next()).toBe('OQSsiquc01res_face_131234567800000000000000000001_20250401093000.xml');
    clock.advance(61_000);
    expect(next()).toBe('OQSsiquc01res_face_131234567800000000000000000002_20250401093101.xml');
  });

  it('property: every name has the face-file shape and no two names repeat', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{10}$/),
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) }),
        fc.integer({ min: 1, max: 40 }),
        (code, start, count) => {
          const next = createFaceFileNamer(code, new VirtualClock(start));
          const names = Array.from({ length: count }, () => next());
          expect(new Set(names).size).toBe(count);
          for (const n of names) {
            expect(n).toMatch(SHAPE);
            expect(n.slice(19, 29)).toBe(code);
          }
        },
      ),
    );
  });
});
