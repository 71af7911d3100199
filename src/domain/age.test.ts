import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ageOn, birthdayInYear, dayReachingAge, hasReachedAge } from './age.js';
import { addDays, fromParts, isoDate, type IsoDate } from './dates.js';

const d = isoDate;

describe('dayReachingAge (年齢計算ニ関スル法律 + 民法143条: the day before the birthday)', () => {
  it.each([
    // rules.md §2.4 / troubles.md T29: born 1 April reaches 6 on 31 March.
    ['2018-04-01', 6, '2024-03-31'],
    ['2018-04-02', 6, '2024-04-01'],
    ['2019-03-31', 6, '2025-03-30'],
    // troubles.md T27: born 1955-06-01 reaches 70 on the last day of May.
    ['1955-06-01', 70, '2025-05-31'],
    ['1955-06-15', 70, '2025-06-14'],
    // Born 1 January reaches the age on 31 December of the previous year.
    ['2000-01-01', 18, '2017-12-31'],
    // 29 February: always 28 February (民法143条2項 ただし書), leap year or not.
    ['2000-02-29', 25, '2025-02-28'],
    ['2000-02-29', 24, '2024-02-28'],
    // 1 March: the day before is 29 February in a leap year.
    ['2000-03-01', 24, '2024-02-29'],
    ['2000-03-01', 25, '2025-02-28'],
  ] as const)('born %s reaches %i on %s', (born, age, expected) => {
    expect(dayReachingAge(d(born), age)).toBe(expected);
  });

  it('refuses an age that is not a whole number ≥ 1', () => {
    expect(() => dayReachingAge(d('2000-01-01'), 0)).toThrow(/age must be a whole number/);
    expect(() => dayReachingAge(d('2000-01-01'), 1.5)).toThrow(/age must be a whole number/);
  });
});

describe('birthdayInYear', () => {
  it.each([
    ['1985-06-15', 2025, '2025-06-15'],
    ['2000-02-29', 2024, '2024-02-29'],
    ['2000-02-29', 2025, '2025-03-01'], // our rule: the day after reaching the age on 28 Feb
    ['2000-02-29', 2100, '2100-03-01'], // 2100 is not a leap year
    ['2000-02-29', 2000, '2000-02-29'],
  ] as const)('born %s, year %i → %s', (born, year, expected) => {
    expect(birthdayInYear(d(born), year)).toBe(expected);
  });
});

describe('ageOn (ordinary completed years: +1 on the birthday itself)', () => {
  it.each([
    ['1985-06-15', '2025-06-14', 39],
    ['1985-06-15', '2025-06-15', 40],
    ['1985-06-15', '1985-06-15', 0],
    ['2000-02-29', '2024-02-28', 23],
    ['2000-02-29', '2024-02-29', 24],
    ['2000-02-29', '2025-02-28', 24],
    ['2000-02-29', '2025-03-01', 25],
    ['1950-05-15', '2025-05-14', 74],
    ['1950-05-15', '2025-05-15', 75],
  ] as const)('born %s, on %s → %i', (born, on, expected) => {
    expect(ageOn(d(born), d(on))).toBe(expected);
  });

  it('refuses a date before birth and names both dates', () => {
    expect(() => ageOn(d('2000-05-01'), d('2000-04-30'))).toThrow(/2000-04-30.*2000-05-01/);
  });
});

describe('hasReachedAge', () => {
  it('is true from the day before the birthday', () => {
    expect(hasReachedAge(d('2018-04-02'), 6, d('2024-03-31'))).toBe(false);
    expect(hasReachedAge(d('2018-04-02'), 6, d('2024-04-01'))).toBe(true);
  });
});

const anyBirthDate = fc
  .record({ y: fc.integer({ min: 1900, max: 2030 }), m: fc.integer({ min: 1, max: 12 }), dd: fc.integer({ min: 1, max: 31 }) })
  .filter(({ y, m, dd }) => dd <= new Date(Date.UTC(y, m, 0)).getUTCDate())
  .map(({ y, m, dd }): IsoDate => fromParts(y, m, dd));

describe('age properties', () => {
  it('the ordinary age becomes n the day after the legal reaching day, for every birth date', () => {
    fc.assert(
      fc.property(anyBirthDate, fc.integer({ min: 1, max: 110 }), (born, n) => {
        const reached = dayReachingAge(born, n);
        expect(ageOn(born, reached)).toBe(n - 1);
        expect(ageOn(born, addDays(reached, 1))).toBe(n);
      }),
    );
  });

  it('age never decreases from one day to the next and grows by at most 1', () => {
    fc.assert(
      fc.property(anyBirthDate, fc.integer({ min: 0, max: 40_000 }), (born, offset) => {
        const day = addDays(born, offset);
        const step = ageOn(born, addDays(day, 1)) - ageOn(born, day);
        expect(step === 0 || step === 1).toBe(true);
      }),
    );
  });
});
