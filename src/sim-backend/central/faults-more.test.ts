import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng, isoDate, VirtualClock, type Person } from '../../domain/index.js';
import { NO_CONSENT } from '../../protocol/consent.js';
import type { BulkCheckDownloadResult, BulkUploadResult } from '../../protocol/oqs-messages.js';
import type { OqsResultDocument } from '../../protocol/oqs-request.js';
import { applyFaults, FaultSpecs, splitAt, swapParts, type FaultSpec } from './faults.js';
import { buildQualificationResult, type QualificationRecord } from './qualification-result.js';
import { startCentral, type CentralServer } from './server.js';
import { EligibilityStore, type EligibilityRecord } from './store.js';

const FACILITY = '1310000000';
const DATE = isoDate('2025-04-01');
const NOW = Date.parse('2025-04-01T09:30:00+09:00');

const watanabe: Person = { id: 'watanabe', name: '渡辺　花子', nameKana: 'ﾜﾀﾅﾍﾞ ﾊﾅｺ', birthDate: isoDate('1985-06-01'), sex: 2 };
const kumiai: QualificationRecord = {
  insurerNumber: '06139999',
  insurerName: '架空健康保険組合',
  insurerKind: 'kumiai',
  symbol: '88',
  number: '12',
  branch: '00',
  relation: 'insured',
  cardClassification: '01',
  acquiredOn: isoDate('2015-04-01'),
  incomeClass: 'general',
};
const child: Person = { id: 'child', name: '渡辺　一郎', birthDate: isoDate('2021-02-02'), sex: 1 };
const childRecord: QualificationRecord = { ...kumiai, branch: '01', relation: 'dependent', insuredName: '渡辺　花子' };
const alice: Person = { id: 'alice', name: 'SMITH　ALICE', birthDate: isoDate('1990-09-09'), sex: 2 };
const aliceRecord: QualificationRecord = { ...kumiai, number: '77', branch: '00' };
const kyosai: QualificationRecord = { ...kumiai, insurerNumber: '31130011', insurerName: '架空共済組合', insurerKind: 'kyosai', number: '5' };

const record = (person: Person, qualifications: QualificationRecord[]): EligibilityRecord => ({ person, qualifications, registered: true });
const build = (r: EligibilityRecord, facility = FACILITY) =>
  buildQualificationResult({ person: r.person, qualifications: r.qualifications, date: DATE, now: NOW, consent: NO_CONSENT, certificateStatus: 'valid', medicalInstitutionCode: facility });
const first = (m: ReturnType<typeof build>) => m.XmlMsg.MessageBody.ResultList!.ResultOfQualificationConfirmation[0]!;
const injector = (specs: FaultSpec[], lookup?: (id: string) => EligibilityRecord | undefined) => applyFaults(specs, { rng: createRng(7), ...(lookup ? { lookup } : {}) });

describe('FaultSpec: the new kinds and facility targeting', () => {
  it('accepts one of each new kind, facility as one code or a list', () => {
    const specs = FaultSpecs.parse([
      { kind: 'name-order', person: 'watanabe' },
      { kind: 'name-split', at: 1, facility: FACILITY },
      { kind: 'old-surname', surname: '旧姓', surnameKana: 'ｷｭｳｾｲ' },
      { kind: 'missing-expiry', insurer: '138057' },
      { kind: 'double-enrolment', other: { insurerNumber: '138057', insurerName: '架空市', insurerKind: 'kokuho', symbol: '架空', number: '0456' } },
      { kind: 'foreign-resident-data-missing', facility: [FACILITY, '1320000000'] },
      { kind: 'child-invalid-parent-valid', insurer: '06139999' },
      { kind: 'mis-linkage', person: 'watanabe', showsPerson: 'alice' },
    ]);
    expect(specs.map((s) => s.kind)).toEqual(['name-order', 'name-split', 'old-surname', 'missing-expiry', 'double-enrolment', 'foreign-resident-data-missing', 'child-invalid-parent-valid', 'mis-linkage']);
  });

  it('refuses a double-enrolment without the other insurer kind, naming the path', () => {
    const bad = FaultSpecs.safeParse([{ kind: 'double-enrolment', other: { insurerNumber: '138057', insurerName: '架空市', number: '1' } }]);
    expect(bad.success ? [] : bad.error.issues.map((i) => i.path.join('.'))).toEqual(['0.other.insurerKind']);
  });
});

describe('name faults (result edge)', () => {
  it('swapParts and splitAt', () => {
    expect(swapParts('渡辺　花子', '\u3000')).toBe('花子　渡辺');
    expect(swapParts('ﾜﾀﾅﾍﾞ ﾊﾅｺ', ' ')).toBe('ﾊﾅｺ ﾜﾀﾅﾍﾞ');
    expect(splitAt('渡辺　花子', 1)).toBe('渡　辺花子');
    expect(splitAt('渡辺　花子', 3)).toBe('渡辺花　子');
  });

  it('name-order swaps Name and NameKana; name-split moves the separator; old-surname replaces the family name', () => {
    const r = record(watanabe, [kumiai]);
    const order = injector([{ kind: 'name-order' }]);
    expect([first(order.adjustResult(build(r), 'watanabe')).Name, first(order.adjustResult(build(r), 'watanabe')).NameKana]).toEqual(['花子　渡辺', 'ﾊﾅｺ ﾜﾀﾅﾍﾞ']);
    expect(first(injector([{ kind: 'name-split', at: 3 }]).adjustResult(build(r), 'watanabe')).Name).toBe('渡辺花　子');
    const old = first(injector([{ kind: 'old-surname', surname: '架空', surnameKana: 'ｶｸｳ' }]).adjustResult(build(r), 'watanabe'));
    expect([old.Name, old.NameKana]).toEqual(['架空　花子', 'ｶｸｳ ﾊﾅｺ']);
  });

  it('facility: a fault for one facility leaves another facility\'s result alone', () => {
    const r = record(watanabe, [kumiai]);
    const f = injector([{ kind: 'name-order', facility: FACILITY }]);
    expect(first(f.adjustResult(build(r, FACILITY), 'watanabe')).Name).toBe('花子　渡辺');
    expect(first(f.adjustResult(build(r, '1320000000'), 'watanabe')).Name).toBe('渡辺　花子');
  });

  it('missing-expiry drops InsuredCardExpirationDate', () => {
    const withExpiry = build(record(watanabe, [kumiai]));
    first(withExpiry).InsuredCardExpirationDate = '20260731';
    expect(first(injector([{ kind: 'missing-expiry' }]).adjustResult(withExpiry, 'watanabe')).InsuredCardExpirationDate).toBeUndefined();
    expect(first(injector([{ kind: 'missing-expiry', insurer: '138057' }]).adjustResult(withExpiry, 'watanabe')).InsuredCardExpirationDate).toBe('20260731');
  });
});

describe('record faults (data edge)', () => {
  it('double-enrolment: a second valid qualification, so 複数該当 (5) with both insurers', () => {
    const f = injector([{ kind: 'double-enrolment', other: { insurerNumber: '138057', insurerName: '架空市', insurerKind: 'kokuho', symbol: '架空', number: '0456' } }]);
    const m = build(f.viewRecord(record(watanabe, [kumiai]), DATE));
    expect(m.XmlMsg.MessageBody.QualificationValidity).toBe('5');
    expect(m.XmlMsg.MessageBody.ResultList!.ResultOfQualificationConfirmation.map((r) => r.InsurerNumber)).toEqual(['06139999', '  138057']);
  });

  it('foreign-resident-data-missing: 該当資格なし (4) for a Latin-letter name, nothing for others', () => {
    const f = injector([{ kind: 'foreign-resident-data-missing' }]);
    expect(build(f.viewRecord(record(alice, [aliceRecord]), DATE)).XmlMsg.MessageBody.QualificationValidity).toBe('4');
    expect(build(f.viewRecord(record(watanabe, [kumiai]), DATE)).XmlMsg.MessageBody.QualificationValidity).toBe('1');
  });

  it('child-invalid-parent-valid: the dependant shows 無効 (2), the insured parent 有効 (1)', () => {
    const f = injector([{ kind: 'child-invalid-parent-valid', insurer: '06139999' }]);
    expect(build(f.viewRecord(record(child, [childRecord]), DATE)).XmlMsg.MessageBody.QualificationValidity).toBe('2');
    expect(build(f.viewRecord(record(watanabe, [kumiai]), DATE)).XmlMsg.MessageBody.QualificationValidity).toBe('1');
  });

  it('mis-linkage: a card check of one person shows another person\'s record; a check by card data does not', () => {
    const others: Record<string, EligibilityRecord> = { alice: record(alice, [aliceRecord]) };
    const f = injector([{ kind: 'mis-linkage', person: 'watanabe', showsPerson: 'alice' }], (id) => others[id]);
    expect(f.viewRecord(record(watanabe, [kumiai]), DATE).person.name).toBe('SMITH　ALICE');
    expect(f.viewRecord(record(watanabe, [kumiai]), DATE, { via: 'card-data' }).person.name).toBe('渡辺　花子');
  });
});

describe('faults through central (card-data check and 一括照会), facility-targeted request fault', () => {
  const clock = new VirtualClock('2025-04-01T09:30:00+09:00');
  let central: CentralServer;
  beforeAll(async () => {
    const store = new EligibilityStore();
    store.addPerson(watanabe, [kumiai]);
    store.addPerson(child, [childRecord]);
    store.addPerson({ ...alice }, [aliceRecord, kyosai]);
    central = await startCentral({
      clock,
      store,
      trustAnchors: [],
      oqs: { bulkProcessingMs: 0 },
      faults: [
        { kind: 'name-order', person: 'watanabe', facility: FACILITY },
        { kind: 'child-invalid-parent-valid' },
        { kind: 'http-error', status: 503, facility: '1399999999', routes: ['qualification-checks', 'bulk-checks'] },
      ],
    });
  });
  afterAll(async () => {
    await central?.close();
  });
  const searchOf = (number: string, branch: string, birth: string) => ({ InsurerNumber: '06139999', InsuredCardSymbol: '88', InsuredIdentificationNumber: number, InsuredBranchNumber: branch, Birthdate: birth, LimitApplicationCertificateRelatedConsFlg: '0' });
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${central.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as unknown };
  };

  it('applies name-order for the targeted facility only, and child-invalid in the 一括照会 units', async () => {
    const single = (facility: string) =>
      post('/v1/qualification-checks', { XmlMsg: { MessageHeader: { QualificationConfirmationDate: '20250401', MedicalInstitutionCode: facility }, MessageBody: { QualificationConfirmSearchInfo: searchOf('12', '00', '19850601') } } });
    const here = (await single(FACILITY)).body as OqsResultDocument;
    const there = (await single('1320000000')).body as OqsResultDocument;
    expect(here.XmlMsg.MessageBody.ResultList!.ResultOfQualificationConfirmation[0]!.Name).toBe('花子　渡辺');
    expect(there.XmlMsg.MessageBody.ResultList!.ResultOfQualificationConfirmation[0]!.Name).toBe('渡辺　花子');

    const receipt = (await post('/v1/oqs/OQSmuquc01', {
      XmlMsg: { MessageHeader: { QualificationConfirmationDate: '20250401', MedicalInstitutionCode: FACILITY }, MessageBody: { QualificationConfirmSearchInfo: [searchOf('12', '00', '19850601'), searchOf('12', '01', '20210202')] } },
    })).body as BulkUploadResult;
    const done = (await post('/v1/oqs/OQSmuquc02', { XmlMsg: { MessageHeader: { MedicalInstitutionCode: FACILITY }, MessageBody: { ReceptionNumber: receipt.XmlMsg.MessageBody.ReceptionNumber } } })).body as BulkCheckDownloadResult;
    expect(done.XmlMsg.MessageBody.BulkConfirmUnit.map((u) => u.QualificationValidity)).toEqual(['1', '2']);
  });

  it('refuses requests of the targeted facility only (http-error with facility)', async () => {
    const at = (facility: string) =>
      post('/v1/qualification-checks', { XmlMsg: { MessageHeader: { QualificationConfirmationDate: '20250401', MedicalInstitutionCode: facility }, MessageBody: { QualificationConfirmSearchInfo: searchOf('12', '00', '19850601') } } });
    expect((await at('1399999999')).status).toBe(503);
    expect((await at(FACILITY)).status).toBe(200);
  });
});
