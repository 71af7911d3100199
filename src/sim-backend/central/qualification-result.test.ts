import { describe, expect, it } from 'vitest';
import { isoDate, type Person, type Qualification } from '../../domain/index.js';
import { FULL_CONSENT, NO_CONSENT } from '../../protocol/consent.js';
import { OqsResultMessage } from '../../protocol/oqs-result.js';
import { buildQualificationResult, insurerNumberField, type QualificationResultInput } from './qualification-result.js';

const NOW = Date.parse('2025-04-01T09:30:00+09:00');

const hanako: Person = {
  id: 'hanako',
  name: '架空　花子',
  nameKana: 'ｶｸｳ ﾊﾅｺ',
  birthDate: isoDate('1945-03-03'),
  sex: 2,
  address: '東京都架空市1-2-3',
  postNumber: '100-0001',
};

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

function input(overrides: Partial<QualificationResultInput> = {}): QualificationResultInput {
  return {
    person: hanako,
    qualifications: [koki],
    date: isoDate('2025-04-01'),
    now: NOW,
    consent: NO_CONSENT,
    certificateStatus: 'valid',
    medicalInstitutionCode: '1310000000',
    ...overrides,
  };
}

const results = (i: QualificationResultInput) => buildQualificationResult(i).XmlMsg.MessageBody.ResultList?.ResultOfQualificationConfirmation ?? [];
const first = (i: QualificationResultInput) => {
  const r = results(i)[0];
  if (!r) throw new Error('expected one ResultOfQualificationConfirmation');
  return r;
};

describe('buildQualificationResult: the whole message for a 後期 member', () => {
  it('writes header, body and record with the XML element names and formats', () => {
    expect(buildQualificationResult(input({ arbitraryFileIdentifier: 'Xk3mQp0aNjMCAbc=' }))).toEqual({
      XmlMsg: {
        MessageHeader: {
          ProcessExecutionTime: '20250401093000',
          CharacterCodeIdentifier: '0',
          SegmentOfResult: '1',
          QualificationConfirmationDate: '20250401',
          ReferenceClassification: '1',
          ArbitraryFileIdentifier: 'Xk3mQp0aNjMCAbc=',
          MedicalInstitutionCode: '1310000000',
        },
        MessageBody: {
          ResultList: {
            ResultOfQualificationConfirmation: [
              {
                InsuredCardClassification: '01',
                InsurerNumber: '39131015',
                InsuredIdentificationNumber: '00012345',
                PersonalFamilyClassification: '1',
                InsuredName: '架空　花子',
                Name: '架空　花子',
                NameKana: 'ｶｸｳ ﾊﾅｺ',
                Sex1: '2',
                Birthdate: '19450303',
                Address: '東京都架空市1-2-3',
                PostNumber: '100-0001',
                QualificationDate: '20200303',
                InsuredPartialContributionRatio: '010',
                InsurerName: '架空県後期高齢者医療広域連合',
                LimitApplicationCertificateRelatedConsFlg: '1',
                LimitApplicationCertificateRelatedConsTime: '20250401093000',
                SpecificHealthCheckupsInfoConsFlg: '0',
                PharmacistsInfoConsFlg: '0',
                DiagnosisInfoConsFlg: '0',
                OperationInfoConsFlg: '0',
              },
            ],
          },
          ProcessingResultStatus: '1',
          QualificationValidity: '1',
        },
      },
    });
  });

  it('puts the result list before ProcessingResultStatus and QualificationValidity, as real face files do', () => {
    expect(Object.keys(buildQualificationResult(input()).XmlMsg.MessageBody)).toEqual([
      'ResultList',
      'ProcessingResultStatus',
      'QualificationValidity',
    ]);
  });

  it('uses only element names of the contract: decoding with OqsResultMessage drops nothing', () => {
    const rich = buildQualificationResult(
      input({
        consent: FULL_CONSENT,
        certificateStatus: 'expiring-soon',
        arbitraryFileIdentifier: 'abc',
        qualifications: [
          { ...koki, limitCategory: 'B10', lostOn: isoDate('2030-01-01'), symbol: 'X', branch: '01', insuredName: '架空　花子' },
          { ...koki, insurerKind: 'kyokai', insurerNumber: '01130012', number: '9' },
        ],
        ratioFieldScope: 'all',
      }),
    );
    expect(JSON.stringify(OqsResultMessage.parse(rich))).toBe(JSON.stringify(rich));
  });

  it('uses the ratio on record when the insurer recorded one', () => {
    expect(first(input({ qualifications: [{ ...koki, copayRatio: 30 }] })).InsuredPartialContributionRatio).toBe('030');
  });

  it('gives 一定以上所得 (higher) 後期 members "020"', () => {
    expect(first(input({ qualifications: [{ ...koki, incomeClass: 'higher' }] })).InsuredPartialContributionRatio).toBe('020');
  });
});

describe('buildQualificationResult: insurer number', () => {
  it('right-aligns a 6-digit insurer with two spaces: "138057" → "  138057"', () => {
    expect(first(input({ qualifications: [{ ...koki, insurerNumber: '138057', insurerKind: 'kokuho' }] })).InsurerNumber).toBe('  138057');
    expect(insurerNumberField('06139999')).toBe('06139999');
  });

  it('refuses an insurer number that is not digits', () => {
    expect(() => insurerNumberField('13-8057')).toThrow(/not 1–8 digits/);
  });
});

describe('buildQualificationResult: which field carries the ratio (ratio_field_scope)', () => {
  const worker: Person = { id: 'taro', name: '架空　太郎', birthDate: isoDate('1980-01-15'), sex: 1 };
  const kyokai: Qualification = {
    insurerNumber: '01130012',
    insurerName: '全国健康保険協会　架空支部',
    insurerKind: 'kyokai',
    symbol: '12-3',
    number: '0456',
    branch: '00',
    relation: 'insured',
    cardClassification: '01',
    acquiredOn: isoDate('2010-04-01'),
    incomeClass: 'general',
  };

  it('koki_only: an under-70 gets no ratio field at all', () => {
    const r = first(input({ person: worker, qualifications: [kyokai] }));
    expect(r.InsuredPartialContributionRatio).toBeUndefined();
    expect(r.ElderlyRecipientCertificateInfo).toBeUndefined();
    expect(r.InsuredCardSymbol).toBe('12-3');
    expect(r.InsuredBranchNumber).toBe('00');
  });

  it('all: an under-70 gets "030"', () => {
    expect(first(input({ person: worker, qualifications: [kyokai], ratioFieldScope: 'all' })).InsuredPartialContributionRatio).toBe('030');
  });

  it('70–74 (born 1953-06-15, on 2025-04-01): "020" in the 高齢受給者 block, not in InsuredPartialContributionRatio', () => {
    const r = first(input({ person: { ...worker, birthDate: isoDate('1953-06-15') }, qualifications: [kyokai] }));
    expect(r.ElderlyRecipientCertificateInfo).toEqual({ ElderlyRecipientContributionRatio: '020' });
    expect(r.InsuredPartialContributionRatio).toBeUndefined();
  });

  it('70–74 現役並み: "030" in the 高齢受給者 block', () => {
    const r = first(input({ person: { ...worker, birthDate: isoDate('1953-06-15') }, qualifications: [{ ...kyokai, incomeClass: 'active' }] }));
    expect(r.ElderlyRecipientCertificateInfo).toEqual({ ElderlyRecipientContributionRatio: '030' });
  });

  it('born on the 1st (1955-06-01): no 高齢受給者 block on 2025-05-31, "020" from 2025-06-01', () => {
    const person = { ...worker, birthDate: isoDate('1955-06-01') };
    expect(first(input({ person, qualifications: [kyokai], date: isoDate('2025-05-31') })).ElderlyRecipientCertificateInfo).toBeUndefined();
    expect(first(input({ person, qualifications: [kyokai], date: isoDate('2025-06-01') })).ElderlyRecipientCertificateInfo).toEqual({
      ElderlyRecipientContributionRatio: '020',
    });
  });

  it('未就学 (born 2021-05-05, on 2025-04-01): PreschoolClassification "1"; under all: "020"', () => {
    const child: Person = { id: 'kid', name: '架空　一郎', birthDate: isoDate('2021-05-05'), sex: 1 };
    const dependent: Qualification = { ...kyokai, relation: 'dependent', insuredName: '架空　太郎', branch: '02' };
    const r = first(input({ person: child, qualifications: [dependent], ratioFieldScope: 'all' }));
    expect(r.PreschoolClassification).toBe('1');
    expect(r.InsuredPartialContributionRatio).toBe('020');
    expect(r.PersonalFamilyClassification).toBe('2');
    expect(r.InsuredName).toBe('架空　太郎');
    expect(r.Name).toBe('架空　一郎');
  });

  it('a school child (born 2018-04-01, on 2024-04-01) has no PreschoolClassification', () => {
    const child: Person = { id: 'kid', name: '架空　一郎', birthDate: isoDate('2018-04-01'), sex: 1 };
    expect(first(input({ person: child, qualifications: [kyokai], date: isoDate('2024-04-01') })).PreschoolClassification).toBeUndefined();
  });
});

describe('buildQualificationResult: consent flags (OQSCD016) and the 24-hour window', () => {
  it('consent given: flag "1", ConsTime = now, AvailableTime = now + 24 h', () => {
    const r = first(input({ consent: { diagnosis: true, pharmacy: true, checkup: false, operation: true } }));
    expect(r.DiagnosisInfoConsFlg).toBe('1');
    expect(r.DiagnosisInfoConsTime).toBe('20250401093000');
    expect(r.DiagnosisInfoAvailableTime).toBe('20250402093000');
    expect(r.PharmacistsInfoConsFlg).toBe('1');
    expect(r.PharmacistsInfoAvailableTime).toBe('20250402093000');
    expect(r.OperationInfoConsFlg).toBe('1');
    expect(r.SpecificHealthCheckupsInfoConsFlg).toBe('0');
    expect(r.SpecificHealthCheckupsInfoConsTime).toBeUndefined();
    expect(r.SpecificHealthCheckupsInfoAvailableTime).toBeUndefined();
  });

  it('the window crosses a month end in JST: consent at 2025-03-31 23:10 → available until 2025-04-01 23:10', () => {
    const r = first(input({ now: Date.parse('2025-03-31T23:10:00+09:00'), date: isoDate('2025-03-31'), consent: FULL_CONSENT }));
    expect(r.PharmacistsInfoConsTime).toBe('20250331231000');
    expect(r.PharmacistsInfoAvailableTime).toBe('20250401231000');
  });

  it('certificate in grace: every medical consent flag "0", no times, and a message saying why', () => {
    const msg = buildQualificationResult(
      input({ consent: FULL_CONSENT, certificateStatus: 'expired-in-grace', certificateExpiresOn: isoDate('2025-03-10'), graceEndsOn: isoDate('2025-06-30') }),
    );
    const r = msg.XmlMsg.MessageBody.ResultList!.ResultOfQualificationConfirmation[0]!;
    expect([r.DiagnosisInfoConsFlg, r.PharmacistsInfoConsFlg, r.SpecificHealthCheckupsInfoConsFlg, r.OperationInfoConsFlg]).toEqual(['0', '0', '0', '0']);
    expect(r.DiagnosisInfoConsTime).toBeUndefined();
    expect(r.PharmacistsInfoAvailableTime).toBeUndefined();
    expect(msg.XmlMsg.MessageBody.ProcessingResultMessage).toContain('2025-06-30');
    expect(msg.XmlMsg.MessageBody.ProcessingResultMessage).toContain('医療情報は提供しません');
    // Qualification itself still answers in the grace.
    expect(msg.XmlMsg.MessageBody.QualificationValidity).toBe('1');
    expect(r.InsuredPartialContributionRatio).toBe('010');
  });

  it('certificate expiring soon: a note, no ProcessingResultCode, consent flags as chosen', () => {
    const msg = buildQualificationResult(input({ consent: FULL_CONSENT, certificateStatus: 'expiring-soon', certificateExpiresOn: isoDate('2025-05-10') }));
    expect(msg.XmlMsg.MessageBody.ProcessingResultMessage).toContain('2025-05-10');
    expect(msg.XmlMsg.MessageBody.ProcessingResultCode).toBeUndefined();
    expect(msg.XmlMsg.MessageBody.ResultList!.ResultOfQualificationConfirmation[0]!.DiagnosisInfoConsFlg).toBe('1');
  });

  it('a valid certificate: no ProcessingResultMessage', () => {
    expect(buildQualificationResult(input()).XmlMsg.MessageBody.ProcessingResultMessage).toBeUndefined();
  });
});

describe('buildQualificationResult: 限度額 information', () => {
  it('ウ (A03): 限度額適用認定証 "01" with flag "A03"', () => {
    expect(first(input({ qualifications: [{ ...koki, limitCategory: 'A03' }] })).LimitApplicationCertificateRelatedInfo).toEqual({
      LimitApplicationCertificateClassification: '01',
      LimitApplicationCertificateClassificationFlag: 'A03',
    });
  });

  it('低所得Ⅱ (B05): 限度額適用・標準負担額減額認定証 "02"', () => {
    expect(first(input({ qualifications: [{ ...koki, limitCategory: 'B05' }] })).LimitApplicationCertificateRelatedInfo).toEqual({
      LimitApplicationCertificateClassification: '02',
      LimitApplicationCertificateClassificationFlag: 'B05',
    });
  });

  it('no category on record: no block', () => {
    expect(first(input()).LimitApplicationCertificateRelatedInfo).toBeUndefined();
  });
});

describe('buildQualificationResult: QualificationValidity (OQSCD006)', () => {
  const date = isoDate('2025-04-01');

  it('"2" 無効 when the only record was lost: the record with its DisqualificationDate', () => {
    const msg = buildQualificationResult(input({ date, qualifications: [{ ...koki, lostOn: isoDate('2025-04-01') }] }));
    expect(msg.XmlMsg.MessageBody.QualificationValidity).toBe('2');
    expect(msg.XmlMsg.MessageBody.ResultList!.ResultOfQualificationConfirmation[0]!.DisqualificationDate).toBe('20250401');
  });

  it('"1" on the day before the loss day', () => {
    const msg = buildQualificationResult(input({ date: isoDate('2025-03-31'), qualifications: [{ ...koki, lostOn: isoDate('2025-04-01') }] }));
    expect(msg.XmlMsg.MessageBody.QualificationValidity).toBe('1');
  });

  it('"2" shows the most recently lost of several old records', () => {
    const old1 = { ...koki, number: '1', acquiredOn: isoDate('2010-01-01'), lostOn: isoDate('2015-01-01') };
    const old2 = { ...koki, number: '2', acquiredOn: isoDate('2015-01-01'), lostOn: isoDate('2024-12-01') };
    const r = results(input({ date, qualifications: [old1, old2] }));
    expect(r.map((x) => x.InsuredIdentificationNumber)).toEqual(['2']);
  });

  it('"4" with no result list when the person has no record', () => {
    const msg = buildQualificationResult(input({ date, qualifications: [] }));
    expect(msg.XmlMsg.MessageBody.QualificationValidity).toBe('4');
    expect(msg.XmlMsg.MessageBody.ResultList).toBeUndefined();
  });

  it('"4" when the only record starts after the date', () => {
    const msg = buildQualificationResult(input({ date, qualifications: [{ ...koki, acquiredOn: isoDate('2025-04-02') }] }));
    expect(msg.XmlMsg.MessageBody.QualificationValidity).toBe('4');
  });

  it('"5" 複数該当 with every active record', () => {
    const second: Qualification = { ...koki, insurerNumber: '138057', insurerKind: 'kokuho', number: '777' };
    const msg = buildQualificationResult(input({ date, qualifications: [koki, second] }));
    expect(msg.XmlMsg.MessageBody.QualificationValidity).toBe('5');
    expect(msg.XmlMsg.MessageBody.ResultList!.ResultOfQualificationConfirmation.map((r) => r.InsurerNumber)).toEqual(['39131015', '  138057']);
  });

  it('"4" with a message when the card is not registered for health-insurance use', () => {
    const msg = buildQualificationResult(input({ registered: false }));
    expect(msg.XmlMsg.MessageBody.QualificationValidity).toBe('4');
    expect(msg.XmlMsg.MessageBody.ResultList).toBeUndefined();
    expect(msg.XmlMsg.MessageBody.ProcessingResultMessage).toContain('健康保険証利用登録');
  });
});

describe('buildQualificationResult: dated history (rules.md §2.4 emulator notes)', () => {
  const changing = {
    ...koki,
    ratioHistory: [
      { from: isoDate('2024-08-01'), to: isoDate('2025-07-31'), value: 10 as const },
      { from: isoDate('2025-08-01'), value: 20 as const },
    ],
    limitHistory: [{ from: isoDate('2025-08-01'), value: 'B09' as const }],
  };
  it('shows 010 on 2025-07-31 and 020 from 2025-08-01; the 限度額 category from its own date', () => {
    const on = (d: string) => first(input({ qualifications: [changing], date: isoDate(d) }));
    expect(on('2025-07-31').InsuredPartialContributionRatio).toBe('010');
    expect(on('2025-07-31').LimitApplicationCertificateRelatedInfo).toBeUndefined();
    expect(on('2025-08-01').InsuredPartialContributionRatio).toBe('020');
    expect(on('2025-08-01').LimitApplicationCertificateRelatedInfo?.LimitApplicationCertificateClassificationFlag).toBe('B09');
  });

  it('answers 3 無効（新しい資格あり） when the only record on the date is lost and a newer one starts later', () => {
    const lost = { ...koki, lostOn: isoDate('2025-04-01') };
    const next = { ...koki, insurerNumber: '39139999', acquiredOn: isoDate('2025-04-02') };
    expect(buildQualificationResult(input({ qualifications: [lost, next], date: isoDate('2025-04-01') })).XmlMsg.MessageBody.QualificationValidity).toBe('3');
    expect(buildQualificationResult(input({ qualifications: [lost], date: isoDate('2025-04-01') })).XmlMsg.MessageBody.QualificationValidity).toBe('2');
  });
});

// The JSON twin is sent as JSON.stringify writes it and the XML in the same element order, so
// key ORDER matters as much as the values: these compare the exact bytes, which toEqual does not.
describe('buildQualificationResult: exact bytes (element order included)', () => {
  it('70–74 国保 member, certificate in grace, 限度額 B05, ArbitraryFileIdentifier: the whole message', () => {
    const taro: Person = { id: 'taro', name: '架空　太郎', birthDate: isoDate('1953-06-15'), sex: 1 };
    const kokuho: Qualification & { limitCategory: 'B05' } = {
      insurerNumber: '138057',
      insurerName: '架空市',
      insurerKind: 'kokuho',
      number: '1234',
      symbol: '01',
      relation: 'insured',
      cardClassification: '01',
      acquiredOn: isoDate('2018-04-01'),
      incomeClass: 'general',
      limitCategory: 'B05',
    };
    const msg = buildQualificationResult(
      input({
        person: taro,
        qualifications: [kokuho],
        now: NOW + 999,
        consent: { diagnosis: true, pharmacy: false, checkup: true, operation: false },
        certificateStatus: 'expired-in-grace',
        certificateExpiresOn: isoDate('2025-03-10'),
        graceEndsOn: isoDate('2025-06-30'),
        arbitraryFileIdentifier: 'f1',
      }),
    );
    expect(JSON.stringify(msg)).toBe(
      '{"XmlMsg":{"MessageHeader":{"ProcessExecutionTime":"20250401093000","CharacterCodeIdentifier":"0","SegmentOfResult":"1","QualificationConfirmationDate":"20250401","ReferenceClassification":"1","ArbitraryFileIdentifier":"f1","MedicalInstitutionCode":"1310000000"},' +
        '"MessageBody":{"ResultList":{"ResultOfQualificationConfirmation":[{"InsuredCardClassification":"01","InsurerNumber":"  138057","InsuredCardSymbol":"01","InsuredIdentificationNumber":"1234","PersonalFamilyClassification":"1","InsuredName":"架空　太郎","Name":"架空　太郎","Sex1":"1","Birthdate":"19530615","QualificationDate":"20180401","InsurerName":"架空市",' +
        '"ElderlyRecipientCertificateInfo":{"ElderlyRecipientContributionRatio":"020"},"LimitApplicationCertificateRelatedConsFlg":"1","LimitApplicationCertificateRelatedConsTime":"20250401093000",' +
        '"LimitApplicationCertificateRelatedInfo":{"LimitApplicationCertificateClassification":"02","LimitApplicationCertificateClassificationFlag":"B05"},"SpecificHealthCheckupsInfoConsFlg":"0","PharmacistsInfoConsFlg":"0","DiagnosisInfoConsFlg":"0","OperationInfoConsFlg":"0"}]},' +
        '"ProcessingResultStatus":"1","ProcessingResultMessage":"電子証明書の有効期限（2025-03-10）が切れています（猶予期間：2025-06-30まで）。資格情報のみ提供し、診療・薬剤等の医療情報は提供しません。市区町村で証明書を更新してください。","QualificationValidity":"1"}}}',
    );
  });

  it('後期 member with full consent: consent time = now, available = now + 24 h, in flag/time/available order', () => {
    const r = first(input({ consent: FULL_CONSENT }));
    expect(JSON.stringify(r)).toBe(
      '{"InsuredCardClassification":"01","InsurerNumber":"39131015","InsuredIdentificationNumber":"00012345","PersonalFamilyClassification":"1","InsuredName":"架空　花子","Name":"架空　花子","NameKana":"ｶｸｳ ﾊﾅｺ","Sex1":"2","Birthdate":"19450303",' +
        '"Address":"東京都架空市1-2-3","PostNumber":"100-0001","QualificationDate":"20200303","InsuredPartialContributionRatio":"010","InsurerName":"架空県後期高齢者医療広域連合","LimitApplicationCertificateRelatedConsFlg":"1","LimitApplicationCertificateRelatedConsTime":"20250401093000",' +
        '"SpecificHealthCheckupsInfoConsFlg":"1","SpecificHealthCheckupsInfoConsTime":"20250401093000","SpecificHealthCheckupsInfoAvailableTime":"20250402093000",' +
        '"PharmacistsInfoConsFlg":"1","PharmacistsInfoConsTime":"20250401093000","PharmacistsInfoAvailableTime":"20250402093000",' +
        '"DiagnosisInfoConsFlg":"1","DiagnosisInfoConsTime":"20250401093000","DiagnosisInfoAvailableTime":"20250402093000",' +
        '"OperationInfoConsFlg":"1","OperationInfoConsTime":"20250401093000","OperationInfoAvailableTime":"20250402093000"}',
    );
  });

  it('医療扶助 by card data: no consent flags, 限度額 flag "0", this month\'s ticket only, three injury names at most', () => {
    const jiro: Person = { id: 'jiro', name: '架空　次郎', birthDate: isoDate('1980-01-20'), sex: 1 };
    const welfare = {
      insurerNumber: '12130001',
      insurerName: '架空市福祉事務所',
      insurerKind: 'kokuho' as const,
      number: '1234567',
      relation: 'insured' as const,
      cardClassification: 'A1',
      acquiredOn: isoDate('2024-04-01'),
      incomeClass: 'general' as const,
      publicExpense: {
        number: '12130001',
        beneficiaryNumber: '1234567',
        welfareOfficeName: '架空市福祉事務所',
        tickets: [
          { ticketType: '01' as const, month: '2025-04', validFrom: isoDate('2025-04-01'), validTo: isoDate('2025-04-30'), designatedInstitutionCode: '1310000000', treatmentType: '02' as const, singleOrCombined: '01' as const, injuryNames: ['かぜ', '腰痛', '頭痛', '四つ目'], selfPayAmount: 0 },
          { ticketType: '02' as const, month: '2025-05', validFrom: isoDate('2025-05-01'), validTo: isoDate('2025-05-31'), treatmentType: '04' as const, singleOrCombined: '01' as const },
        ],
      },
    };
    const msg = buildQualificationResult(
      input({ person: jiro, qualifications: [welfare], target: welfare, referenceClassification: '2', limitConsent: false, consent: FULL_CONSENT, medicalInstitutionCode: '1310000001' }),
    );
    expect(JSON.stringify(msg.XmlMsg.MessageBody)).toBe(
      '{"ResultList":{"ResultOfQualificationConfirmation":[{"InsuredCardClassification":"A1","InsurerNumber":"12130001","InsuredIdentificationNumber":"1234567","PersonalFamilyClassification":"1","InsuredName":"架空　次郎","Name":"架空　次郎","Sex1":"1","Birthdate":"19800120","QualificationDate":"20240401","InsurerName":"架空市福祉事務所",' +
        '"LimitApplicationCertificateRelatedConsFlg":"0","PublicExpenseNumber":"12130001","BeneficiaryNumber":"1234567","WelfareOfficeName":"架空市福祉事務所","PublicExpenseResultList":{"MedicalTicketInfo":[{"TicketType":"01","MedicalTicketValidDate":"20250401","MedicalTicketExpirationDate":"20250430","MedicalTreatmentMonth":"202504",' +
        '"DesignatedMedicalInstitutionCode":"1310000000","DesignatedMedicalInstitutionFlag":"1","InjuryName1":"かぜ","InjuryName2":"腰痛","InjuryName3":"頭痛","MedicalTreatmentType":"02","SelfPayAmount":"0","SingleOrCombinedUse":"01"}]}}]},"ProcessingResultStatus":"1","QualificationValidity":"1"}',
    );
  });

  it('date-derived fields follow the check date when calls alternate between days (no stale per-day memo)', () => {
    const born = { ...hanako, birthDate: isoDate('1955-06-01') };
    const kenpo: Qualification = { ...koki, insurerKind: 'kyokai', insurerNumber: '01130012' };
    const on = (d: string) => first(input({ person: born, qualifications: [kenpo], date: isoDate(d) })).ElderlyRecipientCertificateInfo;
    expect(on('2025-05-31')).toBeUndefined();
    expect(on('2025-06-01')).toEqual({ ElderlyRecipientContributionRatio: '020' });
    expect(on('2025-05-31')).toBeUndefined();
    expect(on('2025-06-01')).toEqual({ ElderlyRecipientContributionRatio: '020' });
  });

  it('timestamps follow the second of `now`, also for calls within and across one second', () => {
    const at = (ms: number) => buildQualificationResult(input({ now: ms })).XmlMsg.MessageHeader.ProcessExecutionTime;
    expect(at(NOW)).toBe('20250401093000');
    expect(at(NOW + 999)).toBe('20250401093000');
    expect(at(NOW + 1000)).toBe('20250401093001');
    expect(at(NOW - 1)).toBe('20250401092959');
  });
});

describe('buildQualificationResult: 照会番号 (ReferenceNumber, oqs-interface.md §2.3 / §2.6)', () => {
  it('carries the registered number in every result of the person, after the consent flags', () => {
    const second: Qualification = { ...koki, insurerNumber: '06130012', insurerKind: 'kyokai', number: '77', relation: 'insured' };
    const rs = results(input({ referenceNumber: 'K-0001', qualifications: [koki, second] }));
    expect(rs.map((r) => r.ReferenceNumber)).toEqual(['K-0001', 'K-0001']);
    expect(JSON.stringify(rs[0])).toBe(
      '{"InsuredCardClassification":"01","InsurerNumber":"39131015","InsuredIdentificationNumber":"00012345","PersonalFamilyClassification":"1","InsuredName":"架空　花子","Name":"架空　花子","NameKana":"ｶｸｳ ﾊﾅｺ","Sex1":"2","Birthdate":"19450303",' +
        '"Address":"東京都架空市1-2-3","PostNumber":"100-0001","QualificationDate":"20200303","InsuredPartialContributionRatio":"010","InsurerName":"架空県後期高齢者医療広域連合","LimitApplicationCertificateRelatedConsFlg":"1","LimitApplicationCertificateRelatedConsTime":"20250401093000",' +
        '"SpecificHealthCheckupsInfoConsFlg":"0","PharmacistsInfoConsFlg":"0","DiagnosisInfoConsFlg":"0","OperationInfoConsFlg":"0","ReferenceNumber":"K-0001"}',
    );
  });

  it('has no ReferenceNumber key at all when none is registered, nor for an unregistered card', () => {
    expect(Object.keys(first(input()))).not.toContain('ReferenceNumber');
    expect(buildQualificationResult(input({ referenceNumber: 'K-0001', registered: false })).XmlMsg.MessageBody.ResultList).toBeUndefined();
  });
});
