import { z } from 'zod';

/**
 * The qualification result as the terminal hands it to the reception system. The tree and the
 * element names are those of the public XML interface (`XmlMsg` → `MessageHeader` /
 * `MessageBody`, oqs-interface.md §2.1–2.4), so the JSON twin and the XML files map one to one.
 * All leaf values are strings: leading zeros matter (`010`, `01`).
 */

const str = z.string();
const opt = str.optional();

export const ElderlyRecipientCertificateInfo = z.object({
  ElderlyRecipientCertificateDate: opt,
  ElderlyRecipientValidStartDate: opt,
  ElderlyRecipientValidEndDate: opt,
  /** 3-digit percent: "020" = 2割. */
  ElderlyRecipientContributionRatio: opt,
});

export const LimitApplicationCertificateRelatedInfo = z.object({
  /** OQSCD011. */
  LimitApplicationCertificateClassification: opt,
  /** OQSCD012, e.g. "A03", "B10". */
  LimitApplicationCertificateClassificationFlag: opt,
  LimitApplicationCertificateDate: opt,
  LimitApplicationCertificateValidStartDate: opt,
  LimitApplicationCertificateValidEndDate: opt,
  LimitApplicationCertificateLongTermDate: opt,
});

/**
 * 医療扶助 (生活保護) 医療券 / 調剤券, repeated under `PublicExpenseResultList` (oqs-interface.md §2.4;
 * names from OD2-imp / OD2-face, codes by name from UJ — single-source, M).
 */
export const MedicalTicketInfo = z.object({
  /** OQSCD018: 01 医療券, 02 調剤券. */
  TicketType: opt,
  MedicalTicketValidDate: opt,
  MedicalTicketExpirationDate: opt,
  IssueNumber: opt,
  /** yyyyMM. */
  MedicalTreatmentMonth: opt,
  DesignatedMedicalInstitutionCode: opt,
  /** OQSCD026: 0 一致, 1 不一致 (with the asking facility). */
  DesignatedMedicalInstitutionFlag: opt,
  DesignatedMedicalInstitutionName: opt,
  PrescriptionIssuerMedicalInstitutionCode: opt,
  PrescriptionIssuerMedicalInstitutionName: opt,
  InjuryName1: opt,
  InjuryName2: opt,
  InjuryName3: opt,
  /** OQSCD019: 01 入院, 02 入院外, 03 歯科, 04 調剤, 05 訪問看護. */
  MedicalTreatmentType: opt,
  /** Integer yen. */
  SelfPayAmount: opt,
  DistrictContactName: opt,
  HandlingContactName: opt,
  /** OQSCD020: 01 単独, 02 併用. */
  SingleOrCombinedUse: opt,
  /** OQSCD021: 01 あり, 02 なし. */
  StatusOfSocialInsurance: opt,
  /** OQSCD022: 1 不整合あり. */
  ConsistencyFlag: opt,
  /** (sic, the source's spelling) OQSCD023. */
  StatusOfInfecton: opt,
  StatusOfElderlyMedicalCare: opt,
  StatusOfPrefecturalExpenses: opt,
  Remarks1: opt,
  Remarks2: opt,
  Remarks3: opt,
});
export type MedicalTicketInfo = z.infer<typeof MedicalTicketInfo>;

export const ResultOfQualificationConfirmation = z.object({
  /** OQSCD010, "01" = 被保険者証（一般）. */
  InsuredCardClassification: str,
  /** 8 characters; 6-digit insurers right-aligned with two leading spaces. */
  InsurerNumber: str,
  InsuredCardSymbol: opt,
  InsuredIdentificationNumber: str,
  InsuredBranchNumber: opt,
  /** OQSCD009: 1 本人, 2 家族. */
  PersonalFamilyClassification: str,
  InsuredName: opt,
  /** Card-face name, family and given name separated by U+3000. */
  Name: str,
  NameOfOther: opt,
  NameKana: opt,
  NameOfOtherKana: opt,
  /** OQSCD007. */
  Sex1: str,
  Sex2: opt,
  /** yyyyMMdd. */
  Birthdate: str,
  Address: opt,
  PostNumber: opt,
  QualificationDate: opt,
  DisqualificationDate: opt,
  InsuredCertificateIssuanceDate: opt,
  InsuredCardValidDate: opt,
  InsuredCardExpirationDate: opt,
  /** 3-digit percent ("010", "020", "030"); filled for 後期 members by default (ratio_field_scope). */
  InsuredPartialContributionRatio: opt,
  /** OQSCD015: "1" 未就学該当. */
  PreschoolClassification: opt,
  /** OQSCD008. */
  ReasonOfLoss: opt,
  InsurerName: str,
  ElderlyRecipientCertificateInfo: ElderlyRecipientCertificateInfo.optional(),
  LimitApplicationCertificateRelatedConsFlg: opt,
  LimitApplicationCertificateRelatedConsTime: opt,
  LimitApplicationCertificateRelatedInfo: LimitApplicationCertificateRelatedInfo.optional(),
  SpecificHealthCheckupsInfoConsFlg: opt,
  SpecificHealthCheckupsInfoConsTime: opt,
  SpecificHealthCheckupsInfoAvailableTime: opt,
  PharmacistsInfoConsFlg: opt,
  PharmacistsInfoConsTime: opt,
  PharmacistsInfoAvailableTime: opt,
  DiagnosisInfoConsFlg: opt,
  DiagnosisInfoConsTime: opt,
  DiagnosisInfoAvailableTime: opt,
  OperationInfoConsFlg: opt,
  OperationInfoConsTime: opt,
  OperationInfoAvailableTime: opt,
  ReferenceNumber: opt,
  /** 公費負担者番号 (医療扶助: InsuredCardClassification A1, instead of the insurer fields). */
  PublicExpenseNumber: opt,
  /** 受給者番号. */
  BeneficiaryNumber: opt,
  /** 福祉事務所名. */
  WelfareOfficeName: opt,
  PublicExpenseResultList: z.object({ MedicalTicketInfo: z.array(MedicalTicketInfo) }).optional(),
});
export type ResultOfQualificationConfirmation = z.infer<typeof ResultOfQualificationConfirmation>;

export const MessageHeader = z.object({
  /** yyyyMMddHHmmss. */
  ProcessExecutionTime: str,
  /** OQSCD005: "0" UTF-8, "1" Shift_JIS. */
  CharacterCodeIdentifier: str,
  /** OQSCD003: "1" 正常終了, "2" 処理中, "9" 異常終了. */
  SegmentOfResult: str,
  ErrorCode: opt,
  ErrorMessage: opt,
  /** yyyyMMdd: the date whose eligibility was checked. */
  QualificationConfirmationDate: str,
  /** OQSCD002: "1" マイナンバーカード, "2" 被保険者証情報. */
  ReferenceClassification: str,
  ArbitraryFileIdentifier: opt,
  /** 10 digits. */
  MedicalInstitutionCode: str,
});
export type MessageHeader = z.infer<typeof MessageHeader>;

export const MessageBody = z.object({
  /** In JSON the repeated element is an array. */
  ResultList: z.object({ ResultOfQualificationConfirmation: z.array(ResultOfQualificationConfirmation) }).optional(),
  /** OQSCD004: "1" 正常終了, "2" エラー. */
  ProcessingResultStatus: str,
  ProcessingResultCode: opt,
  ProcessingResultMessage: opt,
  /** OQSCD006: "1" 有効, "2" 無効, "3" 無効（新しい資格あり）, "4" 該当資格なし, "5" 複数該当. */
  QualificationValidity: opt,
  PrescriptionIssueSelect: opt,
});
export type MessageBody = z.infer<typeof MessageBody>;

export const OqsResultMessage = z.object({
  XmlMsg: z.object({ MessageHeader, MessageBody }),
});
export type OqsResultMessage = z.infer<typeof OqsResultMessage>;

/** OQSCD006 QualificationValidity. */
export const QualificationValidity = {
  VALID: '1',
  INVALID: '2',
  INVALID_NEW_EXISTS: '3',
  NOT_FOUND: '4',
  MULTIPLE: '5',
} as const;

/** OQSCD016 consent flag. */
export const ConsentFlag = { NO: '0', YES: '1', EXPIRED: '2', DIFFICULT: '3' } as const;

/** "010" ↔ 10 (percent). */
export function ratioToField(percent: number): string {
  return String(percent).padStart(3, '0');
}

export function ratioFromField(field: string | undefined): number | undefined {
  if (field === undefined || field.trim() === '') return undefined;
  const n = Number(field);
  return Number.isInteger(n) && n > 0 && n <= 100 ? n : undefined;
}
