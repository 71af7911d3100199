import { z } from 'zod';

/**
 * What a reception system decided for the patient at the counter: the value the harness compares
 * with a scenario's expectations. The remote SUT protocol (later) carries exactly this object.
 */

export const FallbackOption = z.enum([
  'eligibility-certificate', // 資格確認書
  'notice-with-card', // 資格情報のお知らせ + the card, checked by insured number (照会区分 2)
  'mynaportal-with-card', // マイナポータル screen + the card
  'mynaportal-pdf-with-card', // マイナポータル PDF + the card
  'paper-insurance-card', // 健康保険証 while still usable
  'lost-qualification-record', // the «資格(無効)» screen or past-visit record
  'eligibility-declaration', // 被保険者資格申立書
]);
export type FallbackOption = z.infer<typeof FallbackOption>;

export const Guidance = z.enum([
  'offer-face-auth',
  'offer-visual-check', // 目視確認モード
  'retry-pin',
  'renew-certificate',
  'unlock-pin-at-municipality',
  'bring-document-next-time',
  'use-physical-card', // the smartphone was refused (E-phone): the マイナンバーカード itself may still work
  // Added: the reader is in maintenance and refuses cards (reader-flow D6).
  'close-reader-maintenance', // staff close the maintenance screen at the reader (N34)
  'restart-reader', // a shutdown/restart of the reader (and terminal) clears it (seed 003 資料① row 2, T45)
]);
export type Guidance = z.infer<typeof Guidance>;

export const ReceptionOutcome = z.object({
  /**
   * accepted: insurance confirmed, billing at copayRatio;
   * fallback: not confirmed online, another proof or the 申立書 applies;
   * pending: the check is still under way at the reader (e.g. PIN locked, patient to choose face);
   * refused: no insurance billing (e.g. 自費).
   */
  status: z.enum(['accepted', 'fallback', 'pending', 'refused']),
  /** Percent: 10, 20, 30, 100. For a fallback: the ratio to charge on the declared basis. */
  copayRatio: z.number().int().optional(),
  /** OQSCD012 code. */
  limitCategory: z.string().optional(),
  displayedName: z.string().optional(),
  /** OQSCD006 of the result the decision was based on. */
  qualificationValidity: z.string().optional(),
  /** Machine-readable reason for a fallback / pending / refusal. */
  reason: z.string().optional(),
  /** Acceptable proofs, most preferred first. */
  fallbackOptions: z.array(FallbackOption).optional(),
  guidance: z.array(Guidance).optional(),
  warnings: z.array(z.string()).optional(),
});
export type ReceptionOutcome = z.infer<typeof ReceptionOutcome>;

/**
 * The clinic's own record of a patient (診察券 / カルテ), which the harness hands to the reception
 * when it starts (remote: `StartReception.clinicRecords`). The reception compares each OQS answer
 * with it before billing, as the sources ask staff to (troubles.md T10 old surname, T12 ひも付け誤り,
 * T32 name layout). Added for the runner's `clinicRecord` persona field.
 */
export const ClinicRecord = z.object({
  /** Family and given name as the clinic holds them, separated by U+3000. */
  name: z.string().min(1),
  nameKana: z.string().optional(),
  /** 保険者番号 (6 or 8 digits) the clinic last recorded. */
  insurerNumber: z.string().optional(),
  /** 被保険者番号 the clinic last recorded. */
  number: z.string().optional(),
  /**
   * The clinic's own patient number (照会番号, e.g. the 診察券番号) it registered for this patient
   * (OQSsiimm01); results then carry it as ReferenceNumber. Added (additive) for T12-style checks.
   */
  referenceNumber: z.string().max(50).optional(),
});
export type ClinicRecord = z.infer<typeof ClinicRecord>;
