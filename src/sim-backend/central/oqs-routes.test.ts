import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock, isoDate, type Person } from '../../domain/index.js';
import { FULL_CONSENT, NO_CONSENT } from '../../protocol/consent.js';
import type { BulkCheckDownloadResult, BulkReferenceNumberDownloadResult, BulkUploadResult, MedicalInfoFileResult, ReferenceNumberResult } from '../../protocol/oqs-messages.js';
import { ConsentRegistry } from './consent-registry.js';
import { generatePopulation } from './population.js';
import type { QualificationRecord } from './qualification-result.js';
import { startCentral, type CentralServer } from './server.js';
import { EligibilityStore } from './store.js';

const FACILITY = '1310000000';
const OTHER_FACILITY = '1320000000';
const LIMITED_FACILITY = '1330000000';
const clock = new VirtualClock('2025-04-01T17:00:00+09:00');

const jiro: Person = { id: 'jiro', name: '架空　次郎', nameKana: 'ｶｸｳ ｼﾞﾛｳ', birthDate: isoDate('1980-01-15'), sex: 1 };
const kokuho: QualificationRecord = {
  insurerNumber: '138057',
  insurerName: '架空市',
  insurerKind: 'kokuho',
  symbol: '架空',
  number: '0456',
  branch: '00',
  relation: 'insured',
  cardClassification: '01',
  acquiredOn: isoDate('2020-04-01'),
  incomeClass: 'general',
};
const hanako: Person = { id: 'hanako', name: '架空　花子', birthDate: isoDate('1945-03-03'), sex: 2 };
const koki: QualificationRecord = {
  insurerNumber: '39131015',
  insurerName: '架空県後期高齢者医療広域連合',
  insurerKind: 'koki',
  number: '00012345',
  relation: 'insured',
  cardClassification: '01',
  acquiredOn: isoDate('2010-03-03'),
  incomeClass: 'general',
};

const consents = new ConsentRegistry();
let central: CentralServer;
beforeAll(async () => {
  const store = new EligibilityStore();
  store.addPerson(jiro, [kokuho]);
  store.addPerson(hanako, [koki]);
  central = await startCentral({ clock, store, trustAnchors: [], consents, oqs: { bulkProcessingMs: 10 * 60_000, qualificationOnlyFacilities: [LIMITED_FACILITY] } });
});
afterAll(async () => {
  await central?.close();
});

async function post<T>(kind: string, body: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${central.url}/v1/oqs/${kind}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as T };
}

const search = (over: Record<string, string>) => ({
  InsurerNumber: '  138057',
  InsuredCardSymbol: '架空',
  InsuredIdentificationNumber: '0456',
  InsuredBranchNumber: '00',
  Birthdate: '19800115',
  LimitApplicationCertificateRelatedConsFlg: '1',
  ...over,
});
const upload = (facility = FACILITY) => ({
  XmlMsg: {
    MessageHeader: { QualificationConfirmationDate: '20250402', MedicalInstitutionCode: facility, ArbitraryFileIdentifier: 'yoyaku-0402' },
    MessageBody: {
      QualificationConfirmSearchInfo: [
        search({ ArbitraryIdentifier: 'P0001' }),
        { InsurerNumber: '39131015', InsuredIdentificationNumber: '00012345', Birthdate: '19450303', LimitApplicationCertificateRelatedConsFlg: '0', ArbitraryIdentifier: 'P0002' },
        search({ Birthdate: '19800116', ArbitraryIdentifier: 'P0003' }),
      ],
    },
  },
});
const download = (receptionNumber: string, facility = FACILITY) => ({ XmlMsg: { MessageHeader: { MedicalInstitutionCode: facility }, MessageBody: { ReceptionNumber: receptionNumber } } });

describe('一括照会 over JSON (POST /v1/oqs/OQSmuquc01 and OQSmuquc02)', () => {
  it('answers the upload with a receipt, 処理中 before the batch is done, then one BulkConfirmUnit per patient', async () => {
    const receipt = await post<BulkUploadResult>('OQSmuquc01', upload());
    expect(receipt.status).toBe(200);
    expect(receipt.body.XmlMsg.MessageHeader).toMatchObject({ SegmentOfResult: '1', MedicalInstitutionCode: FACILITY, ArbitraryFileIdentifier: 'yoyaku-0402' });
    expect(receipt.body.XmlMsg.MessageBody.ReceptionNumber).toBe('20250401000001');
    expect(receipt.body.XmlMsg.MessageBody.ReceptionDateTime).toBe('20250401170000');

    clock.advance(9 * 60_000);
    const early = await post<BulkCheckDownloadResult>('OQSmuquc02', download('20250401000001'));
    expect(early.body.XmlMsg.MessageHeader.SegmentOfResult).toBe('2');
    expect(early.body.XmlMsg.MessageHeader.ReceptionNumber).toBe('20250401000001');
    expect(early.body.XmlMsg.MessageBody.BulkConfirmUnit).toEqual([]);

    clock.advance(60_000);
    const done = await post<BulkCheckDownloadResult>('OQSmuquc02', download('20250401000001'));
    const h = done.body.XmlMsg.MessageHeader;
    expect([h.SegmentOfResult, h.NumberOfProcessingResult, h.NumberOfNormalProcessing, h.NumberOfError]).toEqual(['1', '3', '3', '0']);
    const units = done.body.XmlMsg.MessageBody.BulkConfirmUnit;
    expect(units.map((u) => [u.QualificationConfirmSearchInfo.ArbitraryIdentifier, u.ProcessingResultStatus, u.QualificationValidity])).toEqual([
      ['P0001', '1', '1'],
      ['P0002', '1', '1'],
      ['P0003', '1', '4'],
    ]);
    expect(units[0]!.ResultOfQualificationConfirmation?.Name).toBe('架空　次郎');
    expect(units[1]!.ResultOfQualificationConfirmation?.InsuredPartialContributionRatio).toBe('010');
    expect(units[2]!.ResultOfQualificationConfirmation).toBeUndefined();
  });

  it('refuses another facility\'s ReceptionNumber and an unknown one with SegmentOfResult 9 (MRX040)', async () => {
    const receipt = await post<BulkUploadResult>('OQSmuquc01', upload());
    const number = receipt.body.XmlMsg.MessageBody.ReceptionNumber!;
    for (const [n, facility] of [[number, OTHER_FACILITY], ['20990101000001', FACILITY]] as const) {
      const answer = await post<BulkCheckDownloadResult>('OQSmuquc02', download(n, facility));
      expect(answer.body.XmlMsg.MessageHeader.SegmentOfResult).toBe('9');
      expect(answer.body.XmlMsg.MessageHeader.ErrorCode).toBe('MRX040');
      expect(answer.body.XmlMsg.MessageBody.BulkConfirmUnit).toEqual([]);
    }
  });

  it('answers 400 naming the field for an invalid tree, 404 for an unknown kind', async () => {
    const bad = upload();
    bad.XmlMsg.MessageBody.QualificationConfirmSearchInfo[1]!.Birthdate = '1945-03-03';
    const r = await post<{ error: { code: string; field: string } }>('OQSmuquc01', bad);
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe('XmlMsg.MessageBody.QualificationConfirmSearchInfo.1.Birthdate');
    expect((await post('OQSxxxxx01', {})).status).toBe(404);
  });
});

describe('照会番号 registration (OQSsiimm01, OQSmuimm01/02)', () => {
  const info = (ReferenceNumber: string, over: Record<string, string> = {}) => ({
    ReferenceNumber,
    InsurerNumber: '  138057',
    InsuredCardSymbol: '架空',
    InsuredIdentificationNumber: '0456',
    InsuredBranchNumber: '00',
    ...over,
  });

  it('registers one patient, refuses unknown card data, and the number then appears in 一括照会 results', async () => {
    const ok = await post<ReferenceNumberResult>('OQSsiimm01', { XmlMsg: { MessageHeader: { MedicalInstitutionCode: FACILITY }, MessageBody: { ReferenceNumberRegistrationInfo: info('K-0001') } } });
    expect(ok.body.XmlMsg.MessageBody.ProcessingResultStatus).toBe('1');
    const miss = await post<ReferenceNumberResult>('OQSsiimm01', { XmlMsg: { MessageHeader: { MedicalInstitutionCode: FACILITY }, MessageBody: { ReferenceNumberRegistrationInfo: info('K-0009', { InsuredIdentificationNumber: '9999' }) } } });
    expect([miss.body.XmlMsg.MessageBody.ProcessingResultStatus, miss.body.XmlMsg.MessageBody.ProcessingResultCode]).toEqual(['2', 'MRX042']);

    const receipt = await post<BulkUploadResult>('OQSmuquc01', upload());
    clock.advance(10 * 60_000);
    const done = await post<BulkCheckDownloadResult>('OQSmuquc02', download(receipt.body.XmlMsg.MessageBody.ReceptionNumber!));
    const [first, second] = done.body.XmlMsg.MessageBody.BulkConfirmUnit;
    expect(first!.ReferenceNumber).toBe('K-0001');
    expect(first!.ResultOfQualificationConfirmation?.ReferenceNumber).toBe('K-0001');
    expect(second!.ReferenceNumber).toBeUndefined();
  });

  it('registers in bulk: receipt, 処理中, then one BulkRegistrationUnit per patient; a number already held by another patient is refused', async () => {
    const receipt = await post<BulkUploadResult>('OQSmuimm01', {
      XmlMsg: {
        MessageHeader: { MedicalInstitutionCode: FACILITY },
        MessageBody: { ReferenceNumberRegistrationInfo: [info('K-0002', { InsurerNumber: '39131015', InsuredCardSymbol: '', InsuredIdentificationNumber: '00012345', InsuredBranchNumber: '' }), info('K-0002')] },
      },
    });
    const number = receipt.body.XmlMsg.MessageBody.ReceptionNumber!;
    const early = await post<BulkReferenceNumberDownloadResult>('OQSmuimm02', download(number));
    expect(early.body.XmlMsg.MessageHeader.SegmentOfResult).toBe('2');
    // A 一括照会 ReceptionNumber is not a registration one.
    expect((await post<BulkCheckDownloadResult>('OQSmuquc02', download(number))).body.XmlMsg.MessageHeader.ErrorCode).toBe('MRX040');
    clock.advance(10 * 60_000);
    const done = await post<BulkReferenceNumberDownloadResult>('OQSmuimm02', download(number));
    expect(done.body.XmlMsg.MessageHeader.NumberOfError).toBe('1');
    expect(done.body.XmlMsg.MessageBody.BulkRegistrationUnit.map((u) => [u.ProcessingResultStatus, u.ProcessingResultCode])).toEqual([
      ['1', undefined],
      ['2', 'MRX044'],
    ]);
  });
});

describe('薬剤情報 / 特定健診情報 files (YZKsiquc01, TKKsiquc01): consent enforced', () => {
  const request = (facility: string, FileCategory = '2') => ({
    XmlMsg: {
      MessageHeader: { MedicalInstitutionCode: facility, InsurerNumber: '  138057', InsuranceCardSymbol: '架空', InsuredPersonIdentificationNumber: '0456', BranchNumber: '00', ArbitraryFileIdentifier: 'd1' },
      MessageBody: { FileCategory, PrDiInfClassification: '1', MedicalTreatmentFlag: '1' },
    },
  });
  beforeEach(() => {
    clock.advance(25 * 3600_000); // past any earlier consent window
  });

  it('refuses without a consent at this facility (ResultCode 2, MRX045 no-consent), releases nothing', async () => {
    const before = consents.releases().length;
    const r = await post<MedicalInfoFileResult>('YZKsiquc01', request(FACILITY));
    expect(r.body.XmlMsg.MessageHeader.ResultCode).toBe('2');
    expect(r.body.XmlMsg.MessageHeader.MessageContents).toMatch(/^MRX045 no-consent: /);
    expect(r.body.XmlMsg.MessageBody.CzDiMonthInf).toBeUndefined();
    expect(consents.releases().length).toBe(before);
  });

  it('answers ResultCode 1 with QuaInf and monthly blocks within 24 hours of a consent, and refuses after', async () => {
    consents.record({ checkId: 'c-1', personId: 'jiro', medicalInstitutionCode: FACILITY, items: { ...NO_CONSENT, pharmacy: true }, at: clock.now(), inGrace: false });
    const r = await post<MedicalInfoFileResult>('YZKsiquc01', request(FACILITY));
    expect(r.body.XmlMsg.MessageHeader.ResultCode).toBe('1');
    expect(r.body.XmlMsg.MessageHeader.QuaInf).toMatchObject({ InsurerNumber: '  138057', InsuredPersonIdentificationNumber: '0456', Name: '架空　次郎', Birthdate: '19800115' });
    expect(r.body.XmlMsg.MessageBody.CzDiMonthInf!.length).toBeGreaterThan(0);
    expect(r.body.XmlMsg.MessageBody.CzDiMonthInf![0]!.MonthOfTreatment).toMatch(/^\d{6}$/);
    expect(consents.releases().at(-1)).toMatchObject({ personId: 'jiro', kind: 'pharmacy', checkId: 'c-1', medicalInstitutionCode: FACILITY });
    // 特定健診 was not consented; 薬剤+診療 (FileCategory 4) needs 診療 too.
    expect((await post<MedicalInfoFileResult>('TKKsiquc01', request(FACILITY))).body.XmlMsg.MessageHeader.ResultCode).toBe('2');
    expect((await post<MedicalInfoFileResult>('YZKsiquc01', request(FACILITY, '4'))).body.XmlMsg.MessageHeader.ResultCode).toBe('2');
    expect((await post<MedicalInfoFileResult>('YZKsiquc01', request(OTHER_FACILITY))).body.XmlMsg.MessageHeader.MessageContents).toMatch(/^MRX045 other-facility/);
    clock.advance(24 * 3600_000 + 1);
    expect((await post<MedicalInfoFileResult>('YZKsiquc01', request(FACILITY))).body.XmlMsg.MessageHeader.MessageContents).toMatch(/^MRX045 consent-expired/);
  });

  it('answers 特定健診 with SpHeMonthInf; refuses PDF (MRX046) and any 資格確認限定型 facility (MRX048) even with consent', async () => {
    consents.record({ checkId: 'c-2', personId: 'jiro', medicalInstitutionCode: FACILITY, items: FULL_CONSENT, at: clock.now(), inGrace: false });
    consents.record({ checkId: 'c-3', personId: 'jiro', medicalInstitutionCode: LIMITED_FACILITY, items: FULL_CONSENT, at: clock.now(), inGrace: false });
    const tkk = await post<MedicalInfoFileResult>('TKKsiquc01', request(FACILITY));
    expect(tkk.body.XmlMsg.MessageHeader.ResultCode).toBe('1');
    expect(tkk.body.XmlMsg.MessageBody.SpHeMonthInf!.length).toBeGreaterThan(0);
    expect((await post<MedicalInfoFileResult>('YZKsiquc01', request(FACILITY, '1'))).body.XmlMsg.MessageHeader.MessageContents).toMatch(/^MRX046 /);
    const limited = await post<MedicalInfoFileResult>('YZKsiquc01', request(LIMITED_FACILITY));
    expect(limited.body.XmlMsg.MessageHeader.MessageContents).toMatch(/^MRX048 /);
  });
});

describe('居宅同意取得型 (POST /v1/home-consents, OQSmuhvq01/02) and 資格確認限定型', () => {
  const homeConsent = async (facility: string, consent = FULL_CONSENT) => {
    const res = await fetch(`${central.url}/v1/home-consents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ medicalInstitutionCode: facility, personId: 'jiro', consent, medicalTreatmentFlag: '2' }),
    });
    return { status: res.status, body: (await res.json()) as { checkId: string; result: { XmlMsg: { MessageBody: { QualificationValidity?: string; ResultList?: { ResultOfQualificationConfirmation: { PharmacistsInfoConsFlg?: string }[] } } } } } };
  };
  const medicalInfo = async (facility: string, checkId: string) =>
    fetch(`${central.url}/v1/medical-info`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ medicalInstitutionCode: facility, checkId, kind: 'pharmacy' }) });

  it('registers a consent from home: qualification result with consent flags, and medical information for 24 hours', async () => {
    clock.advance(25 * 3600_000);
    const home = await homeConsent(FACILITY);
    expect(home.status).toBe(200);
    expect(home.body.checkId).toMatch(/^home-/);
    expect(home.body.result.XmlMsg.MessageBody.QualificationValidity).toBe('1');
    expect(home.body.result.XmlMsg.MessageBody.ResultList!.ResultOfQualificationConfirmation[0]!.PharmacistsInfoConsFlg).toBe('1');
    expect((await medicalInfo(FACILITY, home.body.checkId)).status).toBe(200);
  });

  it('finds the consents taken at home by consent date (OQSmuhvq01 → 処理中 → BulkConfirmUnit)', async () => {
    clock.advance(25 * 3600_000);
    await homeConsent(FACILITY);
    const today = new Date(clock.now() + 9 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');
    const upload = (from: string, to: string) => ({ XmlMsg: { MessageHeader: { MedicalInstitutionCode: FACILITY }, MessageBody: { QualificationConfirmSearchInfo: { ConsentDateFrom: from, ConsentDateTo: to, MedicalTreatmentFlag: '2' } } } });
    const receipt = await post<BulkUploadResult>('OQSmuhvq01', upload(today, today));
    const number = receipt.body.XmlMsg.MessageBody.ReceptionNumber!;
    expect((await post<BulkCheckDownloadResult>('OQSmuhvq02', download(number))).body.XmlMsg.MessageHeader.SegmentOfResult).toBe('2');
    clock.advance(10 * 60_000);
    const done = await post<BulkCheckDownloadResult>('OQSmuhvq02', download(number));
    const units = done.body.XmlMsg.MessageBody.BulkConfirmUnit;
    expect(units.map((u) => [u.QualificationConfirmSearchInfo.InsuredIdentificationNumber, u.QualificationConfirmSearchInfo.Birthdate, u.QualificationValidity])).toEqual([['0456', '19800115', '1']]);
    const none = await post<BulkUploadResult>('OQSmuhvq01', upload('20000101', '20000102'));
    clock.advance(10 * 60_000);
    expect((await post<BulkCheckDownloadResult>('OQSmuhvq02', download(none.body.XmlMsg.MessageBody.ReceptionNumber!))).body.XmlMsg.MessageHeader.NumberOfProcessingResult).toBe('0');
  });

  it('資格確認限定型: no consent registered from home, and POST /v1/medical-info refuses with qualification-only-facility', async () => {
    const home = await homeConsent(LIMITED_FACILITY);
    expect(home.body.result.XmlMsg.MessageBody.ResultList!.ResultOfQualificationConfirmation[0]!.PharmacistsInfoConsFlg).toBe('0');
    consents.record({ checkId: 'c-limited', personId: 'jiro', medicalInstitutionCode: LIMITED_FACILITY, items: FULL_CONSENT, at: clock.now(), inGrace: false });
    const refused = await medicalInfo(LIMITED_FACILITY, 'c-limited');
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('qualification-only-facility');
  });
});

describe('医療扶助 (OQSmutic01/02) and オンライン診療等 (OQSmuonq01/02) bulk retrieval', () => {
  const clock2 = new VirtualClock('2025-04-01T17:00:00+09:00');
  const saburo: Person = { id: 'saburo', name: '架空　三郎', birthDate: isoDate('1970-05-05'), sex: 1 };
  const aid = (number: string, month: string, facility: string): QualificationRecord => ({
    insurerNumber: '12130001',
    insurerName: '架空市福祉事務所',
    insurerKind: 'kokuho',
    number,
    relation: 'insured',
    cardClassification: 'A1',
    acquiredOn: isoDate('2024-04-01'),
    incomeClass: 'general',
    publicExpense: {
      number: '12130001',
      beneficiaryNumber: number,
      welfareOfficeName: '架空市福祉事務所',
      tickets: [{ ticketType: '01', month, validFrom: isoDate(`${month}-01`), validTo: isoDate(`${month}-30`), designatedInstitutionCode: facility, designatedInstitutionName: '架空診療所', treatmentType: '02', singleOrCombined: '01' }],
    },
  });
  let c2: CentralServer;
  beforeAll(async () => {
    const store = new EligibilityStore();
    store.addPerson(saburo, [aid('1234567', '2025-04', FACILITY)]);
    store.addPerson({ id: 'shiro', name: '架空　四郎', birthDate: isoDate('1960-01-01'), sex: 1 }, [aid('7654321', '2025-04', OTHER_FACILITY)]);
    store.addPerson(jiro, [kokuho]);
    // A generated population (no 公費) beside them: looked through, never listed.
    store.addSegment(generatePopulation({ size: 10_000, seed: 3 }));
    // Added after the population: the whole store is searched, not a list of ids.
    store.addPerson({ id: 'goro', name: '架空　五郎', birthDate: isoDate('1955-03-03'), sex: 1 }, [aid('5555555', '2025-05', FACILITY)]);
    c2 = await startCentral({ clock: clock2, store, trustAnchors: [], oqs: { bulkProcessingMs: 1000 } });
  });
  afterAll(async () => {
    await c2?.close();
  });
  const post2 = async <T>(kind: string, body: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${c2.url}/v1/oqs/${kind}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as T };
  };
  /** Upload, wait for the batch, download: the units. */
  const retrieve = async (upKind: string, downKind: string, search: Record<string, string>) => {
    const receipt = await post2<BulkUploadResult>(upKind, { XmlMsg: { MessageHeader: { MedicalInstitutionCode: FACILITY }, MessageBody: { QualificationConfirmSearchInfo: search } } });
    expect(receipt.status).toBe(200);
    const number = receipt.body.XmlMsg.MessageBody.ReceptionNumber!;
    expect((await post2<BulkCheckDownloadResult>(downKind, download(number))).body.XmlMsg.MessageHeader.SegmentOfResult).toBe('2');
    clock2.advance(1000);
    const done = await post2<BulkCheckDownloadResult>(downKind, download(number));
    expect(done.body.XmlMsg.MessageHeader.SegmentOfResult).toBe('1');
    return done.body.XmlMsg.MessageBody.BulkConfirmUnit;
  };
  const errorOf = async (kind: string, search: Record<string, string>) => {
    const res = await post2<{ error: { code: string; message: string; field?: string } }>(kind, { XmlMsg: { MessageHeader: { MedicalInstitutionCode: FACILITY }, MessageBody: { QualificationConfirmSearchInfo: search } } });
    return [res.status, res.body.error.field, res.body.error.message];
  };

  it('OQSmutic: one unit per person whose ticket of the month names this facility, with the ticket and the 照会番号', async () => {
    const reg = await post2<ReferenceNumberResult>('OQSsiimm01', {
      XmlMsg: { MessageHeader: { MedicalInstitutionCode: FACILITY }, MessageBody: { ReferenceNumberRegistrationInfo: { ReferenceNumber: 'K-0100', InsurerNumber: '12130001', InsuredIdentificationNumber: '1234567', InsuredBranchNumber: '' } } },
    });
    expect(reg.body.XmlMsg.MessageBody.ProcessingResultStatus).toBe('1');
    expect(await retrieve('OQSmutic01', 'OQSmutic02', { MedicalTreatmentMonth: '202504' })).toEqual([
      {
        QualificationConfirmSearchInfo: { InsurerNumber: '12130001', InsuredIdentificationNumber: '1234567', Birthdate: '19700505', LimitApplicationCertificateRelatedConsFlg: '1' },
        ProcessingResultStatus: '1',
        QualificationValidity: '1',
        ResultOfQualificationConfirmation: {
          InsuredCardClassification: 'A1',
          InsurerNumber: '12130001',
          InsuredIdentificationNumber: '1234567',
          PersonalFamilyClassification: '1',
          InsuredName: '架空　三郎',
          Name: '架空　三郎',
          Sex1: '1',
          Birthdate: '19700505',
          QualificationDate: '20240401',
          InsurerName: '架空市福祉事務所',
          LimitApplicationCertificateRelatedConsFlg: '1',
          LimitApplicationCertificateRelatedConsTime: '20250401170000',
          PublicExpenseNumber: '12130001',
          BeneficiaryNumber: '1234567',
          WelfareOfficeName: '架空市福祉事務所',
          PublicExpenseResultList: {
            MedicalTicketInfo: [
              {
                TicketType: '01',
                MedicalTicketValidDate: '20250401',
                MedicalTicketExpirationDate: '20250430',
                MedicalTreatmentMonth: '202504',
                DesignatedMedicalInstitutionCode: '1310000000',
                DesignatedMedicalInstitutionFlag: '0',
                DesignatedMedicalInstitutionName: '架空診療所',
                MedicalTreatmentType: '02',
                SingleOrCombinedUse: '01',
              },
            ],
          },
          SpecificHealthCheckupsInfoConsFlg: '0',
          PharmacistsInfoConsFlg: '0',
          DiagnosisInfoConsFlg: '0',
          OperationInfoConsFlg: '0',
          ReferenceNumber: 'K-0100',
        },
        ReferenceNumber: 'K-0100',
      },
    ]);
    // May: only 五郎's ticket names this facility; none of June does.
    const may = await retrieve('OQSmutic01', 'OQSmutic02', { MedicalTreatmentMonth: '202505' });
    expect(may.map((u) => [u.QualificationConfirmSearchInfo.InsuredIdentificationNumber, u.QualificationConfirmSearchInfo.Birthdate, u.ResultOfQualificationConfirmation?.Name])).toEqual([
      ['5555555', '19550303', '架空　五郎'],
    ]);
    expect(await retrieve('OQSmutic01', 'OQSmutic02', { MedicalTreatmentMonth: '202506' })).toEqual([]);
  });

  it('OQSmutic: a malformed month is refused naming the field', async () => {
    expect(await errorOf('OQSmutic01', { MedicalTreatmentMonth: '202513' })).toEqual([
      400,
      'XmlMsg.MessageBody.QualificationConfirmSearchInfo.MedicalTreatmentMonth',
      'POST /v1/oqs/OQSmutic01: XmlMsg.MessageBody.QualificationConfirmSearchInfo.MedicalTreatmentMonth: must be yyyyMM (6 digits, month 01–12) (see src/protocol/oqs-messages.ts)',
    ]);
  });

  it('OQSmuonq: the オンライン診療等 consents taken at home, by consent dates or by examination dates', async () => {
    const res = await fetch(`${c2.url}/v1/home-consents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ medicalInstitutionCode: FACILITY, personId: 'jiro', consent: NO_CONSENT, medicalTreatmentFlag: '3' }),
    });
    expect(res.status).toBe(200);
    const ids = (units: BulkCheckDownloadResult['XmlMsg']['MessageBody']['BulkConfirmUnit']) => units.map((u) => u.QualificationConfirmSearchInfo.InsuredIdentificationNumber);
    expect(ids(await retrieve('OQSmuonq01', 'OQSmuonq02', { ConsentDateFrom: '20250401', ConsentDateTo: '20250401', MedicalTreatmentFlag: '3' }))).toEqual(['0456']);
    expect(ids(await retrieve('OQSmuonq01', 'OQSmuonq02', { ExaminationDateFrom: '20250301', ExaminationDateTo: '20250430', MedicalTreatmentFlag: '3' }))).toEqual(['0456']);
    // The consent was for オンライン診療等 (3), not 訪問診療等 (2); and none on another day.
    expect(await retrieve('OQSmuonq01', 'OQSmuonq02', { ConsentDateFrom: '20250401', ConsentDateTo: '20250401', MedicalTreatmentFlag: '2' })).toEqual([]);
    expect(await retrieve('OQSmuonq01', 'OQSmuonq02', { ConsentDateFrom: '20250402', ConsentDateTo: '20250430', MedicalTreatmentFlag: '3' })).toEqual([]);
  });

  it('OQSmuonq: refuses no range, half a range, both ranges and a reversed range, naming the element', async () => {
    const at = 'XmlMsg.MessageBody.QualificationConfirmSearchInfo';
    const msg = (field: string, text: string) => `POST /v1/oqs/OQSmuonq01: ${at}.${field}: ${text} (see src/protocol/oqs-messages.ts)`;
    expect(await errorOf('OQSmuonq01', { MedicalTreatmentFlag: '3' })).toEqual([
      400,
      `${at}.ConsentDateFrom`,
      msg('ConsentDateFrom', '<ConsentDateFrom> is required (a range: ConsentDateFrom/ConsentDateTo or ExaminationDateFrom/ExaminationDateTo)'),
    ]);
    expect(await errorOf('OQSmuonq01', { ExaminationDateFrom: '20250401', MedicalTreatmentFlag: '3' })).toEqual([400, `${at}.ExaminationDateTo`, msg('ExaminationDateTo', '<ExaminationDateTo> is required with <ExaminationDateFrom>')]);
    expect(await errorOf('OQSmuonq01', { ConsentDateFrom: '20250401', ConsentDateTo: '20250401', ExaminationDateFrom: '20250401', ExaminationDateTo: '20250401', MedicalTreatmentFlag: '3' })).toEqual([
      400,
      `${at}.ExaminationDateFrom`,
      msg('ExaminationDateFrom', 'give ConsentDateFrom/ConsentDateTo or ExaminationDateFrom/ExaminationDateTo, not both'),
    ]);
    expect(await errorOf('OQSmuonq01', { ConsentDateFrom: '20250402', ConsentDateTo: '20250401', MedicalTreatmentFlag: '3' })).toEqual([400, `${at}.ConsentDateTo`, msg('ConsentDateTo', 'must not be before ConsentDateFrom (20250402)')]);
  });
});

// Tests may join simulators (.dependency-cruiser.cjs); src/protocol tests may not, so the error
// result text of oqs-xml.ts's errors is checked here.
describe('terminal error results for an invalid value name the path once (regression: "path: path: …")', () => {
  const ctx = { clock: new VirtualClock('2025-04-01T09:30:00+09:00'), medicalInstitutionCode: FACILITY };
  const request = {
    XmlMsg: {
      MessageHeader: { QualificationConfirmationDate: '20250401', MedicalInstitutionCode: FACILITY },
      MessageBody: {
        QualificationConfirmSearchInfo: { InsurerNumber: '138057', InsuredIdentificationNumber: '0456', Birthdate: '1980-01-15', LimitApplicationCertificateRelatedConsFlg: '1' },
      },
    },
  };

  it('the folder: a req/ file with <Birthdate>1980-01-15</Birthdate>', async () => {
    const { decodeOqsRequestXml } = await import('../../protocol/oqs-xml.js');
    const { oqsErrorResult } = await import('../terminal/oqs-answer.js');
    const file = `<?xml version="1.0" encoding="UTF-8"?>
<XmlMsg><MessageHeader><QualificationConfirmationDate>20250401</QualificationConfirmationDate><MedicalInstitutionCode>${FACILITY}</MedicalInstitutionCode></MessageHeader>
<MessageBody><QualificationConfirmSearchInfo><InsurerNumber>138057</InsurerNumber><InsuredIdentificationNumber>0456</InsuredIdentificationNumber><Birthdate>1980-01-15</Birthdate><LimitApplicationCertificateRelatedConsFlg>1</LimitApplicationCertificateRelatedConsFlg></QualificationConfirmSearchInfo></MessageBody></XmlMsg>`;
    const decoded = decodeOqsRequestXml(Buffer.from(file, 'utf8'));
    if (!('error' in decoded)) throw new Error('expected the file to be refused');
    expect(oqsErrorResult(ctx, decoded.error).XmlMsg.MessageHeader.ErrorMessage).toBe(
      'XmlMsg/MessageBody/QualificationConfirmSearchInfo/Birthdate: must be yyyyMMdd (8 digits) (received "1980-01-15")',
    );
  });

  it('the JSON twin: the same tree', async () => {
    const { createOqsAnswerer } = await import('../terminal/oqs-answer.js');
    const unreached = () => Promise.reject(new Error('central is not asked for an invalid tree'));
    const answer = await createOqsAnswerer({ ...ctx, central: { checkQualification: unreached, answerMessage: unreached } })('OQSsiquc01', request);
    expect(answer.status).toBe(400);
    expect((answer.result as { XmlMsg: { MessageHeader: { ErrorMessage?: string } } }).XmlMsg.MessageHeader.ErrorMessage).toBe(
      'XmlMsg/MessageBody/QualificationConfirmSearchInfo/Birthdate: must be yyyyMMdd (8 digits)',
    );
  });
});
