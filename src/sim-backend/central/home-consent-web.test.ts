import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoDate, VirtualClock } from '../../domain/index.js';
import { ConsentRegistry } from './consent-registry.js';
import { HomeWebConsentResponse } from './home-consent-web.js';
import { startCentral, type CentralServer } from './server.js';
import { EligibilityStore } from './store.js';
import { createTestPki, type TestPki } from './test-pki.js';

const FACILITY = '1310000001';
const OTHER_FACILITY = '1310000002';
const CONSENT = { diagnosis: false, pharmacy: true, checkup: false, operation: false };

function storeWith(certs: { linked: Uint8Array; unregistered: Uint8Array }): EligibilityStore {
  const store = new EligibilityStore();
  const qualification = { insurerNumber: '138057', insurerName: '架空市', insurerKind: 'kokuho', number: '0456', relation: 'insured', cardClassification: '01', acquiredOn: isoDate('2020-04-01'), incomeClass: 'general' } as const;
  store.addPerson({ id: 'hanako', name: '架空　花子', birthDate: isoDate('1950-07-07'), sex: 2 }, [qualification]);
  store.addPerson({ id: 'saburo', name: '架空　三郎', birthDate: isoDate('1960-02-02'), sex: 1 }, [{ ...qualification, number: '0457' }], { registered: false });
  store.linkCertificate('hanako', certs.linked);
  store.linkCertificate('saburo', certs.unregistered);
  return store;
}

describe('居宅同意取得型 Web flow (マイナ在宅受付Web): facility URL, PIN signature, 24-hour fetch', () => {
  const clock = new VirtualClock('2025-06-10T14:00:00+09:00');
  const consents = new ConsentRegistry();
  let pki: TestPki;
  let central: CentralServer;
  const certs = {} as { linked: Uint8Array; unregistered: Uint8Array; inGrace: Uint8Array; foreign: Uint8Array };

  const call = async <T = unknown>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${central.url}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, body: (await res.json()) as T };
  };
  const link = async (facility = FACILITY) => (await call<{ token: string; path: string }>('POST', '/v1/home-consent-links', { medicalInstitutionCode: facility })).body;
  /** The patient's device: challenge from central, the card signs it after the 4-digit PIN. */
  const consentFromHome = async (token: string, certificate: Uint8Array, opts: { sign?: (nonce: Uint8Array) => Promise<Uint8Array>; challengeId?: string } = {}) => {
    const challenge = (await call<{ challengeId: string; nonce: string }>('POST', `/v1/home/${token}/challenges`)).body;
    const signature = await (opts.sign ?? ((n) => pki.signWithCard(n)))(new Uint8Array(Buffer.from(challenge.nonce, 'base64')));
    const answer = await call('POST', `/v1/home/${token}/consents`, {
      certificate: Buffer.from(certificate).toString('base64'),
      challengeId: opts.challengeId ?? challenge.challengeId,
      signature: Buffer.from(signature).toString('base64'),
      consent: CONSENT,
    });
    return { status: answer.status, body: HomeWebConsentResponse.parse(answer.body), challengeId: challenge.challengeId };
  };
  const fetchQualification = (checkId: string, facility = FACILITY) =>
    call<{ checkId: string; consentTime: string; availableUntil: string; result: { XmlMsg: { MessageBody: { QualificationValidity?: string } } }; error?: { code: string; message: string } }>(
      'POST',
      `/v1/home-consents/${checkId}/qualification`,
      { medicalInstitutionCode: facility },
    );

  beforeAll(async () => {
    pki = await createTestPki();
    certs.linked = await pki.issueCardCertificate({ notBefore: '2020-05-11T00:00:00+09:00', notAfter: '2029-05-10T23:59:59+09:00', serialNumber: '3c01' });
    certs.unregistered = await pki.issueCardCertificate({ notBefore: '2020-05-11T00:00:00+09:00', notAfter: '2029-05-10T23:59:59+09:00', serialNumber: '3c02' });
    // Expired 2025-05-10: 2025-06-10 is inside the 3-month grace (month_end: through 2025-08-31).
    certs.inGrace = await pki.issueCardCertificate({ notBefore: '2020-05-11T00:00:00+09:00', notAfter: '2025-05-10T23:59:59+09:00', serialNumber: '3c03' });
    certs.foreign = await pki.issueCardCertificate({ notBefore: '2020-05-11T00:00:00+09:00', notAfter: '2029-05-10T23:59:59+09:00', serialNumber: '3c04', issuer: pki.otherCa });
    const store = storeWith(certs);
    store.linkCertificate('hanako', certs.inGrace);
    central = await startCentral({ clock, store, trustAnchors: [pki.ca.der], consents });
  });
  afterAll(async () => {
    await central?.close();
  });

  it('registers the consent at the facility of the URL; the facility fetches through the 24th hour, not one second later', async () => {
    clock.set('2025-06-10T14:00:00+09:00');
    const { token, path } = await link();
    expect([token.length, path]).toEqual([32, `/v1/home/${token}`]);
    const home = await consentFromHome(token, certs.linked);
    expect(home.status).toBe(200);
    expect(home.body).toMatchObject({ accepted: true, medicalInstitutionCode: FACILITY, medicalTreatmentFlag: '2', certificateStatus: 'valid', consentTime: '20250610140000', availableUntil: '20250611140000', qualificationOnly: false });
    const checkId = home.body.accepted ? home.body.checkId : '';
    expect(checkId).toMatch(/^home-/);

    clock.set('2025-06-10T15:00:00+09:00');
    const pharmacy = await call('POST', '/v1/medical-info', { medicalInstitutionCode: FACILITY, checkId, kind: 'pharmacy' });
    const checkup = await call<{ error: { code: string } }>('POST', '/v1/medical-info', { medicalInstitutionCode: FACILITY, checkId, kind: 'checkup' });
    expect([pharmacy.status, checkup.status, checkup.body.error.code]).toEqual([200, 403, 'no-consent']);

    clock.set('2025-06-11T14:00:00+09:00');
    const last = await fetchQualification(checkId);
    expect([last.status, last.body.consentTime, last.body.availableUntil, last.body.result.XmlMsg.MessageBody.QualificationValidity]).toEqual([200, '20250610140000', '20250611140000', '1']);
    clock.set('2025-06-11T14:00:01+09:00');
    const late = await fetchQualification(checkId);
    expect([late.status, late.body.error?.code]).toEqual([403, 'home-consent-expired']);
    expect(late.body.error?.message).toContain('could be used until 20250611140000');
    expect((await call('POST', '/v1/medical-info', { medicalInstitutionCode: FACILITY, checkId, kind: 'pharmacy' })).status).toBe(403);
  });

  it('is found by the facility\'s 訪問診療等 bulk retrieval (OQSmuhvq01/02) for its consent date', async () => {
    clock.set('2025-06-12T10:00:00+09:00');
    const { token } = await link();
    expect((await consentFromHome(token, certs.linked)).body.accepted).toBe(true);
    const receipt = await call<{ XmlMsg: { MessageBody: { ReceptionNumber: string } } }>('POST', '/v1/oqs/OQSmuhvq01', {
      XmlMsg: { MessageHeader: { MedicalInstitutionCode: FACILITY }, MessageBody: { QualificationConfirmSearchInfo: { ConsentDateFrom: '20250612', ConsentDateTo: '20250612', MedicalTreatmentFlag: '2' } } },
    });
    clock.advance(10 * 60_000);
    const done = await call<{ XmlMsg: { MessageBody: { BulkConfirmUnit: Array<{ QualificationConfirmSearchInfo: { InsuredIdentificationNumber: string; Birthdate: string } }> } } }>('POST', '/v1/oqs/OQSmuhvq02', {
      XmlMsg: { MessageHeader: { MedicalInstitutionCode: FACILITY }, MessageBody: { ReceptionNumber: receipt.body.XmlMsg.MessageBody.ReceptionNumber } },
    });
    expect(done.body.XmlMsg.MessageBody.BulkConfirmUnit.map((u) => [u.QualificationConfirmSearchInfo.InsuredIdentificationNumber, u.QualificationConfirmSearchInfo.Birthdate])).toEqual([['0456', '19500707']]);
  });

  it('checks the facility token: unknown and withdrawn URLs are refused; another facility cannot fetch', async () => {
    clock.set('2025-06-13T09:00:00+09:00');
    const unknown = await call<{ error: { code: string; field: string } }>('POST', '/v1/home/not-a-token/challenges');
    expect([unknown.status, unknown.body.error]).toEqual([404, expect.objectContaining({ code: 'home-link-unknown', field: 'token' })]);
    const { token } = await link();
    const home = await consentFromHome(token, certs.linked);
    const checkId = home.body.accepted ? home.body.checkId : '';
    expect((await fetchQualification(checkId, OTHER_FACILITY)).body.error?.code).toBe('home-consent-not-found');
    expect((await call('DELETE', `/v1/home-consent-links/${token}`)).status).toBe(200);
    const withdrawn = await call<{ error: { code: string } }>('POST', `/v1/home/${token}/challenges`);
    expect([withdrawn.status, withdrawn.body.error.code]).toEqual([404, 'home-link-withdrawn']);
    expect((await call<{ error: { field: string } }>('POST', '/v1/home-consent-links', { medicalInstitutionCode: '13100' })).body.error.field).toBe('medicalInstitutionCode');
  });

  it('refuses a signature that is not over this challenge, a reused challenge, a foreign CA, an unregistered card', async () => {
    clock.set('2025-06-13T10:00:00+09:00');
    const { token } = await link();
    const wrongNonce = await consentFromHome(token, certs.linked, { sign: () => pki.signWithCard(new Uint8Array(32)) });
    expect(wrongNonce.body).toMatchObject({ accepted: false, rejection: { reason: 'signature-invalid' } });
    const reused = await consentFromHome(token, certs.linked, { challengeId: wrongNonce.challengeId });
    expect(reused.body).toMatchObject({ accepted: false, rejection: { reason: 'challenge-reused' } });
    expect((await consentFromHome(token, certs.foreign)).body).toMatchObject({ accepted: false, certificateStatus: 'untrusted', rejection: { reason: 'certificate-untrusted' } });
    expect((await consentFromHome(token, certs.unregistered)).body).toMatchObject({ accepted: false, rejection: { reason: 'not-registered' } });
  });

  it('in the certificate\'s grace: registered for qualification only, no medical information', async () => {
    clock.set('2025-06-14T10:00:00+09:00');
    const { token } = await link();
    const home = await consentFromHome(token, certs.inGrace);
    expect(home.body).toMatchObject({ accepted: true, certificateStatus: 'expired-in-grace', qualificationOnly: true });
    const checkId = home.body.accepted ? home.body.checkId : '';
    expect((await fetchQualification(checkId)).status).toBe(200);
    const info = await call<{ error: { code: string } }>('POST', '/v1/medical-info', { medicalInstitutionCode: FACILITY, checkId, kind: 'pharmacy' });
    expect([info.status, info.body.error.code]).toEqual([403, 'certificate-in-grace']);
  });

  it('carries the 照会番号 (ReferenceNumber) the fetching facility registered for the person; another facility sees none', async () => {
    clock.set('2025-06-16T10:00:00+09:00');
    const card = { InsurerNumber: '  138057', InsuredIdentificationNumber: '0456' };
    const registered = await call<{ XmlMsg: { MessageBody: { ProcessingResultStatus: string } } }>('POST', '/v1/oqs/OQSsiimm01', {
      XmlMsg: { MessageHeader: { MedicalInstitutionCode: FACILITY }, MessageBody: { ReferenceNumberRegistrationInfo: { ReferenceNumber: 'H-0042', ...card } } },
    });
    expect(registered.body.XmlMsg.MessageBody.ProcessingResultStatus).toBe('1');
    type Fetched = { result: { XmlMsg: { MessageBody: { ResultList: { ResultOfQualificationConfirmation: Array<{ ReferenceNumber?: string; InsuredIdentificationNumber: string }> } } } } };
    const numbersSeenBy = async (facility: string) => {
      const home = await consentFromHome((await link(facility)).token, certs.linked);
      const checkId = home.body.accepted ? home.body.checkId : '';
      const fetched = await call<Fetched>('POST', `/v1/home-consents/${checkId}/qualification`, { medicalInstitutionCode: facility });
      return fetched.body.result.XmlMsg.MessageBody.ResultList.ResultOfQualificationConfirmation.map((r) => [r.InsuredIdentificationNumber, r.ReferenceNumber]);
    };
    expect(await numbersSeenBy(FACILITY)).toEqual([['0456', 'H-0042']]);
    expect(await numbersSeenBy(OTHER_FACILITY)).toEqual([['0456', undefined]]);
  });

  it('refuses with certificate-status-unknown while the J-LIS CRL is past its nextUpdate (crl_stale_policy refuse)', async () => {
    const staleClock = new VirtualClock('2025-06-10T09:00:01+09:00');
    const caCert = new x509.X509Certificate(pki.ca.der);
    const crl = await x509.X509CrlGenerator.create(
      {
        issuer: caCert.subjectName,
        thisUpdate: new Date('2025-06-09T09:00:00+09:00'),
        nextUpdate: new Date('2025-06-10T09:00:00+09:00'),
        signingKey: pki.ca.keys.privateKey,
        signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as never,
      },
      webcrypto as never,
    );
    const stale = await startCentral({ clock: staleClock, store: storeWith(certs), trustAnchors: [pki.ca.der], crl: new Uint8Array(crl.rawData) });
    const saved = central;
    central = stale;
    try {
      const { token } = await link();
      const refused = await consentFromHome(token, certs.linked);
      expect(refused.body).toMatchObject({ accepted: false, rejection: { reason: 'certificate-status-unknown' } });
      expect(refused.body.accepted ? '' : refused.body.rejection.message).toContain('nextUpdate 2025-06-10T00:00:00.000Z');
      staleClock.set('2025-06-10T09:00:00+09:00');
      expect((await consentFromHome(token, certs.linked)).body.accepted).toBe(true);
    } finally {
      central = saved;
      await stale.close();
    }
  });
});
