import { beforeAll, describe, expect, it, vi } from 'vitest';
import { VirtualClock, isoDate, type Person, type Qualification } from '../../domain/index.js';
import { parsedCertificate } from './certificate-cache.js';
import { generatePopulation } from './population.js';
import type { QualificationRecord } from './qualification-result.js';
import { EligibilityStore, type EligibilityRecord, type EligibilitySegment, type PeopleFilter } from './store.js';
import { createTestPki, type TestPki } from './test-pki.js';

const person: Person = { id: 'hanako', name: '架空　花子', birthDate: isoDate('1980-01-15'), sex: 2 };
const qualification: Qualification = {
  insurerNumber: '138057',
  insurerName: '架空市',
  insurerKind: 'kokuho',
  number: '0456',
  relation: 'insured',
  cardClassification: '01',
  acquiredOn: isoDate('2020-04-01'),
  incomeClass: 'general',
};

let pki: TestPki;
let cert: Uint8Array;
let sameSerialOtherCa: Uint8Array;
let otherSerial: Uint8Array;

beforeAll(async () => {
  pki = await createTestPki();
  const validity = { notBefore: '2020-05-11T00:00:00+09:00', notAfter: '2025-05-10T23:59:59+09:00' };
  cert = await pki.issueCardCertificate({ ...validity, serialNumber: '0c01' });
  sameSerialOtherCa = await pki.issueCardCertificate({ ...validity, serialNumber: '0c01', issuer: pki.otherCa });
  otherSerial = await pki.issueCardCertificate({ ...validity, serialNumber: '0c02' });
});

describe('EligibilityStore', () => {
  it('finds a person by a linked certificate, registered by default', () => {
    const store = new EligibilityStore();
    store.addPerson(person, [qualification]);
    store.linkCertificate('hanako', cert);
    const found = store.findByCertificate(cert);
    expect(found?.person.id).toBe('hanako');
    expect(found?.registered).toBe(true);
    expect(found?.qualifications).toEqual([qualification]);
  });

  it('keys certificates by issuer and serial: same serial from another CA, or another serial, is not linked', () => {
    const store = new EligibilityStore();
    store.addPerson(person, [qualification]);
    store.linkCertificate('hanako', cert);
    expect(store.findByCertificate(sameSerialOtherCa)).toBeUndefined();
    expect(store.findByCertificate(otherSerial)).toBeUndefined();
  });

  it('finds a certificate re-encoded into a fresh buffer (bytes, not identity)', () => {
    const store = new EligibilityStore();
    store.addPerson(person, [qualification]);
    store.linkCertificate('hanako', cert);
    expect(store.findByCertificate(Uint8Array.from(cert))?.person.id).toBe('hanako');
  });

  it('keeps the registration flag and lets it change', () => {
    const store = new EligibilityStore();
    store.addPerson(person, [qualification], { registered: false });
    expect(store.get('hanako')?.registered).toBe(false);
    store.setRegistered('hanako', true);
    expect(store.get('hanako')?.registered).toBe(true);
  });

  it('names the unknown person when linking', () => {
    expect(() => new EligibilityStore().linkCertificate('nobody', cert)).toThrow(/"nobody"/);
  });

  it('refuses a duplicate person id', () => {
    const store = new EligibilityStore();
    store.addPerson(person, []);
    expect(() => store.addPerson(person, [])).toThrow(/already in the store/);
  });

  it('refuses to link bytes that are not a certificate, and finds nothing for them', () => {
    const store = new EligibilityStore();
    store.addPerson(person, []);
    expect(() => store.linkCertificate('hanako', new Uint8Array([1, 2, 3]))).toThrow(/not a DER X.509 certificate/);
    expect(store.findByCertificate(new Uint8Array([1, 2, 3]))).toBeUndefined();
  });

  it('records revocation and suspension per certificate', () => {
    const store = new EligibilityStore();
    expect(store.certificateState(cert)).toBe('active');
    store.setCertificateState(cert, 'suspended');
    expect(store.certificateState(cert)).toBe('suspended');
    expect(store.certificateState(otherSerial)).toBe('active');
    store.setCertificateState(cert, 'active');
    expect(store.certificateState(cert)).toBe('active');
  });

  it('remembers when a state was set (OCSP revocationTime): the store clock, or an explicit instant', () => {
    const clock = new VirtualClock('2025-04-01T10:00:00+09:00');
    const store = new EligibilityStore({ clock });
    const issuer = parsedCertificate(cert, 'store.test').issuerSerialKey.split('#')[0]!;
    expect(store.certificateStateEntryBySerial(issuer, '0C01')).toBeUndefined();
    store.setCertificateState(cert, 'suspended');
    clock.set('2025-04-03T08:15:00+09:00');
    // Suspended again: still suspended since the first instant.
    store.setCertificateState(cert, 'suspended');
    expect(store.certificateStateEntryBySerial(issuer, '0c01')).toEqual({ state: 'suspended', setAt: Date.parse('2025-04-01T10:00:00+09:00') });
    store.setCertificateState(cert, 'revoked');
    expect(store.certificateStateEntryBySerial(issuer, '0C01')).toEqual({ state: 'revoked', setAt: Date.parse('2025-04-03T08:15:00+09:00') });
    expect(store.certificateStateBySerial(issuer, '0C01')).toBe('revoked');
    store.setCertificateState(cert, 'revoked', Date.parse('2025-03-31T23:00:00+09:00'));
    expect(store.certificateStateEntryBySerial(issuer, '0C01')?.setAt).toBe(Date.parse('2025-03-31T23:00:00+09:00'));
    store.setCertificateState(cert, 'active');
    expect(store.certificateStateEntryBySerial(issuer, '0C01')).toBeUndefined();
    // Without a clock and without an instant, the time is not known.
    const clockless = new EligibilityStore();
    clockless.setCertificateState(cert, 'revoked');
    expect(clockless.certificateStateEntryBySerial(issuer, '0C01')).toEqual({ state: 'revoked' });
  });
});

/** A segment over a fixed list that counts the records it hands out. */
function listSegment(records: EligibilityRecord[]): EligibilitySegment & { made: number } {
  const segment = {
    made: 0,
    size: records.length,
    get: (id: string) => records.find((r) => r.person.id === id),
    findByInsuredCard: () => [],
    *people(filter?: PeopleFilter) {
      // Leaves the filter to the store, as a segment may.
      void filter;
      for (const r of records) {
        segment.made++;
        yield r;
      }
    },
  };
  return segment;
}

const aid: QualificationRecord = {
  ...qualification,
  insurerNumber: '12130001',
  number: '1234567',
  publicExpense: { number: '12130001', beneficiaryNumber: '1234567', welfareOfficeName: '架空市福祉事務所' },
};
const someone = (id: string): Person => ({ id, name: `架空　${id}`, birthDate: isoDate('1970-05-05'), sex: 1 });

describe('EligibilityStore.people', () => {
  it('lists each person once, as get() answers: own people first, then segment people not overridden or shadowed', () => {
    const store = new EligibilityStore();
    store.addPerson(person, [qualification]);
    store.addSegment(listSegment([{ person: someone('s1'), qualifications: [qualification], registered: true }, { person: someone('s2'), qualifications: [aid], registered: true }]));
    store.addSegment(listSegment([{ person: someone('s2'), qualifications: [qualification], registered: true }, { person: someone('t1'), qualifications: [aid], registered: true }]));
    store.setRegistered('s1', false);
    expect([...store.people()].map((r) => [r.person.id, r.registered, r.qualifications[0]!.insurerNumber])).toEqual([
      ['hanako', true, '138057'],
      ['s1', false, '138057'],
      ['s2', true, '12130001'],
      ['t1', true, '12130001'],
    ]);
  });

  it('with { publicExpense: true }, only people holding 公費, even when the segment leaves the filter to the store', () => {
    const store = new EligibilityStore();
    store.addPerson(person, [qualification]);
    store.addPerson(someone('saburo'), [qualification, aid]);
    store.addSegment(listSegment([{ person: someone('s1'), qualifications: [qualification], registered: true }, { person: someone('s2'), qualifications: [aid], registered: true }]));
    expect([...store.people({ publicExpense: true })].map((r) => r.person.id)).toEqual(['saburo', 's2']);
  });

  it('a 1,000,000-person population is listed one record at a time, and skipped at once for 公費', () => {
    const pop = generatePopulation({ size: 1_000_000, seed: 7 });
    const store = new EligibilityStore();
    store.addSegment(pop);
    const made = vi.spyOn(pop, 'record');
    const first: string[] = [];
    for (const r of store.people()) {
      first.push(r.person.id);
      if (first.length === 3) break;
    }
    expect(first).toEqual(['G00000000', 'G00000001', 'G00000002']);
    // Three records made, not a million: the listing is lazy.
    expect(made).toHaveBeenCalledTimes(3);
    expect([...store.people({ publicExpense: true })]).toEqual([]);
    expect(made).toHaveBeenCalledTimes(3);
  });
});
