import { z } from 'zod';
import { ConsentChoices } from './consent.js';

/**
 * Reader ↔ terminal link: JSON messages over a WebSocket that the terminal serves at
 * `/reader`; the reader connects as a client. Our own protocol (the real one is vendor-private),
 * versioned by `v`; documented in docs/protocols/reader.md.
 */
export const READER_PROTOCOL_VERSION = 1;

const v = z.literal(READER_PROTOCOL_VERSION);
const sessionId = z.string().min(1);

export const AuthMethod = z.enum(['pin', 'face', 'visual']);
export type AuthMethod = z.infer<typeof AuthMethod>;

/**
 * What carried the JPKI key that signed (issue 6, added to v1): the physical card, an Android
 * phone (EF 0006 JPKIAPGPSETOKEN, 4-digit smartphone PIN typed on the face-auth reader) or an
 * iPhone (unlocked by Face ID / Touch ID on the phone). Phones come through a general-purpose
 * reader and sign like a card with method `pin`; absent = card.
 */
export const KeyCarrier = z.enum(['card', 'android', 'iphone']);
export type KeyCarrier = z.infer<typeof KeyCarrier>;

/** Things the reader tells the terminal that the staff (and the reception) should know. */
export const ReaderNoticeCode = z.enum([
  'pin-wrong', // a wrong PIN; triesLeft says how many remain
  'pin-locked', // the card's user-authentication PIN is locked (0 tries)
  'face-failed',
  'card-read-failed', // 001
  'certificate-rejected', // 006 or a suspended/revoked certificate
  'communication-error',
  // Added to v1 (issue 6): a reader that does not know them never sends them.
  'not-registered', // the patient declined 健康保険証利用登録 on the reader (F24, E-notreg)
  'certificate-expiring', // the certificate ends within 3 months: renew at the municipality (Q2)
  'face-locked', // consecutive face mismatches reached the lock (F10, E-facelock)
  // Smartphone flow (issue 6): the phone's own certificate and PIN, not the card's.
  'phone-read-failed', // the phone could not be read or unlocked on the general-purpose reader (F19, E-phone)
  'phone-pin-wrong', // a wrong smartphone PIN (Android); triesLeft says how many remain
  'phone-pin-locked', // the smartphone certificate's PIN is locked (F20, E-phone-lock): use the physical card
  // Added to v1: a card placed while the reader is in maintenance (D6: settings or a software
  // update) was refused unread; no session. Staff close maintenance or restart the reader (N34, N36).
  'reader-maintenance',
]);
export type ReaderNoticeCode = z.infer<typeof ReaderNoticeCode>;

/** The reader's own statement that it verified the holder's face (or staff did, in 目視 mode). */
export const ReaderAttestation = z.object({
  readerId: z.string(),
  /** base64 ECDSA P-256 / SHA-256 signature over nonce ‖ SHA-256(certificate DER) ‖ ASCII(method). */
  signature: z.string(),
  faceScore: z.number().min(0).max(1).optional(),
});
export type ReaderAttestation = z.infer<typeof ReaderAttestation>;

// reader → terminal
export const ReaderHello = z.object({ v, type: z.literal('hello'), readerId: z.string().min(1), vendor: z.string() });
export const ChallengeRequest = z.object({ v, type: z.literal('challenge.request'), sessionId });
export const AuthResult = z.object({
  v,
  type: z.literal('auth.result'),
  sessionId,
  method: AuthMethod,
  /** base64 DER of the user-authentication certificate read from the card. */
  certificate: z.string(),
  challengeId: z.string(),
  /** base64 RSA PKCS#1 v1.5 signature by the card over SHA-256(nonce), for method `pin`. */
  signature: z.string().optional(),
  attestation: ReaderAttestation.optional(),
  /** Added to v1 (issue 6): the key's carrier; a phone is refused in the certificate's grace period (F25). */
  carrier: KeyCarrier.optional(),
});
export const ConsentResult = z.object({
  v,
  type: z.literal('consent.result'),
  sessionId,
  checkId: z.string(),
  consent: ConsentChoices,
  /** Chosen on the 包括同意 screen (all at once) rather than item by item. */
  bulk: z.boolean(),
  /**
   * Added to v1 (issue 6): the patient chose «前回と同じ» (現在の同意状況を引き継ぐ) on the
   * carry-over screen, so `consent` repeats the `previousConsent` of the verdict (reader-flow N18).
   */
  carriedOver: z.boolean().optional(),
  /** Added to v1: no consent screen was shown because the verdict said `consentNotAsked`. */
  consentNotAsked: z.literal(true).optional(),
});
export const ReaderNotice = z.object({
  v,
  type: z.literal('reader.notice'),
  sessionId: z.string().optional(),
  code: ReaderNoticeCode,
  triesLeft: z.number().int().min(0).optional(),
  message: z.string().optional(),
});
export const SessionEnded = z.object({
  v,
  type: z.literal('session.ended'),
  sessionId,
  reason: z.enum(['card-removed', 'cancelled', 'error', 'timeout']),
});

/**
 * The patient chose «登録する» on the registration offer (R1, N12): the terminal registers the
 * card for insurance use with the central system before it asks for the qualification.
 * Added to v1 without a version bump.
 */
export const RegistrationRequest = z.object({ v, type: z.literal('registration.request'), sessionId, checkId: z.string().min(1) });

/**
 * Liveness and ordering barrier: the terminal answers `pong` with the same id after it has
 * handled every message the reader sent before the `ping` (messages are handled in order).
 */
export const Ping = z.object({ v, type: z.literal('ping'), id: z.string().min(1) });

export const ReaderToTerminal = z.discriminatedUnion('type', [
  Ping,
  ReaderHello,
  ChallengeRequest,
  AuthResult,
  ConsentResult,
  ReaderNotice,
  SessionEnded,
  RegistrationRequest,
]);
export type ReaderToTerminal = z.infer<typeof ReaderToTerminal>;

// terminal → reader
export const HelloAck = z.object({ v, type: z.literal('hello.ack'), terminalId: z.string() });
export const Challenge = z.object({
  v,
  type: z.literal('challenge'),
  sessionId,
  challengeId: z.string(),
  /** base64, 32 random bytes chosen by the central system. */
  nonce: z.string(),
});
export const AuthVerdict = z.object({
  v,
  type: z.literal('auth.verdict'),
  sessionId,
  accepted: z.boolean(),
  checkId: z.string().optional(),
  /** As answered by the central system (see central-api.ts). */
  certificateStatus: z.string().optional(),
  /** 健康保険証利用登録 as answered by the central system; false → registration offer (R1). Absent = registered. */
  registered: z.boolean().optional(),
  /** Reader message number to show, e.g. "006" for an expired or revoked certificate. */
  errorCode: z.string().optional(),
  message: z.string().optional(),
  /**
   * Added to v1 (issue 6): the patient's previous *individual* consent choices at this facility
   * (since 2025-02, reader-flow K0 / N15). Present → the reader offers «前回と同じ» on one screen
   * before the 包括同意 screen. The terminal decides whether it applies (date, facility, whether the
   * previous choice was individual); absent → the usual consent screens.
   */
  previousConsent: ConsentChoices.optional(),
  /**
   * Added to v1: the facility is 資格確認限定型 (qualification only, rules.md §3): no consent
   * screen is shown; the reader answers at once with a `consent.result` of no consent
   * (`consentNotAsked: true`). Absent = the usual consent screens.
   */
  consentNotAsked: z.literal(true).optional(),
});
export const SessionCompleted = z.object({
  v,
  type: z.literal('session.completed'),
  sessionId,
  /** OQSCD006 QualificationValidity of the result handed to the reception. */
  validity: z.string().optional(),
});
export const ProtocolError = z.object({
  v,
  type: z.literal('protocol.error'),
  code: z.string(),
  message: z.string(),
});

export const Pong = z.object({ v, type: z.literal('pong'), id: z.string().min(1) });

/**
 * Reader operating mode, set from the terminal (reader-flow §1.1): 自動運転 (`auto`, the patient
 * chooses face or PIN) or 目視確認 (`visual`, staff compare the card photo with the patient).
 */
export const ReaderMode = z.enum(['auto', 'visual']);
export type ReaderMode = z.infer<typeof ReaderMode>;

// Added to v1 without a version bump: a reader that does not know them logs and ignores them.
/** Sticky until changed back; set during a session it takes effect when the session ends (N30). */
export const ModeSet = z.object({ v, type: z.literal('mode.set'), mode: ReaderMode });
/** Staff ticked «目視で本人確認完了» for the patient at the reader (001:513–523). */
export const VisualConfirmed = z.object({ v, type: z.literal('visual.confirmed') });
/** Restart the reader (staff, N36): drops any session and clears injected faults. */
export const Reboot = z.object({ v, type: z.literal('reboot') });

export const TerminalToReader = z.discriminatedUnion('type', [
  HelloAck,
  Challenge,
  AuthVerdict,
  SessionCompleted,
  ProtocolError,
  Pong,
  ModeSet,
  VisualConfirmed,
  Reboot,
]);
export type TerminalToReader = z.infer<typeof TerminalToReader>;

export type Msg<U, T extends string> = Extract<U, { type: T }>;

/** The exact bytes a reader attestation signs. */
export function attestationPayload(nonce: Uint8Array, certificateSha256: Uint8Array, method: AuthMethod): Uint8Array {
  const m = new TextEncoder().encode(method);
  const out = new Uint8Array(nonce.length + certificateSha256.length + m.length);
  out.set(nonce, 0);
  out.set(certificateSha256, nonce.length);
  out.set(m, nonce.length + certificateSha256.length);
  return out;
}
