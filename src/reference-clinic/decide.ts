import { copayRatio } from '../domain/copay.js';
import { fromYmd } from '../domain/dates.js';
import type { OqsResultMessage, ResultOfQualificationConfirmation } from '../protocol/oqs-result.js';
import { QualificationValidity, ratioFromField } from '../protocol/oqs-result.js';
import type { ClinicRecord, ReceptionOutcome } from '../protocol/reception-outcome.js';
import type { TerminalToReception } from '../protocol/reception-link.js';

/**
 * The reference reception's decisions, as a pure function of what the terminal sent so far.
 * Each branch cites the guidance it follows; a vendor's system is judged against the same
 * scenarios, not against this code.
 */
export type Decide = (previous: ReceptionOutcome | undefined, message: TerminalToReception, context?: DecideContext) => ReceptionOutcome;

/** What the reception knows besides the terminal's messages. */
export interface DecideContext {
  /** The clinic's own records of its patients (診察券 / カルテ); empty or absent: new patients. */
  clinicRecords?: readonly ClinicRecord[];
}

/**
 * After a failed online check of a マイナ保険証 patient (seed 003 資料①, 4th row; troubles.md T36):
 * the 資格確認書 the insurer posts, the お知らせ with the card checked by its number, else the
 * 申立書 billed at the normal ratio — never 10割.
 */
const CARD_UNUSABLE_FALLBACKS: ReceptionOutcome['fallbackOptions'] = [
  'eligibility-certificate',
  'notice-with-card',
  'eligibility-declaration',
];

/** When OQS answers 無効 or 該当資格なし (T01): the lost record / past visits, then the 申立書. */
const NOT_CONFIRMED_FALLBACKS: ReceptionOutcome['fallbackOptions'] = [
  'lost-qualification-record',
  'eligibility-certificate',
  'notice-with-card',
  'eligibility-declaration',
];

export const decide: Decide = (previous, message, context) => {
  if (message.type === 'reader.notice') return decideOnNotice(previous, message);
  const outcome = decideOnResult(message.message);
  return compareWithClinicRecord(outcome, message.message, context?.clinicRecords ?? []);
};

/** Names compared as written, only the separators (U+3000, spaces) unified: order matters. */
const sameName = (a: string, b: string): boolean => a.trim().split(/[\s\u3000]+/).join(' ') === b.trim().split(/[\s\u3000]+/).join(' ');

/**
 * The clinic's record of the patient the answer is about: the one with the same 保険者番号 and
 * 被保険者番号, else the only record the clinic holds (the chart the staff opened for this patient).
 */
export function clinicRecordFor(records: readonly ClinicRecord[], record: ResultOfQualificationConfirmation): ClinicRecord | undefined {
  const byNumber = records.find((r) => r.insurerNumber?.trim() === record.InsurerNumber.trim() && r.number === record.InsuredIdentificationNumber);
  return byNumber ?? (records.length === 1 ? records[0] : undefined);
}

/**
 * An answer the clinic's record disagrees with is held for staff (troubles.md): another person's
 * record after a ひも付け誤り (T12: do not bill on it, do not show it as the patient's), an old
 * surname (T10: keep the clinic's current name, do not overwrite), a name shown in another order
 * (T32). The clinic's name stays on screen; nothing is billed until the staff have checked. A
 * matching name with another insurer is a change the staff confirm before updating the record.
 */
function compareWithClinicRecord(outcome: ReceptionOutcome, message: OqsResultMessage, records: readonly ClinicRecord[]): ReceptionOutcome {
  if (outcome.status !== 'accepted' || records.length === 0) return outcome;
  const record = chooseRecord(message.XmlMsg.MessageBody.ResultList?.ResultOfQualificationConfirmation ?? []);
  if (!record) return outcome;
  const mine = clinicRecordFor(records, record);
  const referenceMismatch = checkReferenceNumber(records, record, mine);
  if (referenceMismatch) {
    return {
      status: 'pending',
      reason: 'reference-number-mismatch',
      qualificationValidity: outcome.qualificationValidity,
      displayedName: mine?.name ?? record.Name,
      warnings: [referenceMismatch],
    };
  }
  if (!mine) return outcome;
  const oqsName = `資格確認の氏名: ${record.Name}`;
  const nameDiffers = !sameName(mine.name, record.Name) || (mine.nameKana !== undefined && record.NameKana !== undefined && !sameName(mine.nameKana, record.NameKana));
  if (nameDiffers) {
    return { status: 'pending', reason: 'name-mismatch', qualificationValidity: outcome.qualificationValidity, displayedName: mine.name, warnings: [oqsName] };
  }
  const insurerDiffers =
    (mine.insurerNumber !== undefined && mine.insurerNumber.trim() !== record.InsurerNumber.trim()) || (mine.number !== undefined && mine.number !== record.InsuredIdentificationNumber);
  if (insurerDiffers) {
    return {
      status: 'pending',
      reason: 'insurer-changed',
      qualificationValidity: outcome.qualificationValidity,
      displayedName: mine.name,
      warnings: [`資格確認の保険者番号: ${record.InsurerNumber.trim()}`],
    };
  }
  return outcome;
}

/**
 * The 照会番号 (ReferenceNumber) of a result names the chart the clinic registered for that person
 * (docs/protocols/oqs-folders.md). When it names another chart than the one the card data leads to
 * — or the chart holds another number — the registration linked the wrong patient: opening the
 * chart by the number would bill or show another patient (T12 within the clinic; our rule: hold
 * for staff, never pick one chart silently). A result without the number says nothing here.
 */
function checkReferenceNumber(records: readonly ClinicRecord[], record: ResultOfQualificationConfirmation, mine: ClinicRecord | undefined): string | undefined {
  const number = record.ReferenceNumber?.trim();
  if (!number) return undefined;
  const charted = records.find((r) => r.referenceNumber?.trim() === number);
  if (charted && mine && charted !== mine) return `照会番号 ${number} は別の患者（${charted.name}）のカルテです`;
  if (mine?.referenceNumber !== undefined && mine.referenceNumber.trim() !== number) return `照会番号 ${number} はカルテの照会番号 ${mine.referenceNumber.trim()} と異なります`;
  return undefined;
}

function decideOnNotice(
  previous: ReceptionOutcome | undefined,
  notice: Extract<TerminalToReception, { type: 'reader.notice' }>,
): ReceptionOutcome {
  switch (notice.code) {
    case 'pin-locked':
      // Seed 004 §4 note 4: a locked PIN still allows face authentication; 目視 mode too
      // (seed 003 資料①). Unlocking happens only at the municipality or a kiosk.
      return {
        status: 'pending',
        reason: 'pin-locked',
        guidance: ['offer-face-auth', 'offer-visual-check', 'unlock-pin-at-municipality'],
      };
    case 'pin-wrong':
      // MHLW asks patients who cannot remember the PIN to call staff before the lock.
      return { status: 'pending', reason: 'pin-wrong', guidance: ['offer-face-auth'] };
    case 'certificate-rejected':
      // F25: a smartphone certificate past its end is refused even within the 3-month grace,
      // which is for the physical card only: ask for the card first.
      if (notice.errorCode === 'E-phone') {
        return {
          status: 'fallback',
          reason: 'certificate-rejected',
          fallbackOptions: CARD_UNUSABLE_FALLBACKS,
          guidance: ['use-physical-card', 'renew-certificate'],
        };
      }
      return {
        status: 'fallback',
        reason: 'certificate-rejected',
        fallbackOptions: CARD_UNUSABLE_FALLBACKS,
        guidance: ['renew-certificate'],
      };
    case 'card-read-failed':
      return {
        status: 'fallback',
        reason: 'card-read-failed',
        fallbackOptions: ['eligibility-certificate', 'mynaportal-with-card', 'mynaportal-pdf-with-card', 'notice-with-card', 'eligibility-declaration'],
      };
    case 'face-failed':
      return { status: 'pending', reason: 'face-failed', guidance: ['offer-visual-check'] };
    case 'reader-maintenance':
      // The reader is in maintenance (settings or a software update) and refused the card unread:
      // nothing is known about the insurance yet, so no result and no ratio. Staff close the
      // maintenance screen or restart the reader (reader-flow N34/N36; seed 003 資料① row 2:
      // a regular shutdown/restart cures reader trouble); meanwhile the check by the patient's
      // documents or the 申立書 still works (T45).
      return {
        status: 'pending',
        reason: 'reader-maintenance',
        guidance: ['close-reader-maintenance', 'restart-reader'],
        fallbackOptions: ['eligibility-certificate', 'notice-with-card', 'eligibility-declaration'],
      };
    case 'communication-error':
      return { status: 'fallback', reason: 'communication-error', fallbackOptions: ['eligibility-certificate', 'mynaportal-with-card', 'notice-with-card', 'eligibility-declaration'] };
  }
  return previous ?? { status: 'pending' };
}

function chooseRecord(list: ResultOfQualificationConfirmation[]): ResultOfQualificationConfirmation | undefined {
  return list[0];
}

function ratioOf(record: ResultOfQualificationConfirmation, serviceYmd: string): number {
  const field =
    ratioFromField(record.InsuredPartialContributionRatio) ??
    ratioFromField(record.ElderlyRecipientCertificateInfo?.ElderlyRecipientContributionRatio);
  if (field !== undefined) return field;
  // The field is empty for under-70s by default (rules.md §2.4 'what the backend returns'):
  // 3割, 未就学 2割 from the date of birth and the service date.
  return copayRatio({ birthDate: fromYmd(record.Birthdate), serviceDate: fromYmd(serviceYmd), incomeClass: 'general' });
}

function decideOnResult(message: OqsResultMessage): ReceptionOutcome {
  const { MessageHeader: header, MessageBody: body } = message.XmlMsg;
  const records = body.ResultList?.ResultOfQualificationConfirmation ?? [];
  const validity = body.QualificationValidity;
  if (header.SegmentOfResult !== '1' || body.ProcessingResultStatus !== '1') {
    return { status: 'fallback', reason: 'oqs-error', fallbackOptions: CARD_UNUSABLE_FALLBACKS };
  }
  if (validity === QualificationValidity.VALID) {
    const record = chooseRecord(records);
    if (!record) return { status: 'fallback', reason: 'no-record', fallbackOptions: NOT_CONFIRMED_FALLBACKS, qualificationValidity: validity };
    const outcome: ReceptionOutcome = {
      status: 'accepted',
      qualificationValidity: validity,
      copayRatio: ratioOf(record, header.QualificationConfirmationDate),
      displayedName: record.Name,
    };
    const limit = record.LimitApplicationCertificateRelatedInfo?.LimitApplicationCertificateClassificationFlag;
    if (limit) outcome.limitCategory = limit;
    if (body.ProcessingResultMessage) outcome.warnings = [body.ProcessingResultMessage];
    return outcome;
  }
  if (validity === QualificationValidity.MULTIPLE) {
    // 複数該当 (T08: 国保 and 社保 both «該当あり», seed 002 問8): both records are shown and the staff
    // ask the patient which insurance is current; never auto-pick the first (our rule). Not a
    // fallback: the insurance is confirmed, only which one is open.
    return { status: 'pending', reason: 'qualification-multiple', qualificationValidity: validity };
  }
  const reason =
    validity === QualificationValidity.INVALID
      ? 'qualification-invalid'
      : validity === QualificationValidity.NOT_FOUND
        ? 'qualification-not-found'
        : validity === QualificationValidity.MULTIPLE
          ? 'qualification-multiple'
          : 'qualification-unknown';
  return { status: 'fallback', reason, qualificationValidity: validity, fallbackOptions: NOT_CONFIRMED_FALLBACKS };
}
