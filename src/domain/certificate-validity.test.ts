import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  certificateGraceEndsOn,
  certificateStatusOn,
  renewalAlertFrom,
  type CertGraceEnd,
  type CertificateStatus,
} from './certificate-validity.js';
import { addDays, fromParts, isoDate, type IsoDate } from './dates.js';

const d = isoDate;

/*
 * rules.md §2.2 "Grace test dates": expiry → first grace day → per reading, last grace day and
 * first refused day. Copied literally.
 */
const graceTable: ReadonlyArray<readonly [string, string, string, string, string, string]> = [
  // expiry      first grace   month_end last / refused     literal last / refused
  ['2025-05-10', '2025-05-11', '2025-08-31', '2025-09-01', '2025-08-10', '2025-08-11'],
  ['2025-05-31', '2025-06-01', '2025-08-31', '2025-09-01', '2025-08-31', '2025-09-01'],
  ['2025-06-01', '2025-06-02', '2025-09-30', '2025-10-01', '2025-09-01', '2025-09-02'],
  ['2025-11-30', '2025-12-01', '2026-02-28', '2026-03-01', '2026-02-28', '2026-03-01'],
];

describe('certificateStatusOn — rules.md §2.2 grace table', () => {
  describe.each(graceTable)(
    'expiry %s (first grace day %s)',
    (expiry, firstGrace, meLast, meRefused, litLast, litRefused) => {
      const readings: ReadonlyArray<readonly [CertGraceEnd, string, string]> = [
        ['month_end', meLast, meRefused],
        ['literal', litLast, litRefused],
      ];
      it.each(readings)('%s: last grace day %s, first refused %s', (reading, last, refused) => {
        const on = (day: string): CertificateStatus => certificateStatusOn(d(expiry), d(day), reading).status;
        expect(on(expiry)).toBe('expiring-soon'); // the expiry date is an ordinary valid day
        expect(on(firstGrace)).toBe('expired-in-grace');
        expect(on(last)).toBe('expired-in-grace'); // last grace day inclusive
        expect(on(refused)).toBe('expired-beyond-grace');
        expect(certificateStatusOn(d(expiry), d(expiry), reading).graceEndsOn).toBe(last);
        expect(certificateGraceEndsOn(d(expiry), reading)).toBe(last);
      });
    },
  );

  it('defaults to month_end', () => {
    expect(certificateStatusOn(d('2025-05-10'), d('2025-08-20'))).toEqual({
      status: 'expired-in-grace',
      expiresOn: '2025-05-10',
      graceEndsOn: '2025-08-31',
    });
  });
});

describe('renew-soon window («有効期限満了日まで3か月以下»)', () => {
  it.each([
    // expiry, last 'valid' day, first 'expiring-soon' day
    ['2025-05-10', '2025-02-09', '2025-02-10'],
    ['2025-05-31', '2025-02-27', '2025-02-28'], // 3 months before 05-31 clamps to 02-28
    ['2025-06-01', '2025-02-28', '2025-03-01'],
    ['2024-05-31', '2024-02-28', '2024-02-29'], // leap year
  ] as const)('expiry %s: valid through %s, expiring-soon from %s', (expiry, lastValid, firstAlert) => {
    expect(renewalAlertFrom(d(expiry))).toBe(firstAlert);
    expect(certificateStatusOn(d(expiry), d(lastValid)).status).toBe('valid');
    expect(certificateStatusOn(d(expiry), d(firstAlert)).status).toBe('expiring-soon');
  });
});

const anyDate = fc
  .record({ y: fc.integer({ min: 2016, max: 2040 }), m: fc.integer({ min: 1, max: 12 }), dd: fc.integer({ min: 1, max: 31 }) })
  .filter(({ y, m, dd }) => dd <= new Date(Date.UTC(y, m, 0)).getUTCDate())
  .map(({ y, m, dd }): IsoDate => fromParts(y, m, dd));
const anyReading = fc.constantFrom<CertGraceEnd>('month_end', 'literal');

const statusOrder: Record<CertificateStatus, number> = {
  valid: 0,
  'expiring-soon': 1,
  'expired-in-grace': 2,
  'expired-beyond-grace': 3,
};

describe('certificateStatusOn — properties', () => {
  it('the month_end grace never ends earlier than the literal one', () => {
    fc.assert(
      fc.property(anyDate, (expiry) => {
        expect(certificateGraceEndsOn(expiry, 'month_end') >= certificateGraceEndsOn(expiry, 'literal')).toBe(true);
      }),
    );
  });

  it('over consecutive days the status only moves valid → expiring-soon → grace → beyond, one step at a time', () => {
    fc.assert(
      fc.property(anyDate, anyReading, fc.integer({ min: -200, max: 200 }), (expiry, reading, offset) => {
        const day = addDays(expiry, offset);
        const a = statusOrder[certificateStatusOn(expiry, day, reading).status];
        const b = statusOrder[certificateStatusOn(expiry, addDays(day, 1), reading).status];
        expect(b - a === 0 || b - a === 1).toBe(true);
      }),
    );
  });

  it('the grace lasts between 89 and 122 days after the expiry day', () => {
    fc.assert(
      fc.property(anyDate, anyReading, (expiry, reading) => {
        const end = certificateGraceEndsOn(expiry, reading);
        expect(end > addDays(expiry, 88)).toBe(true); // 3 months ≥ 89 days (Nov 30 → Feb 28)
        expect(end <= addDays(expiry, 122)).toBe(true); // 1st of a month → end of the 3rd month after
      }),
    );
  });
});
