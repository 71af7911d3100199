import { beforeAll, describe, expect, it } from 'vitest';
import { isoDate, type Person, type Qualification } from '../../domain/index.js';
import { EligibilityStore } from './store.js';
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
});
