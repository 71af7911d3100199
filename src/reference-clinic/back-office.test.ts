import { describe, expect, it } from 'vitest';
import type { BulkCheckDownloadResult } from '../protocol/oqs-messages.js';
import { decideBackOffice } from './back-office.js';

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
