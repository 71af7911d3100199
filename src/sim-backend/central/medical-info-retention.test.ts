import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock, isoDate, type Person } from '../../domain/index.js';
import { FULL_CONSENT } from '../../protocol/consent.js';
import { ConsentRegistry } from './consent-registry.js';
import type { QualificationRecord } from './qualification-result.js';
import { startCentral, type CentralServer } from './server.js';
import { EligibilityStore } from './store.js';

// POST /v1/medical-info by checkId once central has forgotten the card check's consent (consent-registry.ts retention).
const CLINIC = '1310000000';
const hanako: Person = { id: 'hanako', name: '架空　花子', birthDate: isoDate('1945-03-03'), sex: 2 };
const jiro: Person = { id: 'jiro', name: '架空　次郎', birthDate: isoDate('1980-01-15'), sex: 1 };
const kokuho: QualificationRecord = {
  insurerNumber: '138057',
  insurerName: '架空市',
  insurerKind: 'kokuho',
  number: '0456',
  relation: 'insured',
  cardClassification: '01',
  acquiredOn: isoDate('2020-04-01'),
  incomeClass: 'general',
};

describe('POST /v1/medical-info by checkId: consent kept 7 days / newest N checks', () => {
  const clock = new VirtualClock('2025-04-01T09:30:00+09:00');
  const consents = new ConsentRegistry({ maxRecords: 3 });
  let central: CentralServer;
  const fetchByCheck = async (checkId: string) => {
    const res = await fetch(`${central.url}/v1/medical-info`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ medicalInstitutionCode: CLINIC, checkId, kind: 'pharmacy' }) });
    return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string; field?: string }; checkId?: string } };
  };
  const record = (checkId: string, personId: string, iso: string) =>
    consents.record({ checkId, personId, medicalInstitutionCode: CLINIC, items: FULL_CONSENT, at: Date.parse(iso), inGrace: false });

  beforeAll(async () => {
    const store = new EligibilityStore();
    store.addPerson(hanako, [kokuho]);
    store.addPerson(jiro, [{ ...kokuho, number: '0457' }]);
    central = await startCentral({ clock, store, trustAnchors: [], consents });
  });
  afterAll(async () => {
    await central?.close();
  });

  it('releases within 24 h, answers 403 consent-expired until day 7, then 404 consent-forgotten saying what to do', async () => {
    record('visit-1', 'hanako', '2025-04-01T09:30:00+09:00');
    expect(await fetchByCheck('never-issued')).toMatchObject({ status: 404, body: { error: { code: 'check-not-found', field: 'checkId' } } });

    clock.set('2025-04-02T09:30:00+09:00');
    expect(await fetchByCheck('visit-1')).toMatchObject({ status: 200, body: { checkId: 'visit-1' } });
    clock.set('2025-04-02T09:30:01+09:00');
    expect(await fetchByCheck('visit-1')).toMatchObject({ status: 403, body: { error: { code: 'consent-expired' } } });
    clock.set('2025-04-08T09:30:00+09:00');
    expect(await fetchByCheck('visit-1')).toMatchObject({ status: 403, body: { error: { code: 'consent-expired' } } });
    clock.set('2025-04-08T09:30:00.001+09:00');
    expect(await fetchByCheck('visit-1')).toEqual({
      status: 404,
      body: {
        error: {
          code: 'consent-forgotten',
          message:
            'POST /v1/medical-info: card check "visit-1" has no consent here any more (or never had one): consents are kept 7 days after their card check, and only for the newest 3 card checks; run a new card check at the reader to consent again',
          field: 'checkId',
        },
      },
    });
  });

  it('answers consent-forgotten for a check pushed out by the count cap while its consent is still fresh', async () => {
    clock.set('2025-04-10T10:00:00+09:00');
    for (const [i, person] of ['jiro', 'hanako', 'jiro', 'hanako'].entries()) record(`cap-${i}`, person, `2025-04-10T10:00:0${i}+09:00`);
    expect((await fetchByCheck('cap-0')).body.error?.code).toBe('consent-forgotten');
    expect(await fetchByCheck('cap-3')).toMatchObject({ status: 200, body: { checkId: 'cap-3' } });
    expect(consents.size).toBe(3);
  });
});
