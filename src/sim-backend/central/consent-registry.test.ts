import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FULL_CONSENT, NO_CONSENT, type ConsentChoices } from '../../protocol/consent.js';
import type { MedicalInfoKind } from '../../protocol/central-api.js';
import { ConsentRegistry, type ConsentRecord } from './consent-registry.js';

const T0 = Date.parse('2025-04-01T09:30:00+09:00');
const HOUR = 3600_000;
const CLINIC = '1310000000';
const PHARMACY = '1340000001';
const DRUGS_ONLY: ConsentChoices = { diagnosis: false, pharmacy: true, checkup: false, operation: false };

const consent = (over: Partial<ConsentRecord>): ConsentRecord => ({
  checkId: 'c1',
  personId: 'hanako',
  medicalInstitutionCode: CLINIC,
  items: FULL_CONSENT,
  at: T0,
  inGrace: false,
  ...over,
});

describe('ConsentRegistry (rules.md §2.3)', () => {
  it('allows an item consented at this facility up to exactly 24 hours later, not a millisecond more', () => {
    const r = new ConsentRegistry();
    r.record(consent({}));
    const atLimit = r.decide('hanako', CLINIC, 'pharmacy', Date.parse('2025-04-02T09:30:00+09:00'));
    expect(atLimit).toMatchObject({ allowed: true, availableUntil: Date.parse('2025-04-02T09:30:00+09:00') });
    expect(r.decide('hanako', CLINIC, 'pharmacy', Date.parse('2025-04-02T09:30:00.001+09:00'))).toMatchObject({ allowed: false, reason: 'consent-expired' });
  });

  it('refuses an item the patient did not consent to', () => {
    const r = new ConsentRegistry();
    r.record(consent({ items: DRUGS_ONLY }));
    expect(r.decide('hanako', CLINIC, 'pharmacy', T0 + HOUR).allowed).toBe(true);
    expect(r.decide('hanako', CLINIC, 'diagnosis', T0 + HOUR)).toMatchObject({ allowed: false, reason: 'no-consent' });
  });

  it('consent is per facility: another facility gets other-facility, a stranger no-consent', () => {
    const r = new ConsentRegistry();
    r.record(consent({}));
    expect(r.decide('hanako', PHARMACY, 'pharmacy', T0)).toMatchObject({ allowed: false, reason: 'other-facility' });
    expect(r.decide('jiro', CLINIC, 'pharmacy', T0)).toMatchObject({ allowed: false, reason: 'no-consent' });
  });

  it('a certificate in grace gives no medical information even with every box ticked', () => {
    const r = new ConsentRegistry();
    r.record(consent({ inGrace: true }));
    expect(r.decide('hanako', CLINIC, 'checkup', T0)).toMatchObject({ allowed: false, reason: 'certificate-in-grace' });
  });

  it('a later card check with "no" withdraws the earlier consent (T64); a later "yes" renews the window', () => {
    const r = new ConsentRegistry();
    r.record(consent({ checkId: 'c1' }));
    r.record(consent({ checkId: 'c2', at: T0 + HOUR, items: NO_CONSENT }));
    expect(r.decide('hanako', CLINIC, 'pharmacy', T0 + 2 * HOUR)).toMatchObject({ allowed: false, reason: 'no-consent' });
    r.record(consent({ checkId: 'c3', at: T0 + 20 * HOUR, items: DRUGS_ONLY }));
    const later = r.decide('hanako', CLINIC, 'pharmacy', T0 + 40 * HOUR);
    expect(later).toMatchObject({ allowed: true, availableUntil: Date.parse('2025-04-03T05:30:00+09:00') });
    expect(later.allowed && later.consent.checkId).toBe('c3');
    expect(r.byCheck('c2')?.items).toEqual(NO_CONSENT);
  });

  it('keeps releases in order for scenario assertions', () => {
    const r = new ConsentRegistry();
    expect(r.releases()).toEqual([]);
    r.noteRelease({ at: T0, personId: 'hanako', medicalInstitutionCode: CLINIC, kind: 'pharmacy', checkId: 'c1' });
    expect(r.releases()).toEqual([{ at: T0, personId: 'hanako', medicalInstitutionCode: CLINIC, kind: 'pharmacy', checkId: 'c1' }]);
  });
});

const KINDS: readonly MedicalInfoKind[] = ['pharmacy', 'diagnosis', 'checkup', 'operation'];
const PEOPLE = ['p0', 'p1'];
const FACILITIES = ['1310000000', '1310000001', '1310000002'];

type Op =
  | { op: 'check'; person: number; facility: number; items: ConsentChoices; inGrace: boolean }
  | { op: 'advance'; ms: number }
  | { op: 'fetch'; person: number; facility: number; kind: number };

const choices = fc.record({ diagnosis: fc.boolean(), pharmacy: fc.boolean(), checkup: fc.boolean(), operation: fc.boolean() });
const consentOps = fc.array(
  fc.oneof(
    fc.record({ op: fc.constant('check' as const), person: fc.nat(1), facility: fc.nat(2), items: choices, inGrace: fc.boolean() }),
    fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 48 * HOUR }) }),
    fc.record({ op: fc.constant('fetch' as const), person: fc.nat(1), facility: fc.nat(2), kind: fc.nat(3) }),
  ),
  { maxLength: 40 },
);

describe('property: medical information only with a valid consent at that facility within 24 h', () => {
  it('matches an oracle that scans the whole history', () => {
    fc.assert(
      fc.property(consentOps, (ops: Op[]) => {
        const registry = new ConsentRegistry();
        const history: ConsentRecord[] = [];
        let now = T0;
        for (const [i, o] of ops.entries()) {
          if (o.op === 'advance') now += o.ms;
          else if (o.op === 'check') {
            const c = { checkId: `c${i}`, personId: PEOPLE[o.person]!, medicalInstitutionCode: FACILITIES[o.facility]!, items: o.items, at: now, inGrace: o.inGrace };
            history.push(c);
            registry.record(c);
          } else {
            const person = PEOPLE[o.person]!;
            const facility = FACILITIES[o.facility]!;
            const kind = KINDS[o.kind]!;
            // Oracle: the last check of this person at this facility decides (choices change only by a new check).
            const last = history.filter((c) => c.personId === person && c.medicalInstitutionCode === facility).at(-1);
            const valid = last !== undefined && !last.inGrace && last.items[kind] && now - last.at <= 24 * HOUR;
            const decision = registry.decide(person, facility, kind, now);
            expect(decision.allowed).toBe(valid);
            if (!decision.allowed) {
              const expected = last === undefined ? undefined : last.inGrace ? 'certificate-in-grace' : !last.items[kind] ? 'no-consent' : 'consent-expired';
              if (expected !== undefined) expect(decision.reason).toBe(expected);
              else expect(['no-consent', 'other-facility']).toContain(decision.reason);
            }
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('ConsentRegistry.previousIndividualChoice (carry-over, rules.md §2.3; reader-flow K0, 004:21)', () => {
  it('offers the latest choice at this facility when it was made item by item or carried over', () => {
    const r = new ConsentRegistry();
    r.record(consent({ checkId: 'c1', items: DRUGS_ONLY, method: 'individual' }));
    expect(r.previousIndividualChoice('hanako', CLINIC)).toMatchObject({ checkId: 'c1', items: { diagnosis: false, pharmacy: true, checkup: false, operation: false } });
    r.record(consent({ checkId: 'c2', at: T0 + HOUR, items: DRUGS_ONLY, method: 'carried-over' }));
    expect(r.previousIndividualChoice('hanako', CLINIC)?.checkId).toBe('c2');
  });

  it('offers nothing when the latest choice was 包括同意, not asked, or of unknown method; nor at another facility', () => {
    const r = new ConsentRegistry();
    r.record(consent({ checkId: 'c1', items: DRUGS_ONLY, method: 'individual' }));
    expect(r.previousIndividualChoice('hanako', PHARMACY)).toBeUndefined();
    expect(r.previousIndividualChoice('jiro', CLINIC)).toBeUndefined();
    r.record(consent({ checkId: 'c2', at: T0 + HOUR, method: 'bulk' }));
    expect(r.previousIndividualChoice('hanako', CLINIC)).toBeUndefined();
    r.record(consent({ checkId: 'c3', at: T0 + 2 * HOUR, items: NO_CONSENT, method: 'not-asked' }));
    expect(r.previousIndividualChoice('hanako', CLINIC)).toBeUndefined();
    r.record(consent({ checkId: 'c4', at: T0 + 3 * HOUR, items: DRUGS_ONLY }));
    expect(r.previousIndividualChoice('hanako', CLINIC)).toBeUndefined();
  });
});
