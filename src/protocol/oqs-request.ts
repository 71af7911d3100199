import { z } from 'zod';
import { MessageBody, MessageHeader } from './oqs-result.js';

/**
 * The request of a check by insurance-card data, `OQSsiquc01req_<suffix>.xml` (oqs-interface.md
 * §2.2), as a tree whose keys are the element names, and the result of that check, which echoes
 * the search keys (`QualificationConfirmSearchInfo`, present when ReferenceClassification is 2).
 * All leaf values are strings: leading zeros and the space padding of InsurerNumber matter.
 */

const yyyymmdd = z.string().regex(/^\d{8}$/, 'must be yyyyMMdd (8 digits)');

export const QualificationConfirmSearchInfo = z.object({
  /** 8 characters; 6-digit insurers right-aligned with two spaces ("  138057"). */
  InsurerNumber: z.string().regex(/^ {0,2}\d{6,8}$/, 'must be a 6–8 digit insurer number, right-aligned to 8 characters with spaces'),
  /** 記号, may contain hyphens; absent for 後期. */
  InsuredCardSymbol: z.string().max(20, 'must be at most 20 characters').optional(),
  /** 番号, keep leading zeros. */
  InsuredIdentificationNumber: z.string().min(1, 'must not be empty').max(20, 'must be at most 20 characters'),
  /** 枝番, 2 digits; empty allowed. */
  InsuredBranchNumber: z.string().regex(/^(\d{2})?$/, 'must be 2 digits or empty').optional(),
  Birthdate: yyyymmdd,
  /** OQSCD001: 0 未同意, 1 同意 — consent to release 限度額 information. */
  LimitApplicationCertificateRelatedConsFlg: z.enum(['0', '1'], { message: 'must be 0 or 1 (OQSCD001)' }),
  /** Per-person free id (used in bulk requests), echoed. */
  ArbitraryIdentifier: z.string().max(50).optional(),
});
export type QualificationConfirmSearchInfo = z.infer<typeof QualificationConfirmSearchInfo>;

export const OqsQualificationRequestHeader = z.object({
  /** The date whose eligibility is asked; past dates are allowed. */
  QualificationConfirmationDate: yyyymmdd,
  MedicalInstitutionCode: z.string().regex(/^\d{10}$/, 'must be 10 digits'),
  ArbitraryFileIdentifier: z.string().max(50, 'must be at most 50 characters').optional(),
});

export const OqsQualificationRequest = z.object({
  XmlMsg: z.object({
    MessageHeader: OqsQualificationRequestHeader,
    MessageBody: z.object({ QualificationConfirmSearchInfo }),
  }),
});
export type OqsQualificationRequest = z.infer<typeof OqsQualificationRequest>;

/**
 * A result tree as a file carries it: the face/JSON result (`OqsResultMessage`) plus the echo of
 * the search keys for checks by insurance-card data. Every OqsResultMessage is one of these.
 */
export const OqsResultDocument = z.object({
  XmlMsg: z.object({
    MessageHeader,
    MessageBody: MessageBody.extend({ QualificationConfirmSearchInfo: QualificationConfirmSearchInfo.optional() }),
  }),
});
export type OqsResultDocument = z.infer<typeof OqsResultDocument>;

/** File names of the req → res exchange (oqs-interface.md §1.2): the result keeps the suffix. */
export const QUALIFICATION_REQUEST_PREFIX = 'OQSsiquc01req_';
export const QUALIFICATION_RESULT_PREFIX = 'OQSsiquc01res_';
/** Any request file name of the folder interface: `<3 letters><si|mu><3 letters><2 digits>req_<suffix>.xml`. */
export const REQUEST_FILE_NAME_PATTERN = /^([A-Z]{3}(?:si|mu)[a-z]{3}\d{2})req_(.+)\.xml$/;

/** `OQSsiquc01req_202504010001.xml` → `OQSsiquc01res_202504010001.xml`; undefined for a name that is not a request. */
export function resultFileNameFor(requestFileName: string): string | undefined {
  const m = REQUEST_FILE_NAME_PATTERN.exec(requestFileName);
  return m ? `${m[1]}res_${m[2]}.xml` : undefined;
}
