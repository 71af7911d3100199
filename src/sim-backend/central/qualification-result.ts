import {
  copayBand,
  copayRatio,
  isPreschool,
  jstTimestamp,
  toYmd,
  type CopayRatio,
  type IsoDate,
  type LimitCategoryCode,
  type Person,
  type Qualification,
} from '../../domain/index.js';
import type { CertificateCheckStatus } from '../../protocol/central-api.js';
import type { ConsentChoices } from '../../protocol/consent.js';
import {
  ConsentFlag,
  QualificationValidity,
  ratioToField,
  type MedicalTicketInfo,
  type OqsResultMessage,
  type ResultOfQualificationConfirmation,
} from '../../protocol/oqs-result.js';

/**
 * Which people get `InsuredPartialContributionRatio` (rules.md §2.4, option ratio_field_scope):
 * `koki_only` (default) fills it for 後期 members only; `all` for everyone.
 */
export type RatioFieldScope = 'koki_only' | 'all';

/** A value in force from `from` through `to` (both inclusive JST dates; no `to`: still in force). */
export interface DatedValue<T> {
  from: IsoDate;
  to?: IsoDate;
  value: T;
}

/**
 * A qualification as central keeps it: the domain record plus its dated history, so that a ratio
 * change on 1 August (国保/後期) or 1 September (被用者保険 70–74), or a correction in any month, is
 * data (rules.md §2.4 emulator notes). A dated value in force on the check date wins over
 * `copayRatio` / `limitCategory`, which win over the age/income rule.
 */
export interface QualificationRecord extends Qualification {
  ratioHistory?: readonly DatedValue<CopayRatio>[];
  limitHistory?: readonly DatedValue<LimitCategoryCode>[];
  /** 公費 the interface carries: 医療扶助 (生活保護), with its monthly 医療券 / 調剤券. */
  publicExpense?: PublicExpenseRecord;
}

/**
 * 医療扶助 as OQS carries it (oqs-interface.md §2.3–2.4): the record has InsuredCardClassification
 * `A1` and 公費負担者番号 / 受給者番号 / 福祉事務所名; each month's 医療券 or 調剤券 is a ticket.
 * Other 公費 (子ども医療費 etc.) are not in OQS (troubles.md T78) and so not here.
 */
export interface PublicExpenseRecord {
  /** 公費負担者番号, 8 digits (医療扶助: 法別番号 12). */
  number: string;
  /** 受給者番号, 7 digits. */
  beneficiaryNumber: string;
  welfareOfficeName?: string;
  tickets?: readonly MedicalTicketRecord[];
}

export interface MedicalTicketRecord {
  /** OQSCD018: 01 医療券, 02 調剤券. */
  ticketType: '01' | '02';
  /** The month the ticket is for, yyyy-MM. */
  month: string;
  validFrom: IsoDate;
  validTo: IsoDate;
  issueNumber?: string;
  /** The 指定医療機関 named on the ticket (10 digits) and its name. */
  designatedInstitutionCode?: string;
  designatedInstitutionName?: string;
  /** OQSCD019: 01 入院, 02 入院外, 03 歯科, 04 調剤, 05 訪問看護. */
  treatmentType: '01' | '02' | '03' | '04' | '05';
  /** 本人支払額, yen. */
  selfPayAmount?: number;
  /** OQSCD020: 01 単独, 02 併用. */
  singleOrCombined: '01' | '02';
  injuryNames?: readonly string[];
}

/** The value in force on `date`; when several are (a correction left two live records), the latest `from`. */
export function valueOn<T>(history: readonly DatedValue<T>[] | undefined, date: IsoDate): T | undefined {
  let best: DatedValue<T> | undefined;
  for (const h of history ?? []) {
    if (h.from <= date && (h.to === undefined || date <= h.to) && (best === undefined || h.from >= best.from)) best = h;
  }
  return best?.value;
}

export interface QualificationResultInput {
  person: Person;
  qualifications: readonly QualificationRecord[];
  /**
   * OQSCD002: `1` マイナンバーカード (default), `2` 被保険者証情報 — a check by insurance-card data,
   * which names one record (`target`) and releases no medical information.
   */
  referenceClassification?: '1' | '2';
  /** The record the insurance-card data names (referenceClassification 2). */
  target?: QualificationRecord;
  /** 限度額 information released (OQSCD001); default true (card checks need no consent since 2024-10-07). */
  limitConsent?: boolean;
  /** The JST date whose eligibility is checked. */
  date: IsoDate;
  /** epoch ms of processing (virtual clock): header time and consent time. */
  now: number;
  consent: ConsentChoices;
  certificateStatus: CertificateCheckStatus;
  /** For the wording of the expiry notes. */
  certificateExpiresOn?: IsoDate;
  graceEndsOn?: IsoDate;
  /** 健康保険証利用登録; default true. An unregistered card yields no qualification. */
  registered?: boolean;
  medicalInstitutionCode: string;
  arbitraryFileIdentifier?: string;
  ratioFieldScope?: RatioFieldScope;
  /**
   * 照会番号 this facility registered for the person (OQSsiimm01 / OQSmuimm01, reference-numbers.ts);
   * carried as `ReferenceNumber` in every result of the person (oqs-interface.md §2.3, §2.6).
   */
  referenceNumber?: string | undefined;
}

/** The facility may fetch consented information for 24 hours after consent (rules.md §2.3). */
export const CONSENT_ACCESS_WINDOW_MS = 24 * 3600_000;

/** The answer of one card check as the OQS XML tree (OQSsiquc01res_face), JSON twin. Pure. */
export function buildQualificationResult(input: QualificationResultInput): OqsResultMessage {
  const { date, now } = input;
  // Hot path (every card check): plain literals filled in element order (the order IS the XML
  // order, and JSON.stringify's), one timestamp per call, date-derived fields memoised per day.
  const times = timesOf(now);
  const MessageHeader = {
    ProcessExecutionTime: times.at,
    CharacterCodeIdentifier: '0',
    SegmentOfResult: '1',
    QualificationConfirmationDate: ymd(date),
    ReferenceClassification: input.referenceClassification ?? '1',
  } as OqsResultMessage['XmlMsg']['MessageHeader'];
  if (input.arbitraryFileIdentifier !== undefined) MessageHeader.ArbitraryFileIdentifier = input.arbitraryFileIdentifier;
  MessageHeader.MedicalInstitutionCode = input.medicalInstitutionCode;

  let note = '';
  if (input.certificateStatus === 'expired-in-grace') {
    // rules.md §2.2 "what the grace allows": qualification only, no medical information. How
    // OQS words or codes this is not public; the flags and this message are our rule.
    note =
      `電子証明書の有効期限${input.certificateExpiresOn ? `（${input.certificateExpiresOn}）` : ''}が切れています` +
      `${input.graceEndsOn ? `（猶予期間：${input.graceEndsOn}まで）` : '（猶予期間中）'}。` +
      '資格情報のみ提供し、診療・薬剤等の医療情報は提供しません。市区町村で証明書を更新してください。';
  } else if (input.certificateStatus === 'expiring-soon') {
    // The spec's own example of a success note; its ProcessingResultCode is UNCONFIRMED, so none.
    note =
      `電子証明書の有効期限${input.certificateExpiresOn ? `（${input.certificateExpiresOn}）` : ''}が近づいています。` +
      '市区町村で証明書を更新してください。';
  }

  let validity: string;
  let records: QualificationRecord[];
  if (input.registered === false) {
    // reader-flow F24: an unregistered card identifies the holder but yields no qualification.
    validity = QualificationValidity.NOT_FOUND;
    records = [];
    note += '健康保険証利用登録がされていません。';
  } else {
    ({ validity, records } =
      input.target !== undefined ? selectTarget(input.target, input.qualifications, date) : selectRecords(input.qualifications, date));
  }

  const medicalInfoAllowed = input.certificateStatus !== 'expired-in-grace';
  const MessageBody: OqsResultMessage['XmlMsg']['MessageBody'] =
    records.length > 0
      ? { ResultList: { ResultOfQualificationConfirmation: records.map((q) => resultRecord(input, q, medicalInfoAllowed, times)) }, ProcessingResultStatus: '1' }
      : { ProcessingResultStatus: '1' };
  if (note !== '') MessageBody.ProcessingResultMessage = note;
  MessageBody.QualificationValidity = validity;
  return { XmlMsg: { MessageHeader, MessageBody } };
}

/** toYmd through a memo: the same birth and acquisition dates come back on every check of a person. */
const ymdMemo = new Map<IsoDate, string>();
function ymd(date: IsoDate): string {
  let out = ymdMemo.get(date);
  if (out === undefined) {
    if (ymdMemo.size >= AGE_MEMO_SIZE) ymdMemo.clear();
    out = toYmd(date);
    ymdMemo.set(date, out);
  }
  return out;
}

/** The two OQS timestamps of one answer: processing (= consent) time, and the end of the 24 h window. */
interface AnswerTimes {
  at: string;
  available: string;
}

/** The last second's timestamps: checks within one (virtual) second share them. */
let lastTimes: { second: number; times: AnswerTimes } | undefined;

function timesOf(now: number): AnswerTimes {
  const second = Math.floor(now / 1000);
  if (lastTimes?.second === second) return lastTimes.times;
  const times = { at: jstTimestamp(now), available: jstTimestamp(now + CONSENT_ACCESS_WINDOW_MS) };
  lastTimes = { second, times };
  return times;
}

/** What a birth date gives on the check date (copayBand, isPreschool), for people born by then. */
interface AgeFacts {
  elderly70to74: boolean;
  preschool: boolean;
  /** copayRatio by income class, filled on first use. */
  ratios: Map<string, CopayRatio>;
}

/**
 * Age facts of the current check date by birth date. The date rarely changes (one per virtual
 * day), so the memo is dropped whenever it does; bounded so that a huge population cannot grow it
 * without limit.
 */
const AGE_MEMO_SIZE = 65_536;
let ageMemoDate: IsoDate | undefined;
const ageMemo = new Map<IsoDate, AgeFacts>();

function ageFacts(birthDate: IsoDate, date: IsoDate): AgeFacts {
  if (ageMemoDate !== date) {
    ageMemo.clear();
    ageMemoDate = date;
  }
  let facts = ageMemo.get(birthDate);
  if (!facts) {
    if (ageMemo.size >= AGE_MEMO_SIZE) ageMemo.clear();
    facts = { elderly70to74: copayBand(birthDate, date) === 'elderly-70-74', preschool: isPreschool(birthDate, date), ratios: new Map() };
    ageMemo.set(birthDate, facts);
  }
  return facts;
}

/** copayRatio by age and income, through the day's memo when the person is born by the date. */
function ruleRatio(person: Person, date: IsoDate, incomeClass: Qualification['incomeClass']): CopayRatio {
  // Before birth copayRatio throws its own message naming both dates: let it.
  if (person.birthDate > date) return copayRatio({ birthDate: person.birthDate, serviceDate: date, incomeClass });
  const { ratios } = ageFacts(person.birthDate, date);
  let ratio = ratios.get(incomeClass);
  if (ratio === undefined) {
    ratio = copayRatio({ birthDate: person.birthDate, serviceDate: date, incomeClass });
    ratios.set(incomeClass, ratio);
  }
  return ratio;
}

/** A qualification counts on `date` from its acquisition day up to the day before its loss day. */
export function isActiveOn(q: Qualification, date: IsoDate): boolean {
  return q.acquiredOn <= date && (q.lostOn === undefined || date < q.lostOn);
}

interface Selection {
  validity: string;
  records: QualificationRecord[];
}

function selectRecords(qualifications: readonly QualificationRecord[], date: IsoDate): Selection {
  const active = qualifications.filter((q) => isActiveOn(q, date));
  if (active.length === 1) return { validity: QualificationValidity.VALID, records: active };
  if (active.length > 1) return { validity: QualificationValidity.MULTIPLE, records: active };
  // None active: the most recently lost record that had started by the date, if any.
  const past = qualifications
    .filter((q) => q.acquiredOn <= date && q.lostOn !== undefined)
    .sort((a, b) => (a.lostOn! < b.lostOn! ? 1 : a.lostOn! > b.lostOn! ? -1 : 0));
  const latest = past[0];
  if (latest) return { validity: lostValidity(latest, qualifications), records: [latest] };
  return { validity: QualificationValidity.NOT_FOUND, records: [] };
}

/** A check by insurance-card data answers for the record the card names. */
function selectTarget(target: QualificationRecord, qualifications: readonly QualificationRecord[], date: IsoDate): Selection {
  if (isActiveOn(target, date)) return { validity: QualificationValidity.VALID, records: [target] };
  if (target.acquiredOn > date) return { validity: QualificationValidity.NOT_FOUND, records: [] };
  return { validity: lostValidity(target, qualifications), records: [target] };
}

/**
 * OQSCD006 for a lost record: `3` 無効（新しい資格あり） when the person has a qualification
 * acquired on or after the loss (転職・転居: a new insurer), else `2` 無効.
 */
function lostValidity(lost: QualificationRecord, qualifications: readonly QualificationRecord[]): string {
  const newer = qualifications.some((q) => q !== lost && lost.lostOn !== undefined && q.acquiredOn >= lost.lostOn);
  return newer ? QualificationValidity.INVALID_NEW_EXISTS : QualificationValidity.INVALID;
}

function resultRecord(input: QualificationResultInput, q: QualificationRecord, medicalInfoAllowed: boolean, times: AnswerTimes): ResultOfQualificationConfirmation {
  const { person, date } = input;
  const scope = input.ratioFieldScope ?? 'koki_only';
  const limitConsent = input.limitConsent ?? true;
  const limitCategory = (q.limitHistory === undefined ? undefined : valueOn(q.limitHistory, date)) ?? q.limitCategory;
  const ratio = (): string =>
    ratioToField((q.ratioHistory === undefined ? undefined : valueOn(q.ratioHistory, date)) ?? q.copayRatio ?? ruleRatio(person, date, q.incomeClass));
  const isKoki = q.insurerKind === 'koki';
  // 70–74 outside 後期: the ratio sits in the 高齢受給者 block (from the month after reaching 70).
  const age = person.birthDate <= date ? ageFacts(person.birthDate, date) : undefined;
  const insuredName = q.insuredName ?? (q.relation === 'insured' ? person.name : undefined);

  // Filled in element order (the XSD's, which is also JSON.stringify's): optional elements are
  // added in place, never spread in.
  const out = { InsuredCardClassification: q.cardClassification, InsurerNumber: insurerNumberField(q.insurerNumber) } as ResultOfQualificationConfirmation;
  if (q.symbol !== undefined) out.InsuredCardSymbol = q.symbol;
  out.InsuredIdentificationNumber = q.number;
  if (q.branch !== undefined) out.InsuredBranchNumber = q.branch;
  out.PersonalFamilyClassification = q.relation === 'insured' ? '1' : '2';
  if (insuredName !== undefined) out.InsuredName = insuredName;
  out.Name = person.name;
  if (person.nameKana !== undefined) out.NameKana = person.nameKana;
  out.Sex1 = String(person.sex);
  out.Birthdate = ymd(person.birthDate);
  if (person.address !== undefined) out.Address = person.address;
  if (person.postNumber !== undefined) out.PostNumber = person.postNumber;
  out.QualificationDate = ymd(q.acquiredOn);
  if (q.lostOn !== undefined) out.DisqualificationDate = ymd(q.lostOn);
  if (isKoki || scope === 'all') out.InsuredPartialContributionRatio = ratio();
  if (age?.preschool) out.PreschoolClassification = '1';
  out.InsurerName = q.insurerName;
  if (!isKoki && age?.elderly70to74) out.ElderlyRecipientCertificateInfo = { ElderlyRecipientContributionRatio: ratio() };
  // Since 2024-10-07 限度額 information needs no consent on the reader (rules.md §2.3); a check by
  // card data carries the consent flag of its request (OQSCD001).
  out.LimitApplicationCertificateRelatedConsFlg = limitConsent ? '1' : '0';
  if (limitConsent) {
    out.LimitApplicationCertificateRelatedConsTime = times.at;
    if (limitCategory !== undefined) {
      out.LimitApplicationCertificateRelatedInfo = {
        LimitApplicationCertificateClassification: limitCertificateClassification(limitCategory),
        LimitApplicationCertificateClassificationFlag: limitCategory,
      };
    }
  }
  if (q.publicExpense !== undefined) addPublicExpense(out, q.publicExpense, date, input.medicalInstitutionCode);
  // Medical information is consented on the reader only: a check by card data carries no flags.
  if (input.referenceClassification !== '2') {
    const allowed = medicalInfoAllowed;
    if (allowed && input.consent.checkup) {
      out.SpecificHealthCheckupsInfoConsFlg = ConsentFlag.YES;
      out.SpecificHealthCheckupsInfoConsTime = times.at;
      out.SpecificHealthCheckupsInfoAvailableTime = times.available;
    } else out.SpecificHealthCheckupsInfoConsFlg = ConsentFlag.NO;
    if (allowed && input.consent.pharmacy) {
      out.PharmacistsInfoConsFlg = ConsentFlag.YES;
      out.PharmacistsInfoConsTime = times.at;
      out.PharmacistsInfoAvailableTime = times.available;
    } else out.PharmacistsInfoConsFlg = ConsentFlag.NO;
    if (allowed && input.consent.diagnosis) {
      out.DiagnosisInfoConsFlg = ConsentFlag.YES;
      out.DiagnosisInfoConsTime = times.at;
      out.DiagnosisInfoAvailableTime = times.available;
    } else out.DiagnosisInfoConsFlg = ConsentFlag.NO;
    if (allowed && input.consent.operation) {
      out.OperationInfoConsFlg = ConsentFlag.YES;
      out.OperationInfoConsTime = times.at;
      out.OperationInfoAvailableTime = times.available;
    } else out.OperationInfoConsFlg = ConsentFlag.NO;
  }
  if (input.referenceNumber !== undefined) out.ReferenceNumber = input.referenceNumber;
  return out;
}

/**
 * InsurerNumber is 8 characters; shorter (6-digit) numbers are right-aligned with spaces
 * (oqs-interface.md §2.3, sample "  123456").
 */
export function insurerNumberField(insurerNumber: string): string {
  if (!/^\d{1,8}$/.test(insurerNumber)) {
    throw new RangeError(`insurer number "${insurerNumber}" is not 1–8 digits; fix the qualification record`);
  }
  return insurerNumber.padStart(8, ' ');
}

/**
 * OQSCD011: residence-tax-exempt categories (オ, 低所得) hold a 限度額適用・標準負担額減額認定証
 * (02); everyone else a 限度額適用認定証 (01).
 */
function limitCertificateClassification(code: LimitCategoryCode): string {
  return ['A05', 'A06', 'B05', 'B06', 'B07', 'B08'].includes(code) ? '02' : '01';
}

/**
 * 公費 fields of a 医療扶助 record: the numbers, and the tickets for the month of the check date
 * (MedicalTreatmentMonth); DesignatedMedicalInstitutionFlag (OQSCD026) compares the ticket's
 * 指定医療機関 with the asking facility: 0 一致, 1 不一致.
 */
function addPublicExpense(out: ResultOfQualificationConfirmation, pe: PublicExpenseRecord, date: IsoDate, facility: string): void {
  const month = date.slice(0, 7);
  const tickets = (pe.tickets ?? []).filter((t) => t.month === month);
  out.PublicExpenseNumber = pe.number;
  out.BeneficiaryNumber = pe.beneficiaryNumber;
  if (pe.welfareOfficeName !== undefined) out.WelfareOfficeName = pe.welfareOfficeName;
  if (tickets.length > 0) out.PublicExpenseResultList = { MedicalTicketInfo: tickets.map((t) => ticketInfo(t, facility)) };
}

function ticketInfo(t: MedicalTicketRecord, facility: string): MedicalTicketInfo {
  const info: MedicalTicketInfo = {
    TicketType: t.ticketType,
    MedicalTicketValidDate: toYmd(t.validFrom),
    MedicalTicketExpirationDate: toYmd(t.validTo),
  };
  if (t.issueNumber !== undefined) info.IssueNumber = t.issueNumber;
  info.MedicalTreatmentMonth = t.month.replace('-', '');
  if (t.designatedInstitutionCode !== undefined) {
    info.DesignatedMedicalInstitutionCode = t.designatedInstitutionCode;
    info.DesignatedMedicalInstitutionFlag = t.designatedInstitutionCode === facility ? '0' : '1';
  }
  if (t.designatedInstitutionName !== undefined) info.DesignatedMedicalInstitutionName = t.designatedInstitutionName;
  const injuries = t.injuryNames ?? [];
  if (injuries[0] !== undefined) info.InjuryName1 = injuries[0];
  if (injuries[1] !== undefined) info.InjuryName2 = injuries[1];
  if (injuries[2] !== undefined) info.InjuryName3 = injuries[2];
  info.MedicalTreatmentType = t.treatmentType;
  if (t.selfPayAmount !== undefined) info.SelfPayAmount = String(t.selfPayAmount);
  info.SingleOrCombinedUse = t.singleOrCombined;
  return info;
}
