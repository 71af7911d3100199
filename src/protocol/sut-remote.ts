import { z } from 'zod';
import { ClinicRecord, ReceptionOutcome } from './reception-outcome.js';

/**
 * Harness ↔ a vendor's reception system (the SUT), over HTTP JSON on 127.0.0.1
 * (docs/protocols/sut.md). The vendor serves it; the harness is the client:
 *
 *   GET    /                              → SutInfo            (who you are; also a health check)
 *   POST   /v1/receptions   StartReception → ReceptionStarted  (201; connect to receptionUrl first)
 *   GET    /v1/receptions/:id/outcome     → OutcomeResponse    (your decision so far, or null)
 *   DELETE /v1/receptions/:id             → 204                (disconnect, forget the reception)
 *
 * Errors: any 4xx/5xx with SutError. Each reception belongs to one scenario and uses only the
 * endpoints it was given, so scenarios running side by side never share state.
 */
export const SUT_PROTOCOL = 'myna-rig-sut';
export const SUT_PROTOCOL_VERSION = 1;
const v = z.literal(SUT_PROTOCOL_VERSION);

export const SutInfo = z.object({
  protocol: z.literal(SUT_PROTOCOL),
  v,
  /** Shown in reports as the system under test, e.g. "ACME レセコン 5.2". */
  name: z.string().min(1),
  version: z.string().optional(),
});
export type SutInfo = z.infer<typeof SutInfo>;

export const StartReception = z.object({
  v,
  /** The scenario this reception serves; for the SUT's own logs. */
  scenarioId: z.string(),
  /** The run's seed; for the SUT's own logs (a SUT need not be random at all). */
  seed: z.number().int(),
  /** ws://127.0.0.1:PORT/reception of this scenario's terminal (docs/protocols/reception.md). */
  receptionUrl: z.string(),
  /** http://127.0.0.1:PORT of the same terminal. */
  terminalUrl: z.string(),
  /**
   * Optional (added to v1): the clinic's own records of the scenario's patients; compare each OQS
   * answer with them (docs/protocols/sut.md "Clinic records"). Absent: the patients are new.
   */
  clinicRecords: z.array(ClinicRecord).optional(),
});
export type StartReception = z.infer<typeof StartReception>;

export const ReceptionStarted = z.object({
  /** The SUT's handle for this reception; used in the paths below. */
  receptionId: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be 1–100 characters of A-Z a-z 0-9 . _ -'),
});
export type ReceptionStarted = z.infer<typeof ReceptionStarted>;

export const OutcomeResponse = z.object({
  /** null until the reception has decided anything. */
  outcome: ReceptionOutcome.nullable(),
});
export type OutcomeResponse = z.infer<typeof OutcomeResponse>;

export const SutError = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
export type SutError = z.infer<typeof SutError>;
