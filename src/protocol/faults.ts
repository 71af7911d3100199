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

export const CentralRoute = z.enum([
  'challenges',
  'card-checks',
  'qualification',
  'qualification-checks',
  // The other folder messages (POST /v1/oqs/:kind): 一括照会, 照会番号, 薬剤/特定健診 files.
  'bulk-checks',
  'reference-numbers',
  'medical-info-files',
]);
export type CentralRoute = z.infer<typeof CentralRoute>;

const target = {
  /** Person id(s) in the eligibility store. */
  person: ids.optional(),
  /** Insurer number(s) (6 or 8 digits, no padding needed). */
  insurer: ids.optional(),
  /**
   * 医療機関コード(s) of the asking facility. A fault with `facility` applies only where the facility
   * is known: card-data checks, the /v1/oqs routes, and results (their header carries it).
   */
  facility: ids.optional(),
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
  /** T32-like layout: family and given name shown in the wrong order ("太郎　架空"), kana too. */
  z.strictObject({ kind: z.literal('name-order'), ...target }),
  /** The name split at the wrong place: the separator U+3000 moved to after character `at` (default 1). */
  z.strictObject({ kind: z.literal('name-split'), at: z.number().int().min(1).optional(), ...target }),
  /** T10: the insurer still shows the old (maiden) surname. */
  z.strictObject({ kind: z.literal('old-surname'), surname: z.string().min(1), surnameKana: z.string().min(1).optional(), ...target }),
  /** T09: 有効期限 (InsuredCardExpirationDate) missing from the result. */
  z.strictObject({ kind: z.literal('missing-expiry'), ...target }),
  /** T08: enrolled in both 国保 and 社保: `other` is shown as a second valid qualification (複数該当). */
  z.strictObject({
    kind: z.literal('double-enrolment'),
    other: z.strictObject({
      insurerNumber: z.string().regex(/^\d{6,8}$/, 'must be a 6–8 digit insurer number'),
      insurerName: z.string().min(1),
      insurerKind: z.enum(['kyokai', 'kumiai', 'kyosai', 'kokuho', 'kokuho-kumiai', 'koki']),
      symbol: z.string().min(1).optional(),
      number: z.string().min(1),
    }),
    ...target,
  }),
  /**
   * T06: a foreign resident's data is not displayed (該当資格なし). Without `person`, people whose
   * name contains a Latin letter (A–Z, Ａ–Ｚ) are the foreign residents.
   */
  z.strictObject({ kind: z.literal('foreign-resident-data-missing'), ...target }),
  /** T03/T04: a dependant's (家族) record shows 無効 while the insured parent's stays 有効. */
  z.strictObject({ kind: z.literal('child-invalid-parent-valid'), ...target }),
  /** T12 ひも付け誤り: a card check of `person` returns the record of `showsPerson`. */
  z.strictObject({ kind: z.literal('mis-linkage'), showsPerson: z.string().min(1), ...target }),
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
  /**
   * Added (issue 6): the next `count` face frames come out with this problem whatever face is
   * presented — a camera guidance (F8), a mismatch (F9) or a capture timeout (F11).
   */
  z
    .object({
      kind: z.literal('face-fail-next'),
      reason: z.enum(['too-close', 'backlight', 'no-face', 'occluded', 'in-sleeve', 'mask', 'mismatch', 'timeout']),
      count: z.number().int().min(1).max(100).default(1),
    })
    .strict(),
  /**
   * Added (issue 6): the reader is in maintenance (D6: settings opened by staff) or updating its
   * software, and refuses cards with the maker's message until closed or rebooted.
   */
  z.object({ kind: z.literal('maintenance'), reason: z.enum(['settings', 'update']).default('update') }).strict(),
]);
export type ReaderFaultSpec = z.infer<typeof ReaderFaultSpec>;
/** As written by a caller (defaults not yet applied). */
export type ReaderFaultInput = z.input<typeof ReaderFaultSpec>;
