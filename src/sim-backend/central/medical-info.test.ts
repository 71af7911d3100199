import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock, isoDate, type Person, type Qualification } from '../../domain/index.js';
import { ApiError, CardCheckResponse, ChallengeResponse, MedicalInfoResponse, type MedicalInfoKind } from '../../protocol/central-api.js';
import { FULL_CONSENT, NO_CONSENT, type ConsentChoices } from '../../protocol/consent.js';
import { OqsResultMessage } from '../../protocol/oqs-result.js';
import { ConsentRegistry } from './consent-registry.js';
import { syntheticMedicalInfo } from './medical-info.js';
import { startCentral, type CentralServer } from './server.js';
import { EligibilityStore } from './store.js';
import { createTestPki, type TestPki } from './test-pki.js';

const T0 = '2025-04-01T09:30:00+09:00';
const HOUR = 3600_000;
const CLINIC = '1310000000';
const PHARMACY = '1340000001';
const NOT_BEFORE = '2020-05-11T00:00:00+09:00';

const hanako: Person = { id: 'hanako', name: '架空　花子', birthDate: isoDate('1945-03-03'), sex: 2 };
const jiro: Person = { id: 'jiro', name: '架空　次郎', birthDate: isoDate('1980-01-15'), sex: 1 };
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
const kokuho: Qualification = { ...koki, insurerNumber: '138057', insurerName: '架空市', insurerKind: 'kokuho', number: '0456' };

let pki: TestPki;
let valid: Uint8Array;
let inGrace: Uint8Array;
let store: EligibilityStore;
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

beforeAll(async () => {
  pki = await createTestPki();
  valid = await pki.issueCardCertificate({ notBefore: NOT_BEFORE, notAfter: '2027-05-10T23:59:59+09:00', serialNumber: '0e01' });
  inGrace = await pki.issueCardCertificate({ notBefore: NOT_BEFORE, notAfter: '2025-03-10T23:59:59+09:00', serialNumber: '0e02' });
  store = new EligibilityStore();
  store.addPerson(hanako, [koki]);
  store.addPerson(jiro, [kokuho]);
  store.linkCertificate('hanako', valid);
  store.linkCertificate('jiro', inGrace);
});

interface Rig {
  central: CentralServer;
  clock: VirtualClock;
  consents: ConsentRegistry;
  post(path: string, body: unknown): Promise<{ status: number; json: unknown }>;
  /** PIN card check at `facility` then the qualification with `consent`; returns the checkId and the result. */
  cardCheck(cert: Uint8Array, facility: string, consent: ConsentChoices): Promise<{ checkId: string; result: OqsResultMessage }>;
}

async function startRig(): Promise<Rig> {
  const clock = new VirtualClock(T0);
  const consents = new ConsentRegistry();
  const central = await startCentral({ clock, store, trustAnchors: [pki.ca.der], consents, medicalInfoSeed: 7 });
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${central.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, json: await res.json() };
  };
  const cardCheck = async (cert: Uint8Array, facility: string, consent: ConsentChoices) => {
    const c = ChallengeResponse.parse((await post('/v1/challenges', {})).json);
    const signature = await pki.signWithCard(new Uint8Array(Buffer.from(c.nonce, 'base64')));
    const verdict = CardCheckResponse.parse(
      (await post('/v1/card-checks', { medicalInstitutionCode: facility, method: 'pin', certificate: b64(cert), challengeId: c.challengeId, signature: b64(signature) })).json,
    );
    expect(verdict.accepted).toBe(true);
    const q = await post(`/v1/card-checks/${verdict.checkId}/qualification`, { consent });
    expect(q.status).toBe(200);
    return { checkId: verdict.checkId!, result: OqsResultMessage.parse(q.json) };
  };
  return { central, clock, consents, post, cardCheck };
}

describe('POST /v1/medical-info', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig();
  });
  afterAll(async () => {
    await rig.central.close();
  });

  it('releases consented information to the consenting facility for 24 hours, by checkId or personId', async () => {
    rig.clock.set(T0);
    const { checkId, result } = await rig.cardCheck(valid, CLINIC, FULL_CONSENT);
    expect(result.XmlMsg.MessageBody.ResultList?.ResultOfQualificationConfirmation[0]).toMatchObject({
      PharmacistsInfoConsFlg: '1',
      PharmacistsInfoConsTime: '20250401093000',
      PharmacistsInfoAvailableTime: '20250402093000',
    });
    const byCheck = await rig.post('/v1/medical-info', { medicalInstitutionCode: CLINIC, checkId, kind: 'pharmacy' });
    expect(byCheck.status).toBe(200);
    const answer = MedicalInfoResponse.parse(byCheck.json);
    expect(answer).toMatchObject({ personId: 'hanako', kind: 'pharmacy', checkId, consentTime: '20250401093000', availableTime: '20250402093000' });
    expect(answer.entries.length).toBeGreaterThanOrEqual(1);
    expect(answer.entries.length).toBeLessThanOrEqual(4);

    rig.clock.set('2025-04-02T09:30:00+09:00');
    expect((await rig.post('/v1/medical-info', { medicalInstitutionCode: CLINIC, personId: 'hanako', kind: 'operation' })).status).toBe(200);
    rig.clock.set('2025-04-02T09:30:01+09:00');
    const late = await rig.post('/v1/medical-info', { medicalInstitutionCode: CLINIC, personId: 'hanako', kind: 'pharmacy' });
    expect(late.status).toBe(403);
    expect(ApiError.parse(late.json).error.code).toBe('consent-expired');
    expect(rig.consents.releases().map((r) => [r.kind, r.medicalInstitutionCode])).toEqual([
      ['pharmacy', CLINIC],
      ['operation', CLINIC],
    ]);
  });

  it('refuses another facility and items not consented', async () => {
    rig.clock.set('2025-04-05T10:00:00+09:00');
    await rig.cardCheck(valid, CLINIC, { diagnosis: false, pharmacy: true, checkup: false, operation: false });
    const other = await rig.post('/v1/medical-info', { medicalInstitutionCode: PHARMACY, personId: 'hanako', kind: 'pharmacy' });
    expect(other.status).toBe(403);
    expect(ApiError.parse(other.json).error.code).toBe('other-facility');
    const diag = await rig.post('/v1/medical-info', { medicalInstitutionCode: CLINIC, personId: 'hanako', kind: 'diagnosis' });
    expect(ApiError.parse(diag.json).error.code).toBe('no-consent');
  });

  it('a certificate in grace: flags 0 in the result, 403 certificate-in-grace on a fetch', async () => {
    rig.clock.set(T0);
    const { checkId, result } = await rig.cardCheck(inGrace, CLINIC, FULL_CONSENT);
    expect(result.XmlMsg.MessageBody.ResultList?.ResultOfQualificationConfirmation[0]?.PharmacistsInfoConsFlg).toBe('0');
    const fetched = await rig.post('/v1/medical-info', { medicalInstitutionCode: CLINIC, checkId, kind: 'pharmacy' });
    expect(fetched.status).toBe(403);
    expect(ApiError.parse(fetched.json).error.code).toBe('certificate-in-grace');
  });

  it('rejects malformed requests and unknown checks', async () => {
    const both = await rig.post('/v1/medical-info', { medicalInstitutionCode: CLINIC, personId: 'hanako', checkId: 'x', kind: 'pharmacy' });
    expect(both.status).toBe(400);
    const kind = await rig.post('/v1/medical-info', { medicalInstitutionCode: CLINIC, personId: 'hanako', kind: 'xray' });
    expect(ApiError.parse(kind.json).error.field).toBe('kind');
    const unknown = await rig.post('/v1/medical-info', { medicalInstitutionCode: CLINIC, checkId: 'nope', kind: 'pharmacy' });
    expect(unknown.status).toBe(404);
    expect(ApiError.parse(unknown.json).error.code).toBe('check-not-found');
  });
});

describe('syntheticMedicalInfo', () => {
  it('is deterministic per seed, person and kind', () => {
    const now = Date.parse(T0);
    const a = syntheticMedicalInfo({ seed: 1, personId: 'hanako', kind: 'pharmacy', now });
    expect(syntheticMedicalInfo({ seed: 1, personId: 'hanako', kind: 'pharmacy', now })).toEqual(a);
    const others = [2, 3, 4, 5].map((seed) => syntheticMedicalInfo({ seed, personId: 'hanako', kind: 'pharmacy', now }));
    expect(others.some((o) => JSON.stringify(o) !== JSON.stringify(a))).toBe(true);
    for (const e of a) expect(e.date < '20250401').toBe(true);
  });
});

const KINDS: readonly MedicalInfoKind[] = ['pharmacy', 'diagnosis', 'checkup', 'operation'];
const FACILITIES = [CLINIC, PHARMACY, '1310000002'];

describe('property over HTTP: no release without a live consent at that facility; release when there is one', () => {
  it('random checks, clock advances 0–48 h and fetches', async () => {
    const choices = fc.record({ diagnosis: fc.boolean(), pharmacy: fc.boolean(), checkup: fc.boolean(), operation: fc.boolean() });
    const op = fc.oneof(
      fc.record({ op: fc.constant('check' as const), facility: fc.nat(2), items: choices }),
      fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 48 * HOUR }) }),
      fc.record({ op: fc.constant('fetch' as const), facility: fc.nat(2), kind: fc.nat(3) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 12 }), async (ops) => {
        const rig = await startRig();
        try {
          const checks: { facility: string; items: ConsentChoices; at: number }[] = [];
          let released = 0;
          for (const o of ops) {
            if (o.op === 'advance') rig.clock.advance(o.ms);
            else if (o.op === 'check') {
              await rig.cardCheck(valid, FACILITIES[o.facility]!, o.items);
              checks.push({ facility: FACILITIES[o.facility]!, items: o.items, at: rig.clock.now() });
            } else {
              const facility = FACILITIES[o.facility]!;
              const kind = KINDS[o.kind]!;
              const last = checks.filter((c) => c.facility === facility).at(-1);
              const live = last !== undefined && last.items[kind] && rig.clock.now() - last.at <= 24 * HOUR;
              const res = await rig.post('/v1/medical-info', { medicalInstitutionCode: facility, personId: 'hanako', kind });
              expect(res.status).toBe(live ? 200 : 403);
              if (live) released++;
            }
          }
          expect(rig.consents.releases().length).toBe(released);
        } finally {
          await rig.central.close();
        }
      }),
      { numRuns: 25 },
    );
  }, 60_000);

  it('no consent at all → nothing is ever released', async () => {
    const rig = await startRig();
    try {
      await rig.cardCheck(valid, CLINIC, NO_CONSENT);
      for (const kind of KINDS) expect((await rig.post('/v1/medical-info', { medicalInstitutionCode: CLINIC, personId: 'hanako', kind })).status).toBe(403);
      expect(rig.consents.releases()).toEqual([]);
    } finally {
      await rig.central.close();
    }
  });
});
