import type { BackOfficeAnswer, BackOfficeOutcome } from '../protocol/back-office.js';
import { QualificationValidity } from '../protocol/oqs-result.js';
import { RECEPTION_PROTOCOL_VERSION } from '../protocol/reception-link.js';
import type { ClinicRecord } from '../protocol/reception-outcome.js';
import { decide as referenceDecide, type Decide } from './decide.js';

/** What the back office shares with the counter: its decision rules and the clinic's charts. */
export interface BackOfficeContext {
  /** The counter's decision on a qualification result; default the reference `decide`. */
  decide?: Decide | undefined;
  clinicRecords?: readonly ClinicRecord[] | undefined;
}

/**
 * The reference reception's back office: what it makes of a 一括照会 download, a
 * medical-information fetch and a 居宅同意取得型 qualification fetch. Pure, like `decide`; the
 * tests' broken receptions swap it.
 */
export type DecideBackOffice = (previous: BackOfficeOutcome, answer: BackOfficeAnswer, context?: BackOfficeContext) => BackOfficeOutcome;

type HomeQualification = Extract<BackOfficeAnswer, { kind: 'home-qualification' }>;

/**
 * A home-consented patient's qualification (マイナ在宅受付Web) is the same result a card check at
 * the reader gives, so it is decided by the counter's own rules — ratio, validity, the clinic's
 * chart and its 照会番号 — never by a second, laxer set. A refused fetch (past consent + 24 h, no
 * consent at this facility) confirms nothing: held for staff with central's code; the patient
 * consents again or is checked another way.
 */
export function decideHomeVisit(answer: HomeQualification, context: BackOfficeContext = {}): NonNullable<BackOfficeOutcome['homeVisit']> {
  if (answer.status !== 200 || !answer.result) return { patient: answer.patient, status: 'pending', reason: answer.refusal ?? `http-${answer.status}` };
  const decide = context.decide ?? referenceDecide;
  const outcome = decide(
    undefined,
    { v: RECEPTION_PROTOCOL_VERSION, type: 'qualification.result', id: `home-${answer.patient}`, fileName: `home-consent ${answer.consentTime ?? ''}`.trim(), message: answer.result },
    { clinicRecords: context.clinicRecords ?? [] },
  );
  return { patient: answer.patient, ...outcome };
}

export const decideBackOffice: DecideBackOffice = (previous, answer, context) => {
  if (answer.kind === 'home-qualification') return { ...previous, homeVisit: decideHomeVisit(answer, context) };
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
