import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cardExpiry, certificateExpiry, nthBirthdayAfter } from './card-validity.js';
import { addDays, fromParts, isoDate, type IsoDate } from './dates.js';

const d = isoDate;

/*
 * rules.md §2.2: card — issued at 18 or older: until the 10th birthday after issue, under 18: the
 * 5th (applications before 2022-04-01: threshold 20); certificates — the 5th birthday after issue,
 * or the card's expiry if earlier. Expected dates worked out by hand, reasoning beside each row.
 */
describe('certificateExpiry and cardExpiry — hand-worked table', () => {
  it.each([
    // Born 1985-06-15, issued 2021-03-10 (age 35). Birthdays after issue: 2021-06-15 (1st),
    // 2022 (2nd), 2023 (3rd), 2024 (4th), 2025-06-15 (5th) … 2030-06-15 (10th).
    ['1985-06-15', '2021-03-10', '2025-06-15', '2030-06-15'],
    // Issued on the birthday itself: 2021-06-15 is not "after" the issue, so the 1st is
    // 2022-06-15, the 5th 2026-06-15, the 10th 2031-06-15 (the full 5 / 10 years).
    ['1985-06-15', '2021-06-15', '2026-06-15', '2031-06-15'],
    // Issued the day before the birthday: the 1st is the next day, 2021-06-15; 5th 2025-06-15;
    // 10th 2030-06-15 (4 years and a day / 9 years and a day).
    ['1985-06-15', '2021-06-14', '2025-06-15', '2030-06-15'],
    // A minor: born 2010-08-20, issued 2023-01-05 (age 12) → card on the 5th birthday too:
    // 2023-08-20 (1st), 2024, 2025, 2026, 2027-08-20 (5th).
    ['2010-08-20', '2023-01-05', '2027-08-20', '2027-08-20'],
    // Turns 18 on the issue date (ordinary age 18 on 2023-04-01) → 10 years:
    // 2024-04-01 (1st) … 2028-04-01 (5th) … 2033-04-01 (10th).
    ['2005-04-01', '2023-04-01', '2028-04-01', '2033-04-01'],
    // One day short: born 2005-04-02 is 17 on 2023-04-01 in the ordinary sense (our choice: it
    // only reaches 18 legally at the end of that day) → 5 years: 2023-04-02 (1st) … 2027-04-02 (5th).
    ['2005-04-02', '2023-04-01', '2027-04-02', '2027-04-02'],
    // Born 29 February (our rule: birthday 1 March in non-leap years), issued 2021-03-10 (age 21):
    // 2021-03-01 is before the issue, so 2022-03-01 (1st), 2023-03-01, 2024-02-29, 2025-03-01,
    // 2026-03-01 (5th), 2027-03-01, 2028-02-29, 2029-03-01, 2030-03-01, 2031-03-01 (10th).
    ['2000-02-29', '2021-03-10', '2026-03-01', '2031-03-01'],
    // Same person issued 2021-02-28: the 2021 birthday (03-01) is after it → 2021-03-01 (1st),
    // 2022, 2023, 2024-02-29 (4th), 2025-03-01 (5th); 10th: 2026-03-01 (6th), 2027 (7th),
    // 2028-02-29 (8th), 2029 (9th), 2030-03-01 (10th).
    ['2000-02-29', '2021-02-28', '2025-03-01', '2030-03-01'],
    // Reaching a leap-year 29 February exactly: issued 2023-05-01 → 2024-02-29 (1st) …
    // 2028-02-29 (5th); 10th: 2029-03-01 (6th), 2030, 2031, 2032-02-29 (9th), 2033-03-01 (10th).
    ['2000-02-29', '2023-05-01', '2028-02-29', '2033-03-01'],
  ] as const)('born %s, issued %s → certificate %s, card %s', (born, issued, cert, card) => {
    expect(certificateExpiry({ birthDate: d(born), issuedOn: d(issued) })).toBe(cert);
    expect(cardExpiry({ birthDate: d(born), issuedOn: d(issued) })).toBe(card);
  });

  it('applications before 2022-04-01 use 20 as the 10-year threshold', () => {
    // Born 2002-07-01, issued 2022-03-20: ordinary age 19. Applied 2022-03-01 → 5th birthday:
    // 2022-07-01 (1st) … 2026-07-01 (5th). Applied 2022-04-01 or unknown → 18 rule → 10th: 2031-07-01.
    const born = d('2002-07-01');
    expect(cardExpiry({ birthDate: born, issuedOn: d('2022-03-20'), appliedOn: d('2022-03-01') })).toBe('2026-07-01');
    expect(cardExpiry({ birthDate: born, issuedOn: d('2022-04-20'), appliedOn: d('2022-04-01') })).toBe('2031-07-01');
    expect(cardExpiry({ birthDate: born, issuedOn: d('2022-03-20') })).toBe('2031-07-01');
  });

  it('a certificate never outlives the card', () => {
    // Card of a person born 1985-06-15 issued 2021-03-10 expires 2030-06-15 (row 1 above).
    // Certificate renewed 2026-05-01: 2026-06-15 (1st) … 2030-06-15 (5th) = the card's expiry.
    // Renewed 2027-01-10: 5th birthday would be 2031-06-15, capped at 2030-06-15.
    const born = d('1985-06-15');
    const card = d('2030-06-15');
    expect(certificateExpiry({ birthDate: born, issuedOn: d('2026-05-01'), cardExpiresOn: card })).toBe('2030-06-15');
    expect(certificateExpiry({ birthDate: born, issuedOn: d('2027-01-10'), cardExpiresOn: card })).toBe('2030-06-15');
    expect(certificateExpiry({ birthDate: born, issuedOn: d('2027-01-10') })).toBe('2031-06-15');
    // A foreign resident's card limited by the 在留期間 (earlier than the 5th birthday).
    expect(certificateExpiry({ birthDate: born, issuedOn: d('2021-03-10'), cardExpiresOn: d('2023-09-30') })).toBe(
      '2023-09-30',
    );
  });

  it('refuses an issue date before birth and n < 1', () => {
    expect(() => certificateExpiry({ birthDate: d('2020-01-02'), issuedOn: d('2020-01-01') })).toThrow(
      /2020-01-01.*2020-01-02/,
    );
    expect(() => nthBirthdayAfter(d('2020-01-02'), d('2021-01-01'), 0)).toThrow(/n must be a whole number/);
  });
});

const anyDate = (minYear: number, maxYear: number): fc.Arbitrary<IsoDate> =>
  fc
    .record({ y: fc.integer({ min: minYear, max: maxYear }), m: fc.integer({ min: 1, max: 12 }), dd: fc.integer({ min: 1, max: 31 }) })
    .filter(({ y, m, dd }) => dd <= new Date(Date.UTC(y, m, 0)).getUTCDate())
    .map(({ y, m, dd }): IsoDate => fromParts(y, m, dd));

describe('card and certificate expiry — properties', () => {
  it('the certificate expires after issue, within 5 years and a day, and never after the card', () => {
    fc.assert(
      fc.property(anyDate(1920, 2015), fc.integer({ min: 0, max: 30_000 }), (born, offset) => {
        const issuedOn = addDays(born, offset);
        const card = cardExpiry({ birthDate: born, issuedOn });
        const cert = certificateExpiry({ birthDate: born, issuedOn, cardExpiresOn: card });
        expect(cert > issuedOn).toBe(true);
        expect(cert <= card).toBe(true);
        // 5 birthdays after issue: more than 4 years, at most 5 years + 1 day (29 Feb → 1 Mar).
        expect(cert > addDays(issuedOn, 4 * 365)).toBe(true);
        expect(cert <= addDays(issuedOn, 5 * 366 + 1)).toBe(true);
      }),
    );
  });
});
