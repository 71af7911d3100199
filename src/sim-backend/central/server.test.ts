import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock, isoDate, type Person, type Qualification } from '../../domain/index.js';
import { ApiError, CardCheckResponse, ChallengeResponse } from '../../protocol/central-api.js';
import { FULL_CONSENT } from '../../protocol/consent.js';
import { OqsResultMessage } from '../../protocol/oqs-result.js';
import { attestationPayload, type AuthMethod } from '../../protocol/reader-link.js';
import { startCentral, type CentralServer, type CentralTrafficEntry } from './server.js';
import { EligibilityStore } from './store.js';
import { createTestPki, type TestPki } from './test-pki.js';

const T0 = '2025-04-01T09:30:00+09:00';
const INSTITUTION = '1310000000';
const NOT_BEFORE = '2020-05-11T00:00:00+09:00';

const hanako: Person = { id: 'hanako', name: '架空　花子', nameKana: 'ｶｸｳ ﾊﾅｺ', birthDate: isoDate('1945-03-03'), sex: 2 };
const koki: Qualification = {
  insurerNumber: '39131015',
  insurerName: '架空県後期高齢者医療広域連合',
  insurerKind: 'koki',
  number: '00012345',
  relation: 'insured',
  cardClassification: '01',
  acquiredOn: isoDate('2020-03-03'),
  incomeClass: 'general',
};
const jiro: Person = { id: 'jiro', name: '架空　次郎', birthDate: isoDate('1980-01-15'), sex: 1 };
const kokuho: Qualification = { ...koki, insurerNumber: '138057', insurerName: '架空市', insurerKind: 'kokuho', number: '0456' };
const saburo: Person = { id: 'saburo', name: '架空　三郎', birthDate: isoDate('1990-07-07'), sex: 1 };

let pki: TestPki;
const certs = {} as Record<'valid' | 'inGrace' | 'expiresMay' | 'unregistered' | 'unlinked' | 'foreign' | 'revoked', Uint8Array>;
let reader: { privateKey: KeyObject; spki: Uint8Array };
const clock = new VirtualClock(T0);
const traffic: CentralTrafficEntry[] = [];
let central: CentralServer;
let store: EligibilityStore;

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

beforeAll(async () => {
  pki = await createTestPki();
  const issue = (serialNumber: string, notAfter: string, issuer = pki.ca) =>
    pki.issueCardCertificate({ notBefore: NOT_BEFORE, notAfter, serialNumber, issuer });
  certs.valid = await issue('0d01', '2027-05-10T23:59:59+09:00');
  certs.inGrace = await issue('0d02', '2025-03-10T23:59:59+09:00');
  certs.expiresMay = await issue('0d03', '2025-05-10T23:59:59+09:00');
  certs.unregistered = await issue('0d04', '2027-05-10T23:59:59+09:00');
  certs.unlinked = await issue('0d05', '2027-05-10T23:59:59+09:00');
  certs.foreign = await issue('0d06', '2027-05-10T23:59:59+09:00', pki.otherCa);
  certs.revoked = await issue('0d07', '2027-05-10T23:59:59+09:00');

  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  reader = { privateKey: keys.privateKey, spki: new Uint8Array(keys.publicKey.export({ type: 'spki', format: 'der' })) };

  store = new EligibilityStore();
  store.addPerson(hanako, [koki]);
  store.addPerson(jiro, [kokuho]);
  store.addPerson(saburo, [kokuho], { registered: false });
  store.linkCertificate('hanako', certs.valid);
  store.linkCertificate('hanako', certs.revoked);
  store.linkCertificate('jiro', certs.inGrace);
  store.linkCertificate('jiro', certs.expiresMay);
  store.linkCertificate('saburo', certs.unregistered);
  store.setCertificateState(certs.revoked, 'revoked');

  central = await startCentral({
    clock,
    store,
    trustAnchors: [pki.ca.der],
    readerKeys: { 'reader-1': reader.spki },
    onTraffic: (entry) => traffic.push(entry),
  });
});

afterAll(async () => {
  await central?.close();
});

beforeEach(() => {
  clock.set(T0);
});

async function post(path: string, body: unknown, rawBody?: string): Promise<{ status: number; json: unknown; contentType: string | null }> {
  const res = await fetch(`${central.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: rawBody ?? JSON.stringify(body),
  });
  return { status: res.status, json: await res.json(), contentType: res.headers.get('content-type') };
}

async function challenge(): Promise<{ challengeId: string; nonce: Uint8Array }> {
  const { status, json } = await post('/v1/challenges', {});
  expect(status).toBe(200);
  const c = ChallengeResponse.parse(json);
  return { challengeId: c.challengeId, nonce: new Uint8Array(Buffer.from(c.nonce, 'base64')) };
}

function attest(nonce: Uint8Array, cert: Uint8Array, method: AuthMethod): string {
  const payload = attestationPayload(nonce, createHash('sha256').update(cert).digest(), method);
  return b64(new Uint8Array(sign('sha256', payload, { key: reader.privateKey, dsaEncoding: 'der' })));
}

/** A PIN card check with a fresh challenge; `signOver` lets a test sign something else. */
async function pinCheck(cert: Uint8Array, signOver?: (nonce: Uint8Array) => Uint8Array): Promise<CardCheckResponse> {
  const c = await challenge();
  const signature = await pki.signWithCard(signOver ? signOver(c.nonce) : c.nonce);
  const { status, json } = await post('/v1/card-checks', {
    medicalInstitutionCode: INSTITUTION,
    method: 'pin',
    certificate: b64(cert),
    challengeId: c.challengeId,
    signature: b64(signature),
  });
  expect(status).toBe(200);
  return CardCheckResponse.parse(json);
}

describe('central over HTTP on 127.0.0.1', () => {
  it('listens on 127.0.0.1 with an ephemeral port', () => {
    expect(central.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('challenge → card check (PIN) → qualification', async () => {
    const { json } = await post('/v1/challenges', {});
    const c = ChallengeResponse.parse(json);
    expect(Buffer.from(c.nonce, 'base64').length).toBe(32);
    expect(c.expiresAt).toBe(Date.parse('2025-04-01T09:35:00+09:00'));

    const signature = await pki.signWithCard(new Uint8Array(Buffer.from(c.nonce, 'base64')));
    const check = await post('/v1/card-checks', {
      medicalInstitutionCode: INSTITUTION,
      method: 'pin',
      certificate: b64(certs.valid),
      challengeId: c.challengeId,
      signature: b64(signature),
    });
    expect(check.status).toBe(200);
    const verdict = CardCheckResponse.parse(check.json);
    expect(verdict).toMatchObject({ accepted: true, certificateStatus: 'valid', certificateExpiresOn: '2027-05-10', registered: true });
    expect(verdict.checkId).toEqual(expect.any(String));

    const q = await post(`/v1/card-checks/${verdict.checkId}/qualification`, { consent: FULL_CONSENT, arbitraryFileIdentifier: 'face-0001' });
    expect(q.status).toBe(200);
    const msg = OqsResultMessage.parse(q.json);
    expect(msg.XmlMsg.MessageHeader).toEqual({
      ProcessExecutionTime: '20250401093000',
      CharacterCodeIdentifier: '0',
      SegmentOfResult: '1',
      QualificationConfirmationDate: '20250401',
      ReferenceClassification: '1',
      ArbitraryFileIdentifier: 'face-0001',
      MedicalInstitutionCode: '1310000000',
    });
    expect(msg.XmlMsg.MessageBody.QualificationValidity).toBe('1');
    const r = msg.XmlMsg.MessageBody.ResultList!.ResultOfQualificationConfirmation[0]!;
    expect(r.Name).toBe('架空　花子');
    expect(r.InsuredPartialContributionRatio).toBe('010');
    expect(r.DiagnosisInfoConsFlg).toBe('1');
    expect(r.DiagnosisInfoConsTime).toBe('20250401093000');
    expect(r.DiagnosisInfoAvailableTime).toBe('20250402093000');
  });

  it('refuses a challenge used twice (challenge-reused)', async () => {
    const c = await challenge();
    const body = {
      medicalInstitutionCode: INSTITUTION,
      method: 'pin',
      certificate: b64(certs.valid),
      challengeId: c.challengeId,
      signature: b64(await pki.signWithCard(c.nonce)),
    };
    expect(CardCheckResponse.parse((await post('/v1/card-checks', body)).json).accepted).toBe(true);
    const again = CardCheckResponse.parse((await post('/v1/card-checks', body)).json);
    expect(again.accepted).toBe(false);
    expect(again.rejection?.reason).toBe('challenge-reused');
    expect(again.checkId).toBeUndefined();
  });

  it('refuses an unknown challenge and an expired one', async () => {
    const unknown = await post('/v1/card-checks', {
      medicalInstitutionCode: INSTITUTION,
      method: 'pin',
      certificate: b64(certs.valid),
      challengeId: 'never-issued',
      signature: b64(await pki.signWithCard(new Uint8Array(32))),
    });
    expect(CardCheckResponse.parse(unknown.json).rejection?.reason).toBe('challenge-unknown');

    const c = await challenge();
    clock.advance(5 * 60_000 + 1);
    const late = await post('/v1/card-checks', {
      medicalInstitutionCode: INSTITUTION,
      method: 'pin',
      certificate: b64(certs.valid),
      challengeId: c.challengeId,
      signature: b64(await pki.signWithCard(c.nonce)),
    });
    expect(CardCheckResponse.parse(late.json).rejection?.reason).toBe('challenge-expired');
  });

  it('refuses a signature over another nonce (signature-invalid)', async () => {
    const verdict = await pinCheck(certs.valid, () => new Uint8Array(32).fill(7));
    expect(verdict).toMatchObject({ accepted: false, certificateStatus: 'valid', rejection: { reason: 'signature-invalid' } });
  });

  it('refuses a certificate beyond its grace: expiry 2025-05-10, check on 2025-09-01', async () => {
    clock.set('2025-09-01T10:00:00+09:00');
    const verdict = await pinCheck(certs.expiresMay);
    expect(verdict).toMatchObject({
      accepted: false,
      certificateStatus: 'expired-beyond-grace',
      certificateExpiresOn: '2025-05-10',
      rejection: { reason: 'certificate-expired' },
    });
  });

  it('accepts a certificate in grace (expiry 2025-03-10, check 2025-04-01) and releases no medical information', async () => {
    const verdict = await pinCheck(certs.inGrace);
    expect(verdict).toMatchObject({ accepted: true, certificateStatus: 'expired-in-grace', certificateExpiresOn: '2025-03-10' });
    const q = OqsResultMessage.parse((await post(`/v1/card-checks/${verdict.checkId}/qualification`, { consent: FULL_CONSENT })).json);
    const r = q.XmlMsg.MessageBody.ResultList!.ResultOfQualificationConfirmation[0]!;
    expect(r.InsurerNumber).toBe('  138057');
    expect([r.DiagnosisInfoConsFlg, r.PharmacistsInfoConsFlg, r.SpecificHealthCheckupsInfoConsFlg, r.OperationInfoConsFlg]).toEqual(['0', '0', '0', '0']);
    expect(q.XmlMsg.MessageBody.ProcessingResultMessage).toContain('2025-06-30');
  });

  it('refuses a certificate of another CA (certificate-untrusted)', async () => {
    const verdict = await pinCheck(certs.foreign);
    expect(verdict).toMatchObject({ accepted: false, certificateStatus: 'untrusted', rejection: { reason: 'certificate-untrusted' } });
  });

  it('refuses a revoked certificate (certificate-revoked)', async () => {
    const verdict = await pinCheck(certs.revoked);
    expect(verdict).toMatchObject({ accepted: false, certificateStatus: 'revoked', rejection: { reason: 'certificate-revoked' } });
  });

  it('refuses a certificate linked to nobody (card-not-linked)', async () => {
    const verdict = await pinCheck(certs.unlinked);
    expect(verdict).toMatchObject({ accepted: false, certificateStatus: 'valid', rejection: { reason: 'card-not-linked' } });
  });

  it('accepts an unregistered card as identified, and answers 該当資格なし', async () => {
    const verdict = await pinCheck(certs.unregistered);
    expect(verdict).toMatchObject({ accepted: true, registered: false });
    const q = OqsResultMessage.parse((await post(`/v1/card-checks/${verdict.checkId}/qualification`, { consent: FULL_CONSENT })).json);
    expect(q.XmlMsg.MessageBody.QualificationValidity).toBe('4');
  });

  it('registers an unregistered card on the reader (N12): the qualification then answers 有効', async () => {
    try {
      const verdict = await pinCheck(certs.unregistered);
      expect(verdict).toMatchObject({ accepted: true, registered: false });
      const reg = await post(`/v1/card-checks/${verdict.checkId}/registration`, {});
      expect(reg.status).toBe(200);
      expect(reg.json).toEqual({ registered: true });
      const q = OqsResultMessage.parse((await post(`/v1/card-checks/${verdict.checkId}/qualification`, { consent: FULL_CONSENT })).json);
      expect(q.XmlMsg.MessageBody.QualificationValidity).toBe('1');
      expect(await pinCheck(certs.unregistered)).toMatchObject({ accepted: true, registered: true });
    } finally {
      store.setRegistered('saburo', false);
    }
  });

  it('refuses a registration for an unknown card check with 404 check-not-found', async () => {
    const reg = await post('/v1/card-checks/no-such-check/registration', {});
    expect(reg.status).toBe(404);
    expect(ApiError.parse(reg.json).error.code).toBe('check-not-found');
  });

  it('accepts face authentication with a registered reader attestation', async () => {
    const c = await challenge();
    const { json } = await post('/v1/card-checks', {
      medicalInstitutionCode: INSTITUTION,
      method: 'face',
      certificate: b64(certs.valid),
      challengeId: c.challengeId,
      attestation: { readerId: 'reader-1', signature: attest(c.nonce, certs.valid, 'face'), faceScore: 0.93 },
    });
    expect(CardCheckResponse.parse(json)).toMatchObject({ accepted: true, certificateStatus: 'valid' });
  });

  it('refuses an attestation from an unknown reader, and one made for another method', async () => {
    const c1 = await challenge();
    const unknownReader = await post('/v1/card-checks', {
      medicalInstitutionCode: INSTITUTION,
      method: 'face',
      certificate: b64(certs.valid),
      challengeId: c1.challengeId,
      attestation: { readerId: 'reader-9', signature: attest(c1.nonce, certs.valid, 'face') },
    });
    expect(CardCheckResponse.parse(unknownReader.json)).toMatchObject({ accepted: false, rejection: { reason: 'attestation-invalid' } });

    const c2 = await challenge();
    const wrongMethod = await post('/v1/card-checks', {
      medicalInstitutionCode: INSTITUTION,
      method: 'visual',
      certificate: b64(certs.valid),
      challengeId: c2.challengeId,
      attestation: { readerId: 'reader-1', signature: attest(c2.nonce, certs.valid, 'face') },
    });
    expect(CardCheckResponse.parse(wrongMethod.json)).toMatchObject({ accepted: false, rejection: { reason: 'attestation-invalid' } });
  });
});

describe('central over HTTP: malformed requests and unknown routes', () => {
  it('answers 400 naming the field for a bad medicalInstitutionCode', async () => {
    const res = await post('/v1/card-checks', {
      medicalInstitutionCode: '131',
      method: 'pin',
      certificate: 'AAAA',
      challengeId: 'x',
      signature: 'AAAA',
    });
    expect(res.status).toBe(400);
    expect(ApiError.parse(res.json).error.field).toBe('medicalInstitutionCode');
  });

  it('names a nested field with its path', async () => {
    const res = await post('/v1/card-checks', {
      medicalInstitutionCode: INSTITUTION,
      method: 'face',
      certificate: 'AAAA',
      challengeId: 'x',
      attestation: { signature: 'AAAA' },
    });
    expect(res.status).toBe(400);
    expect(ApiError.parse(res.json).error.field).toBe('attestation.readerId');
  });

  it('answers 400 field "signature" for a PIN check without a signature', async () => {
    const res = await post('/v1/card-checks', { medicalInstitutionCode: INSTITUTION, method: 'pin', certificate: 'AAAA', challengeId: 'x' });
    expect(res.status).toBe(400);
    expect(ApiError.parse(res.json).error.field).toBe('signature');
  });

  it('answers 400 malformed-json (as JSON, not an HTML page) for a body that is not JSON', async () => {
    const res = await post('/v1/card-checks', undefined, '{"medicalInstitutionCode": ');
    expect(res.status).toBe(400);
    expect(res.contentType).toMatch(/^application\/json/);
    expect(ApiError.parse(res.json).error.code).toBe('malformed-json');
  });

  it('answers 400 naming consent.diagnosis for a qualification request without it', async () => {
    const verdict = await pinCheck(certs.valid);
    const res = await post(`/v1/card-checks/${verdict.checkId}/qualification`, { consent: { pharmacy: true, checkup: true, operation: true } });
    expect(res.status).toBe(400);
    expect(ApiError.parse(res.json).error.field).toBe('consent.diagnosis');
  });

  it('answers 404 for an unknown checkId', async () => {
    const res = await post('/v1/card-checks/no-such-check/qualification', { consent: FULL_CONSENT });
    expect(res.status).toBe(404);
    expect(ApiError.parse(res.json).error.code).toBe('check-not-found');
  });

  it('answers 409 for a second qualification on the same check', async () => {
    const verdict = await pinCheck(certs.valid);
    expect((await post(`/v1/card-checks/${verdict.checkId}/qualification`, { consent: FULL_CONSENT })).status).toBe(200);
    const again = await post(`/v1/card-checks/${verdict.checkId}/qualification`, { consent: FULL_CONSENT });
    expect(again.status).toBe(409);
    expect(ApiError.parse(again.json).error.code).toBe('check-used');
  });

  it('answers 404 as JSON for an unknown route or method', async () => {
    const res = await fetch(`${central.url}/v1/nothing`);
    expect(res.status).toBe(404);
    expect(ApiError.parse(await res.json()).error.code).toBe('not-found');
    const get = await fetch(`${central.url}/v1/challenges`);
    expect(get.status).toBe(404);
  });

  it('reports every exchange to onTraffic with the virtual time', async () => {
    traffic.length = 0;
    await post('/v1/challenges', {});
    expect(traffic).toHaveLength(1);
    expect(traffic[0]).toMatchObject({ at: Date.parse(T0), method: 'POST', path: '/v1/challenges', status: 200 });
  });
});

describe('startCentral options', () => {
  it.each([0, 1.5, 2 ** 24 + 1])('refuses maxLiveChecks %s, naming the range', async (maxLiveChecks) => {
    await expect(startCentral({ clock: new VirtualClock('2025-04-01T09:30:00+09:00'), store: new EligibilityStore(), trustAnchors: [], maxLiveChecks })).rejects.toThrow(
      `startCentral: maxLiveChecks must be an integer from 1 to 16777216, received ${maxLiveChecks}`,
    );
  });
});
