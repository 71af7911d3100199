import { z } from 'zod';
import { AuthMethod, ReaderAttestation } from './reader-link.js';
import { ConsentChoices } from './consent.js';
import { OqsQualificationRequest } from './oqs-request.js';
import { OqsResultMessage } from './oqs-result.js';

/**
 * Terminal ↔ central system: HTTP JSON on 127.0.0.1 (docs/protocols/backend-api.md).
 *
 *   POST /v1/challenges                         → ChallengeResponse
 *   POST /v1/card-checks          CardCheckRequest → CardCheckResponse
 *        (one-request check: `qualification` in the request → the OqsResultMessage in the answer;
 *        every 200 answer carries `nextChallenge`, the backend's next fresh single-use challenge)
 *   POST /v1/card-checks/:checkId/qualification QualificationRequest → OqsResultMessage
 *   POST /v1/card-checks/:checkId/registration  {} → RegistrationResponse (健康保険証利用登録 on the reader)
 *   POST /v1/qualification-checks QualificationCheckRequest → OqsResultDocument (oqs-request.ts)
 *   POST /v1/medical-info          MedicalInfoRequest → MedicalInfoResponse (403 MedicalInfoRefusalReason)
 *   POST /v1/previous-consents     PreviousConsentRequest → PreviousConsentResponse (carry-over, since 2025-02)
 *
 * Errors: 4xx/5xx with ApiError. A refused certificate is not an HTTP error: it is a 200
 * CardCheckResponse with `accepted: false` and the reason.
 */

export const ChallengeResponse = z.object({
  challengeId: z.string(),
  /** base64 of 32 random bytes. */
  nonce: z.string(),
  /** epoch ms (virtual clock) after which the challenge is refused. */
  expiresAt: z.number(),
});
export type ChallengeResponse = z.infer<typeof ChallengeResponse>;

/**
 * How the consent was given on the reader (added, optional): `bulk` on the 包括同意 screen,
 * `individual` item by item, `carried-over` «現在の同意状況を引き継ぐ» on the carry-over screen
 * (reader-flow N18), `not-asked` no consent screen at all (資格確認限定型). Only an `individual`
 * or `carried-over` consent is offered for carry-over at the next visit (004:21).
 */
export const ConsentMethod = z.enum(['bulk', 'individual', 'carried-over', 'not-asked']);
export type ConsentMethod = z.infer<typeof ConsentMethod>;

export const QualificationRequest = z.object({
  consent: ConsentChoices,
  /** Where the face file goes; echoed in the header. */
  arbitraryFileIdentifier: z.string().max(50).optional(),
  /** Added: how `consent` was given (absent: unknown, treated as not carried over). */
  consentMethod: ConsentMethod.optional(),
});
export type QualificationRequest = z.infer<typeof QualificationRequest>;

export const CardCheckRequest = z.object({
  medicalInstitutionCode: z.string().regex(/^\d{10}$/, 'must be 10 digits'),
  method: AuthMethod,
  /** base64 DER of the card's user-authentication certificate. */
  certificate: z.string().min(1),
  challengeId: z.string().min(1),
  /** base64 card signature over the nonce (method `pin`). */
  signature: z.string().optional(),
  /** reader attestation (methods `face` and `visual`). */
  attestation: ReaderAttestation.optional(),
  /**
   * One-request check: the qualification request of this check, answered in the same response
   * (`CardCheckResponse.qualification`) instead of by `POST /v1/card-checks/:checkId/qualification`.
   */
  qualification: QualificationRequest.optional(),
});
export type CardCheckRequest = z.infer<typeof CardCheckRequest>;

/**
 * Certificate status as the central system judges it on the check date:
 * the validity statuses of domain/certificate-validity plus the ones a chain or
 * revocation check yields.
 */
export const CertificateCheckStatus = z.enum([
  'valid',
  'expiring-soon',
  'expired-in-grace',
  'expired-beyond-grace',
  'not-yet-valid',
  'revoked',
  'suspended',
  'untrusted',
]);
export type CertificateCheckStatus = z.infer<typeof CertificateCheckStatus>;

export const RejectionReason = z.enum([
  'certificate-expired',
  'certificate-revoked',
  'certificate-suspended',
  'certificate-untrusted',
  'certificate-not-yet-valid',
  /** J-LIS revocation state unknown: the CRL central holds is past its nextUpdate (crl_stale_policy refuse). */
  'certificate-status-unknown',
  'signature-invalid',
  'challenge-unknown',
  'challenge-expired',
  'challenge-reused',
  'attestation-invalid',
  'card-not-linked',
]);
export type RejectionReason = z.infer<typeof RejectionReason>;

export const CardCheckResponse = z.object({
  accepted: z.boolean(),
  /** Present when accepted: the handle for the qualification request. */
  checkId: z.string().optional(),
  certificateStatus: CertificateCheckStatus,
  /** yyyy-MM-dd, last day of the certificate's validity (notAfter in JST). */
  certificateExpiresOn: z.string().optional(),
  /** Whether the card is registered for use as a health-insurance card (健康保険証利用登録). */
  registered: z.boolean(),
  rejection: z.object({ reason: RejectionReason, message: z.string() }).optional(),
  /**
   * A fresh single-use challenge for the NEXT card check (like ACME's Replay-Nonce), so a reader
   * in steady state needs no `POST /v1/challenges`. Present on every 200 answer, refused ones too.
   */
  nextChallenge: ChallengeResponse.optional(),
  /** The qualification result when the request asked for it and the card was accepted. */
  qualification: OqsResultMessage.optional(),
  /**
   * When the request asked for the qualification but it could not be answered in the same
   * response (a fault at the qualification edge): the error; `checkId` is then still live, so the
   * qualification can be asked for with `POST /v1/card-checks/:checkId/qualification`.
   */
  qualificationError: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type CardCheckResponse = z.infer<typeof CardCheckResponse>;

/** Answer to a registration made on the reader (reader-flow N12). */
export const RegistrationResponse = z.object({ registered: z.literal(true) });
export type RegistrationResponse = z.infer<typeof RegistrationResponse>;

export const ApiError = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    /** JSON path of the offending field, when there is one. */
    field: z.string().optional(),
  }),
});
export type ApiError = z.infer<typeof ApiError>;

/**
 * A check by insurance-card data (照会区分 2): the `OQSsiquc01req` tree as JSON, exactly as the
 * request file carries it (oqs-request.ts). The answer is an `OqsResultDocument` with
 * ReferenceClassification 2 and the search keys echoed in `QualificationConfirmSearchInfo`.
 */
export const QualificationCheckRequest = OqsQualificationRequest;
export type QualificationCheckRequest = OqsQualificationRequest;

/** Medical information a facility may fetch with consent (rules.md §2.3): 薬剤/診療/特定健診/手術. */
export const MedicalInfoKind = z.enum(['pharmacy', 'diagnosis', 'checkup', 'operation']);
export type MedicalInfoKind = z.infer<typeof MedicalInfoKind>;

/**
 * `POST /v1/medical-info`: the person is named by `personId` or by the `checkId` of the card check
 * that took the consent (exactly one of them).
 */
export const MedicalInfoRequest = z
  .object({
    medicalInstitutionCode: z.string().regex(/^\d{10}$/, 'must be 10 digits'),
    personId: z.string().min(1).optional(),
    checkId: z.string().min(1).optional(),
    kind: MedicalInfoKind,
  })
  .refine((r) => (r.personId === undefined) !== (r.checkId === undefined), { message: 'give exactly one of "personId" and "checkId"', path: ['personId'] });
export type MedicalInfoRequest = z.infer<typeof MedicalInfoRequest>;

/** Why a fetch is refused (HTTP 403, `error.code`). `consent-expired` is OQSCD016 `2` 同意有効期限切れ. */
/** `qualification-only-facility`: the facility runs 資格確認限定型 (qualification only, never medical information). */
export const MedicalInfoRefusalReason = z.enum(['no-consent', 'consent-expired', 'other-facility', 'certificate-in-grace', 'qualification-only-facility']);
export type MedicalInfoRefusalReason = z.infer<typeof MedicalInfoRefusalReason>;

export const MedicalInfoEntry = z.object({
  /** yyyyMMdd. */
  date: z.string(),
  /** What happened: a drug and dose, a diagnosis, a checkup value, an operation. Synthetic. */
  item: z.string(),
  /** Where (synthetic facility name). */
  facility: z.string(),
});
export type MedicalInfoEntry = z.infer<typeof MedicalInfoEntry>;

export const MedicalInfoResponse = z.object({
  personId: z.string(),
  kind: MedicalInfoKind,
  medicalInstitutionCode: z.string(),
  /** The card check whose consent allowed this answer. */
  checkId: z.string(),
  /** yyyyMMddHHmmss (JST): consent time, and the end of the 24-hour access window. */
  consentTime: z.string(),
  availableTime: z.string(),
  entries: z.array(MedicalInfoEntry),
});
export type MedicalInfoResponse = z.infer<typeof MedicalInfoResponse>;

/**
 * `POST /v1/home-consents`: 居宅同意取得型 (マイナ在宅受付Web, rules.md §3): the patient, at home,
 * chose consents and confirmed with PIN + card on the facility's URL; the harness reports the
 * outcome (the Web flow's own card exchange is not emulated). Registers the consent like a card
 * check at that facility (24-hour access) and answers with the qualification result.
 */
export const HomeConsentRequest = z.object({
  medicalInstitutionCode: z.string().regex(/^\d{10}$/, 'must be 10 digits'),
  personId: z.string().min(1),
  consent: ConsentChoices,
  /** OQSCD028: 2 訪問診療等 (default), 3 オンライン診療等. */
  medicalTreatmentFlag: z.enum(['2', '3']).default('2'),
});
export type HomeConsentRequest = z.infer<typeof HomeConsentRequest>;

export const HomeConsentResponse = z.object({
  /** Names the consent for POST /v1/medical-info (`checkId`). */
  checkId: z.string(),
  result: OqsResultMessage,
});
export type HomeConsentResponse = z.infer<typeof HomeConsentResponse>;

/**
 * `POST /v1/previous-consents` (added): the holder's previous consent at this facility, for the
 * carry-over screen (reader-flow K0 / N15, since 2025-02; rules.md §2.3 carry-over). The holder is
 * named by the user-authentication certificate, as in the card check.
 */
export const PreviousConsentRequest = z.object({
  medicalInstitutionCode: z.string().regex(/^\d{10}$/, 'must be 10 digits'),
  /** base64 DER of the card's user-authentication certificate. */
  certificate: z.string().min(1),
});
export type PreviousConsentRequest = z.infer<typeof PreviousConsentRequest>;

/**
 * `previousConsent` is present only when the LATEST consent of that holder at that facility was
 * chosen item by item (or carried over from such a choice): a 包括同意 or a refusal of every
 * screen is not carried over (004:21). An unknown certificate is answered like no consent.
 */
export const PreviousConsentResponse = z.object({
  previousConsent: z
    .object({
      items: ConsentChoices,
      /** The card check that recorded it. */
      checkId: z.string(),
      /** yyyyMMddHHmmss (JST). */
      consentTime: z.string(),
    })
    .optional(),
});
export type PreviousConsentResponse = z.infer<typeof PreviousConsentResponse>;
