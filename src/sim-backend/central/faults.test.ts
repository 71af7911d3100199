import { afterEach, describe, expect, it } from 'vitest';
import { createRng, isoDate, VirtualClock, type Person } from '../../domain/index.js';
import { NO_CONSENT } from '../../protocol/consent.js';
import { OqsResultDocument, type OqsQualificationRequest } from '../../protocol/oqs-request.js';
import { applyFaults, FaultSpecs, withBlackCircles, type FaultSpec } from './faults.js';
import { buildQualificationResult, type QualificationRecord } from './qualification-result.js';
import { startCentral, type CentralServer } from './server.js';
import { EligibilityStore, type EligibilityRecord } from './store.js';

const hanako: Person = { id: 'hanako', name: '髙橋　花子', nameKana: 'ﾀｶﾊｼ ﾊﾅｺ', birthDate: isoDate('1945-03-03'), sex: 2 };
const koki: QualificationRecord = {
  insurerNumber: '39131015',
  insurerName: '架空県後期高齢者医療広域連合',
  insurerKind: 'koki',
  number: '00012345',
  relation: 'insured',
  insuredName: '髙橋　花子',
  cardClassification: '01',
  acquiredOn: isoDate('2025-03-03'),
  incomeClass: 'general',
};
const jiro: Person = { id: 'jiro', name: '架空　次郎', birthDate: isoDate('1980-01-15'), sex: 1 };
const kokuho: QualificationRecord = { ...koki, insurerNumber: '138057', insurerName: '架空市', insurerKind: 'kokuho', number: '0456', insuredName: undefined, lostOn: isoDate('2025-03-31') };

const record = (person: Person, qualifications: QualificationRecord[]): EligibilityRecord => ({ person, qualifications, registered: true });
const DATE = isoDate('2025-04-01');
const rng = () => createRng(7);

function result(r: EligibilityRecord) {
  return buildQualificationResult({
    person: r.person,
    qualifications: r.qualifications,
    date: DATE,
    now: Date.parse('2025-04-01T09:30:00+09:00'),
    consent: NO_CONSENT,
    certificateStatus: 'valid',
    medicalInstitutionCode: '1310000000',
  });
}
const ratioOf = (m: ReturnType<typeof result>) => m.XmlMsg.MessageBody.ResultList?.ResultOfQualificationConfirmation[0]?.InsuredPartialContributionRatio;

describe('FaultSpec (the YAML shape)', () => {
  it('accepts one of each kind', () => {
    const specs = FaultSpecs.parse([
      { kind: 'registration-lag', days: 10, person: 'hanako' },
      { kind: 'wrong-ratio', ratio: 30, insurer: '39131015' },
      { kind: 'ratio-flips', ratios: [30, 20], share: 0.5 },
      { kind: 'gaiji-in-name', chars: '髙' },
      { kind: 'still-valid-after-loss', person: ['jiro'] },
      { kind: 'latency', ms: 200, routes: ['qualification'] },
      { kind: 'http-error', status: 503, share: 0.1 },
      { kind: 'outage', from: '2025-04-01T09:00:00+09:00', to: '2025-04-01T10:00:00+09:00' },
    ]);
    expect(specs.map((s) => s.kind)).toEqual(['registration-lag', 'wrong-ratio', 'ratio-flips', 'gaiji-in-name', 'still-valid-after-loss', 'latency', 'http-error', 'outage']);
  });

  it('refuses a misspelt field and a ratio that is not a copay ratio, naming the path', () => {
    const typo = FaultSpecs.safeParse([{ kind: 'latency', milliseconds: 5 }]);
    expect(typo.success).toBe(false);
    const bad = FaultSpecs.safeParse([{ kind: 'wrong-ratio', ratio: 25 }]);
    expect(bad.success ? [] : bad.error.issues.map((i) => i.path.join('.'))).toEqual(['0.ratio']);
  });
});

describe('data faults (the record as the rules see it)', () => {
  it('registration-lag: 後期 acquired 2025-03-03 is invisible for 30 days (through 2025-04-01), so 該当資格なし', () => {
    const faults = applyFaults([{ kind: 'registration-lag', days: 30 }], { rng: rng() });
    expect(result(faults.viewRecord(record(hanako, [koki]), isoDate('2025-04-01'))).XmlMsg.MessageBody.QualificationValidity).toBe('4');
    expect(result(faults.viewRecord(record(hanako, [koki]), isoDate('2025-04-02'))).XmlMsg.MessageBody.QualificationValidity).toBe('1');
  });

  it('registration-lag after a job change: the old record shows 無効 (not 3: the new one is not there yet)', () => {
    const newJob: QualificationRecord = { ...kokuho, insurerNumber: '06139999', number: '12', acquiredOn: isoDate('2025-03-31'), lostOn: undefined };
    const faults = applyFaults([{ kind: 'registration-lag', days: 5, insurer: '06139999' }], { rng: rng() });
    const view = faults.viewRecord(record(jiro, [kokuho, newJob]), DATE);
    expect(result(view).XmlMsg.MessageBody.QualificationValidity).toBe('2');
    expect(result(record(jiro, [kokuho, newJob])).XmlMsg.MessageBody.QualificationValidity).toBe('1');
  });

  it('still-valid-after-loss: the record lost on 2025-03-31 stays 有効 on 2025-04-01', () => {
    const faults = applyFaults([{ kind: 'still-valid-after-loss', person: 'jiro' }], { rng: rng() });
    expect(result(record(jiro, [kokuho])).XmlMsg.MessageBody.QualificationValidity).toBe('2');
    const m = result(faults.viewRecord(record(jiro, [kokuho]), DATE));
    expect(m.XmlMsg.MessageBody.QualificationValidity).toBe('1');
    expect(m.XmlMsg.MessageBody.ResultList!.ResultOfQualificationConfirmation[0]!.DisqualificationDate).toBeUndefined();
  });

  it('gaiji-in-name: 髙 stored as ● in Name and InsuredName; other people untouched', () => {
    const faults = applyFaults([{ kind: 'gaiji-in-name', chars: '髙', person: 'hanako' }], { rng: rng() });
    const r = result(faults.viewRecord(record(hanako, [koki]), DATE)).XmlMsg.MessageBody.ResultList!.ResultOfQualificationConfirmation[0]!;
    expect([r.Name, r.InsuredName, r.NameKana]).toEqual(['●橋　花子', '●橋　花子', 'ﾀｶﾊｼ ﾊﾅｺ']);
    expect(faults.viewRecord(record(jiro, [kokuho]), DATE).person.name).toBe('架空　次郎');
  });

  it('gaiji-in-name by count: 3 of a 4-character name (T33), spaces skipped', () => {
    expect(withBlackCircles('架空　次郎', undefined, 3)).toBe('●●　●郎');
  });

  it('share: the same seed picks the same people; share 0 picks nobody', () => {
    const people = Array.from({ length: 200 }, (_, i) => ({ ...jiro, id: `p${i}` }));
    const picked = (seed: number) => {
      const faults = applyFaults([{ kind: 'gaiji-in-name', count: 1, share: 0.25 }], { rng: createRng(seed) });
      return people.filter((p) => faults.viewRecord(record(p, [kokuho]), DATE).person.name.startsWith('●')).map((p) => p.id);
    };
    expect(picked(1)).toEqual(picked(1));
    expect(picked(1).length).toBeGreaterThan(25);
    expect(picked(1).length).toBeLessThan(75);
    const none = applyFaults([{ kind: 'gaiji-in-name', share: 0 }], { rng: rng() });
    expect(none.viewRecord(record(jiro, [kokuho]), DATE).person.name).toBe('架空　次郎');
  });
});

describe('result faults (what is displayed)', () => {
  it('wrong-ratio: master 1割 (010) displayed as 030', () => {
    const faults = applyFaults([{ kind: 'wrong-ratio', ratio: 30, insurer: '39131015' }], { rng: rng() });
    const master = result(record(hanako, [koki]));
    expect(ratioOf(master)).toBe('010');
    expect(ratioOf(faults.adjustResult(master, 'hanako'))).toBe('030');
    expect(ratioOf(master)).toBe('010');
  });

  it('wrong-ratio for another insurer changes nothing', () => {
    const faults = applyFaults([{ kind: 'wrong-ratio', ratio: 30, insurer: '138057' }], { rng: rng() });
    expect(ratioOf(faults.adjustResult(result(record(hanako, [koki])), 'hanako'))).toBe('010');
  });

  it('ratio-flips: 030 on the first query, 020 on the second, 030 on the third', () => {
    const faults = applyFaults([{ kind: 'ratio-flips', ratios: [30, 20] }], { rng: rng() });
    const m = result(record(hanako, [koki]));
    expect([1, 2, 3].map(() => ratioOf(faults.adjustResult(m, 'hanako')))).toEqual(['030', '020', '030']);
  });
});

describe('request faults over HTTP (POST /v1/qualification-checks)', () => {
  let central: CentralServer | undefined;
  afterEach(async () => central?.close());
  const clock = new VirtualClock('2025-04-01T09:30:00+09:00');
  const body: OqsQualificationRequest = {
    XmlMsg: {
      MessageHeader: { QualificationConfirmationDate: '20250401', MedicalInstitutionCode: '1310000000' },
      MessageBody: { QualificationConfirmSearchInfo: { InsurerNumber: '39131015', InsuredIdentificationNumber: '00012345', Birthdate: '19450303', LimitApplicationCertificateRelatedConsFlg: '1' } },
    },
  };
  async function start(faults: FaultSpec[]): Promise<CentralServer> {
    const store = new EligibilityStore();
    store.addPerson(hanako, [koki]);
    central = await startCentral({ clock, store, trustAnchors: [], faults, rng: rng() });
    return central;
  }
  const post = async (c: CentralServer) => {
    const res = await fetch(`${c.url}/v1/qualification-checks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as unknown };
  };

  it('latency: the answer takes at least the injected 150 ms', async () => {
    const c = await start([{ kind: 'latency', ms: 150 }]);
    const t0 = performance.now();
    expect((await post(c)).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(145);
  });

  it('http-error: 500 with code injected-fault, only for the targeted person', async () => {
    const c = await start([{ kind: 'http-error', status: 500, person: 'hanako', routes: ['qualification-checks'] }]);
    expect(await post(c)).toMatchObject({ status: 500, json: { error: { code: 'injected-fault' } } });
  });

  it('outage: 503 inside [from, to) on the virtual clock, normal service at `to`', async () => {
    const c = await start([{ kind: 'outage', from: '2025-04-01T09:00:00+09:00', to: '2025-04-01T10:00:00+09:00' }]);
    expect(await post(c)).toMatchObject({ status: 503, json: { error: { code: 'outage' } } });
    clock.set('2025-04-01T10:00:00+09:00');
    expect((await post(c)).status).toBe(200);
    clock.set('2025-04-01T09:30:00+09:00');
  });

  it('data and result faults reach the answer: ● in the name, 030 displayed', async () => {
    const c = await start([
      { kind: 'gaiji-in-name', chars: '髙' },
      { kind: 'wrong-ratio', ratio: 30 },
    ]);
    const msg = OqsResultDocument.parse((await post(c)).json);
    const r = msg.XmlMsg.MessageBody.ResultList!.ResultOfQualificationConfirmation[0]!;
    expect([r.Name, r.InsuredPartialContributionRatio]).toEqual(['●橋　花子', '030']);
  });

  it('registration-lag over HTTP: 該当資格なし for the card-data check', async () => {
    const c = await start([{ kind: 'registration-lag', days: 60 }]);
    expect(OqsResultDocument.parse((await post(c)).json).XmlMsg.MessageBody.QualificationValidity).toBe('4');
  });
});
