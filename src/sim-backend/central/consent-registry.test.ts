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

describe('ConsentRegistry retention: bounded memory for long soaks', () => {
  const at = (iso: string): number => Date.parse(iso);

  it('keeps a consent by check id exactly 7 days after its card check, and forgets it one millisecond later', () => {
    const r = new ConsentRegistry();
    r.record(consent({ checkId: 'c1' }));
    expect(r.consentOfCheck('c1', at('2025-04-08T09:30:00+09:00'))).toMatchObject({ state: 'kept', consent: { checkId: 'c1' } });
    expect(r.consentOfCheck('c1', at('2025-04-08T09:30:00.001+09:00'))).toEqual({
      state: 'forgotten',
      retention: 'consents are kept 7 days after their card check, and only for the newest 1,000,000 card checks',
    });
    // Another card check exactly 7 days later keeps c1; one a millisecond later forgets it (memory too).
    r.record(consent({ checkId: 'c2', personId: 'jiro', at: at('2025-04-08T09:30:00+09:00') }));
    expect(r.byCheck('c1')?.checkId).toBe('c1');
    expect(r.size).toBe(2);
    r.record(consent({ checkId: 'c3', personId: 'jiro', at: at('2025-04-08T09:30:00.001+09:00') }));
    expect(r.byCheck('c1')).toBeUndefined();
    expect(r.size).toBe(2);
    expect(r.consents().map((c) => c.checkId)).toEqual(['c2', 'c3']);
    expect(r.stats()).toEqual({ consents: 2, latest: 2, releases: 0, forgottenConsents: 1, forgottenReleases: 0 });
  });

  it('an id never recorded is unknown until something was forgotten, then it may be forgotten (ids are random)', () => {
    const r = new ConsentRegistry({ maxRecords: 1 });
    expect(r.consentOfCheck('nope', T0)).toEqual({ state: 'unknown' });
    r.record(consent({ checkId: 'c1' }));
    r.record(consent({ checkId: 'c2', at: T0 + 1 }));
    expect(r.consentOfCheck('nope', T0 + 1)).toEqual({ state: 'forgotten', retention: 'consents are kept 7 days after their card check, and only for the newest 1 card checks' });
  });

  it('the count cap forgets the oldest recorded first and holds the size at the cap', () => {
    const r = new ConsentRegistry({ maxRecords: 3 });
    for (const [i, id] of ['a', 'b', 'c', 'd', 'e'].entries()) r.record(consent({ checkId: id, personId: `p${i}`, at: T0 + i * 1000 }));
    // Lookups first: they do not prune, so this shows record() itself forgot a and b.
    expect(['a', 'b', 'c', 'd', 'e'].map((id) => r.byCheck(id)?.checkId ?? '-')).toEqual(['-', '-', 'c', 'd', 'e']);
    expect(r.size).toBe(3);
    expect(r.consentOfCheck('b', T0 + 5000).state).toBe('forgotten');
    // At most 3 person + facility pairs too: p0 and p1 (first recorded longest ago) are gone.
    expect(r.stats()).toEqual({ consents: 3, latest: 3, releases: 0, forgottenConsents: 2, forgottenReleases: 0 });
    expect(r.decide('p0', CLINIC, 'pharmacy', T0 + 5000)).toMatchObject({ allowed: false, reason: 'no-consent' });
    expect(r.decide('p4', CLINIC, 'pharmacy', T0 + 5000)).toMatchObject({ allowed: true });
  });

  it('20,000 card checks (10 per second, 500 people) with a 1,000-record cap never hold more than 1,000', () => {
    const r = new ConsentRegistry({ maxRecords: 1000 });
    let peak = 0;
    for (let i = 0; i < 20_000; i++) {
      r.record(consent({ checkId: `k${i}`, personId: `p${i % 500}`, at: T0 + i * 100 }));
      if (i % 997 === 0) peak = Math.max(peak, r.size);
    }
    expect(peak).toBe(1000);
    expect(r.stats()).toEqual({ consents: 1000, latest: 500, releases: 0, forgottenConsents: 19_000, forgottenReleases: 0 });
    expect(r.byCheck('k18999')).toBeUndefined();
    expect(r.byCheck('k19000')?.personId).toBe('p0');
  });

  it('forgets by age in insertion order: one every 2 days with a 7-day retention keeps the last 4', () => {
    const r = new ConsentRegistry();
    for (let i = 0; i < 10; i++) r.record(consent({ checkId: `d${i}`, personId: `p${i}`, at: T0 + i * 48 * HOUR }));
    expect(r.consents().map((c) => c.checkId)).toEqual(['d6', 'd7', 'd8', 'd9']);
    expect(r.stats().forgottenConsents).toBe(6);
  });

  it('carry-over and decide keep the latest consent per facility after its check id is forgotten', () => {
    const r = new ConsentRegistry();
    r.record(consent({ checkId: 'first-visit', items: DRUGS_ONLY, method: 'individual' }));
    // A month later another patient's card check: the first visit's check id is forgotten.
    r.record(consent({ checkId: 'other', personId: 'jiro', at: at('2025-05-01T09:30:00+09:00') }));
    expect(r.byCheck('first-visit')).toBeUndefined();
    expect(r.previousIndividualChoice('hanako', CLINIC)).toMatchObject({ checkId: 'first-visit', items: { diagnosis: false, pharmacy: true, checkup: false, operation: false } });
    expect(r.decide('hanako', CLINIC, 'pharmacy', at('2025-05-01T09:30:00+09:00'))).toMatchObject({ allowed: false, reason: 'consent-expired' });
    expect(r.decide('hanako', PHARMACY, 'pharmacy', at('2025-05-01T09:30:00+09:00'))).toMatchObject({ allowed: false, reason: 'other-facility' });
  });

  it('releases are kept 7 days and at most maxRecords; releasesNoted counts every one', () => {
    const r = new ConsentRegistry({ maxRecords: 2 });
    const release = (checkId: string, iso: string) => r.noteRelease({ at: at(iso), personId: 'hanako', medicalInstitutionCode: CLINIC, kind: 'pharmacy', checkId });
    release('r1', '2025-04-01T09:30:00+09:00');
    release('r2', '2025-04-08T09:30:00+09:00');
    expect(r.releases().map((x) => x.checkId)).toEqual(['r1', 'r2']);
    release('r3', '2025-04-08T09:30:00.001+09:00');
    expect(r.releases().map((x) => x.checkId)).toEqual(['r2', 'r3']);
    release('r4', '2025-04-08T09:31:00+09:00');
    expect(r.releases().map((x) => x.checkId)).toEqual(['r3', 'r4']);
    expect(r.releasesNoted).toBe(4);
    expect(r.stats()).toMatchObject({ releases: 2, forgottenReleases: 2 });
  });

  it('names other retentions in words and refuses a nonsensical one', () => {
    expect(new ConsentRegistry({ retentionMs: 36 * HOUR, maxRecords: 50_000 }).retentionRule()).toBe(
      'consents are kept 36 hours after their card check, and only for the newest 50,000 card checks',
    );
    expect(new ConsentRegistry({ retentionMs: 1500 }).retentionRule()).toMatch(/^consents are kept 1500 ms after/);
    expect(() => new ConsentRegistry({ maxRecords: 0 })).toThrow('ConsentRegistry: retentionMs must be a number >= 0 and maxRecords an integer >= 1 (got 604800000, 0)');
  });
});

describe('property: retention keeps exactly the newest maxRecords check ids within retentionMs', () => {
  it('matches an oracle over the whole history (time never goes back; check ids may repeat)', () => {
    const ops = fc.array(
      fc.oneof(
        fc.record({ op: fc.constant('check' as const), id: fc.nat(7), person: fc.nat(2) }),
        fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 40 }) }),
        fc.record({ op: fc.constant('lookup' as const), id: fc.nat(7) }),
      ),
      { maxLength: 60 },
    );
    fc.assert(
      fc.property(ops, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 60 }), (script, maxRecords, retentionMs) => {
        const r = new ConsentRegistry({ maxRecords, retentionMs });
        const history: Array<{ id: string; at: number; person: string }> = [];
        let now = T0;
        for (const o of script) {
          if (o.op === 'advance') now += o.ms;
          else if (o.op === 'check') {
            history.push({ id: `k${o.id}`, at: now, person: `p${o.person}` });
            r.record(consent({ checkId: `k${o.id}`, personId: `p${o.person}`, at: now }));
          } else {
            // Oracle: the newest maxRecords distinct ids by last recording, each kept while at most retentionMs old.
            const newest: string[] = [];
            for (const h of [...history].reverse()) if (!newest.includes(h.id)) newest.push(h.id);
            const last = [...history].reverse().find((h) => h.id === `k${o.id}`);
            const kept = last !== undefined && newest.indexOf(last.id) < maxRecords && now - last.at <= retentionMs;
            const found = r.consentOfCheck(`k${o.id}`, now);
            expect(found.state === 'kept').toBe(kept);
            if (found.state === 'kept') expect([found.consent.at, found.consent.personId]).toEqual([last!.at, last!.person]);
            expect(r.size).toBeLessThanOrEqual(maxRecords);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
