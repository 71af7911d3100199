import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock, isoDate, type Person, type Qualification } from '../../domain/index.js';
import { ApiError, CardCheckResponse, ChallengeResponse } from '../../protocol/central-api.js';
import { FULL_CONSENT } from '../../protocol/consent.js';
import { verifyCertificate } from './certificate-check.js';
import { startCentral, type CentralServer } from './server.js';
import { EligibilityStore } from './store.js';
import { createTestPki, type TestPki } from './test-pki.js';

// The one-request check: the challenge for a check travels in the previous answer
// (`nextChallenge`), and the qualification is asked for in the card check itself.
const T0 = '2025-04-01T09:30:00+09:00';
const INSTITUTION = '1310000000';
const hanako: Person = { id: 'hanako', name: '架空　花子', birthDate: isoDate('1945-03-03'), sex: 2 };
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

const clock = new VirtualClock(T0);
let pki: TestPki;
let cert: Uint8Array;
let store: EligibilityStore;
let central: CentralServer;
const centrals: CentralServer[] = [];
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

beforeAll(async () => {
  pki = await createTestPki();
  cert = await pki.issueCardCertificate({ notBefore: '2020-05-11T00:00:00+09:00', notAfter: '2027-05-10T23:59:59+09:00', serialNumber: '0e01' });
  store = new EligibilityStore();
  store.addPerson(hanako, [koki]);
  store.linkCertificate('hanako', cert);
  central = await startCentral({ clock, store, trustAnchors: [pki.ca.der] });
  centrals.push(central);
});

afterAll(async () => {
  await Promise.all(centrals.map((c) => c.close()));
});

beforeEach(() => {
  clock.set(T0);
  store.setCertificateState(cert, 'active');
});

async function post(base: string, path: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

async function firstChallenge(base = central.url): Promise<ChallengeResponse> {
  return ChallengeResponse.parse((await post(base, '/v1/challenges', {})).json);
}

/** A PIN check on `challenge`, asking for the qualification; `signOver` lets a test sign other bytes. */
async function oneRequestCheck(challenge: ChallengeResponse, opts: { signOver?: Uint8Array; base?: string; facility?: string } = {}): Promise<CardCheckResponse> {
  const nonce = new Uint8Array(Buffer.from(challenge.nonce, 'base64'));
  const signature = await pki.signWithCard(opts.signOver ?? nonce);
  const { status, json } = await post(opts.base ?? central.url, '/v1/card-checks', {
    medicalInstitutionCode: opts.facility ?? INSTITUTION,
    method: 'pin',
    certificate: b64(cert),
    challengeId: challenge.challengeId,
    signature: b64(signature),
    qualification: { consent: FULL_CONSENT, arbitraryFileIdentifier: 'face-0042' },
  });
  expect(status).toBe(200);
  return CardCheckResponse.parse(json);
}

describe('one-request card check (nextChallenge + qualification in the same request)', () => {
  it('answers the qualification in the card check, with a fresh 32-byte nextChallenge expiring 5 minutes later', async () => {
    const c = await firstChallenge();
    const answer = await oneRequestCheck(c);
    expect(answer).toMatchObject({ accepted: true, certificateStatus: 'valid', certificateExpiresOn: '2027-05-10', registered: true });
    const header = answer.qualification!.XmlMsg.MessageHeader;
    expect([header.ArbitraryFileIdentifier, header.MedicalInstitutionCode, header.ReferenceClassification]).toEqual(['face-0042', '1310000000', '1']);
    expect(answer.qualification!.XmlMsg.MessageBody.QualificationValidity).toBe('1');
    expect(answer.qualification!.XmlMsg.MessageBody.ResultList!.ResultOfQualificationConfirmation[0]!.Name).toBe('架空　花子');
    const next = answer.nextChallenge!;
    expect(next.challengeId).not.toBe(c.challengeId);
    expect(Buffer.from(next.nonce, 'base64').length).toBe(32);
    expect(next.expiresAt).toBe(Date.parse('2025-04-01T09:35:00+09:00'));
  });

  it('uses the check up: a second qualification for its checkId answers 409 check-used', async () => {
    const answer = await oneRequestCheck(await firstChallenge());
    const again = await post(central.url, `/v1/card-checks/${answer.checkId}/qualification`, { consent: FULL_CONSENT });
    expect(again.status).toBe(409);
    expect(ApiError.parse(again.json).error.code).toBe('check-used');
  });

  it('chains: each answer\'s nextChallenge serves the next check, three checks in a row, no POST /v1/challenges between', async () => {
    let challenge = await firstChallenge();
    const seen = new Set<string>([challenge.challengeId]);
    for (let i = 0; i < 3; i++) {
      const answer = await oneRequestCheck(challenge);
      expect(answer.accepted).toBe(true);
      challenge = answer.nextChallenge!;
      expect(seen.has(challenge.challengeId)).toBe(false);
      seen.add(challenge.challengeId);
    }
    expect(seen.size).toBe(4);
  });

  it('refuses a replay: the same request again reads challenge-reused, without a qualification, but with a new nextChallenge', async () => {
    const c = await firstChallenge();
    const first = await oneRequestCheck(c);
    expect(first.accepted).toBe(true);
    const replay = await oneRequestCheck(c);
    expect(replay).toMatchObject({ accepted: false, rejection: { reason: 'challenge-reused' } });
    expect(replay.qualification).toBeUndefined();
    expect(replay.checkId).toBeUndefined();
    expect(replay.nextChallenge!.challengeId).not.toBe(first.nextChallenge!.challengeId);
  });

  it('a nextChallenge is single-use too: used once it is refused as challenge-reused', async () => {
    const { nextChallenge } = await oneRequestCheck(await firstChallenge());
    expect((await oneRequestCheck(nextChallenge!)).accepted).toBe(true);
    expect((await oneRequestCheck(nextChallenge!)).rejection?.reason).toBe('challenge-reused');
  });

  it('refuses a challenge id that central never issued (challenge-unknown)', async () => {
    const forged: ChallengeResponse = { challengeId: 'AAAAAAAAAAAAAAAA', nonce: b64(new Uint8Array(32)), expiresAt: 0 };
    expect((await oneRequestCheck(forged)).rejection?.reason).toBe('challenge-unknown');
  });

  it('refuses a nextChallenge older than 5 minutes (challenge-expired)', async () => {
    const { nextChallenge } = await oneRequestCheck(await firstChallenge());
    clock.set('2025-04-01T09:35:00.001+09:00');
    expect((await oneRequestCheck(nextChallenge!)).rejection?.reason).toBe('challenge-expired');
  });

  it('refuses a signature over another nonce (signature-invalid), with no qualification', async () => {
    const answer = await oneRequestCheck(await firstChallenge(), { signOver: new Uint8Array(32).fill(7) });
    expect(answer).toMatchObject({ accepted: false, rejection: { reason: 'signature-invalid' } });
    expect(answer.qualification).toBeUndefined();
    expect(answer.nextChallenge).toBeDefined();
  });

  it('sees a revocation at once although the certificate was verified (and cached) just before, and sees it lifted', async () => {
    const accepted = await oneRequestCheck(await firstChallenge());
    expect(accepted.accepted).toBe(true);
    store.setCertificateState(cert, 'revoked');
    const revoked = await oneRequestCheck(accepted.nextChallenge!);
    expect(revoked).toMatchObject({ accepted: false, certificateStatus: 'revoked', rejection: { reason: 'certificate-revoked' } });
    expect(revoked.qualification).toBeUndefined();
    store.setCertificateState(cert, 'suspended');
    const suspended = await oneRequestCheck(revoked.nextChallenge!);
    expect(suspended.rejection?.reason).toBe('certificate-suspended');
    store.setCertificateState(cert, 'active');
    expect((await oneRequestCheck(suspended.nextChallenge!)).accepted).toBe(true);
  });

  it('does not carry a cached chain verdict to another trust-anchor set: the same certificate is untrusted under another CA', async () => {
    const at = new Date(Date.parse(T0));
    const ours = await verifyCertificate(cert, { trustAnchors: [pki.ca.der], date: isoDate('2025-04-01'), graceEnd: 'month_end', at });
    expect(ours.status).toBe('valid');
    const theirs = await verifyCertificate(cert, { trustAnchors: [pki.otherCa.der], date: isoDate('2025-04-01'), graceEnd: 'month_end', at });
    expect(theirs).toMatchObject({ status: 'untrusted', reason: 'certificate-untrusted' });
    const other = await startCentral({ clock, store, trustAnchors: [pki.otherCa.der] });
    centrals.push(other);
    expect((await oneRequestCheck(await firstChallenge(other.url), { base: other.url })).rejection?.reason).toBe('certificate-untrusted');
  });

  it('a fault at the qualification edge: the check is accepted with qualificationError and stays live for POST …/qualification', async () => {
    const faulty = await startCentral({ clock, store, trustAnchors: [pki.ca.der], faults: [{ kind: 'http-error', status: 503, routes: ['qualification'] }] });
    centrals.push(faulty);
    const answer = await oneRequestCheck(await firstChallenge(faulty.url), { base: faulty.url });
    expect(answer.accepted).toBe(true);
    expect(answer.qualification).toBeUndefined();
    expect(answer.qualificationError?.code).toBe('injected-fault');
    expect(answer.qualificationError?.message).toContain(`/v1/card-checks/${answer.checkId}/qualification`);
  });

  it('applies a facility-targeted record fault to card checks at that facility only (one request and three calls)', async () => {
    const OTHER = '1320000000';
    const faulty = await startCentral({ clock, store, trustAnchors: [pki.ca.der], faults: [{ kind: 'foreign-resident-data-missing', person: 'hanako', facility: INSTITUTION }] });
    centrals.push(faulty);
    const targeted = await oneRequestCheck(await firstChallenge(faulty.url), { base: faulty.url });
    expect(targeted.qualification!.XmlMsg.MessageBody.QualificationValidity).toBe('4');
    expect(targeted.qualification!.XmlMsg.MessageBody.ResultList).toBeUndefined();
    const elsewhere = await oneRequestCheck(targeted.nextChallenge!, { base: faulty.url, facility: OTHER });
    expect(elsewhere.qualification!.XmlMsg.MessageBody.QualificationValidity).toBe('1');
    expect(elsewhere.qualification!.XmlMsg.MessageHeader.MedicalInstitutionCode).toBe(OTHER);

    const c = elsewhere.nextChallenge!;
    const signature = await pki.signWithCard(new Uint8Array(Buffer.from(c.nonce, 'base64')));
    const check = CardCheckResponse.parse(
      (await post(faulty.url, '/v1/card-checks', { medicalInstitutionCode: INSTITUTION, method: 'pin', certificate: b64(cert), challengeId: c.challengeId, signature: b64(signature) })).json,
    );
    const q = await post(faulty.url, `/v1/card-checks/${check.checkId}/qualification`, { consent: FULL_CONSENT });
    expect((q.json as { XmlMsg: { MessageBody: { QualificationValidity: string } } }).XmlMsg.MessageBody.QualificationValidity).toBe('4');
  });

  it('dates each check by its own JST day: 23:59:59.999 and midnight a millisecond later differ', async () => {
    clock.set('2025-04-01T23:59:59.999+09:00');
    const late = await oneRequestCheck(await firstChallenge());
    expect(late.qualification!.XmlMsg.MessageHeader.QualificationConfirmationDate).toBe('20250401');
    clock.set('2025-04-02T00:00:00.000+09:00');
    const next = await oneRequestCheck(late.nextChallenge!);
    expect(next.qualification!.XmlMsg.MessageHeader.QualificationConfirmationDate).toBe('20250402');
    expect(next.qualification!.XmlMsg.MessageHeader.ProcessExecutionTime).toBe('20250402000000');
    clock.set('2025-04-01T12:00:00+09:00');
    const back = await oneRequestCheck(next.nextChallenge!);
    expect(back.qualification!.XmlMsg.MessageHeader.QualificationConfirmationDate).toBe('20250401');
  });

  it('keeps the three-call path: a card check without `qualification` answers no qualification, and …/qualification still works', async () => {
    const c = await firstChallenge();
    const signature = await pki.signWithCard(new Uint8Array(Buffer.from(c.nonce, 'base64')));
    const check = CardCheckResponse.parse(
      (await post(central.url, '/v1/card-checks', { medicalInstitutionCode: INSTITUTION, method: 'pin', certificate: b64(cert), challengeId: c.challengeId, signature: b64(signature) })).json,
    );
    expect(check.accepted).toBe(true);
    expect(check.qualification).toBeUndefined();
    const q = await post(central.url, `/v1/card-checks/${check.checkId}/qualification`, { consent: FULL_CONSENT });
    expect(q.status).toBe(200);
  });
});

describe('照会番号 (ReferenceNumber) in the answers of the facility that registered it', () => {
  const register = (facility: string, referenceNumber: string) =>
    post(central.url, '/v1/oqs/OQSsiimm01', {
      XmlMsg: {
        MessageHeader: { MedicalInstitutionCode: facility },
        MessageBody: { ReferenceNumberRegistrationInfo: { ReferenceNumber: referenceNumber, InsurerNumber: '39131015', InsuredIdentificationNumber: '00012345', InsuredBranchNumber: '' } },
      },
    });
  const resultOf = (answer: CardCheckResponse) => (answer.qualification as { XmlMsg: { MessageBody: { ResultList: { ResultOfQualificationConfirmation: Array<Record<string, unknown>> } } } }).XmlMsg.MessageBody.ResultList.ResultOfQualificationConfirmation[0]!;

  it('appears in the card check of that facility only, and in its check by card data (OQSsiquc01)', async () => {
    const registered = await register('1310000077', 'K-0077');
    expect(registered.status).toBe(200);
    expect((registered.json as { XmlMsg: { MessageBody: { ProcessingResultStatus: string } } }).XmlMsg.MessageBody.ProcessingResultStatus).toBe('1');

    const here = await oneRequestCheck(await firstChallenge(), { facility: '1310000077' });
    expect(resultOf(here).ReferenceNumber).toBe('K-0077');
    const elsewhere = await oneRequestCheck(here.nextChallenge!, { facility: '1310000078' });
    expect(resultOf(elsewhere).ReferenceNumber).toBeUndefined();

    const byCardData = await post(central.url, '/v1/qualification-checks', {
      XmlMsg: {
        MessageHeader: { QualificationConfirmationDate: '20250401', MedicalInstitutionCode: '1310000077' },
        MessageBody: { QualificationConfirmSearchInfo: { InsurerNumber: '39131015', InsuredIdentificationNumber: '00012345', Birthdate: '19450303', LimitApplicationCertificateRelatedConsFlg: '1' } },
      },
    });
    expect(byCardData.status).toBe(200);
    const doc = byCardData.json as { XmlMsg: { MessageBody: { ResultList: { ResultOfQualificationConfirmation: Array<Record<string, unknown>> } } } };
    expect(doc.XmlMsg.MessageBody.ResultList.ResultOfQualificationConfirmation[0]!.ReferenceNumber).toBe('K-0077');
  });
});

describe('live checks and challenges are capped (a clock held still through a soak must not grow memory)', () => {
  it('forgets the oldest check past maxLiveChecks: its registration is 404 naming the cap; the newer ones are live', async () => {
    const capped = await startCentral({ clock, store, trustAnchors: [pki.ca.der], maxLiveChecks: 2 });
    centrals.push(capped);
    const ids: string[] = [];
    let challenge = await firstChallenge(capped.url);
    for (let i = 0; i < 3; i++) {
      const answer = await oneRequestCheck(challenge, { base: capped.url });
      expect(answer.accepted).toBe(true);
      ids.push(answer.checkId!);
      challenge = answer.nextChallenge!;
    }
    const oldest = await post(capped.url, `/v1/card-checks/${ids[0]}/registration`, {});
    expect(oldest.status).toBe(404);
    expect((oldest.json as ApiError).error.message).toBe(
      `no live card check "${ids[0]}" (unknown, older than 10 minutes, or pushed out by 2 newer checks); run the card check again, then register`,
    );
    expect((await post(capped.url, `/v1/card-checks/${ids[2]}/registration`, {})).status).toBe(200);
  });
});
