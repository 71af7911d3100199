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
