/**
 * A vendor profile: what one maker's reader says on each screen, its error texts, timing hints
 * and quirks — data, validated by zod when loaded. The sources confirm five kinds of reader whose
 * screens differ (reader-flow §1.6) but not their wording, so every text here is ours; profiles
 * carry neutral ids (vendor-a …) and no trademarks.
 */
import { z } from 'zod';

const text = z.string().min(1);

/** The four individual consent screens, in order (reader-flow K2). */
export const ConsentItemTexts = z.object({ diagnosis: text, pharmacy: text, checkup: text, operation: text }).strict();

/** Camera guidance per face-frame problem (reader-flow F8); shown without counting a failure. */
export const FaceGuidanceTexts = z
  .object({ 'too-close': text, backlight: text, 'no-face': text, occluded: text, 'in-sleeve': text })
  .strict();

/**
 * Screen texts. `\n` starts a new line on the reader's screen. Templates: `{n}` (tries left),
 * `{code}` (an error code).
 */
export const ScreenTexts = z
  .object({
    linkDown: text,
    booting: text,
    bootFailed: text,
    idle: text,
    idleVisual: text,
    idleVisualConfirmed: text,
    reading: text,
    /** P1 (since 2025-09-19): the smartphone chosen; iPhone or Android. */
    phoneOsSelect: text,
    /** P2: the smartphone certificate's 4-digit PIN (Android). */
    phonePin: text,
    /** P3 for Android: hold the phone on the general-purpose reader. */
    phoneWaitTapAndroid: text,
    /** P3 for iPhone: unlock the card on the phone with Face ID / Touch ID, then hold it on the reader. */
    phoneWaitTapIphone: text,
    /** While the phone is read and signs. */
    phoneReading: text,
    /** The iPhone was not unlocked: unlock it and hold it again. */
    phoneUnlockFailed: text,
    authSelect: text,
    pinUnavailable: text,
    /** A PIN-less card (顔認証マイナンバーカード): the method choice offers face only (A1). */
    authSelectPinless: text,
    /** F7 for a PIN-less card: the PIN path is refused because the card has no PIN, not a locked one. */
    pinNotSet: text,
    pinLocked: text,
    pinEntry: text,
    pinFormat: text,
    pinWrong: text.refine((t) => t.includes('{n}'), 'pinWrong must contain {n} (tries left)'),
    faceCapture: text,
    faceRetry: text,
    faceGiveUp: text,
    /** F9 fallback when the card's PIN cannot be used (locked, or a PIN-less card): staff (目視) instead. */
    faceGiveUpNoPin: text,
    /** F11: no usable face frame in time; counted as a face failure. */
    faceCaptureTimeout: text,
    faceUnavailable: text,
    faceGuidance: FaceGuidanceTexts,
    /** F8 with the maker's mask prompt (quirk maskPrompt) instead of the occluded guidance. */
    faceMask: text,
    /** Face auth refused for a card whose face path is locked (F10). */
    faceLocked: text,
    /** R1: the card is not registered for insurance use; «登録する» / «登録しない». */
    registrationOffer: text,
    /** Q2: the certificate ends within 3 months; renew at the municipality. */
    certExpiryNotice: text,
    visualWait: text,
    checking: text,
    /** K0 (since 2025-02): carry over the previous individual choices: «前回と同じ» / «選択しなおす». */
    consentCarryover: text,
    consentBulk: text,
    consentItem: ConsentItemTexts,
    done: text,
    error: text,
    /** D6: staff opened the settings on the reader. */
    maintenance: text,
    /** The reader is updating its software (a maintenance state). */
    maintenanceUpdate: text,
    /** A card placed during maintenance or an update. */
    maintenanceRefused: text,
    certificateRejected: text,
    missingCheckId: text,
    protocolError: text.refine((t) => t.includes('{code}'), 'protocolError must contain {code}'),
  })
  .strict();
export type ScreenTexts = z.infer<typeof ScreenTexts>;

/**
 * How the patient's name is laid out (reader-flow §1.6 "name layout on the screen"):
 * - `one-line`: 「渡辺　太郎　さま」
 * - `two-line`: family name on one line, given name and honorific on the next
 * - `split-honorific`: the layout fault of troubles T32 — the name, spaces removed, is cut in
 *   half and each half glued to the honorific: 渡辺 → 「～さま渡」「辺～さま」.
 */
export const NameLayout = z.enum(['one-line', 'two-line', 'split-honorific']);
export type NameLayout = z.infer<typeof NameLayout>;

/** Characters the screen can draw; others are shown as ● (troubles T30). */
export const Repertoire = z.enum(['jis0208', 'unicode']);
export type Repertoire = z.infer<typeof Repertoire>;

export const ProfileQuirks = z
  .object({
    nameLayout: NameLayout,
    repertoire: Repertoire,
    honorific: z.enum(['さま', '様']),
    /** A cancel / back button during a session (reader-flow N42). Without it `cancel` is ignored. */
    cancelButton: z.boolean(),
    /** How the PIN button looks when the PIN is locked (A1; rendered by the reader page). */
    lockedPin: z.enum(['refused', 'greyed', 'hidden']),
    // The following are recorded for reports and the page; the machine does not act on them yet.
    /** Audible beep when the IC is detected (ALMEX). */
    beepOnCard: z.boolean(),
    /** Asks to take off a mask on the face screen (TBS-NAGASAKI; F8). */
    maskPrompt: z.boolean(),
    /** Spoken guidance (one source says a model has none — MIYASHISHOU). */
    audioGuidance: z.boolean(),
    cardOrientation: z.enum(['horizontal', 'vertical']),
    /** Reads a card without detected IC as a paper 健康保険証 (ALMEX; F1). */
    paperCardRead: z.boolean(),
    /** Cosine similarity a face must reach to match the card (N7 / F9); default 0.8 (our number). */
    faceMatchThreshold: z.number().min(0).max(1).optional(),
    /** Consecutive face mismatches that lock a card's face path (F10, face_lock_after); default 10, 0 = never. */
    faceLockAfter: z.number().int().min(0).max(1000).optional(),
  })
  .strict();
export type ProfileQuirks = z.infer<typeof ProfileQuirks>;

/** Hints in milliseconds / seconds; the runtime applies `bootMs` (capped), the rest are documentation. */
export const ProfileTimings = z
  .object({
    bootMs: z.number().int().min(0).max(60_000),
    cardReadMs: z.number().int().min(0).max(60_000),
    screenTimeoutS: z.number().int().min(1).max(600),
    /** Seconds face-capture waits for a usable frame (F11); default 30 (our number). */
    faceCaptureTimeoutS: z.number().int().min(1).max(600).optional(),
  })
  .strict();
export type ProfileTimings = z.infer<typeof ProfileTimings>;

export const ReaderProfile = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/, 'a lower-case id such as vendor-a'),
    /** Neutral description shown in reports. */
    label: z.string().min(1),
    /** Which observed behaviours this bundle models, with source keys from the research notes. */
    notes: z.string().min(1),
    texts: ScreenTexts,
    /** Error screen text per error code ('001', '006', 'E-comm' …); the code is part of the text. */
    errorTexts: z.record(z.string().min(1), text),
    timings: ProfileTimings,
    quirks: ProfileQuirks,
  })
  .strict();
export type ReaderProfile = z.infer<typeof ReaderProfile>;

/** A profile as written in a data file: texts not given are taken from the generic profile. */
export const ReaderProfileData = ReaderProfile.extend({
  texts: ScreenTexts.extend({ consentItem: ConsentItemTexts.partial(), faceGuidance: FaceGuidanceTexts.partial() }).partial(),
}).strict();
export type ReaderProfileData = z.infer<typeof ReaderProfileData>;

/** Fills `{name}` placeholders. */
export function fillTemplate(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}
