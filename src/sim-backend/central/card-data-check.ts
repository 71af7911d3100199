import { fromYmd, isIsoDate, type IsoDate } from '../../domain/index.js';
import { NO_CONSENT } from '../../protocol/consent.js';
import type { OqsResultDocument, QualificationConfirmSearchInfo } from '../../protocol/oqs-request.js';
import type { OqsResultMessage } from '../../protocol/oqs-result.js';
import type { FaultInjector } from './faults.js';
import { buildQualificationResult, type QualificationRecord, type RatioFieldScope } from './qualification-result.js';
import type { EligibilityStore, InsuredCardMatch } from './store.js';

/**
 * A check by insurance-card data (照会区分 2), shared by the single check (OQSsiquc01) and the
 * 一括照会 (OQSmuquc01/02): find the record the card names, let the data faults show it as they
 * would, and build the result with the search keys echoed.
 */

export interface CardDataHeader {
  QualificationConfirmationDate: string;
  MedicalInstitutionCode: string;
  ArbitraryFileIdentifier?: string | undefined;
}

export type CardDataLookup =
  | { ok: true; date: IsoDate; match: InsuredCardMatch | undefined }
  | { ok: false; field: 'QualificationConfirmationDate' | 'Birthdate'; message: string };

/** Dates checked, then the record with this card data and this birth date (undefined: none). */
export function lookupCardData(store: EligibilityStore, header: CardDataHeader, search: QualificationConfirmSearchInfo): CardDataLookup {
  const date = ymdDate(header.QualificationConfirmationDate);
  const birth = ymdDate(search.Birthdate);
  if (date === undefined) return { ok: false, field: 'QualificationConfirmationDate', message: 'is not a calendar date' };
  if (birth === undefined) return { ok: false, field: 'Birthdate', message: 'is not a calendar date' };
  const card = {
    insurerNumber: search.InsurerNumber,
    number: search.InsuredIdentificationNumber,
    ...(search.InsuredCardSymbol !== undefined ? { symbol: search.InsuredCardSymbol } : {}),
    ...(search.InsuredBranchNumber !== undefined ? { branch: search.InsuredBranchNumber } : {}),
  };
  return { ok: true, date, match: store.findByInsuredCard(card).find((m) => m.record.person.birthDate === birth) };
}

export interface CardDataResultInput {
  faults: FaultInjector;
  ratioFieldScope?: RatioFieldScope | undefined;
  header: CardDataHeader;
  search: QualificationConfirmSearchInfo;
  date: IsoDate;
  match: InsuredCardMatch | undefined;
  /** epoch ms (virtual clock). */
  now: number;
}

/** The result document, with the person's id when one was found (for the caller's bookkeeping). */
export function cardDataResult(input: CardDataResultInput): { document: OqsResultDocument; personId?: string } {
  const { header, search, match, faults } = input;
  const common = {
    date: input.date,
    now: input.now,
    consent: NO_CONSENT,
    certificateStatus: 'valid' as const,
    referenceClassification: '2' as const,
    limitConsent: search.LimitApplicationCertificateRelatedConsFlg === '1',
    medicalInstitutionCode: header.MedicalInstitutionCode,
    ...(header.ArbitraryFileIdentifier !== undefined ? { arbitraryFileIdentifier: header.ArbitraryFileIdentifier } : {}),
    ...(input.ratioFieldScope !== undefined ? { ratioFieldScope: input.ratioFieldScope } : {}),
  };
  let result: OqsResultMessage;
  const record = match ? faults.viewRecord(match.record, input.date, { facility: header.MedicalInstitutionCode, via: 'card-data' }) : undefined;
  // The fault view may have hidden the record the card names (registration lag): then 該当資格なし.
  const target = record?.qualifications.find((q) => sameCard(q, match!.qualification));
  if (record && target) {
    result = faults.adjustResult(buildQualificationResult({ ...common, person: record.person, qualifications: record.qualifications, target }), record.person.id);
  } else {
    result = buildQualificationResult({ ...common, person: NOBODY, qualifications: [], registered: false });
    // "not registered" is the card-check wording; a card-data miss carries no note.
    delete result.XmlMsg.MessageBody.ProcessingResultMessage;
  }
  const document: OqsResultDocument = {
    XmlMsg: { MessageHeader: result.XmlMsg.MessageHeader, MessageBody: { QualificationConfirmSearchInfo: search, ...result.XmlMsg.MessageBody } },
  };
  return record && target ? { document, personId: record.person.id } : { document };
}

/** A placeholder person for a search that found nobody: no record of it reaches the result. */
const NOBODY = { id: '', name: '', birthDate: '1900-01-01' as IsoDate, sex: 3 as const };

export function ymdDate(ymd: string): IsoDate | undefined {
  const iso = `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`;
  return /^\d{8}$/.test(ymd) && isIsoDate(iso) ? fromYmd(ymd) : undefined;
}

export function sameCard(a: QualificationRecord, b: QualificationRecord): boolean {
  return a.insurerNumber === b.insurerNumber && (a.symbol ?? '') === (b.symbol ?? '') && a.number === b.number && (a.branch ?? '') === (b.branch ?? '');
}
