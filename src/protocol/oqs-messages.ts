import { z } from 'zod';
import { QualificationConfirmSearchInfo } from './oqs-request.js';
import { ResultOfQualificationConfirmation } from './oqs-result.js';
import {
  CHARACTER_CODE_IDENTIFIER,
  decodeOqsTree,
  encodeOqsTree,
  qualificationResultSpec,
  type ElementSpec,
  type EncodedOqsXml,
  type OqsXmlEncodeOptions,
  type OqsXmlEncoding,
  type OqsXmlError,
} from './oqs-xml.js';

/**
 * The folder messages beside the single check by card data (oqs-interface.md §1.2, §2.5, §2.6,
 * §2.8), as trees whose keys are the element names — one definition for the XML files and for
 * their JSON twins over HTTP and WebSocket:
 *
 *   OQSmuquc01  一括照会 upload → acceptance receipt with ReceptionNumber
 *   OQSmuquc02  一括照会 download by ReceptionNumber → BulkConfirmUnit per patient, or 処理中
 *   OQSsiimm01  照会番号 registration, one patient
 *   OQSmuimm01  照会番号 bulk registration upload → ReceptionNumber
 *   OQSmuimm02  照会番号 bulk registration download → BulkRegistrationUnit per patient, or 処理中
 *   YZKsiquc01  薬剤情報 (medication; optionally 診療情報) — XML only here, no PDF
 *   TKKsiquc01  特定健診情報 (health checkups)
 *   OQSmuhvq01  訪問診療等: consents taken at home (居宅同意取得型) in a date range → ReceptionNumber
 *   OQSmuhvq02  its download → BulkConfirmUnit per patient, or 処理中
 *   OQSmutic01  医療扶助: the month's 医療券/調剤券 naming this facility (MedicalTreatmentMonth) → ReceptionNumber
 *   OQSmutic02  its download → BulkConfirmUnit per patient, or 処理中
 *   OQSmuonq01  オンライン診療等: consents (or examinations) in a date range → ReceptionNumber
 *   OQSmuonq02  its download → BulkConfirmUnit per patient, or 処理中
 *
 * Where the public sources show the element (ST-bulk, MR-*, OD1) the name is theirs; elements the
 * sources do not show are marked "ours" and documented in docs/protocols/oqs-folders.md.
 */

const str = z.string();
const opt = str.optional();
const yyyymmdd = z.string().regex(/^\d{8}$/, 'must be yyyyMMdd (8 digits)');
const institution = z.string().regex(/^\d{10}$/, 'must be 10 digits');
const fileId = z.string().max(50, 'must be at most 50 characters').optional();
const insurerNumber = z.string().regex(/^ {0,2}\d{6,8}$/, 'must be a 6–8 digit insurer number, right-aligned to 8 characters with spaces');
/** Our own: `yyyyMMdd` + 6-digit sequence (the real format is not public). */
const receptionNumber = z.string().regex(/^[0-9A-Za-z]{1,30}$/, 'must be the ReceptionNumber of an upload receipt (letters and digits)');
/** Largest number of patients in one bulk upload (ours; the real limit is not public). */
export const MAX_BULK_ENTRIES = 10_000;

/** Header of every result file (oqs-interface.md §2.1); the bulk counters only in `…02res`. */
const ResultHeader = z.object({
  ProcessExecutionTime: str,
  CharacterCodeIdentifier: str,
  /** OQSCD003: 1 正常終了, 2 処理中, 9 異常終了. */
  SegmentOfResult: str,
  ErrorCode: opt,
  ErrorMessage: opt,
  QualificationConfirmationDate: opt,
  ReceptionNumber: opt,
  NumberOfProcessingResult: opt,
  NumberOfNormalProcessing: opt,
  NumberOfError: opt,
  ArbitraryFileIdentifier: opt,
  MedicalInstitutionCode: str,
});
export type OqsResultHeader = z.infer<typeof ResultHeader>;

// ─── 一括照会 (§2.5) ───────────────────────────────────────────────────────────────────────────

export const BulkCheckUploadRequest = z.object({
  XmlMsg: z.object({
    MessageHeader: z.object({ QualificationConfirmationDate: yyyymmdd, MedicalInstitutionCode: institution, ArbitraryFileIdentifier: fileId }),
    MessageBody: z.object({
      QualificationConfirmSearchInfo: z.array(QualificationConfirmSearchInfo).min(1, 'at least one patient').max(MAX_BULK_ENTRIES, `at most ${MAX_BULK_ENTRIES} patients per file`),
    }),
  }),
});
export type BulkCheckUploadRequest = z.infer<typeof BulkCheckUploadRequest>;

/** Upload receipt (`OQSmuquc01res`, `OQSmuimm01res`): ReceptionNumber + ReceptionDateTime. */
export const BulkUploadResult = z.object({
  XmlMsg: z.object({
    MessageHeader: ResultHeader,
    MessageBody: z.object({
      ReceptionNumber: opt,
      /** yyyyMMddHHmmss. */
      ReceptionDateTime: opt,
      ProcessingResultStatus: opt,
    }),
  }),
});
export type BulkUploadResult = z.infer<typeof BulkUploadResult>;

/** Download request of any `mu…02req` kind: the ReceptionNumber of the receipt. */
export const BulkDownloadRequest = z.object({
  XmlMsg: z.object({
    MessageHeader: z.object({ MedicalInstitutionCode: institution, ArbitraryFileIdentifier: fileId }),
    MessageBody: z.object({ ReceptionNumber: receptionNumber }),
  }),
});
export type BulkDownloadRequest = z.infer<typeof BulkDownloadRequest>;

export const BulkConfirmUnit = z.object({
  QualificationConfirmSearchInfo,
  /** OQSCD004. */
  ProcessingResultStatus: str,
  ProcessingResultCode: opt,
  ProcessingResultMessage: opt,
  /** OQSCD006. */
  QualificationValidity: opt,
  ResultOfQualificationConfirmation: ResultOfQualificationConfirmation.optional(),
  ReferenceNumber: opt,
});
export type BulkConfirmUnit = z.infer<typeof BulkConfirmUnit>;

export const BulkCheckDownloadResult = z.object({
  XmlMsg: z.object({
    MessageHeader: ResultHeader,
    /** Empty while the header says SegmentOfResult 2 (処理中). */
    MessageBody: z.object({ BulkConfirmUnit: z.array(BulkConfirmUnit) }),
  }),
});
export type BulkCheckDownloadResult = z.infer<typeof BulkCheckDownloadResult>;

// ─── 照会番号 registration (§2.6) ──────────────────────────────────────────────────────────────

export const ReferenceNumberRegistrationInfo = z.object({
  /** The facility's own patient number, ≤ 50 characters. */
  ReferenceNumber: z.string().min(1, 'must not be empty').max(50, 'must be at most 50 characters'),
  InsurerNumber: insurerNumber,
  InsuredCardSymbol: z.string().max(20, 'must be at most 20 characters').optional(),
  InsuredIdentificationNumber: z.string().min(1, 'must not be empty').max(20, 'must be at most 20 characters'),
  InsuredBranchNumber: z.string().regex(/^(\d{2})?$/, 'must be 2 digits or empty').optional(),
});
export type ReferenceNumberRegistrationInfo = z.infer<typeof ReferenceNumberRegistrationInfo>;

const RegistrationHeader = z.object({ MedicalInstitutionCode: institution, ArbitraryFileIdentifier: fileId });

export const ReferenceNumberRequest = z.object({
  XmlMsg: z.object({ MessageHeader: RegistrationHeader, MessageBody: z.object({ ReferenceNumberRegistrationInfo }) }),
});
export type ReferenceNumberRequest = z.infer<typeof ReferenceNumberRequest>;

export const BulkReferenceNumberRequest = z.object({
  XmlMsg: z.object({
    MessageHeader: RegistrationHeader,
    MessageBody: z.object({
      ReferenceNumberRegistrationInfo: z.array(ReferenceNumberRegistrationInfo).min(1, 'at least one patient').max(MAX_BULK_ENTRIES, `at most ${MAX_BULK_ENTRIES} patients per file`),
    }),
  }),
});
export type BulkReferenceNumberRequest = z.infer<typeof BulkReferenceNumberRequest>;

export const BulkRegistrationUnit = z.object({
  ReferenceNumberRegistrationInfo,
  ProcessingResultStatus: str,
  ProcessingResultCode: opt,
  ProcessingResultMessage: opt,
});
export type BulkRegistrationUnit = z.infer<typeof BulkRegistrationUnit>;

/** `OQSsiimm01res`: the single registration's outcome (the exact tags are not public; MR-single). */
export const ReferenceNumberResult = z.object({
  XmlMsg: z.object({ MessageHeader: ResultHeader, MessageBody: BulkRegistrationUnit.partial({ ReferenceNumberRegistrationInfo: true }) }),
});
export type ReferenceNumberResult = z.infer<typeof ReferenceNumberResult>;

export const BulkReferenceNumberDownloadResult = z.object({
  XmlMsg: z.object({ MessageHeader: ResultHeader, MessageBody: z.object({ BulkRegistrationUnit: z.array(BulkRegistrationUnit) }) }),
});
export type BulkReferenceNumberDownloadResult = z.infer<typeof BulkReferenceNumberDownloadResult>;

// ─── 薬剤情報 / 特定健診情報 (§2.8) ──────────────────────────────────────────────────────────────

/** Note the element names differ from the qualification request's (OD1 GenerateXML). */
export const MedicalInfoFileRequest = z.object({
  XmlMsg: z.object({
    MessageHeader: z.object({
      MedicalInstitutionCode: institution,
      InsurerNumber: insurerNumber,
      InsuranceCardSymbol: z.string().max(20).optional(),
      InsuredPersonIdentificationNumber: z.string().min(1, 'must not be empty').max(20),
      BranchNumber: z.string().regex(/^(\d{2})?$/, 'must be 2 digits or empty').optional(),
      ArbitraryFileIdentifier: fileId,
    }),
    MessageBody: z.object({
      StartDate: yyyymmdd.optional(),
      EndDate: yyyymmdd.optional(),
      /** 1 PDF, 2 XML, 3 薬剤+診療 PDF, 4 薬剤+診療 XML (OD1). Only 2 and 4 are answered here. */
      FileCategory: z.enum(['1', '2', '3', '4'], { message: 'must be 1, 2, 3 or 4 (1/3 PDF, 2/4 XML)' }),
      PrDiInfClassification: z.string().regex(/^\d$/, 'must be one digit').optional(),
      /** OQSCD028: 1 外来, 2 訪問診療等, 3 オンライン診療等, 4 救急時. */
      MedicalTreatmentFlag: z.enum(['1', '2', '3', '4'], { message: 'must be 1–4 (OQSCD028)' }).optional(),
    }),
  }),
});
export type MedicalInfoFileRequest = z.infer<typeof MedicalInfoFileRequest>;

/** One monthly block (ours inside: the sources name the blocks, not their children). */
export const MonthInf = z.object({
  /** yyyyMM. */
  MonthOfTreatment: str,
  Entry: z.array(z.object({ Date: str, Item: str, Facility: str })),
});

export const MedicalInfoFileResult = z.object({
  XmlMsg: z.object({
    MessageHeader: z.object({
      ProcessExecutionTime: str,
      CharacterCodeIdentifier: str,
      /** OD1: `1` = success; ours: `2` = refused or failed (reason in MessageContents). */
      ResultCode: str,
      MessageContents: opt,
      MedicalInstitutionCode: str,
      ArbitraryFileIdentifier: opt,
      /** The patient (OD1: MessageHeader/QuaInf). */
      QuaInf: z
        .object({
          InsurerNumber: str,
          InsuranceCardSymbol: opt,
          InsuredPersonIdentificationNumber: str,
          BranchNumber: opt,
          Name: opt,
          NameKana: opt,
          Birthdate: opt,
        })
        .optional(),
    }),
    MessageBody: z.object({
      /** 診療 (diagnosis) months. */
      MeTrMonthInf: z.array(MonthInf).optional(),
      /** 調剤 (pharmacy) months. */
      CzDiMonthInf: z.array(MonthInf).optional(),
      /** 特定健診 (ours: OD1 names only the 薬剤/診療 blocks). */
      SpHeMonthInf: z.array(MonthInf).optional(),
    }),
  }),
});
export type MedicalInfoFileResult = z.infer<typeof MedicalInfoFileResult>;

// ─── 訪問診療等 bulk retrieval (§2.7): consents taken at home (居宅同意取得型) ───────────────────────

export const HomeVisitSearchInfo = z.object({
  /** yyyyMMdd, inclusive: consents registered from this day… */
  ConsentDateFrom: yyyymmdd,
  /** …through this day (JST). */
  ConsentDateTo: yyyymmdd,
  /** OQSCD028: 2 訪問診療等, 3 オンライン診療等. */
  MedicalTreatmentFlag: z.enum(['2', '3'], { message: 'must be 2 (訪問診療等) or 3 (オンライン診療等) (OQSCD028)' }),
});

export const HomeVisitUploadRequest = z.object({
  XmlMsg: z.object({
    MessageHeader: z.object({ MedicalInstitutionCode: institution, ArbitraryFileIdentifier: fileId }),
    MessageBody: z.object({ QualificationConfirmSearchInfo: HomeVisitSearchInfo }),
  }),
});
export type HomeVisitUploadRequest = z.infer<typeof HomeVisitUploadRequest>;

// ─── 医療扶助 bulk retrieval (§2.7): the month's 医療券 / 調剤券 ────────────────────────────────────────

export const MedicalAidSearchInfo = z.object({
  /** yyyyMM: the month of the tickets (医療券/調剤券) asked for. */
  MedicalTreatmentMonth: z.string().regex(/^\d{4}(0[1-9]|1[0-2])$/, 'must be yyyyMM (6 digits, month 01–12)'),
  /** OQSCD028; the sources show it beside the other §2.7 keys, whether OQSmutic carries it is UNCONFIRMED. */
  MedicalTreatmentFlag: z.enum(['1', '2', '3', '4'], { message: 'must be 1–4 (OQSCD028)' }).optional(),
});

export const MedicalAidUploadRequest = z.object({
  XmlMsg: z.object({
    MessageHeader: z.object({ MedicalInstitutionCode: institution, ArbitraryFileIdentifier: fileId }),
    MessageBody: z.object({ QualificationConfirmSearchInfo: MedicalAidSearchInfo }),
  }),
});
export type MedicalAidUploadRequest = z.infer<typeof MedicalAidUploadRequest>;

// ─── オンライン診療等 bulk retrieval (§2.7): by consent dates or examination dates ────────────────────

export const OnlineCareSearchInfo = z
  .object({
    ConsentDateFrom: yyyymmdd.optional(),
    ConsentDateTo: yyyymmdd.optional(),
    ExaminationDateFrom: yyyymmdd.optional(),
    ExaminationDateTo: yyyymmdd.optional(),
    /** OQSCD028: 2 訪問診療等, 3 オンライン診療等. */
    MedicalTreatmentFlag: z.enum(['2', '3'], { message: 'must be 2 (訪問診療等) or 3 (オンライン診療等) (OQSCD028)' }),
  })
  .superRefine((q, ctx) => {
    // Exactly one complete range: From and To of the consent dates, or of the examination dates.
    const consent = q.ConsentDateFrom !== undefined || q.ConsentDateTo !== undefined;
    const exam = q.ExaminationDateFrom !== undefined || q.ExaminationDateTo !== undefined;
    if (consent && exam) {
      ctx.addIssue({ code: 'custom', path: ['ExaminationDateFrom'], message: 'give ConsentDateFrom/ConsentDateTo or ExaminationDateFrom/ExaminationDateTo, not both' });
      return;
    }
    const [from, to, name] = exam ? [q.ExaminationDateFrom, q.ExaminationDateTo, 'ExaminationDate'] : [q.ConsentDateFrom, q.ConsentDateTo, 'ConsentDate'];
    if (from === undefined) ctx.addIssue({ code: 'custom', path: [`${name}From`], message: `<${name}From> is required (a range: ConsentDateFrom/ConsentDateTo or ExaminationDateFrom/ExaminationDateTo)` });
    else if (to === undefined) ctx.addIssue({ code: 'custom', path: [`${name}To`], message: `<${name}To> is required with <${name}From>` });
    else if (to < from) ctx.addIssue({ code: 'custom', path: [`${name}To`], message: `must not be before ${name}From (${from})` });
  });

export const OnlineCareUploadRequest = z.object({
  XmlMsg: z.object({
    MessageHeader: z.object({ MedicalInstitutionCode: institution, ArbitraryFileIdentifier: fileId }),
    MessageBody: z.object({ QualificationConfirmSearchInfo: OnlineCareSearchInfo }),
  }),
});
export type OnlineCareUploadRequest = z.infer<typeof OnlineCareUploadRequest>;

// ─── the kinds, one table ──────────────────────────────────────────────────────────────────────

export const OqsMessageKind = z.enum(['OQSmuquc01', 'OQSmuquc02', 'OQSsiimm01', 'OQSmuimm01', 'OQSmuimm02', 'YZKsiquc01', 'TKKsiquc01', 'OQSmuhvq01', 'OQSmuhvq02', 'OQSmutic01', 'OQSmutic02', 'OQSmuonq01', 'OQSmuonq02']);
export type OqsMessageKind = z.infer<typeof OqsMessageKind>;

export interface OqsMessageDefinition {
  request: z.ZodType;
  result: z.ZodType;
  requestSpec: ElementSpec;
  resultSpec: ElementSpec;
}

/** Derives the element spec (children in schema order, arrays = repeated) from a zod tree. */
function specOf(name: string, schema: z.ZodType, repeated = false): ElementSpec {
  let s: z.ZodType = schema;
  while (s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
  if (s instanceof z.ZodArray) return specOf(name, s.element as z.ZodType, true);
  if (name === 'ResultOfQualificationConfirmation') return { ...qualificationResultSpec('face'), repeated };
  if (s instanceof z.ZodObject) {
    const shape = s.shape as Record<string, z.ZodType>;
    return { name, ...(repeated ? { repeated } : {}), children: Object.entries(shape).map(([k, v]) => specOf(k, v)) };
  }
  return { name, ...(repeated ? { repeated } : {}) };
}

const def = (request: z.ZodType, result: z.ZodType): OqsMessageDefinition => ({
  request,
  result,
  requestSpec: specOf('XmlMsg', (request as z.ZodObject).shape.XmlMsg as z.ZodType),
  resultSpec: specOf('XmlMsg', (result as z.ZodObject).shape.XmlMsg as z.ZodType),
});

export const OQS_MESSAGES: Record<OqsMessageKind, OqsMessageDefinition> = {
  OQSmuquc01: def(BulkCheckUploadRequest, BulkUploadResult),
  OQSmuquc02: def(BulkDownloadRequest, BulkCheckDownloadResult),
  OQSsiimm01: def(ReferenceNumberRequest, ReferenceNumberResult),
  OQSmuimm01: def(BulkReferenceNumberRequest, BulkUploadResult),
  OQSmuimm02: def(BulkDownloadRequest, BulkReferenceNumberDownloadResult),
  YZKsiquc01: def(MedicalInfoFileRequest, MedicalInfoFileResult),
  TKKsiquc01: def(MedicalInfoFileRequest, MedicalInfoFileResult),
  OQSmuhvq01: def(HomeVisitUploadRequest, BulkUploadResult),
  OQSmuhvq02: def(BulkDownloadRequest, BulkCheckDownloadResult),
  OQSmutic01: def(MedicalAidUploadRequest, BulkUploadResult),
  OQSmutic02: def(BulkDownloadRequest, BulkCheckDownloadResult),
  OQSmuonq01: def(OnlineCareUploadRequest, BulkUploadResult),
  OQSmuonq02: def(BulkDownloadRequest, BulkCheckDownloadResult),
};

export function isOqsMessageKind(kind: string): kind is OqsMessageKind {
  return OqsMessageKind.safeParse(kind).success;
}

/** A request file of `kind` → its tree (strict: anything the message does not define is an error). */
export function decodeOqsMessageRequest(kind: OqsMessageKind, bytes: Uint8Array): { request: unknown; encoding: OqsXmlEncoding } | { error: OqsXmlError } {
  const d = OQS_MESSAGES[kind];
  const r = decodeOqsTree(bytes, d.requestSpec, d.request, true);
  return 'error' in r ? r : { request: r.value, encoding: r.encoding };
}

/** A result file of `kind` → its tree (lenient: unknown elements skipped). */
export function decodeOqsMessageResult(kind: OqsMessageKind, bytes: Uint8Array): { result: unknown; encoding: OqsXmlEncoding } | { error: OqsXmlError } {
  const d = OQS_MESSAGES[kind];
  const r = decodeOqsTree(bytes, d.resultSpec, d.result, false);
  return 'error' in r ? r : { result: r.value, encoding: r.encoding };
}

/** A request tree of `kind` → bytes, as a reception system writes it. */
export function encodeOqsMessageRequest(kind: OqsMessageKind, request: unknown, opts: { encoding: OqsXmlEncoding }): Buffer {
  return encodeOqsTree(OQS_MESSAGES[kind].requestSpec, request, opts.encoding).bytes;
}

/** A result tree of `kind` → bytes, with `CharacterCodeIdentifier` set to the encoding. */
export function encodeOqsMessageResult(kind: OqsMessageKind, result: unknown, opts: OqsXmlEncodeOptions): EncodedOqsXml {
  const tree = result as { XmlMsg: { MessageHeader: Record<string, unknown> } & Record<string, unknown> };
  const withCode = { XmlMsg: { ...tree.XmlMsg, MessageHeader: { ...tree.XmlMsg.MessageHeader, CharacterCodeIdentifier: CHARACTER_CODE_IDENTIFIER[opts.encoding] } } };
  return encodeOqsTree(OQS_MESSAGES[kind].resultSpec, withCode, opts.encoding);
}

/**
 * Codes this emulator writes in `ErrorCode` (file level, SegmentOfResult 9), in
 * `ProcessingResultCode` (per patient, ProcessingResultStatus 2) and at the head of
 * `MessageContents` (YZK/TKK, ResultCode 2). The real 別紙6-1 codes are not public
 * (oqs-interface.md §2.11): these are ours, listed in docs/protocols/oqs-folders.md.
 */
export const OQS_PROCESSING_CODES = {
  'unknown-reception-number': 'MRX040',
  'reference-card-not-found': 'MRX042',
  'reference-card-ambiguous': 'MRX043',
  'reference-number-taken': 'MRX044',
  'medical-info-refused': 'MRX045',
  'medical-info-pdf-unsupported': 'MRX046',
  'medical-info-person-not-found': 'MRX047',
  'facility-mode-qualification-only': 'MRX048',
} as const;
export type OqsProcessingCode = keyof typeof OQS_PROCESSING_CODES;

// ─── the JSON twins on the terminal (docs/protocols/oqs-folders.md "JSON over HTTP and WebSocket") ───

/** WebSocket `/oqs` request frame: one folder message as its tree; `kind` as in the file name (`OQSsiquc01`, `OQSmuquc01`, …). */
export const OqsSocketRequest = z.object({
  v: z.literal(1),
  /** Chosen by the client; echoed in the answer. */
  id: z.string().min(1).max(100),
  kind: z.string().regex(/^[A-Z]{3}(?:si|mu)[a-z]{3}\d{2}$/, 'must be a message kind such as OQSsiquc01 or OQSmuquc01'),
  request: z.unknown(),
});
export type OqsSocketRequest = z.infer<typeof OqsSocketRequest>;

/** WebSocket `/oqs` answer frame; `status` as the HTTP twin's (200, 400, 404, 502), `result` the result tree. */
export const OqsSocketResult = z.object({
  v: z.literal(1),
  type: z.literal('oqs.result'),
  id: z.string(),
  kind: z.string(),
  status: z.number().int(),
  result: z.unknown(),
});
export type OqsSocketResult = z.infer<typeof OqsSocketResult>;
