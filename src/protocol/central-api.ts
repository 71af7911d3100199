import { z } from 'zod';
import { AuthMethod, ReaderAttestation } from './reader-link.js';
import { ConsentChoices } from './consent.js';
import { OqsQualificationRequest } from './oqs-request.js';

/**
 * Terminal ↔ central system: HTTP JSON on 127.0.0.1 (docs/protocols/backend-api.md).
 *
 *   POST /v1/challenges                         → ChallengeResponse
 *   POST /v1/card-checks          CardCheckRequest → CardCheckResponse
 *   POST /v1/card-checks/:checkId/qualification QualificationRequest → OqsResultMessage
 *   POST /v1/qualification-checks QualificationCheckRequest → OqsResultDocument (oqs-request.ts)
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
});
export type CardCheckResponse = z.infer<typeof CardCheckResponse>;

export const QualificationRequest = z.object({
  consent: ConsentChoices,
  /** Where the face file goes; echoed in the header. */
  arbitraryFileIdentifier: z.string().max(50).optional(),
});
export type QualificationRequest = z.infer<typeof QualificationRequest>;

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
