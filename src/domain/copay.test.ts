import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  copayBand,
  copayRatio,
  elderlyRatioFrom,
  isPreschool,
  lateElderlyFrom,
  preschoolLastDay,
  type CopayBand,
} from './copay.js';
import { addDays, fromParts, isoDate, type IsoDate } from './dates.js';
import type { IncomeClass } from './person.js';

const d = isoDate;

/*
 * Sources of the expected values (all written by hand, not computed):
 * - seed 002 «医療費の一部負担（自己負担）割合について» (002:424–449): «75歳以上の者は、1割（現役並み
 *   所得者は3割、現役並み所得者以外の一定所得以上の者は2割（※））», «70歳から74歳までの者は、2割
 *   （現役並み所得者は3割。）», «70歳未満の者は3割。6歳（義務教育就学前）未満の者は2割», «（※）令和4年
 *   10月1日から施行».
 * - rules.md §2.4 rows (未就学 boundary on the first 31 March on or after legally reaching 6; 70–74
 *   from the 1st of the month after the month of the 70th birthday, born on the 1st → that month;
 *   後期 from the 75th birthday itself).
 * - troubles.md T27 (70), T28 (75), T29 (未就学) boundaries.
 */
const table: ReadonlyArray<readonly [string, string, IncomeClass, number, string]> = [
  // 未就学 (rules.md §2.4, T29): born 1 April reaches 6 on 31 March → 3割 from 1 April of that year.
  ['2018-04-01', '2024-03-31', 'general', 20, 'T29 born 04-01: last 2割 day'],
  ['2018-04-01', '2024-04-01', 'general', 30, 'T29 born 04-01: first 3割 day'],
  ['2018-04-02', '2025-03-31', 'general', 20, 'T29 born 04-02: last 2割 day'],
  ['2018-04-02', '2025-04-01', 'general', 30, 'T29 born 04-02: first 3割 day'],
  ['2018-04-02', '2024-04-02', 'general', 20, 'born 04-02 on its 6th birthday: still 未就学'],
  ['2019-03-31', '2025-03-31', 'general', 20, 'T29 born 03-31: 2割 through 2025-03-31'],
  ['2019-03-31', '2025-04-01', 'general', 30, 'born 03-31: 3割 from 2025-04-01'],
  ['2024-01-10', '2024-01-10', 'general', 20, 'seed 002: 6歳未満 2割 — day of birth'],
  ['2018-04-02', '2025-03-31', 'active', 20, 'income plays no part below 70'],
  // School age to 69 (seed 002: 70歳未満の者は3割).
  ['1985-06-15', '2025-06-15', 'general', 30, 'age 40'],
  ['1985-06-15', '2025-06-15', 'low', 30, 'age 40, 低所得'],
  ['1985-06-15', '2025-06-15', 'higher', 30, 'age 40, higher is a 75+ class'],
  // 70–74 (T27): born 1955-06-15 → 3割 through June, 2割 from 2025-07-01.
  ['1955-06-15', '2025-06-30', 'general', 30, 'T27 last day of the birth month'],
  ['1955-06-15', '2025-07-01', 'general', 20, 'T27 1st of the next month'],
  ['1955-06-15', '2025-07-01', 'low', 20, '低所得 as general'],
  ['1955-06-15', '2025-07-01', 'higher', 20, 'higher below 75 as general'],
  ['1955-06-15', '2025-07-01', 'active', 30, '現役並み 3割'],
  ['1955-06-15', '2025-06-30', 'active', 30, '現役並み before 70–74: 3割 as well'],
  // T27 born on the 1st: from the birth month itself.
  ['1955-06-01', '2025-05-31', 'general', 30, 'T27 born 06-01: day before the birth month'],
  ['1955-06-01', '2025-06-01', 'general', 20, 'T27 born 06-01: from the birth month'],
  // 75+ (T28): born 1950-05-15 → 後期 from 2025-05-15 itself.
  ['1950-05-15', '2025-05-14', 'general', 20, 'T28 day before the 75th birthday: 70–74 ratio'],
  ['1950-05-15', '2025-05-14', 'active', 30, 'T28 day before, 現役並み'],
  ['1950-05-15', '2025-05-15', 'general', 10, 'T28 75th birthday: 1割'],
  ['1950-05-15', '2025-05-15', 'low', 10, '低所得 1割'],
  ['1950-05-15', '2025-05-15', 'higher', 20, '一定以上所得 2割 (after 2022-10-01)'],
  ['1950-05-15', '2025-05-15', 'active', 30, '現役並み 3割'],
  // 一定以上所得 2割 starts on 令和4年10月1日 (seed 002 ※).
  ['1940-03-10', '2022-09-30', 'higher', 10, '一定以上所得, day before 2022-10-01'],
  ['1940-03-10', '2022-10-01', 'higher', 20, '一定以上所得, 2022-10-01'],
  ['1940-03-10', '2022-09-30', 'general', 10, 'general 75+'],
  // 29 February (age.ts): reaches 70 on 2026-02-28 → 70–74 from 2026-03-01; 75th birthday in a
  // non-leap year 2031 is 2031-03-01.
  ['1956-02-29', '2026-02-28', 'general', 30, 'born 02-29, month of reaching 70'],
  ['1956-02-29', '2026-03-01', 'general', 20, 'born 02-29, from March'],
  ['1956-02-29', '2031-02-28', 'general', 20, 'born 02-29, day before the 75th birthday'],
  ['1956-02-29', '2031-03-01', 'general', 10, 'born 02-29, 75th birthday in a non-leap year'],
];

describe('copayRatio — literal table', () => {
  it.each(table)('born %s, visit %s, %s → %i (%s)', (born, visit, incomeClass, expected) => {
    expect(copayRatio({ birthDate: d(born), serviceDate: d(visit), incomeClass })).toBe(expected);
  });

  it('refuses a visit before birth, naming both dates', () => {
    expect(() =>
      copayRatio({ birthDate: d('2020-05-01'), serviceDate: d('2020-04-30'), incomeClass: 'general' }),
    ).toThrow(/2020-04-30.*2020-05-01/);
  });
});

describe('copayBand and the boundary dates', () => {
  it.each([
    ['2018-04-01', '2024-03-31', 'preschool'],
    ['2018-04-01', '2024-04-01', 'working-age'],
    ['1955-06-15', '2025-06-30', 'working-age'],
    ['1955-06-15', '2025-07-01', 'elderly-70-74'],
    ['1955-06-01', '2025-06-01', 'elderly-70-74'],
    ['1950-05-15', '2025-05-14', 'elderly-70-74'],
    ['1950-05-15', '2025-05-15', 'late-elderly-75'],
  ] as const)('born %s on %s → %s', (born, on, expected) => {
    expect(copayBand(d(born), d(on))).toBe(expected);
  });

  // Worked by hand: 未就学 ends on the first 31 March on or after the day before the 6th birthday;
  // 70–74 starts on the 1st of the month after the day before the 70th birthday; 後期 on the 75th
  // birthday. E.g. born 2018-04-02: reaches 6 on 2024-04-01 → 2025-03-31; reaches 70 on 2088-04-01
  // → 2088-05-01. Born 1950-12-31: reaches 6 on 1956-12-30 → 1957-03-31; reaches 70 on 2020-12-30
  // → 2021-01-01. Born 1956-02-29: reaches 6 on 1962-02-28 → 1962-03-31; 75th birthday in 2031
  // (not a leap year) → 2031-03-01.
  it.each([
    ['2018-04-01', '2024-03-31', '2088-04-01', '2093-04-01'],
    ['2018-04-02', '2025-03-31', '2088-05-01', '2093-04-02'],
    ['1955-06-01', '1962-03-31', '2025-06-01', '2030-06-01'],
    ['1955-06-15', '1962-03-31', '2025-07-01', '2030-06-15'],
    ['1956-02-29', '1962-03-31', '2026-03-01', '2031-03-01'],
    ['1950-12-31', '1957-03-31', '2021-01-01', '2025-12-31'],
  ] as const)('born %s: 未就学 through %s, 70–74 from %s, 後期 from %s', (born, pre, seventy, seventyFive) => {
    expect(preschoolLastDay(d(born))).toBe(pre);
    expect(elderlyRatioFrom(d(born))).toBe(seventy);
    expect(lateElderlyFrom(d(born))).toBe(seventyFive);
  });

  it('isPreschool follows the T29 dates', () => {
    expect(isPreschool(d('2018-04-01'), d('2024-03-31'))).toBe(true);
    expect(isPreschool(d('2018-04-01'), d('2024-04-01'))).toBe(false);
    expect(isPreschool(d('2018-04-02'), d('2025-03-31'))).toBe(true);
    expect(isPreschool(d('2018-04-02'), d('2025-04-01'))).toBe(false);
  });
});

const incomeClasses: readonly IncomeClass[] = ['general', 'higher', 'active', 'low'];
const anyIncome = fc.constantFrom(...incomeClasses);
const anyBirthDate = fc
  .record({ y: fc.integer({ min: 1900, max: 2025 }), m: fc.integer({ min: 1, max: 12 }), dd: fc.integer({ min: 1, max: 31 }) })
  .filter(({ y, m, dd }) => dd <= new Date(Date.UTC(y, m, 0)).getUTCDate())
  .map(({ y, m, dd }): IsoDate => fromParts(y, m, dd));
/** A person and a day of their life up to about 110 years old. */
const personDay = fc.record({ born: anyBirthDate, offset: fc.integer({ min: 0, max: 40_000 }) });

const bandOrder: Record<CopayBand, number> = {
  preschool: 0,
  'working-age': 1,
  'elderly-70-74': 2,
  'late-elderly-75': 3,
};

describe('copayRatio — properties', () => {
  it('is always 10, 20 or 30', () => {
    fc.assert(
      fc.property(personDay, anyIncome, ({ born, offset }, incomeClass) => {
        const ratio = copayRatio({ birthDate: born, serviceDate: addDays(born, offset), incomeClass });
        expect([10, 20, 30]).toContain(ratio);
      }),
    );
  });

  it('is 3割 for everyone from school age to before the 70–74 month, whatever the income', () => {
    fc.assert(
      fc.property(anyBirthDate, fc.integer({ min: 0, max: 23_000 }), anyIncome, (born, k, incomeClass) => {
        // School entry is at most 7 years after birth; the 70–74 start at least 69 years after.
        const day = addDays(fromParts(Number(born.slice(0, 4)) + 7, 4, 1), k);
        fc.pre(day < elderlyRatioFrom(born));
        expect(copayRatio({ birthDate: born, serviceDate: day, incomeClass })).toBe(30);
      }),
    );
  });

  it('is 1割 for a general 75+ person on every day', () => {
    fc.assert(
      fc.property(anyBirthDate, fc.integer({ min: 0, max: 12_000 }), (born, k) => {
        const day = addDays(fromParts(Number(born.slice(0, 4)) + 76, 1, 1), k);
        expect(copayRatio({ birthDate: born, serviceDate: day, incomeClass: 'general' })).toBe(10);
      }),
    );
  });

  it('moves through the bands in age order only', () => {
    fc.assert(
      fc.property(personDay, fc.integer({ min: 0, max: 20_000 }), ({ born, offset }, later) => {
        const a = copayBand(born, addDays(born, offset));
        const b = copayBand(born, addDays(born, offset + later));
        expect(bandOrder[b]).toBeGreaterThanOrEqual(bandOrder[a]);
      }),
    );
  });

  it('is never lower for 現役並み (or 一定以上) than for general on the same day', () => {
    fc.assert(
      fc.property(personDay, ({ born, offset }) => {
        const serviceDate = addDays(born, offset);
        const general = copayRatio({ birthDate: born, serviceDate, incomeClass: 'general' });
        expect(copayRatio({ birthDate: born, serviceDate, incomeClass: 'active' })).toBeGreaterThanOrEqual(general);
        expect(copayRatio({ birthDate: born, serviceDate, incomeClass: 'higher' })).toBeGreaterThanOrEqual(general);
        expect(copayRatio({ birthDate: born, serviceDate, incomeClass: 'low' })).toBe(general);
      }),
    );
  });

  it('changes from one day to the next only at a documented boundary', () => {
    fc.assert(
      fc.property(personDay, anyIncome, ({ born, offset }, incomeClass) => {
        const today = addDays(born, offset);
        const tomorrow = addDays(today, 1);
        const before = copayRatio({ birthDate: born, serviceDate: today, incomeClass });
        const after = copayRatio({ birthDate: born, serviceDate: tomorrow, incomeClass });
        const boundaries = [
          addDays(preschoolLastDay(born), 1),
          elderlyRatioFrom(born),
          lateElderlyFrom(born),
          '2022-10-01',
        ];
        if (before !== after) expect(boundaries).toContain(tomorrow);
      }),
    );
  });

  it('does change at each boundary for a general person (the boundaries are real)', () => {
    const born = d('1950-05-15');
    const at = (day: string): number => copayRatio({ birthDate: born, serviceDate: d(day), incomeClass: 'general' });
    expect([at('1957-03-31'), at('1957-04-01')]).toEqual([20, 30]);
    expect([at('2020-05-31'), at('2020-06-01')]).toEqual([30, 20]);
    expect([at('2025-05-14'), at('2025-05-15')]).toEqual([20, 10]);
  });
});
