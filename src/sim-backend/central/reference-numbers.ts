/**
 * 照会番号 (the facility's own patient number) registered per facility and person
 * (OQSsiimm01 / OQSmuimm01, oqs-interface.md §2.6). A person has at most one number per facility
 * (a new registration replaces the old); a number names at most one person per facility.
 */
export class ReferenceNumbers {
  /** facility → person → number */
  readonly #byPerson = new Map<string, Map<string, string>>();
  /** facility → number → person */
  readonly #byNumber = new Map<string, Map<string, string>>();

  /** Registers; returns the person already holding this number at this facility, if another. */
  register(medicalInstitutionCode: string, personId: string, referenceNumber: string): { ok: true } | { ok: false; heldBy: string } {
    const numbers = this.#byNumber.get(medicalInstitutionCode) ?? new Map<string, string>();
    const holder = numbers.get(referenceNumber);
    if (holder !== undefined && holder !== personId) return { ok: false, heldBy: holder };
    const people = this.#byPerson.get(medicalInstitutionCode) ?? new Map<string, string>();
    const previous = people.get(personId);
    if (previous !== undefined) numbers.delete(previous);
    people.set(personId, referenceNumber);
    numbers.set(referenceNumber, personId);
    this.#byPerson.set(medicalInstitutionCode, people);
    this.#byNumber.set(medicalInstitutionCode, numbers);
    return { ok: true };
  }

  get(medicalInstitutionCode: string, personId: string): string | undefined {
    return this.#byPerson.get(medicalInstitutionCode)?.get(personId);
  }
}

/** A result document as central builds it (OQSsiquc01res, its face twin, a BulkConfirmUnit's source). */
interface ResultDocumentLike {
  XmlMsg: { MessageHeader: object; MessageBody: { ProcessingResultStatus: string; ResultList?: { ResultOfQualificationConfirmation: readonly object[] } | undefined } };
}

/**
 * The document with `ReferenceNumber` in every ResultOfQualificationConfirmation (a copy: the
 * input is left alone); the document itself when there is no number or no result. For answers
 * built without `referenceNumber` in their input (buildQualificationResult), e.g. a check by
 * card data (card-data-check.ts).
 */
export function withReferenceNumber<T extends ResultDocumentLike>(document: T, referenceNumber: string | undefined): T {
  const list = document.XmlMsg.MessageBody.ResultList;
  if (referenceNumber === undefined || !list || list.ResultOfQualificationConfirmation.length === 0) return document;
  return {
    ...document,
    XmlMsg: {
      ...document.XmlMsg,
      MessageBody: {
        ...document.XmlMsg.MessageBody,
        ResultList: { ...list, ResultOfQualificationConfirmation: list.ResultOfQualificationConfirmation.map((r) => ({ ...r, ReferenceNumber: referenceNumber })) },
      },
    },
  };
}
