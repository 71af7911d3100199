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
}

/** The facility may fetch consented information for 24 hours after consent (rules.md §2.3). */
export const CONSENT_ACCESS_WINDOW_MS = 24 * 3600_000;

/** The answer of one card check as the OQS XML tree (OQSsiquc01res_face), JSON twin. Pure. */
export function buildQualificationResult(input: QualificationResultInput): OqsResultMessage {
  const { date, now } = input;
  const MessageHeader: OqsResultMessage['XmlMsg']['MessageHeader'] = {
    ProcessExecutionTime: jstTimestamp(now),
    CharacterCodeIdentifier: '0',
    SegmentOfResult: '1',
    QualificationConfirmationDate: toYmd(date),
    ReferenceClassification: input.referenceClassification ?? '1',
    ...(input.arbitraryFileIdentifier !== undefined ? { ArbitraryFileIdentifier: input.arbitraryFileIdentifier } : {}),
    MedicalInstitutionCode: input.medicalInstitutionCode,
  };

  const notes: string[] = [];
  if (input.certificateStatus === 'expired-in-grace') {
    // rules.md §2.2 "what the grace allows": qualification only, no medical information. How
    // OQS words or codes this is not public; the flags and this message are our rule.
    notes.push(
      `電子証明書の有効期限${input.certificateExpiresOn ? `（${input.certificateExpiresOn}）` : ''}が切れています` +
        `${input.graceEndsOn ? `（猶予期間：${input.graceEndsOn}まで）` : '（猶予期間中）'}。` +
        '資格情報のみ提供し、診療・薬剤等の医療情報は提供しません。市区町村で証明書を更新してください。',
    );
  } else if (input.certificateStatus === 'expiring-soon') {
    // The spec's own example of a success note; its ProcessingResultCode is UNCONFIRMED, so none.
    notes.push(
      `電子証明書の有効期限${input.certificateExpiresOn ? `（${input.certificateExpiresOn}）` : ''}が近づいています。` +
        '市区町村で証明書を更新してください。',
    );
  }

  let validity: string;
  let records: QualificationRecord[];
  if (input.registered === false) {
    // reader-flow F24: an unregistered card identifies the holder but yields no qualification.
    validity = QualificationValidity.NOT_FOUND;
    records = [];
    notes.push('健康保険証利用登録がされていません。');
  } else {
    ({ validity, records } =
      input.target !== undefined ? selectTarget(input.target, input.qualifications, date) : selectRecords(input.qualifications, date));
  }

  const medicalInfoAllowed = input.certificateStatus !== 'expired-in-grace';
  const results = records.map((q) => resultRecord(input, q, medicalInfoAllowed));

  const MessageBody: OqsResultMessage['XmlMsg']['MessageBody'] = {
    ...(results.length > 0 ? { ResultList: { ResultOfQualificationConfirmation: results } } : {}),
    ProcessingResultStatus: '1',
    ...(notes.length > 0 ? { ProcessingResultMessage: notes.join('') } : {}),
    QualificationValidity: validity,
  };
  return { XmlMsg: { MessageHeader, MessageBody } };
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

function resultRecord(input: QualificationResultInput, q: QualificationRecord, medicalInfoAllowed: boolean): ResultOfQualificationConfirmation {
  const { person, date, now } = input;
  const scope = input.ratioFieldScope ?? 'koki_only';
  const byCardData = input.referenceClassification === '2';
  const limitConsent = input.limitConsent ?? true;
  const limitCategory = valueOn(q.limitHistory, date) ?? q.limitCategory;
  const ratio = (): string =>
    ratioToField(
      valueOn(q.ratioHistory, date) ?? q.copayRatio ?? copayRatio({ birthDate: person.birthDate, serviceDate: date, incomeClass: q.incomeClass }),
    );
  const isKoki = q.insurerKind === 'koki';
  // 70–74 outside 後期: the ratio sits in the 高齢受給者 block (from the month after reaching 70).
  const bornByDate = person.birthDate <= date;
  const isElderlyRecipient = !isKoki && bornByDate && copayBand(person.birthDate, date) === 'elderly-70-74';
  const preschool = bornByDate && isPreschool(person.birthDate, date);
  const consTime = jstTimestamp(now);
  const availableTime = jstTimestamp(now + CONSENT_ACCESS_WINDOW_MS);

  const consent = (prefix: 'SpecificHealthCheckupsInfo' | 'PharmacistsInfo' | 'DiagnosisInfo' | 'OperationInfo', given: boolean) =>
    given && medicalInfoAllowed
      ? { [`${prefix}ConsFlg`]: ConsentFlag.YES, [`${prefix}ConsTime`]: consTime, [`${prefix}AvailableTime`]: availableTime }
      : { [`${prefix}ConsFlg`]: ConsentFlag.NO };

  const insuredName = q.insuredName ?? (q.relation === 'insured' ? person.name : undefined);
  return {
    InsuredCardClassification: q.cardClassification,
    InsurerNumber: insurerNumberField(q.insurerNumber),
    ...(q.symbol !== undefined ? { InsuredCardSymbol: q.symbol } : {}),
    InsuredIdentificationNumber: q.number,
    ...(q.branch !== undefined ? { InsuredBranchNumber: q.branch } : {}),
    PersonalFamilyClassification: q.relation === 'insured' ? '1' : '2',
    ...(insuredName !== undefined ? { InsuredName: insuredName } : {}),
    Name: person.name,
    ...(person.nameKana !== undefined ? { NameKana: person.nameKana } : {}),
    Sex1: String(person.sex),
    Birthdate: toYmd(person.birthDate),
    ...(person.address !== undefined ? { Address: person.address } : {}),
    ...(person.postNumber !== undefined ? { PostNumber: person.postNumber } : {}),
    QualificationDate: toYmd(q.acquiredOn),
    ...(q.lostOn !== undefined ? { DisqualificationDate: toYmd(q.lostOn) } : {}),
    ...(isKoki || scope === 'all' ? { InsuredPartialContributionRatio: ratio() } : {}),
    ...(preschool ? { PreschoolClassification: '1' } : {}),
    InsurerName: q.insurerName,
    ...(isElderlyRecipient ? { ElderlyRecipientCertificateInfo: { ElderlyRecipientContributionRatio: ratio() } } : {}),
    // Since 2024-10-07 限度額 information needs no consent on the reader (rules.md §2.3); a check by
    // card data carries the consent flag of its request (OQSCD001).
    LimitApplicationCertificateRelatedConsFlg: limitConsent ? '1' : '0',
    ...(limitConsent ? { LimitApplicationCertificateRelatedConsTime: consTime } : {}),
    ...(limitConsent && limitCategory !== undefined
      ? {
          LimitApplicationCertificateRelatedInfo: {
            LimitApplicationCertificateClassification: limitCertificateClassification(limitCategory),
            LimitApplicationCertificateClassificationFlag: limitCategory,
          },
        }
      : {}),
    ...publicExpenseFields(q.publicExpense, date, input.medicalInstitutionCode),
    // Medical information is consented on the reader only: a check by card data carries no flags.
    ...(byCardData
      ? {}
      : {
          ...consent('SpecificHealthCheckupsInfo', input.consent.checkup),
          ...consent('PharmacistsInfo', input.consent.pharmacy),
          ...consent('DiagnosisInfo', input.consent.diagnosis),
          ...consent('OperationInfo', input.consent.operation),
        }),
  };
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
function publicExpenseFields(pe: PublicExpenseRecord | undefined, date: IsoDate, facility: string): Partial<ResultOfQualificationConfirmation> {
  if (!pe) return {};
  const month = date.slice(0, 7);
  const tickets = (pe.tickets ?? []).filter((t) => t.month === month);
  return {
    PublicExpenseNumber: pe.number,
    BeneficiaryNumber: pe.beneficiaryNumber,
    ...(pe.welfareOfficeName !== undefined ? { WelfareOfficeName: pe.welfareOfficeName } : {}),
    ...(tickets.length > 0
      ? {
          PublicExpenseResultList: {
            MedicalTicketInfo: tickets.map((t) => ({
              TicketType: t.ticketType,
              MedicalTicketValidDate: toYmd(t.validFrom),
              MedicalTicketExpirationDate: toYmd(t.validTo),
              ...(t.issueNumber !== undefined ? { IssueNumber: t.issueNumber } : {}),
              MedicalTreatmentMonth: t.month.replace('-', ''),
              ...(t.designatedInstitutionCode !== undefined
                ? { DesignatedMedicalInstitutionCode: t.designatedInstitutionCode, DesignatedMedicalInstitutionFlag: t.designatedInstitutionCode === facility ? '0' : '1' }
                : {}),
              ...(t.designatedInstitutionName !== undefined ? { DesignatedMedicalInstitutionName: t.designatedInstitutionName } : {}),
              ...Object.fromEntries((t.injuryNames ?? []).slice(0, 3).map((n, i) => [`InjuryName${i + 1}`, n])),
              MedicalTreatmentType: t.treatmentType,
              ...(t.selfPayAmount !== undefined ? { SelfPayAmount: String(t.selfPayAmount) } : {}),
              SingleOrCombinedUse: t.singleOrCombined,
            })),
          },
        }
      : {}),
  };
}
