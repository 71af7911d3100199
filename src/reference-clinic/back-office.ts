import type { BackOfficeAnswer, BackOfficeOutcome } from '../protocol/back-office.js';
import { QualificationValidity } from '../protocol/oqs-result.js';

/**
 * The reference reception's back office: what it makes of a 一括照会 download and of a
 * medical-information fetch. Pure, like `decide`; the tests' broken receptions swap it.
 */
export type DecideBackOffice = (previous: BackOfficeOutcome, answer: BackOfficeAnswer) => BackOfficeOutcome;

export const decideBackOffice: DecideBackOffice = (previous, answer) => {
  if (answer.kind === 'bulk-check-download') {
    const { MessageHeader: header, MessageBody: body } = answer.result.XmlMsg;
    // OQSCD003 2 処理中: nothing is known yet. Troubles T70: "not yet checked" is not invalid,
    // so no patient is flagged and earlier verdicts are not overwritten.
    if (header.SegmentOfResult === '2') return { ...previous, batch: previous.batch ?? { state: 'processing', validity: {}, flagged: [] } };
    if (header.SegmentOfResult !== '1') return { ...previous, batch: { state: 'error', validity: {}, flagged: [] } };
    const validity: Record<string, string> = {};
    const flagged: string[] = [];
    for (const unit of body.BulkConfirmUnit) {
      // Each patient on their own answer (T03: never the parent's result for the child).
      const key = unit.QualificationConfirmSearchInfo.ArbitraryIdentifier ?? unit.QualificationConfirmSearchInfo.InsuredIdentificationNumber;
      const v = unit.QualificationValidity ?? '';
      validity[key] = v;
      // Flag for the visit everything not confirmed 有効 (T70): 無効, 該当資格なし, 複数該当, errors.
      if (unit.ProcessingResultStatus !== '1' || v !== QualificationValidity.VALID) flagged.push(key);
    }
    return { ...previous, batch: { state: 'done', validity, flagged } };
  }
  // Medical information is shown only as central released it now: a refusal (no consent, consent
  // withdrawn by a later check T64, past the 24-hour window T62) shows nothing, never a cached copy.
  if (answer.status === 200) return { ...previous, medicalInfo: { patient: answer.patient, kind: answer.medicalKind, shown: true } };
  return {
    ...previous,
    medicalInfo: { patient: answer.patient, kind: answer.medicalKind, shown: false, reason: answer.refusal ?? `http-${answer.status}` },
  };
};
