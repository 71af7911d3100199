import { z } from 'zod';

/**
 * Fault declarations: the data format in which a scenario (or the command line) declares what
 * goes wrong. It lives in protocol because the harness writes it and the simulators read it; the
 * injectors that apply each fault live at the edge of their simulator (central/faults.ts,
 * sim-reader/faults.ts).
 */

// ---- central (sim-backend/central/faults.ts applies them) ----

const ids = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const ratio = z.union([z.literal(10), z.literal(20), z.literal(30), z.literal(100)], {
  message: 'must be a copay ratio in percent: 10, 20, 30 or 100',
});

export const CentralRoute = z.enum(['challenges', 'card-checks', 'qualification', 'qualification-checks']);
export type CentralRoute = z.infer<typeof CentralRoute>;

const target = {
  /** Person id(s) in the eligibility store. */
  person: ids.optional(),
  /** Insurer number(s) (6 or 8 digits, no padding needed). */
  insurer: ids.optional(),
  /** Share 0..1 of the matching people (data faults) or requests (request faults); default 1. */
  share: z.number().min(0).max(1).optional(),
};
const requestTarget = {
  ...target,
  /** Which central calls; default all. */
  routes: z.array(CentralRoute).min(1).optional(),
};

const isoInstant = z.string().refine((s) => Number.isFinite(Date.parse(s)), { message: 'must be a date-time, e.g. 2025-04-01T09:00:00+09:00' });

export const FaultSpec = z.discriminatedUnion('kind', [
  /** T01–T04: 資格無効 / 該当資格なし although insured, for `days` days from 資格取得. */
  z.strictObject({ kind: z.literal('registration-lag'), days: z.number().int().min(1), ...target }),
  /** T13–T17, T19–T22: the displayed ratio differs from the insurer's master. */
  z.strictObject({ kind: z.literal('wrong-ratio'), ratio, ...target }),
  /** T18: the ratio changes from one query to the next: query n shows ratios[n mod length]. */
  z.strictObject({ kind: z.literal('ratio-flips'), ratios: z.array(ratio).min(2), ...target }),
  /**
   * T30, T33: ● stored in the name itself (an insurer's 外字 never converted), so it shows in UTF-8
   * files too. `chars`: every occurrence of these characters becomes ●; else the first `count`
   * (default 1) characters of the name that are not spaces.
   */
  z.strictObject({ kind: z.literal('gaiji-in-name'), chars: z.string().min(1).optional(), count: z.number().int().min(1).optional(), ...target }),
  /** T07: the insurer never registered the loss: the record stays 有効. */
  z.strictObject({ kind: z.literal('still-valid-after-loss'), ...target }),
  /** Real milliseconds before central answers. */
  z.strictObject({ kind: z.literal('latency'), ms: z.number().int().min(0).max(600_000), ...requestTarget }),
  /** Central answers with this HTTP status (ApiError code `injected-fault`). */
  z.strictObject({ kind: z.literal('http-error'), status: z.number().int().min(400).max(599), ...requestTarget }),
  /** Central answers 503 `outage` while the virtual clock is in [from, to). */
  z.strictObject({ kind: z.literal('outage'), from: isoInstant, to: isoInstant, ...requestTarget }),
]);
export type FaultSpec = z.infer<typeof FaultSpec>;
export const FaultSpecs = z.array(FaultSpec);

// ---- reader (sim-reader applies them; all cleared by a reboot) ----

export const ReaderFaultSpec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('boot-hang') }).strict(),
  z.object({ kind: z.literal('freeze'), afterActions: z.number().int().min(0).max(1000) }).strict(),
  z
    .object({
      kind: z.literal('link-drop'),
      reconnect: z.enum(['auto', 'on-reboot']).default('auto'),
      afterMs: z.number().int().min(0).max(10_000).default(50),
    })
    .strict(),
  z.object({ kind: z.literal('camera-unavailable') }).strict(),
  z.object({ kind: z.literal('slow-card-read'), ms: z.number().int().min(0).max(10_000) }).strict(),
]);
export type ReaderFaultSpec = z.infer<typeof ReaderFaultSpec>;
/** As written by a caller (defaults not yet applied). */
export type ReaderFaultInput = z.input<typeof ReaderFaultSpec>;
