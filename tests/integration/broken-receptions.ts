import { decide, type Decide } from '../../src/reference-clinic/decide.js';
import { decideBackOffice, type DecideBackOffice } from '../../src/reference-clinic/back-office.js';
import { QualificationValidity } from '../../src/protocol/oqs-result.js';

/**
 * Deliberately broken receptions, each reproducing a fault seen in the field. Every built-in
 * scenario must be failed by at least one of them: a scenario no broken implementation can fail
 * proves nothing.
 */
export const brokenReceptions: Record<string, Decide> = {
  /** Tells the patient to try the PIN again after the lock (T39 done wrong). */
  'ignores-pin-lock': (prev, msg) => {
    const out = decide(prev, msg);
    if (msg.type === 'reader.notice' && msg.code === 'pin-locked') return { status: 'pending', reason: 'pin-locked', guidance: ['retry-pin'] };
    return out;
  },
  /** Charges 10割 whenever the online check does not confirm the insurance (T01/T36 done wrong). */
  'ten-wari-on-failure': (prev, msg) => {
    const out = decide(prev, msg);
    return out.status === 'fallback' ? { status: 'refused', reason: out.reason, copayRatio: 100 } : out;
  },
  /** Keeps waiting after the reader's error 006, as if the check were still running. */
  'ignores-certificate-rejection': (prev, msg) => {
    if (msg.type === 'reader.notice' && msg.code === 'certificate-rejected') return prev ?? { status: 'pending' };
    return decide(prev, msg);
  },
  /** Charges every patient 3割, ignoring age and the ratio OQS sends (T23: the レセコン's own ratio). */
  'flat-three-tenths': (prev, msg) => {
    const out = decide(prev, msg);
    return out.status === 'accepted' ? { ...out, copayRatio: 30 } : out;
  },
  /** Treats any note in ProcessingResultMessage (grace, expiring certificate) as a failed check. */
  'note-means-failure': (prev, msg) => {
    const out = decide(prev, msg);
    if (msg.type === 'qualification.result' && msg.message.XmlMsg.MessageBody.ProcessingResultMessage) {
      return { status: 'refused', reason: 'oqs-note', copayRatio: 100 };
    }
    return out;
  },
  /** Shows the kana reading where the name belongs. */
  'shows-kana-name': (prev, msg) => {
    const out = decide(prev, msg);
    if (out.status === 'accepted' && msg.type === 'qualification.result') {
      const rec = msg.message.XmlMsg.MessageBody.ResultList?.ResultOfQualificationConfirmation[0];
      return { ...out, displayedName: rec?.NameKana ?? '' };
    }
    return out;
  },
  /** Derives the ratio from the age on the visit day, ignoring OQS and the month rule (T27, T29). */
  'ratio-by-birthday-age': (prev, msg) => {
    const out = decide(prev, msg);
    if (out.status !== 'accepted' || msg.type !== 'qualification.result') return out;
    const { MessageHeader: h, MessageBody: b } = msg.message.XmlMsg;
    const rec = b.ResultList?.ResultOfQualificationConfirmation[0];
    if (!rec) return out;
    const birth = rec.Birthdate;
    const day = h.QualificationConfirmationDate;
    let age = Number(day.slice(0, 4)) - Number(birth.slice(0, 4));
    if (day.slice(4) < birth.slice(4)) age -= 1;
    // Preschool keyed on the 6th birthday itself instead of the day before it.
    const sixth = `${Number(birth.slice(0, 4)) + 6}${birth.slice(4)}`;
    const preschoolEnd = `${Number(sixth.slice(0, 4)) + (sixth.slice(4) > '0331' ? 1 : 0)}0331`;
    const ratio = age >= 75 ? 10 : age >= 70 ? 20 : day <= preschoolEnd ? 20 : 30;
    return { ...out, copayRatio: ratio };
  },
  /** Keeps the 限度額 category only when the patient agreed to share medical information. */
  'limit-needs-consent': (prev, msg) => {
    const out = decide(prev, msg);
    if (out.status !== 'accepted' || msg.type !== 'qualification.result') return out;
    const rec = msg.message.XmlMsg.MessageBody.ResultList?.ResultOfQualificationConfirmation[0];
    const anyConsent = [rec?.DiagnosisInfoConsFlg, rec?.PharmacistsInfoConsFlg, rec?.SpecificHealthCheckupsInfoConsFlg, rec?.OperationInfoConsFlg].includes('1');
    if (anyConsent) return out;
    const { limitCategory: _dropped, ...rest } = out;
    return rest;
  },
  /** Never suggests 目視確認モード when face authentication fails (T40 done wrong). */
  'never-offers-visual-check': (prev, msg) => {
    const out = decide(prev, msg);
    return out.guidance ? { ...out, guidance: out.guidance.filter((g) => g !== 'offer-visual-check') } : out;
  },
  /** Refuses a result whose name holds ● (T30 done wrong: MHLW says ● is billable as it is). */
  'refuses-black-circle-name': (prev, msg) => {
    const out = decide(prev, msg);
    if (out.status === 'accepted' && out.displayedName?.includes('●')) return { status: 'fallback', reason: 'name-unreadable', fallbackOptions: ['eligibility-declaration'] };
    return out;
  },
  /**
   * Charges 10割 when the smartphone cannot be read (T68/T77 done wrong): the phone failing says
   * nothing about the insurance, and the patient's card still works.
   */
  'phone-failure-ten-wari': (prev, msg) => {
    if (msg.type === 'reader.notice' && (msg.code === 'phone-read-failed' || msg.code === 'phone-pin-locked')) {
      return { status: 'refused', reason: 'phone-unreadable', copayRatio: 100 };
    }
    return decide(prev, msg);
  },
  /**
   * Reads the reader's maintenance refusal as a failed check and charges 10割 (T45 done wrong):
   * the card was never read, so nothing is known about the insurance; staff should close the
   * maintenance screen or restart the reader.
   */
  'maintenance-means-ten-wari': (prev, msg) => {
    if (msg.type === 'reader.notice' && msg.code === 'reader-maintenance') return { status: 'refused', reason: 'reader-maintenance', copayRatio: 100 };
    return decide(prev, msg);
  },
  /** Takes the first record of a 複数該当 answer as the patient's insurance (T08 done wrong). */
  'picks-first-qualification': (prev, msg) => {
    const out = decide(prev, msg);
    if (msg.type !== 'qualification.result' || msg.message.XmlMsg.MessageBody.QualificationValidity !== QualificationValidity.MULTIPLE) return out;
    const rec = msg.message.XmlMsg.MessageBody.ResultList?.ResultOfQualificationConfirmation[0];
    return { status: 'accepted', qualificationValidity: QualificationValidity.VALID, copayRatio: 30, ...(rec ? { displayedName: rec.Name } : {}) };
  },
  /**
   * Trusts the OQS answer blindly: never compares it with the clinic's own patient record, so an
   * old surname, a swapped name or another person's record (ひも付け誤り) is taken and billed
   * (T10, T12, T32 done wrong).
   */
  'trusts-oqs-blindly': (prev, msg) => decide(prev, msg),
  /**
   * Compares the name and insurer with the clinic's charts but never the 照会番号: a result whose
   * ReferenceNumber names another patient's chart is taken and billed (T12 inside the clinic done wrong).
   */
  'ignores-reference-number': (prev, msg, context) => {
    if (msg.type !== 'qualification.result') return decide(prev, msg, context);
    const body = msg.message.XmlMsg.MessageBody;
    const list = body.ResultList?.ResultOfQualificationConfirmation.map(({ ReferenceNumber: _dropped, ...rest }) => rest);
    const stripped = { ...msg, message: { XmlMsg: { ...msg.message.XmlMsg, MessageBody: { ...body, ...(list ? { ResultList: { ResultOfQualificationConfirmation: list } } : {}) } } } };
    return decide(prev, stripped, context);
  },
  /** Reads an empty 有効期限 as an expired insurance card (T09 done wrong). */
  'missing-expiry-means-expired': (prev, msg) => {
    const out = decide(prev, msg);
    if (out.status !== 'accepted' || msg.type !== 'qualification.result') return out;
    const rec = msg.message.XmlMsg.MessageBody.ResultList?.ResultOfQualificationConfirmation[0];
    if (rec && !rec.InsuredCardExpirationDate) return { status: 'fallback', reason: 'card-expired', fallbackOptions: ['eligibility-declaration'] };
    return out;
  },
};

/**
 * Deliberately broken back offices (一括照会 and medical-information handling), each a mistake a
 * reception system can make with the answers the reference back office reads correctly.
 */
export const brokenBackOffices: Record<string, DecideBackOffice> = {
  /** Reads the empty 処理中 download as a finished batch with nobody to flag (T70 done wrong). */
  'processing-means-final': (prev, answer) => {
    if (answer.kind === 'bulk-check-download' && answer.result.XmlMsg.MessageHeader.SegmentOfResult === '2') {
      return { ...prev, batch: { state: 'done', validity: {}, flagged: [] } };
    }
    return decideBackOffice(prev, answer);
  },
  /** Gives every member of one insured household the first member's verdict (T03 done wrong). */
  'family-shares-result': (prev, answer) => {
    const out = decideBackOffice(prev, answer);
    if (answer.kind !== 'bulk-check-download' || !out.batch || out.batch.state !== 'done') return out;
    const first = new Map<string, string>();
    const validity: Record<string, string> = {};
    for (const unit of answer.result.XmlMsg.MessageBody.BulkConfirmUnit) {
      const info = unit.QualificationConfirmSearchInfo;
      const household = `${info.InsurerNumber}/${info.InsuredCardSymbol ?? ''}/${info.InsuredIdentificationNumber}`;
      if (!first.has(household)) first.set(household, unit.QualificationValidity ?? '');
      validity[info.ArbitraryIdentifier ?? info.InsuredIdentificationNumber] = first.get(household)!;
    }
    const flagged = Object.entries(validity).filter(([, v]) => v !== QualificationValidity.VALID).map(([k]) => k);
    return { ...out, batch: { state: 'done', validity, flagged } };
  },
  /**
   * Reads OQSCD006 3 無効（新しい資格あり） as "insured after all" and does not flag the patient, so
   * the visit is billed on the stale card data the clinic holds (T01/T70 done wrong).
   */
  'new-qualification-means-valid': (prev, answer) => {
    const out = decideBackOffice(prev, answer);
    if (answer.kind !== 'bulk-check-download' || !out.batch || out.batch.state !== 'done') return out;
    const stale = new Set(
      answer.result.XmlMsg.MessageBody.BulkConfirmUnit.filter((u) => u.QualificationValidity === QualificationValidity.INVALID_NEW_EXISTS).map(
        (u) => u.QualificationConfirmSearchInfo.ArbitraryIdentifier ?? u.QualificationConfirmSearchInfo.InsuredIdentificationNumber,
      ),
    );
    return { ...out, batch: { ...out.batch, flagged: out.batch.flagged.filter((key) => !stale.has(key)) } };
  },
  /**
   * Shows the medical information whenever the doctor asks, reading any answer as a release
   * (T63/T64 done wrong: the flags of this check, or the facility's 資格確認限定型, are what count).
   */
  'ignores-refusal': (prev, answer) => {
    const out = decideBackOffice(prev, answer);
    if (answer.kind !== 'medical-info') return out;
    return { ...out, medicalInfo: { patient: answer.patient, kind: answer.medicalKind, shown: true } };
  },
  /** Shows the last released medical information again when a later fetch is refused (T62/T64 done wrong). */
  'shows-cached-medical-info': (prev, answer) => {
    const out = decideBackOffice(prev, answer);
    const before = prev.medicalInfo;
    if (answer.kind === 'medical-info' && answer.status !== 200 && before?.shown && before.patient === answer.patient && before.kind === answer.medicalKind) {
      return { ...out, medicalInfo: { ...before } };
    }
    return out;
  },
};
