import { describe, expect, it } from 'vitest';
import type { OqsResultMessage, ResultOfQualificationConfirmation } from '../protocol/oqs-result.js';
import type { TerminalToReception } from '../protocol/reception-link.js';
import { decide } from './decide.js';

function result(record: Partial<ResultOfQualificationConfirmation>, body: Partial<OqsResultMessage['XmlMsg']['MessageBody']> = {}): TerminalToReception {
  return {
    v: 1,
    type: 'qualification.result',
    id: 'm1',
    fileName: 'OQSsiquc01res_face_131000001700000000000000000001_20250401093000.xml',
    message: {
      XmlMsg: {
        MessageHeader: {
          ProcessExecutionTime: '20250401093000',
          CharacterCodeIdentifier: '0',
          SegmentOfResult: '1',
          QualificationConfirmationDate: '20250401',
          ReferenceClassification: '1',
          MedicalInstitutionCode: '1310000017',
        },
        MessageBody: {
          ProcessingResultStatus: '1',
          QualificationValidity: '1',
          ResultList: {
            ResultOfQualificationConfirmation: [
              {
                InsuredCardClassification: '01',
                InsurerNumber: '01130012',
                InsuredIdentificationNumber: '1024',
                PersonalFamilyClassification: '1',
                Name: '山田　太郎',
                Sex1: '1',
                Birthdate: '19850615',
                InsurerName: '全国健康保険協会東京支部',
                ...record,
              },
            ],
          },
          ...body,
        },
      },
    },
  };
}

const notice = (code: 'pin-locked' | 'pin-wrong' | 'certificate-rejected', triesLeft?: number): TerminalToReception => ({
  v: 1,
  type: 'reader.notice',
  id: 'm2',
  readerId: 'reader-1',
  code,
  ...(triesLeft === undefined ? {} : { triesLeft }),
});

describe('reference reception decisions', () => {
  it('accepts a valid qualification at 3割 for a 39-year-old when the ratio field is empty (seed 002: 70歳未満の者は3割)', () => {
    expect(decide(undefined, result({}))).toEqual({
      status: 'accepted',
      qualificationValidity: '1',
      copayRatio: 30,
      displayedName: '山田　太郎',
    });
  });

  it('charges 2割 for a preschool child whose ratio field is empty (seed 002: 6歳（義務教育就学前）未満の者は2割)', () => {
    expect(decide(undefined, result({ Birthdate: '20200510', Name: '伊藤　そら' })).copayRatio).toBe(20);
  });

  it('takes the ratio from InsuredPartialContributionRatio when OQS fills it ("010" = 1割)', () => {
    expect(decide(undefined, result({ Birthdate: '19450303', InsuredPartialContributionRatio: '010' })).copayRatio).toBe(10);
  });

  it('takes the 70–74 ratio from the 高齢受給者 block', () => {
    const r = result({ Birthdate: '19530601', ElderlyRecipientCertificateInfo: { ElderlyRecipientContributionRatio: '020' } });
    expect(decide(undefined, r).copayRatio).toBe(20);
  });

  it('passes the limit category through', () => {
    const r = result({ LimitApplicationCertificateRelatedInfo: { LimitApplicationCertificateClassificationFlag: 'A03' } });
    expect(decide(undefined, r).limitCategory).toBe('A03');
  });

  it('offers face authentication, 目視 and the municipality unlock when the PIN is locked (seed 004 §4 note 4)', () => {
    expect(decide(undefined, notice('pin-locked', 0))).toEqual({
      status: 'pending',
      reason: 'pin-locked',
      guidance: ['offer-face-auth', 'offer-visual-check', 'unlock-pin-at-municipality'],
    });
  });

  it('falls back to 資格確認書 / お知らせ + card / 申立書, never マイナポータル, when the certificate is refused (T36)', () => {
    const out = decide(undefined, notice('certificate-rejected'));
    expect(out.status).toBe('fallback');
    expect(out.fallbackOptions).toEqual(['eligibility-certificate', 'notice-with-card', 'eligibility-declaration']);
    expect(out.copayRatio).toBeUndefined();
  });

  it('falls back on 無効 and on 該当資格なし, offering the lost record first (seed 003 資料①)', () => {
    const invalid = decide(undefined, result({}, { QualificationValidity: '2' }));
    expect(invalid).toMatchObject({ status: 'fallback', reason: 'qualification-invalid', qualificationValidity: '2' });
    expect(invalid.fallbackOptions?.[0]).toBe('lost-qualification-record');
    expect(decide(undefined, result({}, { QualificationValidity: '4' })).reason).toBe('qualification-not-found');
  });

  it('treats an error result as a fallback, not as 10割', () => {
    const out = decide(undefined, result({}, { ProcessingResultStatus: '2' }));
    expect(out.status).toBe('fallback');
    expect(out.copayRatio).toBeUndefined();
  });

  it('asks which insurance is current on 複数該当 instead of taking the first record (T08, seed 002 問8)', () => {
    const out = decide(undefined, result({}, { QualificationValidity: '5' }));
    expect(out).toEqual({ status: 'pending', reason: 'qualification-multiple', qualificationValidity: '5' });
  });
});

describe('reference reception: the clinic\'s own patient record (T10, T12, T32)', () => {
  const record = { name: '山田　太郎', nameKana: 'ﾔﾏﾀﾞ ﾀﾛｳ', insurerNumber: '01130012', number: '1024' };

  it('accepts as before when the OQS answer agrees with the clinic record', () => {
    expect(decide(undefined, result({ NameKana: 'ﾔﾏﾀﾞ ﾀﾛｳ' }), { clinicRecords: [record] })).toEqual({
      status: 'accepted',
      qualificationValidity: '1',
      copayRatio: 30,
      displayedName: '山田　太郎',
    });
  });

  it('holds another person\'s record (ひも付け誤り) for staff, keeps the clinic name and bills nothing', () => {
    const other = result({ Name: '鈴木　良子', NameKana: 'ｽｽﾞｷ ﾖｼｺ', InsurerNumber: '39131015', InsuredIdentificationNumber: '00918273', Birthdate: '19480214' });
    expect(decide(undefined, other, { clinicRecords: [record] })).toEqual({
      status: 'pending',
      reason: 'name-mismatch',
      qualificationValidity: '1',
      displayedName: '山田　太郎',
      warnings: ['資格確認の氏名: 鈴木　良子'],
    });
  });

  it('flags an old surname and a swapped name order as name-mismatch, not overwriting the clinic name', () => {
    expect(decide(undefined, result({ Name: '高橋　太郎' }), { clinicRecords: [record] })).toMatchObject({ status: 'pending', reason: 'name-mismatch', displayedName: '山田　太郎' });
    expect(decide(undefined, result({ Name: '太郎　山田' }), { clinicRecords: [record] })).toMatchObject({ status: 'pending', reason: 'name-mismatch', displayedName: '山田　太郎' });
    // The kana alone differing is a mismatch too (T10: the reading changes with the surname).
    expect(decide(undefined, result({ NameKana: 'ﾀｶﾊｼ ﾀﾛｳ' }), { clinicRecords: [record] })).toMatchObject({ status: 'pending', reason: 'name-mismatch' });
  });

  it('reads a space where the clinic has U+3000 as the same name', () => {
    expect(decide(undefined, result({ Name: '山田 太郎' }), { clinicRecords: [record] }).status).toBe('accepted');
  });

  it('holds a same-name answer with another insurer as insurer-changed for staff to confirm', () => {
    expect(decide(undefined, result({ InsurerNumber: '06139929', InsuredIdentificationNumber: '7781' }), { clinicRecords: [record] })).toEqual({
      status: 'pending',
      reason: 'insurer-changed',
      qualificationValidity: '1',
      displayedName: '山田　太郎',
      warnings: ['資格確認の保険者番号: 06139929'],
    });
  });

  it('compares nothing without clinic records, or when none of several records is this patient\'s', () => {
    expect(decide(undefined, result({ Name: '鈴木　良子' }), { clinicRecords: [] }).status).toBe('accepted');
    const two = [
      { name: '佐藤　花子', insurerNumber: '06139929', number: '7781' },
      { name: '佐藤　次郎', insurerNumber: '06139929', number: '7782' },
    ];
    expect(decide(undefined, result({ Name: '鈴木　良子' }), { clinicRecords: two }).status).toBe('accepted');
  });
});

describe('reference reception: the 照会番号 (ReferenceNumber) against the clinic\'s charts', () => {
  const taro = { name: '山田　太郎', insurerNumber: '01130012', number: '1024', referenceNumber: 'K-000123' };
  const yoshiko = { name: '鈴木　良子', insurerNumber: '39131015', number: '00918273', referenceNumber: 'K-000456' };

  it('holds a result whose number is another patient\'s chart: pending, the card\'s chart on screen, nothing billed', () => {
    expect(decide(undefined, result({ ReferenceNumber: 'K-000456' }), { clinicRecords: [taro, yoshiko] })).toEqual({
      status: 'pending',
      reason: 'reference-number-mismatch',
      qualificationValidity: '1',
      displayedName: '山田　太郎',
      warnings: ['照会番号 K-000456 は別の患者（鈴木　良子）のカルテです'],
    });
  });

  it('holds a result whose number differs from the one on the patient\'s own chart', () => {
    expect(decide(undefined, result({ ReferenceNumber: 'K-999999' }), { clinicRecords: [taro, yoshiko] })).toMatchObject({
      status: 'pending',
      reason: 'reference-number-mismatch',
      warnings: ['照会番号 K-999999 はカルテの照会番号 K-000123 と異なります'],
    });
  });

  it('accepts a result carrying the patient\'s own number, or no number, or a number when the chart has none', () => {
    expect(decide(undefined, result({ ReferenceNumber: 'K-000123' }), { clinicRecords: [taro, yoshiko] })).toMatchObject({ status: 'accepted', copayRatio: 30 });
    expect(decide(undefined, result({}), { clinicRecords: [taro, yoshiko] })).toMatchObject({ status: 'accepted', copayRatio: 30 });
    const { referenceNumber: _none, ...unnumbered } = taro;
    expect(decide(undefined, result({ ReferenceNumber: 'K-000777' }), { clinicRecords: [unnumbered] })).toMatchObject({ status: 'accepted', copayRatio: 30 });
  });
});

describe('reference reception: a smartphone refused in the certificate grace (F25)', () => {
  it('sends the patient to the physical card when the refusal is E-phone, and only then', () => {
    const phone: TerminalToReception = { ...notice('certificate-rejected'), errorCode: 'E-phone' } as TerminalToReception;
    expect(decide(undefined, phone)).toEqual({
      status: 'fallback',
      reason: 'certificate-rejected',
      fallbackOptions: ['eligibility-certificate', 'notice-with-card', 'eligibility-declaration'],
      guidance: ['use-physical-card', 'renew-certificate'],
    });
    expect(decide(undefined, notice('certificate-rejected')).guidance).toEqual(['renew-certificate']);
  });
});

describe('reference reception: the reader refuses the card in maintenance (T45, D6)', () => {
  const maintenance: TerminalToReception = { v: 1, type: 'reader.notice', id: 'n1', readerId: 'r1', code: 'reader-maintenance', message: 'maintenance: update' };

  it('waits without a result: no ratio, no 無効; close maintenance or restart the reader, documents meanwhile', () => {
    expect(decide(undefined, maintenance)).toEqual({
      status: 'pending',
      reason: 'reader-maintenance',
      guidance: ['close-reader-maintenance', 'restart-reader'],
      fallbackOptions: ['eligibility-certificate', 'notice-with-card', 'eligibility-declaration'],
    });
  });

  it('a later accepted result replaces it', () => {
    const pending = decide(undefined, maintenance);
    const out = decide(pending, result({}));
    expect(out).toEqual({ status: 'accepted', qualificationValidity: '1', copayRatio: 30, displayedName: '山田　太郎' });
  });
});
