import { describe, expect, it } from 'vitest';
import type { BackOfficeAnswer } from '../protocol/back-office.js';
import type { BulkCheckDownloadResult } from '../protocol/oqs-messages.js';
import type { OqsResultMessage, ResultOfQualificationConfirmation } from '../protocol/oqs-result.js';
import { decideBackOffice } from './back-office.js';
import { decide } from './decide.js';

const header = (segment: string) => ({ ProcessExecutionTime: '20250401090000', CharacterCodeIdentifier: '0', SegmentOfResult: segment, MedicalInstitutionCode: '1310000017' });
const unit = (key: string, validity: string, status = '1') => ({
  QualificationConfirmSearchInfo: { InsurerNumber: '06139929', InsuredIdentificationNumber: '7781', Birthdate: '19721103', LimitApplicationCertificateRelatedConsFlg: '1' as const, ArbitraryIdentifier: key },
  ProcessingResultStatus: status,
  QualificationValidity: validity,
});
const download = (segment: string, units: ReturnType<typeof unit>[]): BulkCheckDownloadResult => ({ XmlMsg: { MessageHeader: header(segment), MessageBody: { BulkConfirmUnit: units } } });

describe('reference back office', () => {
  it('treats 処理中 as not yet checked: nobody flagged (T70)', () => {
    expect(decideBackOffice({}, { kind: 'bulk-check-download', result: download('2', []) })).toEqual({ batch: { state: 'processing', validity: {}, flagged: [] } });
  });

  it('keeps a finished batch when a later download is still 処理中', () => {
    const done = { batch: { state: 'done' as const, validity: { hanako: '1' }, flagged: [] } };
    expect(decideBackOffice(done, { kind: 'bulk-check-download', result: download('2', []) })).toEqual(done);
  });

  it('reads each patient on their own answer and flags everything not 有効 (T03, T70)', () => {
    const out = decideBackOffice({}, { kind: 'bulk-check-download', result: download('1', [unit('takeshi', '1'), unit('sora', '2'), unit('ken', '', '2')]) });
    expect(out.batch).toEqual({ state: 'done', validity: { takeshi: '1', sora: '2', ken: '' }, flagged: ['sora', 'ken'] });
  });

  it('marks an 異常終了 download as an error', () => {
    expect(decideBackOffice({}, { kind: 'bulk-check-download', result: download('9', []) }).batch?.state).toBe('error');
  });

  it('shows medical information only as released now, never a cached copy (T62, T64)', () => {
    const shown = decideBackOffice({}, { kind: 'medical-info', patient: 'hanako', medicalKind: 'pharmacy', status: 200, entries: 2 });
    expect(shown.medicalInfo).toEqual({ patient: 'hanako', kind: 'pharmacy', shown: true });
    const refused = decideBackOffice(shown, { kind: 'medical-info', patient: 'hanako', medicalKind: 'pharmacy', status: 403, refusal: 'no-consent' });
    expect(refused.medicalInfo).toEqual({ patient: 'hanako', kind: 'pharmacy', shown: false, reason: 'no-consent' });
  });
});

/** A home fetch's result for Tome, 80 on 2025-06-10 (born 1945-03-03), 後期高齢者, ratio field empty. */
function homeResult(record: Partial<ResultOfQualificationConfirmation> = {}): OqsResultMessage {
  return {
    XmlMsg: {
      MessageHeader: { ProcessExecutionTime: '20250610092000', CharacterCodeIdentifier: '0', SegmentOfResult: '1', QualificationConfirmationDate: '20250610', ReferenceClassification: '1', MedicalInstitutionCode: '1310000017' },
      MessageBody: {
        ProcessingResultStatus: '1',
        QualificationValidity: '1',
        ResultList: {
          ResultOfQualificationConfirmation: [
            {
              InsuredCardClassification: '39',
              InsurerNumber: '39131015',
              InsuredIdentificationNumber: '10293847',
              PersonalFamilyClassification: '1',
              Name: '田中　トメ',
              NameKana: 'ﾀﾅｶ ﾄﾒ',
              Sex1: '2',
              Birthdate: '19450303',
              InsurerName: '東京都後期高齢者医療広域連合',
              ...record,
            },
          ],
        },
      },
    },
  };
}
const servedResult = (result: OqsResultMessage): BackOfficeAnswer => ({ kind: 'home-qualification', patient: 'tome', status: 200, consentTime: '20250610090000', availableUntil: '20250611090000', result });
const served = (record: Partial<ResultOfQualificationConfirmation> = {}): BackOfficeAnswer => servedResult(homeResult(record));
const tomeChart = { name: '田中　トメ', insurerNumber: '39131015', number: '10293847', referenceNumber: 'K-000310' };

describe('reference back office: a 居宅同意取得型 qualification (マイナ在宅受付Web) decided as a card check', () => {
  it('accepts a 75+ patient at 1割 when the ratio field is empty (seed 002: 75歳以上の者は、1割)', () => {
    expect(decideBackOffice({}, served()).homeVisit).toEqual({ patient: 'tome', status: 'accepted', qualificationValidity: '1', copayRatio: 10, displayedName: '田中　トメ' });
  });

  it('takes the ratio OQS sends (2割 for 一定以上所得)', () => {
    expect(decideBackOffice({}, served({ InsuredPartialContributionRatio: '020' })).homeVisit).toMatchObject({ status: 'accepted', copayRatio: 20 });
  });

  it('accepts on the chart the 照会番号 names; holds a result whose 照会番号 is another chart\'s, billing nothing', () => {
    const charts = [tomeChart, { name: '鈴木　良子', insurerNumber: '39131015', number: '00918273', referenceNumber: 'K-000456' }];
    expect(decideBackOffice({}, served({ ReferenceNumber: 'K-000310' }), { clinicRecords: charts }).homeVisit).toMatchObject({ status: 'accepted', copayRatio: 10 });
    expect(decideBackOffice({}, served({ ReferenceNumber: 'K-000456' }), { clinicRecords: charts }).homeVisit).toEqual({
      patient: 'tome',
      status: 'pending',
      reason: 'reference-number-mismatch',
      qualificationValidity: '1',
      displayedName: '田中　トメ',
      warnings: ['照会番号 K-000456 は別の患者（鈴木　良子）のカルテです'],
    });
  });

  it('falls back as at the counter when OQS answers 資格無効', () => {
    expect(decideBackOffice({}, served()).homeVisit?.status).toBe('accepted');
    const invalid = servedResult({ XmlMsg: { ...homeResult().XmlMsg, MessageBody: { ...homeResult().XmlMsg.MessageBody, QualificationValidity: '2' } } });
    expect(decideBackOffice({}, invalid).homeVisit).toMatchObject({ patient: 'tome', status: 'fallback', reason: 'qualification-invalid', qualificationValidity: '2' });
  });

  it('holds a refused fetch with central\'s code: past consent + 24 h confirms nothing', () => {
    const before = decideBackOffice({}, served());
    expect(decideBackOffice(before, { kind: 'home-qualification', patient: 'tome', status: 403, refusal: 'home-consent-expired' }).homeVisit).toEqual({
      patient: 'tome',
      status: 'pending',
      reason: 'home-consent-expired',
    });
  });

  it("uses the counter's own decision rules when given (a reception's counter and back office are one system)", () => {
    const flat = decideBackOffice({}, served(), { decide: (prev, msg, ctx) => ({ ...decide(prev, msg, ctx), copayRatio: 30 }) });
    expect(flat.homeVisit?.copayRatio).toBe(30);
  });

  it('leaves the other parts of the back office as they were', () => {
    const shown = decideBackOffice({}, { kind: 'medical-info', patient: 'tome', medicalKind: 'pharmacy', status: 200, entries: 1 });
    expect(decideBackOffice(shown, served()).medicalInfo).toEqual({ patient: 'tome', kind: 'pharmacy', shown: true });
  });
});
