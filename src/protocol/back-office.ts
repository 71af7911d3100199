import { z } from 'zod';
import { BulkCheckDownloadResult } from './oqs-messages.js';
import { MedicalInfoKind } from './central-api.js';
import { OqsResultMessage } from './oqs-result.js';
import { ReceptionOutcome } from './reception-outcome.js';

/**
 * Answers that reach a reception system's back office rather than its counter: the 一括照会
 * download (OQSmuquc02res) and a medical-information fetch. The harness hands each answer to the
 * reception, which decides what the staff see (`BackOfficeOutcome`); scenarios check that
 * decision. Added for the runner's back-office steps (batch-check / batch-download /
 * request-medical-info).
 */
export const BackOfficeAnswer = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('bulk-check-download'),
    /** The OQSmuquc02res tree; units carry the patient's key in ArbitraryIdentifier. */
    result: BulkCheckDownloadResult,
  }),
  z.object({
    kind: z.literal('medical-info'),
    /** The patient's key at the reception. */
    patient: z.string(),
    medicalKind: MedicalInfoKind,
    /** HTTP status of the fetch: 200 released, 403 refused. */
    status: z.number().int(),
    /** Refusal code (`no-consent`, `consent-expired`, …) when refused. */
    refusal: z.string().optional(),
    /** Number of entries released (200 only). */
    entries: z.number().int().min(0).optional(),
  }),
  /**
   * Added to v1: the facility's fetch of a 居宅同意取得型 qualification (マイナ在宅受付Web; central's
   * POST /v1/home-consents/:checkId/qualification), made by the back office for a patient who
   * consented on the facility's URL and is seen away from the counter (home visit, drive-through,
   * a separate route). Decide on `result` as on a card check's `qualification.result`.
   */
  z.object({
    kind: z.literal('home-qualification'),
    /** The patient's key at the reception. */
    patient: z.string(),
    /** HTTP status of the fetch: 200 served; 403 past consent + 24 h, 404 no such consent here. */
    status: z.number().int(),
    /** Refusal code (`home-consent-expired`, `home-consent-not-found`, …) when refused. */
    refusal: z.string().optional(),
    /** yyyyMMddHHmmss JST: when the patient consented, and the last instant the fetch is served. */
    consentTime: z.string().optional(),
    availableUntil: z.string().optional(),
    /** The qualification result (200 only): the same XmlMsg tree as `qualification.result` carries. */
    result: OqsResultMessage.optional(),
  }),
]);
export type BackOfficeAnswer = z.infer<typeof BackOfficeAnswer>;

export const BackOfficeOutcome = z.object({
  batch: z
    .object({
      /** processing: 処理中 (nothing known yet); done: per-patient verdicts read; error: 異常終了. */
      state: z.enum(['processing', 'done', 'error']),
      /** OQSCD006 per patient key, only for patients the download answered. */
      validity: z.record(z.string(), z.string()),
      /** Patients to flag for their visit (not confirmed valid). Never those not yet checked. */
      flagged: z.array(z.string()),
    })
    .optional(),
  medicalInfo: z
    .object({
      patient: z.string(),
      kind: MedicalInfoKind,
      /** Whether the staff are shown the information. */
      shown: z.boolean(),
      /** Why it is not shown (the refusal code), when not shown. */
      reason: z.string().optional(),
    })
    .optional(),
  /**
   * Added to v1: the decision on the last `home-qualification` answer, made as on a card check at
   * the counter (ratio, validity, clinic-record and 照会番号 checks), for the patient it is about.
   */
  homeVisit: ReceptionOutcome.extend({ patient: z.string() }).optional(),
});
export type BackOfficeOutcome = z.infer<typeof BackOfficeOutcome>;

/**
 * Remote SUT protocol (docs/protocols/sut.md), optional back-office endpoints:
 *   POST /v1/receptions/:id/back-office   BackOfficeAnswer → BackOfficeResponse (the decision after it)
 *   GET  /v1/receptions/:id/back-office   → BackOfficeResponse
 * A SUT without them answers 404, and scenarios with back-office steps fail with that reason.
 */
export const BackOfficeResponse = z.object({ backOffice: BackOfficeOutcome });
export type BackOfficeResponse = z.infer<typeof BackOfficeResponse>;
