import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock, isoDate, type Person } from '../../domain/index.js';
import { ApiError } from '../../protocol/central-api.js';
import { OqsResultDocument, type OqsQualificationRequest } from '../../protocol/oqs-request.js';
import type { QualificationRecord } from './qualification-result.js';
import { startCentral, type CentralServer } from './server.js';
import { EligibilityStore } from './store.js';

const clock = new VirtualClock('2025-09-10T10:00:00+09:00');

const taro: Person = { id: 'taro', name: '架空　太郎', nameKana: 'ｶｸｳ ﾀﾛｳ', birthDate: isoDate('1980-01-15'), sex: 1 };
/** 協会けんぽ until 2025-07-31 (lost 2025-08-01), then a 健保組合 from 2025-08-01 (転職). */
const oldJob: QualificationRecord = {
  insurerNumber: '01130012',
  insurerName: '全国健康保険協会東京支部',
  insurerKind: 'kyokai',
  symbol: '1234',
  number: '0567',
  branch: '00',
  relation: 'insured',
  cardClassification: '01',
  acquiredOn: isoDate('2010-04-01'),
  lostOn: isoDate('2025-08-01'),
  incomeClass: 'general',
};
const newJob: QualificationRecord = {
  ...oldJob,
  insurerNumber: '06139999',
  insurerName: '架空健康保険組合',
  insurerKind: 'kumiai',
  symbol: '88',
  number: '12',
  branch: '00',
  acquiredOn: isoDate('2025-08-01'),
  lostOn: undefined,
  limitCategory: 'A03',
};
const hana: Person = { id: 'hana', name: '架空　花', birthDate: isoDate('1950-09-01'), sex: 2 };
/** 後期 member whose ratio changes on 1 August: 1割 until 2025-07-31, 2割 from 2025-08-01. */
const koki: QualificationRecord = {
  insurerNumber: '39131015',
  insurerName: '架空県後期高齢者医療広域連合',
  insurerKind: 'koki',
  number: '00012345',
  relation: 'insured',
  cardClassification: '01',
  acquiredOn: isoDate('2025-09-01'),
  incomeClass: 'general',
  ratioHistory: [
    { from: isoDate('2024-08-01'), to: isoDate('2025-07-31'), value: 10 },
    { from: isoDate('2025-08-01'), value: 20 },
  ],
};

let central: CentralServer;
beforeAll(async () => {
  const store = new EligibilityStore();
  store.addPerson(taro, [oldJob, newJob]);
  store.addPerson(hana, [koki]);
  central = await startCentral({ clock, store, trustAnchors: [] });
});
afterAll(async () => central?.close());

function request(search: Partial<OqsQualificationRequest['XmlMsg']['MessageBody']['QualificationConfirmSearchInfo']>, date = '20250910'): OqsQualificationRequest {
  return {
    XmlMsg: {
      MessageHeader: { QualificationConfirmationDate: date, MedicalInstitutionCode: '1310000000', ArbitraryFileIdentifier: 'rq-1' },
      MessageBody: {
        QualificationConfirmSearchInfo: {
          InsurerNumber: '06139999',
          InsuredCardSymbol: '88',
          InsuredIdentificationNumber: '12',
          InsuredBranchNumber: '00',
          Birthdate: '19800115',
          LimitApplicationCertificateRelatedConsFlg: '1',
          ...search,
        },
      },
    },
  };
}

async function check(body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${central.url}/v1/qualification-checks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

describe('POST /v1/qualification-checks (照会区分 2)', () => {
  it('answers 有効 for the current card, ReferenceClassification 2, the search keys echoed, no medical flags', async () => {
    const { status, json } = await check(request({}));
    expect(status).toBe(200);
    const msg = OqsResultDocument.parse(json);
    expect(msg.XmlMsg.MessageHeader).toEqual({
      ProcessExecutionTime: '20250910100000',
      CharacterCodeIdentifier: '0',
      SegmentOfResult: '1',
      QualificationConfirmationDate: '20250910',
      ReferenceClassification: '2',
      ArbitraryFileIdentifier: 'rq-1',
      MedicalInstitutionCode: '1310000000',
    });
    expect(msg.XmlMsg.MessageBody.QualificationConfirmSearchInfo).toEqual(request({}).XmlMsg.MessageBody.QualificationConfirmSearchInfo);
    expect(msg.XmlMsg.MessageBody.QualificationValidity).toBe('1');
    const r = msg.XmlMsg.MessageBody.ResultList!.ResultOfQualificationConfirmation[0]!;
    expect(r.InsurerNumber).toBe('06139999');
    expect(r.LimitApplicationCertificateRelatedInfo?.LimitApplicationCertificateClassificationFlag).toBe('A03');
    expect(r.DiagnosisInfoConsFlg).toBeUndefined();
    expect(r.PharmacistsInfoConsFlg).toBeUndefined();
  });

  it('withholds 限度額 information when the request says LimitApplicationCertificateRelatedConsFlg 0', async () => {
    const msg = OqsResultDocument.parse((await check(request({ LimitApplicationCertificateRelatedConsFlg: '0' }))).json);
    const r = msg.XmlMsg.MessageBody.ResultList!.ResultOfQualificationConfirmation[0]!;
    expect(r.LimitApplicationCertificateRelatedConsFlg).toBe('0');
    expect(r.LimitApplicationCertificateRelatedInfo).toBeUndefined();
  });

  it('answers 3 無効（新しい資格あり） for the old card of someone who changed jobs', async () => {
    const msg = OqsResultDocument.parse((await check(request({ InsurerNumber: '01130012', InsuredCardSymbol: '1234', InsuredIdentificationNumber: '0567' }))).json);
    expect(msg.XmlMsg.MessageBody.QualificationValidity).toBe('3');
    expect(msg.XmlMsg.MessageBody.ResultList!.ResultOfQualificationConfirmation[0]!.DisqualificationDate).toBe('20250801');
  });

  it('answers 有効 for the old card on a past date before the loss', async () => {
    const msg = OqsResultDocument.parse((await check(request({ InsurerNumber: '01130012', InsuredCardSymbol: '1234', InsuredIdentificationNumber: '0567' }, '20250731'))).json);
    expect(msg.XmlMsg.MessageBody.QualificationValidity).toBe('1');
  });

  it('answers 4 該当資格なし for a wrong birth date, with no ResultList', async () => {
    const msg = OqsResultDocument.parse((await check(request({ Birthdate: '19800116' }))).json);
    expect(msg.XmlMsg.MessageBody.QualificationValidity).toBe('4');
    expect(msg.XmlMsg.MessageBody.ResultList).toBeUndefined();
    expect(msg.XmlMsg.MessageBody.ProcessingResultMessage).toBeUndefined();
  });

  it('matches a 6-digit insurer padded with spaces and ignores an empty 枝番', async () => {
    const msg = OqsResultDocument.parse(
      (await check(request({ InsurerNumber: '39131015', InsuredCardSymbol: undefined, InsuredIdentificationNumber: '00012345', InsuredBranchNumber: '', Birthdate: '19500901' }))).json,
    );
    expect(msg.XmlMsg.MessageBody.QualificationValidity).toBe('1');
  });

  it('shows the ratio in force on the date asked: 010 on 2025-07-31 would be before acquisition, 020 on 2025-09-10', async () => {
    const msg = OqsResultDocument.parse(
      (await check(request({ InsurerNumber: '39131015', InsuredCardSymbol: undefined, InsuredIdentificationNumber: '00012345', InsuredBranchNumber: undefined, Birthdate: '19500901' }))).json,
    );
    expect(msg.XmlMsg.MessageBody.ResultList!.ResultOfQualificationConfirmation[0]!.InsuredPartialContributionRatio).toBe('020');
  });

  it('answers 400 naming the field for a malformed body and for a date that does not exist', async () => {
    const bad = await check(request({ Birthdate: '1980' }));
    expect(bad.status).toBe(400);
    expect(ApiError.parse(bad.json).error.field).toBe('XmlMsg.MessageBody.QualificationConfirmSearchInfo.Birthdate');
    const feb30 = await check(request({}, '20250230'));
    expect(feb30.status).toBe(400);
    expect(ApiError.parse(feb30.json).error.field).toBe('XmlMsg.MessageHeader.QualificationConfirmationDate');
  });
});
