/**
 * The face-auth card reader (顔認証付きカードリーダー) as a pure state machine:
 * `step(state, event) → { state, effects }`. No I/O, no clock, no randomness — the runtime
 * (reader.ts) performs the effects and feeds their results back as events, and it supplies the
 * session id inside `card.placed` because the machine cannot make one up.
 *
 * Screens follow the public flow (reader-flow §1.2–1.5): place card → read → choose face / PIN
 * → central check → consent (bulk or item by item) → done. In 目視確認 mode (N10) the reader
 * reads the card and, once staff have confirmed the holder on the terminal, sends a reader
 * attestation with method 'visual' — no face, no PIN. Device faults (F13, F26, F27) and the
 * reboot that clears them (N36) are part of the state. Events that do not apply to the current
 * screen are ignored: the same state object comes back and no effect is emitted.
 */
import type { ConsentChoices } from '../protocol/consent.js';
import { FULL_CONSENT, NO_CONSENT } from '../protocol/consent.js';
import { b64 } from '../protocol/messages.js';
import type { AuthMethod, KeyCarrier, Msg, ReaderMode, ReaderToTerminal, TerminalToReader } from '../protocol/reader-link.js';
import { READER_PROTOCOL_VERSION } from '../protocol/reader-link.js';
import {
  cosineSimilarity,
  DEFAULT_FACE_CAPTURE_TIMEOUT_S,
  DEFAULT_FACE_LOCK_AFTER,
  DEFAULT_FACE_MATCH_THRESHOLD,
  faceEmbedding,
  type FaceQuality,
} from './face-model.js';
import type { MachineFault } from './faults.js';
import { nameLines } from './name-layout.js';
import { GENERIC_PROFILE } from './profiles/index.js';
import { fillTemplate, type ReaderProfile } from './profiles/schema.js';
import { displayName } from './repertoire.js';

/** Screen ids. Scenarios refer to these exact strings. */
export type ScreenId =
  | 'booting'
  | 'boot-failed'
  | 'link-down'
  | 'idle'
  | 'idle-visual'
  /** P1: smartphone chosen on the idle screen; iPhone or Android? */
  | 'phone-os-select'
  /** P2 (Android): the smartphone certificate's 4-digit PIN, typed on the face-auth reader. */
  | 'phone-pin'
  /** P3: hold the phone on the general-purpose reader (iPhone: unlock with Face ID / Touch ID first). */
  | 'phone-wait-tap'
  | 'reading'
  | 'visual-wait'
  | 'auth-select'
  | 'pin-entry'
  | 'face-capture'
  | 'checking'
  | 'registration-offer'
  | 'cert-expiry-notice'
  | 'consent-carryover'
  | 'consent-bulk'
  | 'consent-item'
  | 'done'
  | 'error'
  /** D6: staff opened the settings, or the software is updating; cards are refused. */
  | 'maintenance';

/** Order of the individual consent screens. */
export const CONSENT_ITEMS = ['diagnosis', 'pharmacy', 'checkup', 'operation'] as const;
export type ConsentItem = (typeof CONSENT_ITEMS)[number];

export interface ReaderConfig {
  /** Named in the face attestation so the central system can find the reader's public key. */
  readonly readerId: string;
  /** Failed face matches before the reader goes back to the method choice (F9, option default 3). */
  readonly faceFailuresBeforeAuthSelect: number;
  /** Screen texts, error texts and quirks of one maker (profiles/). */
  readonly profile: ReaderProfile;
  /** Consecutive face mismatches of one card that lock its face path (F10, face_lock_after); 0 = never. */
  readonly faceLockAfter: number;
  /** Seconds a patient may leave a screen unanswered (F22, screen_timeout_s); 0 = never. */
  readonly screenTimeoutS: number;
  /** Seconds face-capture waits for a usable frame before it counts a face failure (F11); 0 = never. */
  readonly faceCaptureTimeoutS: number;
  /**
   * Where a failed face match (or capture timeout) leads (F9, option face_fail_next): `retry` on
   * face-capture until faceFailuresBeforeAuthSelect, `auth-select` at once, or `restart` — an
   * error screen, the patient places the card again (a maker's quirk, TBS-NAGASAKI).
   */
  readonly faceFailNext: 'retry' | 'auth-select' | 'restart';
  /** A general-purpose reader for smartphones is attached (since 2025-09-19, optional for facilities). */
  readonly phoneReader: boolean;
}

export const DEFAULT_READER_CONFIG: ReaderConfig = {
  readerId: 'sim-reader',
  faceFailuresBeforeAuthSelect: 3,
  profile: GENERIC_PROFILE,
  faceLockAfter: DEFAULT_FACE_LOCK_AFTER,
  screenTimeoutS: 60,
  faceCaptureTimeoutS: DEFAULT_FACE_CAPTURE_TIMEOUT_S,
  faceFailNext: 'retry',
  phoneReader: true,
};

/** Card work whose result the machine is waiting for (fed back by the runtime). */
export type PendingCardWork = 'card.read' | 'card.verify-and-sign' | 'face.attest' | 'phone.unlock-and-sign';
/** Terminal replies the machine is waiting for. */
export type AwaitedReply = 'challenge' | 'auth.verdict' | 'session.completed';

export interface ReaderSession {
  readonly sessionId: string;
  /** Started while the reader was in 目視確認 mode: identity is confirmed by staff, not face or PIN. */
  readonly visual: boolean;
  /** True once challenge.request went out: from then on the terminal knows this session. */
  readonly announced: boolean;
  readonly certificate: Uint8Array | null;
  /** The holder's name as read from the card face; null when the card gave none. */
  readonly holderName: string | null;
  /** The face embedding of the card's photo (face-model.ts); null when the card gave none. */
  readonly holderFace: readonly number[] | null;
  /** From the verdict: false → registration offer (R1). */
  readonly registered: boolean;
  /** From the verdict: the certificate ends within 3 months (Q2). */
  readonly certificateExpiring: boolean;
  /** The last camera guidance shown (F8), cleared by the next frame. */
  readonly faceGuidance: FaceQuality | null;
  /** Tries left on the card's user-authentication PIN; null until the card has been read. */
  readonly pinTriesLeft: number | null;
  /** The card has no PIN at all (顔認証マイナンバーカード, VERIFY answered 69 84): face or 目視 only. */
  readonly pinless: boolean;
  readonly challenge: { readonly challengeId: string; readonly nonce: Uint8Array } | null;
  readonly pending: PendingCardWork | null;
  readonly awaiting: AwaitedReply | null;
  readonly faceFailures: number;
  readonly checkId: string | null;
  readonly consent: Readonly<Partial<ConsentChoices>>;
  readonly consentIndex: number;
  /** From the verdict: the previous individual choices at this facility (K0, since 2025-02); null → none offered. */
  readonly previousConsent: ConsentChoices | null;
  /** From the verdict: the facility is 資格確認限定型, so no consent screen is shown (consentNotAsked). */
  readonly consentNotAsked: boolean;
  /** What carries the JPKI key: the card, or a phone on the general-purpose reader (P-flow). */
  readonly carrier: KeyCarrier;
  /**
   * The Android smartphone PIN typed on P2, kept only until the phone has been verified (the
   * reader needs the challenge first); cleared as soon as the VERIFY went out. Never shown.
   */
  readonly phonePin: string | null;
}

/** Injected faults the machine models (faults.ts); all cleared by a reboot. */
export interface FaultState {
  readonly bootHang: boolean;
  readonly cameraUnavailable: boolean;
  /** Patient actions still handled before the reader freezes; null when no freeze is armed. */
  readonly freezeAfterActions: number | null;
  readonly frozen: boolean;
  /** One-shot face failures still to come (fault face-fail-next). */
  readonly faceFailNext: { readonly reason: FaceFailReason; readonly left: number } | null;
  /** The reader is in maintenance (settings opened) or updating; null when in service. */
  readonly maintenance: MaintenanceReason | null;
}

export type FaceFailReason = Extract<MachineFault, { kind: 'face-fail-next' }>['reason'];
export type MaintenanceReason = Extract<MachineFault, { kind: 'maintenance' }>['reason'];

export const NO_FAULTS: FaultState = {
  bootHang: false,
  cameraUnavailable: false,
  freezeAfterActions: null,
  frozen: false,
  faceFailNext: null,
  maintenance: null,
};

export interface ReaderState {
  readonly config: ReaderConfig;
  readonly screen: ScreenId;
  readonly session: ReaderSession | null;
  /** Text that replaces the screen's usual prompt (a refusal, a retry hint, an error). */
  readonly message: string | null;
  readonly errorCode: string | null;
  /** Whether the link to the terminal is up (tracked even while booting, hung or frozen). */
  readonly linkUp: boolean;
  /** The operating mode in force (N30). */
  readonly mode: ReaderMode;
  /** A mode set during a session, applied when that session ends (N30). */
  readonly pendingMode: ReaderMode | null;
  /** Staff ticked «目視で本人確認完了» for the next / current patient (visual mode only). */
  readonly visualConfirmed: boolean;
  readonly faults: FaultState;
  /**
   * Consecutive face mismatches per card (F10), keyed by cardKey(); a match resets it, 目視 does
   * not. Kept by the reader: where the real counter lives (card or OQS) is unconfirmed.
   */
  readonly faceMismatches: Readonly<Record<string, number>>;
  /** The screen the patient has left unanswered since `since` (virtual ms), for F22. */
  readonly idleTimer: { readonly key: string; readonly since: number } | null;
}

// ---- events ----

export type LinkEvent = { type: 'link.up' } | { type: 'link.down' };

/** Device events: staff reboot, the end of the boot, an injected fault. */
export type DeviceEvent =
  | { type: 'reboot' }
  | { type: 'boot.done' }
  | { type: 'fault.inject'; fault: MachineFault }
  /** Staff close the maintenance screen (N34, CLOSE_MAINTENANCE); opening it is the fault `maintenance`. */
  | { type: 'maintenance.close' };

/** What the patient does at the reader (the runtime turns a placed card into a session id). */
export type PatientAction =
  | { type: 'card.placed'; sessionId: string }
  | { type: 'card.removed' }
  | { type: 'choose.pin' }
  | { type: 'choose.face' }
  | { type: 'pin.entered'; pin: string }
  /** The old form: the camera's verdict given directly. */
  | { type: 'face.presented'; match: boolean; score: number }
  /**
   * The face model: who stands at the camera (a persona key, or an embedding) and how the frame
   * came out. Not 'ok' → guidance (F8), not counted; else cosine similarity with the card's face.
   */
  | { type: 'face.presented'; persona?: string; embedding?: readonly number[]; quality?: FaceQuality }
  /** P-flow: the patient chooses the smartphone on the idle screen (the runtime supplies the session id). */
  | { type: 'choose.phone'; sessionId: string }
  | { type: 'choose.os'; os: 'android' | 'iphone' }
  /** P3: the phone was held on the general-purpose reader (the runtime holds its transport). */
  | { type: 'phone.tapped' }
  /** The camera found no usable face frame in time (F11, CAPTURE_TIMEOUT): counts as a face failure. */
  | { type: 'face.capture-timeout' }
  | { type: 'register.yes' }
  | { type: 'register.no' }
  /** Acknowledge an informational screen (the certificate expiry notice, N35). */
  | { type: 'ack' }
  | { type: 'consent.agree-all' }
  | { type: 'consent.individually' }
  | { type: 'consent.item'; agree: boolean }
  /** K0 «前回と同じ» (現在の同意状況を引き継ぐ, N18): the previous choices are sent again. */
  | { type: 'consent.carry-over' }
  /** K0 «選択しなおす» (N19): on to the individual consent screens. */
  | { type: 'consent.reselect' }
  | { type: 'cancel' };

const PATIENT_ACTIONS: ReadonlySet<string> = new Set<PatientAction['type']>([
  'card.placed',
  'card.removed',
  'choose.pin',
  'choose.face',
  'pin.entered',
  'face.presented',
  'face.capture-timeout',
  'choose.phone',
  'choose.os',
  'phone.tapped',
  'consent.agree-all',
  'consent.individually',
  'consent.item',
  'consent.carry-over',
  'consent.reselect',
  'cancel',
  'register.yes',
  'register.no',
  'ack',
]);

/** Results of effects, fed back by the runtime. */
export type EffectResultEvent =
  /** `pinless`: the card answered the tries-left query with 69 84 (no PIN); pinTriesLeft is then ignored. */
  | { type: 'card.read-ok'; certificate: Uint8Array; pinTriesLeft: number; pinless?: boolean; holderName?: string; holderFace?: readonly number[] }
  /** The card could not be read or answered an unexpected status word (shown as 001). */
  | { type: 'card.read-failed'; reason?: string }
  | { type: 'pin.ok'; signature: Uint8Array }
  | { type: 'pin.wrong'; triesLeft: number }
  | { type: 'pin.locked' }
  | { type: 'face.attested'; signature: Uint8Array; score: number }
  /** The iPhone was not unlocked (biometrics refused or not offered by the phone). */
  | { type: 'phone.unlock-failed'; reason?: string };

export type TerminalEvent = Msg<
  TerminalToReader,
  'challenge' | 'auth.verdict' | 'session.completed' | 'protocol.error' | 'mode.set' | 'visual.confirmed'
>;

/** The runtime's clock, fed in so the machine stays pure: drives the screen timeout (F22). */
export type TickEvent = { type: 'tick'; now: number };

export type ReaderEvent = LinkEvent | DeviceEvent | PatientAction | EffectResultEvent | TerminalEvent | TickEvent;

// ---- effects ----

export type ReaderEffect =
  /**
   * Read the user-authentication certificate (EF 000A) and query the PIN's tries left. From a
   * phone (`carrier`): Android — also check EF 0006 says JPKIAPGPSETOKEN; iPhone — no PIN query.
   */
  | { type: 'card.read'; carrier?: 'android' | 'iphone' }
  /** iPhone: ask the phone for its biometric unlock, then sign SHA-256(nonce) without a PIN; answer pin.ok or phone.unlock-failed. */
  | { type: 'phone.unlock-and-sign'; nonce: Uint8Array }
  /** VERIFY the PIN, then sign SHA-256(nonce) with the authentication key; answer pin.ok / wrong / locked. */
  | { type: 'card.verify-and-sign'; pin: string; nonce: Uint8Array }
  /** Sign the reader attestation; answer face.attested echoing `score` (0 for 'visual'). */
  | { type: 'face.attest'; nonce: Uint8Array; certificate: Uint8Array; method: AuthMethod; score: number }
  | { type: 'send'; message: ReaderToTerminal };

export interface StepResult {
  state: ReaderState;
  effects: ReaderEffect[];
}

export interface ReaderScreen {
  screen: ScreenId;
  /** The screen's text in one string (line breaks removed), in Japanese. */
  message: string;
  /** What the patient sees, line by line: the greeting with the name (when shown), then the text. */
  lines: string[];
  /** The holder's name as drawn (● for characters outside the screen's repertoire), when shown. */
  name?: string;
  pinAvailable?: boolean;
  /** On auth-select: the card has no PIN (顔認証マイナンバーカード), so only face (or 目視) can follow. */
  pinless?: true;
  faceAvailable?: boolean;
  triesLeft?: number;
  errorCode?: string;
  consentItem?: ConsentItem;
  /** On consent-carryover: the previous choices that «前回と同じ» would send again. */
  previousConsent?: ConsentChoices;
  /** The camera guidance shown on face-capture (F8). */
  faceGuidance?: FaceQuality;
  /** The screen is frozen (injected fault): nothing the patient does has an effect until reboot. */
  frozen?: true;
}

// ---- construction ----

export function initialState(config: Partial<ReaderConfig> = {}): ReaderState {
  return {
    config: { ...DEFAULT_READER_CONFIG, ...config },
    screen: 'link-down',
    session: null,
    message: null,
    errorCode: null,
    linkUp: false,
    mode: 'auto',
    pendingMode: null,
    visualConfirmed: false,
    faults: NO_FAULTS,
    faceMismatches: {},
    idleTimer: null,
  };
}

const SESSION_SCREENS: ReadonlySet<ScreenId> = new Set<ScreenId>([
  'phone-os-select',
  'phone-pin',
  'phone-wait-tap',
  'reading',
  'visual-wait',
  'auth-select',
  'pin-entry',
  'face-capture',
  'checking',
  'registration-offer',
  'cert-expiry-notice',
  'consent-carryover',
  'consent-bulk',
  'consent-item',
]);

/** Screens on which the patient has passed identity verification (the name may be shown). */
const NAMED_SCREENS: ReadonlySet<ScreenId> = new Set<ScreenId>([
  'registration-offer',
  'cert-expiry-notice',
  'consent-carryover',
  'consent-bulk',
  'consent-item',
  'done',
]);

/** Whether the screen belongs to a patient session in progress (not done, not error). */
export function inSession(state: ReaderState): boolean {
  return SESSION_SCREENS.has(state.screen) && state.session !== null;
}

/**
 * The terminal reply the machine is waiting for, if any (used by the runtime's whenIdle).
 * A frozen or hung reader waits for nothing: no reply can move it.
 */
export function awaitedReply(state: ReaderState): AwaitedReply | null {
  if (state.faults.frozen || state.screen === 'boot-failed') return null;
  return state.session?.awaiting ?? null;
}

export function pinAvailable(session: ReaderSession | null): boolean {
  return session !== null && !session.pinless && session.pinTriesLeft !== null && session.pinTriesLeft > 0;
}

// ---- helpers ----

const unchanged = (state: ReaderState): StepResult => ({ state, effects: [] });

function goto(state: ReaderState, screen: ScreenId, patch: Partial<Omit<ReaderState, 'screen' | 'config'>> = {}): ReaderState {
  return { ...state, screen, message: null, errorCode: null, ...patch };
}

function withSession(state: ReaderState, patch: Partial<ReaderSession>): ReaderSession {
  // Only called where a session exists; the caller has checked.
  return { ...(state.session as ReaderSession), ...patch };
}

const idleScreen = (mode: ReaderMode): ScreenId => (mode === 'visual' ? 'idle-visual' : 'idle');

/** The session is over (or there was none): back to the idle screen of the mode now in force. */
function endSession(state: ReaderState): ReaderState {
  const mode = state.pendingMode ?? state.mode;
  return goto(state, idleScreen(mode), { session: null, mode, pendingMode: null, visualConfirmed: false });
}

const send = (message: ReaderToTerminal): ReaderEffect => ({ type: 'send', message });

function notice(
  session: ReaderSession,
  code: Msg<ReaderToTerminal, 'reader.notice'>['code'],
  extra: { triesLeft?: number; message?: string } = {},
): ReaderEffect {
  return send({ v: READER_PROTOCOL_VERSION, type: 'reader.notice', sessionId: session.sessionId, code, ...extra });
}

function newSession(sessionId: string, visual: boolean): ReaderSession {
  return {
    sessionId,
    visual,
    announced: false,
    certificate: null,
    holderName: null,
    holderFace: null,
    registered: true,
    certificateExpiring: false,
    faceGuidance: null,
    pinTriesLeft: null,
    pinless: false,
    challenge: null,
    pending: 'card.read',
    awaiting: null,
    faceFailures: 0,
    checkId: null,
    consent: {},
    consentIndex: 0,
    previousConsent: null,
    consentNotAsked: false,
    carrier: 'card',
    phonePin: null,
  };
}

/** A count from the outside world made safe: a non-negative integer. */
const count = (n: number): number => (Number.isFinite(n) && n > 0 ? Math.floor(n) : 0);
const unitScore = (n: number): number => (Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0);

const texts = (state: ReaderState): ReaderProfile['texts'] => state.config.profile.texts;

/** A card's identity for the face-lock counter: the tail of its certificate (the signature, unique per card). */
export function cardKey(certificate: Uint8Array): string {
  return b64.encode(certificate.subarray(Math.max(0, certificate.length - 32)));
}

/** Whether the face path of the session's card is locked (F10). */
export function faceLocked(state: ReaderState, session: ReaderSession | null): boolean {
  const limit = state.config.faceLockAfter;
  if (session === null || session.certificate === null || limit <= 0) return false;
  return (state.faceMismatches[cardKey(session.certificate)] ?? 0) >= limit;
}

const faceMatchThreshold = (state: ReaderState): number => state.config.profile.quirks.faceMatchThreshold ?? DEFAULT_FACE_MATCH_THRESHOLD;

function cardFailed(state: ReaderState, session: ReaderSession, reason: string | undefined): StepResult {
  const next = goto(state, 'error', {
    session: { ...session, pending: null, awaiting: null },
    errorCode: '001',
    message: state.config.profile.errorTexts['001'] ?? `001 ${texts(state).error}`,
  });
  return { state: next, effects: [notice(session, 'card-read-failed', reason ? { message: reason } : {})] };
}

// ---- the transition function ----

export function step(state: ReaderState, event: ReaderEvent): StepResult {
  if (event.type === 'reboot') return reboot(state);
  if (event.type === 'fault.inject') return injectFault(state, event.fault);
  if (event.type === 'link.up' || event.type === 'link.down') return stepLink(state, event.type === 'link.up');
  // F13 / F26: a hung or frozen reader does nothing until rebooted.
  if (state.faults.frozen || state.screen === 'boot-failed') return unchanged(state);
  if (event.type === 'boot.done') {
    return state.screen === 'booting' ? { state: state.linkUp ? endSession(state) : goto(state, 'link-down'), effects: [] } : unchanged(state);
  }
  if (state.screen === 'booting' || state.screen === 'link-down') return unchanged(state);
  if (event.type === 'maintenance.close') return closeMaintenance(state);
  if (state.faults.maintenance !== null) return stepMaintenance(state, event);
  if (event.type === 'tick') return tick(state, event.now);

  const freezeAfter = state.faults.freezeAfterActions;
  if (freezeAfter !== null && PATIENT_ACTIONS.has(event.type)) {
    // This action is still handled; when it was the last one allowed, the reader freezes after it.
    const r = stepAlive(state, event);
    const left = freezeAfter - 1;
    const faults: FaultState = { ...r.state.faults, freezeAfterActions: left > 0 ? left : null, frozen: left <= 0 };
    return { state: { ...r.state, faults }, effects: r.effects };
  }
  return stepAlive(state, event);
}

function stepLink(state: ReaderState, up: boolean): StepResult {
  const remember = (): StepResult => (state.linkUp === up ? unchanged(state) : { state: { ...state, linkUp: up }, effects: [] });
  // Booting, hung or frozen: only remember the link; the screen does not move.
  if (state.screen === 'booting' || state.screen === 'boot-failed' || state.faults.frozen) return remember();
  if (up) return state.screen === 'link-down' ? { state: endSession({ ...state, linkUp: true }), effects: [] } : remember();
  // D6 stays on screen whether or not the terminal is reachable.
  if (state.screen === 'maintenance') return remember();
  if (state.screen === 'link-down') return remember();
  // The link went down: any session is dropped (nothing can be sent); a pending mode applies.
  return { state: goto(endSession(state), 'link-down', { linkUp: false }), effects: [] };
}

/** N36 / F14: from any state back to booting; faults cleared, session dropped, mode restored (N2 default). */
function reboot(state: ReaderState): StepResult {
  const mode = state.pendingMode ?? state.mode;
  return {
    state: goto(state, 'booting', { session: null, mode, pendingMode: null, visualConfirmed: false, faults: NO_FAULTS }),
    effects: [],
  };
}

function injectFault(state: ReaderState, fault: MachineFault): StepResult {
  switch (fault.kind) {
    case 'boot-hang':
      // The reader hangs as at a failed start: the session is gone, nothing is sent.
      return { state: goto(state, 'boot-failed', { session: null, faults: { ...state.faults, bootHang: true } }), effects: [] };
    case 'freeze':
      return {
        state: {
          ...state,
          faults: { ...state.faults, freezeAfterActions: fault.afterActions > 0 ? fault.afterActions : null, frozen: fault.afterActions === 0 },
        },
        effects: [],
      };
    case 'face-fail-next':
      return { state: { ...state, faults: { ...state.faults, faceFailNext: { reason: fault.reason, left: fault.count } } }, effects: [] };
    case 'maintenance': {
      // D6 / updating: any session is abandoned (the terminal hears of it), cards are refused.
      const session = state.session;
      const effects: ReaderEffect[] =
        session !== null && session.announced && SESSION_SCREENS.has(state.screen)
          ? [send({ v: READER_PROTOCOL_VERSION, type: 'session.ended', sessionId: session.sessionId, reason: 'error' })]
          : [];
      const faults = { ...state.faults, maintenance: fault.reason };
      return { state: goto(state, 'maintenance', { session: null, faults, idleTimer: null }), effects };
    }
    case 'camera-unavailable': {
      const faults = { ...state.faults, cameraUnavailable: true };
      // F27: on the face screen (and not already attesting a match) the reader falls back to the method choice.
      if (state.screen === 'face-capture' && state.session !== null && state.session.pending === null) {
        return { state: goto(state, 'auth-select', { faults, message: texts(state).faceUnavailable }), effects: [] };
      }
      return { state: { ...state, faults }, effects: [] };
    }
  }
}

/** N34: staff close the maintenance screen; the reader is back in service (or without link). */
function closeMaintenance(state: ReaderState): StepResult {
  if (state.faults.maintenance === null) return unchanged(state);
  const reopened = { ...state, faults: { ...state.faults, maintenance: null } };
  return { state: reopened.linkUp ? endSession(reopened) : goto(reopened, 'link-down'), effects: [] };
}

/** D6: a placed card is refused with the maker's message; mode changes are remembered for later. */
function stepMaintenance(state: ReaderState, event: ReaderEvent): StepResult {
  if (event.type === 'mode.set') return event.mode === state.mode && state.pendingMode === null ? unchanged(state) : { state: { ...state, pendingMode: event.mode }, effects: [] };
  if (event.type === 'card.placed') {
    const message = texts(state).maintenanceRefused;
    if (state.message === message) return unchanged(state);
    // Staff hear of the refusal (no session: the card was not read); without link there is no one to tell.
    const refused = send({ v: READER_PROTOCOL_VERSION, type: 'reader.notice', code: 'reader-maintenance', message: `maintenance: ${state.faults.maintenance}` });
    return { state: { ...state, message }, effects: state.linkUp ? [refused] : [] };
  }
  if (event.type === 'card.removed' && state.message !== null) return { state: { ...state, message: null }, effects: [] };
  return unchanged(state);
}

/** Mode change from the terminal (N30): now when no session is open, else when it ends. */
function setMode(state: ReaderState, mode: ReaderMode): StepResult {
  const sessionOpen = state.session !== null && (SESSION_SCREENS.has(state.screen) || state.screen === 'done' || state.screen === 'error');
  if (sessionOpen) {
    const pendingMode = mode === state.mode ? null : mode;
    return pendingMode === state.pendingMode ? unchanged(state) : { state: { ...state, pendingMode }, effects: [] };
  }
  if (mode === state.mode && state.pendingMode === null) return unchanged(state);
  return { state: endSession({ ...state, mode, pendingMode: null }), effects: [] };
}

function stepAlive(state: ReaderState, event: ReaderEvent): StepResult {
  const session = state.session;

  if (event.type === 'mode.set') return setMode(state, event.mode);
  if (event.type === 'visual.confirmed') return visualConfirmed(state);

  // Leaving a session: card removed or cancel (N42, F12, N24, N41).
  if (event.type === 'card.removed' || event.type === 'cancel') {
    if (state.screen === 'done') return event.type === 'card.removed' ? { state: endSession(state), effects: [] } : unchanged(state);
    if (state.screen === 'error') return { state: endSession(state), effects: [] };
    // N42: only a maker with a cancel button lets the patient abandon a session on the reader.
    if (event.type === 'cancel' && !state.config.profile.quirks.cancelButton) return unchanged(state);
    if (session !== null && SESSION_SCREENS.has(state.screen)) {
      const reason = event.type === 'card.removed' ? 'card-removed' : 'cancelled';
      const effects: ReaderEffect[] = session.announced
        ? [send({ v: READER_PROTOCOL_VERSION, type: 'session.ended', sessionId: session.sessionId, reason })]
        : [];
      return { state: endSession(state), effects };
    }
    return unchanged(state);
  }

  if (event.type === 'protocol.error') {
    if (session === null || !SESSION_SCREENS.has(state.screen)) return unchanged(state);
    const next = goto(state, 'error', {
      session: { ...session, pending: null, awaiting: null },
      message: fillTemplate(texts(state).protocolError, { code: event.code }),
    });
    return { state: next, effects: [] };
  }

  // A refusal ends the session whatever the reader was waiting for: the terminal also answers a
  // failed challenge or a failed qualification with auth.verdict accepted=false.
  if (
    event.type === 'auth.verdict' &&
    !event.accepted &&
    session !== null &&
    SESSION_SCREENS.has(state.screen) &&
    session.awaiting !== null &&
    event.sessionId === session.sessionId
  ) {
    return refused(state, session, event);
  }

  if (state.screen === 'idle' && event.type === 'choose.phone') {
    // N25: no phone in 目視 mode (no face, no 目視 path for a phone) nor without the general-purpose reader.
    if (!state.config.phoneReader || event.sessionId.length === 0) return unchanged(state);
    return { state: goto(state, 'phone-os-select', { session: { ...newSession(event.sessionId, false), pending: null } }), effects: [] };
  }
  if (state.screen === 'idle' || state.screen === 'idle-visual') {
    if (event.type !== 'card.placed' || event.sessionId.length === 0) return unchanged(state);
    return {
      state: goto(state, 'reading', { session: newSession(event.sessionId, state.mode === 'visual') }),
      effects: [{ type: 'card.read' }],
    };
  }

  if (session === null) return unchanged(state);

  switch (state.screen) {
    case 'phone-os-select':
    case 'phone-pin':
    case 'phone-wait-tap':
      return stepPhone(state, session, event);
    case 'reading':
      return session.carrier === 'card' ? stepReading(state, session, event) : stepPhoneReading(state, session, event);
    case 'auth-select':
      return stepAuthSelect(state, session, event);
    case 'pin-entry':
      return stepPinEntry(state, session, event);
    case 'face-capture':
      return stepFaceCapture(state, session, event);
    case 'checking':
      return stepChecking(state, session, event);
    case 'registration-offer':
      return stepRegistrationOffer(state, session, event);
    case 'cert-expiry-notice':
      return stepCertExpiryNotice(state, session, event);
    case 'consent-carryover':
      return stepConsentCarryover(state, session, event);
    case 'consent-bulk':
      return stepConsentBulk(state, session, event);
    case 'consent-item':
      return stepConsentItem(state, session, event);
    default:
      // visual-wait waits for visual.confirmed (above); done / error only for removal and cancel.
      return unchanged(state);
  }
}

// ---- smartphone through the general-purpose reader (P1–P3, N25–N29, F19, F20) ----

function stepPhone(state: ReaderState, session: ReaderSession, event: ReaderEvent): StepResult {
  const t = texts(state);
  if (state.screen === 'phone-os-select' && event.type === 'choose.os') {
    // N26 / N27: Android asks for the smartphone PIN here; an iPhone is unlocked on the phone.
    const carrier: KeyCarrier = event.os === 'android' ? 'android' : 'iphone';
    return { state: goto(state, carrier === 'android' ? 'phone-pin' : 'phone-wait-tap', { session: withSession(state, { carrier }) }), effects: [] };
  }
  if (state.screen === 'phone-pin' && event.type === 'pin.entered' && session.pending === null) {
    if (!/^[0-9]{4}$/.test(event.pin)) return state.message === t.pinFormat ? unchanged(state) : { state: { ...state, message: t.pinFormat }, effects: [] };
    // The phone is already on the reader after a wrong PIN: verify at once (the challenge is there).
    if (session.challenge !== null && session.certificate !== null) return phoneVerify(goto(state, 'reading'), session, event.pin);
    return { state: goto(state, 'phone-wait-tap', { session: withSession(state, { phonePin: event.pin }) }), effects: [] };
  }
  if (state.screen === 'phone-wait-tap' && event.type === 'phone.tapped' && session.pending === null) {
    // An iPhone held again after a refused unlock: only the unlock is retried.
    if (session.carrier === 'iphone' && session.challenge !== null && session.certificate !== null) {
      return { state: goto(state, 'reading', { session: withSession(state, { pending: 'phone.unlock-and-sign' }) }), effects: [{ type: 'phone.unlock-and-sign', nonce: session.challenge.nonce }] };
    }
    const carrier = session.carrier === 'card' ? 'android' : session.carrier;
    return { state: goto(state, 'reading', { session: withSession(state, { pending: 'card.read' }) }), effects: [{ type: 'card.read', carrier }] };
  }
  return unchanged(state);
}

function phoneVerify(state: ReaderState, session: ReaderSession, pin: string): StepResult {
  if (session.challenge === null) return unchanged(state);
  const next = { ...state, session: { ...session, pending: 'card.verify-and-sign' as const, phonePin: null } };
  return { state: next, effects: [{ type: 'card.verify-and-sign', pin, nonce: session.challenge.nonce }] };
}

function phoneError(state: ReaderState, session: ReaderSession, errorCode: 'E-phone' | 'E-phone-lock', effect: ReaderEffect): StepResult {
  const message = state.config.profile.errorTexts[errorCode] ?? `${errorCode} ${texts(state).error}`;
  return { state: goto(state, 'error', { session: { ...session, pending: null, awaiting: null, phonePin: null }, errorCode, message }), effects: [effect] };
}

function stepPhoneReading(state: ReaderState, session: ReaderSession, event: ReaderEvent): StepResult {
  const t = texts(state);
  if (event.type === 'card.read-ok' && session.pending === 'card.read') {
    const next = goto(state, 'reading', {
      session: withSession(state, {
        certificate: event.certificate,
        // A phone carries no 券面: the name comes from whoever held it (the runtime passes it on).
        holderName: event.holderName !== undefined && event.holderName.trim().length > 0 ? event.holderName : null,
        pinTriesLeft: count(event.pinTriesLeft),
        pending: null,
        announced: true,
        awaiting: 'challenge',
      }),
    });
    return { state: next, effects: [send({ v: READER_PROTOCOL_VERSION, type: 'challenge.request', sessionId: session.sessionId })] };
  }
  if (event.type === 'card.read-failed' && (session.pending === 'card.read' || session.pending === 'card.verify-and-sign' || session.pending === 'phone.unlock-and-sign')) {
    // F19: the phone could not be read (or is not a phone); the patient uses the physical card.
    return phoneError(state, session, 'E-phone', notice(session, 'phone-read-failed', event.reason ? { message: event.reason } : {}));
  }
  if (event.type === 'challenge' && session.awaiting === 'challenge' && event.sessionId === session.sessionId) {
    const challenge = { challengeId: event.challengeId, nonce: b64.decode(event.nonce) };
    const challenged = { ...session, challenge, awaiting: null };
    if (session.carrier === 'iphone') {
      return { state: goto(state, 'reading', { session: { ...challenged, pending: 'phone.unlock-and-sign' } }), effects: [{ type: 'phone.unlock-and-sign', nonce: challenge.nonce }] };
    }
    if (challenged.pinTriesLeft === 0) return phoneError(state, challenged, 'E-phone-lock', notice(session, 'phone-pin-locked', { triesLeft: 0 }));
    if (session.phonePin === null) return { state: goto(state, 'phone-pin', { session: challenged }), effects: [] };
    return phoneVerify(state, challenged, session.phonePin);
  }
  if (event.type === 'phone.unlock-failed' && session.pending === 'phone.unlock-and-sign') {
    // The phone stays the patient's to unlock again; holding it again retries.
    return { state: goto(state, 'phone-wait-tap', { session: withSession(state, { pending: null }), message: t.phoneUnlockFailed }), effects: [notice(session, 'phone-read-failed', { message: event.reason ?? 'biometric unlock refused' })] };
  }
  const signing = session.pending === 'card.verify-and-sign' || session.pending === 'phone.unlock-and-sign';
  if (event.type === 'pin.ok' && signing && session.challenge !== null && session.certificate !== null) {
    const result = pinAuthResult(session, session.certificate, session.challenge.challengeId, event.signature);
    return { state: goto(state, 'checking', { session: withSession(state, { pending: null, awaiting: 'auth.verdict', phonePin: null }) }), effects: [send(result)] };
  }
  if (event.type === 'pin.wrong' && session.pending === 'card.verify-and-sign' && count(event.triesLeft) > 0) {
    const triesLeft = count(event.triesLeft);
    const next = goto(state, 'phone-pin', { session: withSession(state, { pending: null, pinTriesLeft: triesLeft }), message: fillTemplate(t.pinWrong, { n: triesLeft }) });
    return { state: next, effects: [notice(session, 'phone-pin-wrong', { triesLeft })] };
  }
  if ((event.type === 'pin.locked' || event.type === 'pin.wrong') && session.pending === 'card.verify-and-sign') {
    // F20: the smartphone certificate's PIN is locked; the physical card still works.
    return phoneError(state, { ...session, pinTriesLeft: 0 }, 'E-phone-lock', notice(session, 'phone-pin-locked', { triesLeft: 0 }));
  }
  return unchanged(state);
}

/** Start the visual attestation (N10): the reader signs for the staff's confirmation. */
function attestVisual(state: ReaderState, session: ReaderSession): StepResult {
  if (session.challenge === null || session.certificate === null) return unchanged(state);
  const next = goto(state, 'checking', { session: withSession(state, { pending: 'face.attest' }), visualConfirmed: true });
  const effect: ReaderEffect = { type: 'face.attest', nonce: session.challenge.nonce, certificate: session.certificate, method: 'visual', score: 0 };
  return { state: next, effects: [effect] };
}

function visualConfirmed(state: ReaderState): StepResult {
  if (state.mode !== 'visual') return unchanged(state);
  if (state.screen === 'idle-visual') return state.visualConfirmed ? unchanged(state) : { state: { ...state, visualConfirmed: true }, effects: [] };
  const session = state.session;
  if (session === null || !session.visual) return unchanged(state);
  // Card placed first (F17, option visual_card_first = wait): the tick releases the waiting card.
  if (state.screen === 'visual-wait' && session.pending === null && session.awaiting === null) return attestVisual(state, session);
  // Card still being read: remember the tick, it is used when the challenge arrives.
  if (state.screen === 'reading' && !state.visualConfirmed) return { state: { ...state, visualConfirmed: true }, effects: [] };
  return unchanged(state);
}

/** Screens the patient must answer; left unanswered for screen_timeout_s they end the session (F22, N41). */
const TIMED_SCREENS: ReadonlySet<ScreenId> = new Set<ScreenId>([
  'phone-os-select',
  'phone-pin',
  'phone-wait-tap',
  'auth-select',
  'pin-entry',
  'registration-offer',
  'cert-expiry-notice',
  'consent-carryover',
  'consent-bulk',
  'consent-item',
  'error',
]);

/**
 * The runtime's clock (F22): the first tick on a screen starts its timer, a tick at least
 * screen_timeout_s later ends the session. Any change of screen, message or consent item restarts it.
 */
function tick(state: ReaderState, now: number): StepResult {
  const session = state.session;
  if (state.screen === 'face-capture' && session !== null && session.pending === null && state.config.faceCaptureTimeoutS > 0 && Number.isFinite(now)) {
    return captureTick(state, session, now);
  }
  const timed =
    state.config.screenTimeoutS > 0 &&
    Number.isFinite(now) &&
    session !== null &&
    TIMED_SCREENS.has(state.screen) &&
    session.pending === null &&
    session.awaiting === null;
  if (!timed) return state.idleTimer === null ? unchanged(state) : { state: { ...state, idleTimer: null }, effects: [] };
  const key = `${session.sessionId}|${state.screen}|${session.consentIndex}|${state.message ?? ''}`;
  if (state.idleTimer === null || state.idleTimer.key !== key || now < state.idleTimer.since) {
    return { state: { ...state, idleTimer: { key, since: now } }, effects: [] };
  }
  if (now - state.idleTimer.since < state.config.screenTimeoutS * 1000) return unchanged(state);
  const effects: ReaderEffect[] =
    state.screen !== 'error' && session.announced
      ? [send({ v: READER_PROTOCOL_VERSION, type: 'session.ended', sessionId: session.sessionId, reason: 'timeout' })]
      : [];
  return { state: { ...endSession(state), idleTimer: null }, effects };
}

/**
 * F11: face-capture without a usable frame for faceCaptureTimeoutS counts a face failure. The timer
 * restarts with each failure and each new guidance (a frame arrived, if a poor one).
 */
function captureTick(state: ReaderState, session: ReaderSession, now: number): StepResult {
  const key = `${session.sessionId}|face-capture|${session.faceFailures}|${state.message ?? ''}`;
  if (state.idleTimer === null || state.idleTimer.key !== key || now < state.idleTimer.since) {
    return { state: { ...state, idleTimer: { key, since: now } }, effects: [] };
  }
  if (now - state.idleTimer.since < state.config.faceCaptureTimeoutS * 1000) return unchanged(state);
  return stepFaceCapture({ ...state, idleTimer: null }, session, { type: 'face.capture-timeout' });
}

/** After an accepted verdict (Q1): registration offer (N11), expiry notice (N13), else the consent screens. */
function afterVerdict(state: ReaderState, session: ReaderSession, verdict: Msg<TerminalToReader, 'auth.verdict'>, checkId: string): StepResult {
  const registered = verdict.registered !== false;
  const certificateExpiring = verdict.certificateStatus === 'expiring-soon';
  const previousConsent = verdict.previousConsent !== undefined ? { ...verdict.previousConsent } : null;
  const consentNotAsked = verdict.consentNotAsked === true;
  const next = withSession(state, { awaiting: null, checkId, registered, certificateExpiring, previousConsent, consentNotAsked });
  if (!registered && session.carrier !== 'card') {
    // F24: a phone is only prepared for a registered card, so no offer: the check ends on E-notreg.
    const errorCode = 'E-notreg';
    const message = state.config.profile.errorTexts[errorCode] ?? `${errorCode} ${texts(state).error}`;
    return { state: goto(state, 'error', { session: next, errorCode, message }), effects: [notice(session, 'not-registered')] };
  }
  // Staff hear of an expiring certificate whether or not the patient sees the notice.
  const effects = certificateExpiring ? [notice(session, 'certificate-expiring', { message: 'certificate ends within 3 months' })] : [];
  if (registered && !certificateExpiring) return enterConsent(state, next, effects);
  return { state: goto(state, !registered ? 'registration-offer' : 'cert-expiry-notice', { session: next }), effects };
}

function stepRegistrationOffer(state: ReaderState, session: ReaderSession, event: ReaderEvent): StepResult {
  if (event.type === 'register.yes' && session.checkId !== null) {
    // N12, after_registration = continue: straight on to the consent screens (K-entry).
    const request: ReaderToTerminal = { v: READER_PROTOCOL_VERSION, type: 'registration.request', sessionId: session.sessionId, checkId: session.checkId };
    return enterConsent(state, withSession(state, { registered: true }), [send(request)]);
  }
  if (event.type === 'register.no') {
    // F24: no qualification from this card; the staff fall back (paper card, 資格確認書 …).
    const errorCode = 'E-notreg';
    const next = goto(state, 'error', { errorCode, message: state.config.profile.errorTexts[errorCode] ?? `${errorCode} ${texts(state).error}` });
    return { state: next, effects: [notice(session, 'not-registered')] };
  }
  return unchanged(state);
}

function stepCertExpiryNotice(state: ReaderState, session: ReaderSession, event: ReaderEvent): StepResult {
  if (event.type === 'ack') return enterConsent(state, session);
  // N35: the patient may go on with the consent at once; the notice was informational.
  if (session.consentNotAsked) return unchanged(state);
  if (consentEntry(session) === 'consent-carryover') {
    if (event.type === 'consent.carry-over' || event.type === 'consent.reselect') return stepConsentCarryover(goto(state, 'consent-carryover'), session, event);
    return unchanged(state);
  }
  if (event.type === 'consent.agree-all' || event.type === 'consent.individually') return stepConsentBulk(goto(state, 'consent-bulk'), session, event);
  return unchanged(state);
}

function stepReading(state: ReaderState, session: ReaderSession, event: ReaderEvent): StepResult {
  if (event.type === 'card.read-ok' && session.pending === 'card.read') {
    const pinless = event.pinless === true;
    const pinTriesLeft = pinless ? 0 : count(event.pinTriesLeft);
    const holderName = event.holderName !== undefined && event.holderName.trim().length > 0 ? event.holderName : null;
    const holderFace = event.holderFace !== undefined && event.holderFace.length > 0 ? [...event.holderFace] : null;
    const next = goto(state, 'reading', {
      session: withSession(state, {
        certificate: event.certificate,
        holderName,
        holderFace,
        pinTriesLeft,
        pinless,
        pending: null,
        announced: true,
        awaiting: 'challenge',
      }),
    });
    const effects: ReaderEffect[] = [send({ v: READER_PROTOCOL_VERSION, type: 'challenge.request', sessionId: session.sessionId })];
    // A card whose PIN is already locked: staff should know before the patient tries — unless staff
    // confirm the holder anyway (目視), where the PIN plays no part. A PIN-less card is not locked:
    // no notice, its auth-select screen says so instead.
    if (pinTriesLeft === 0 && !pinless && !session.visual) effects.push(notice(session, 'pin-locked', { triesLeft: 0 }));
    return { state: next, effects };
  }
  if (event.type === 'card.read-failed' && session.pending === 'card.read') return cardFailed(state, session, event.reason);
  if (event.type === 'challenge' && session.awaiting === 'challenge' && event.sessionId === session.sessionId) {
    const challenged = goto(state, 'reading', {
      session: withSession(state, { challenge: { challengeId: event.challengeId, nonce: b64.decode(event.nonce) }, awaiting: null }),
    });
    if (session.visual) {
      // N10: no face, no PIN. Staff confirmed already → attest now; else wait for the tick (F17 wait).
      return state.visualConfirmed ? attestVisual(challenged, challenged.session as ReaderSession) : { state: goto(challenged, 'visual-wait'), effects: [] };
    }
    return { state: goto(challenged, 'auth-select'), effects: [] };
  }
  return unchanged(state);
}

function stepAuthSelect(state: ReaderState, session: ReaderSession, event: ReaderEvent): StepResult {
  if (event.type === 'choose.pin') {
    if (pinAvailable(session)) return { state: goto(state, 'pin-entry'), effects: [] };
    if (session.pinless) {
      // F7 for a PIN-less card: there is no PIN to enter; face stays offered.
      if (state.message === texts(state).pinNotSet) return unchanged(state);
      return { state: goto(state, 'auth-select', { message: texts(state).pinNotSet }), effects: [] };
    }
    // F7: PIN locked or PIN-less card — the PIN path is refused, face stays offered.
    if (state.message === texts(state).pinUnavailable) return unchanged(state);
    return { state: goto(state, 'auth-select', { message: texts(state).pinUnavailable }), effects: [] };
  }
  if (event.type === 'choose.face') {
    // F27: camera unavailable — the face path is refused, PIN (or 目視 by staff) remains.
    if (state.faults.cameraUnavailable) {
      if (state.message === texts(state).faceUnavailable) return unchanged(state);
      return { state: goto(state, 'auth-select', { message: texts(state).faceUnavailable }), effects: [] };
    }
    // F10: the card's face path is locked; PIN (or 目視) remains.
    if (faceLocked(state, session)) {
      if (state.message === texts(state).faceLocked) return unchanged(state);
      return { state: goto(state, 'auth-select', { message: texts(state).faceLocked }), effects: [] };
    }
    return { state: goto(state, 'face-capture', { session: withSession(state, { faceFailures: 0, faceGuidance: null }) }), effects: [] };
  }
  return unchanged(state);
}

function stepPinEntry(state: ReaderState, session: ReaderSession, event: ReaderEvent): StepResult {
  const t = texts(state);
  if (event.type === 'pin.entered' && session.pending === null && session.challenge !== null && pinAvailable(session)) {
    if (!/^[0-9]{4}$/.test(event.pin)) {
      return state.message === t.pinFormat ? unchanged(state) : { state: { ...state, message: t.pinFormat }, effects: [] };
    }
    const next = { ...state, session: withSession(state, { pending: 'card.verify-and-sign' }) };
    return { state: next, effects: [{ type: 'card.verify-and-sign', pin: event.pin, nonce: session.challenge.nonce }] };
  }
  if (session.pending !== 'card.verify-and-sign') return unchanged(state);

  if (event.type === 'pin.ok' && session.challenge !== null && session.certificate !== null) {
    const next = goto(state, 'checking', { session: withSession(state, { pending: null, awaiting: 'auth.verdict' }) });
    const result = pinAuthResult(session, session.certificate, session.challenge.challengeId, event.signature);
    return { state: next, effects: [send(result)] };
  }
  if (event.type === 'pin.wrong' && count(event.triesLeft) > 0) {
    const triesLeft = count(event.triesLeft);
    const next = goto(state, 'pin-entry', {
      session: withSession(state, { pending: null, pinTriesLeft: triesLeft }),
      message: fillTemplate(t.pinWrong, { n: triesLeft }),
    });
    return { state: next, effects: [notice(session, 'pin-wrong', { triesLeft })] };
  }
  if (event.type === 'pin.locked' || event.type === 'pin.wrong') {
    // F6 with pin_lock_next = auth_select: back to the method choice, PIN path closed, face still open.
    const next = goto(state, 'auth-select', {
      session: withSession(state, { pending: null, pinTriesLeft: 0 }),
      message: t.pinLocked,
    });
    return { state: next, effects: [notice(session, 'pin-locked', { triesLeft: 0 })] };
  }
  if (event.type === 'card.read-failed') return cardFailed(state, session, event.reason);
  return unchanged(state);
}

/** What a presented face amounts to: camera guidance, a match / mismatch with a score, or no usable frame in time. */
type FaceOutcome =
  | { kind: 'guidance'; quality: Exclude<FaceQuality, 'ok'> }
  | { kind: 'compared'; match: boolean; score: number }
  | { kind: 'timeout' };

/** An armed face-fail-next fault decides the frame's fate instead of the face presented. */
function forcedOutcome(reason: FaceFailReason): FaceOutcome {
  if (reason === 'mismatch') return { kind: 'compared', match: false, score: 0 };
  if (reason === 'timeout') return { kind: 'timeout' };
  return { kind: 'guidance', quality: reason };
}

function faceOutcome(state: ReaderState, session: ReaderSession, event: Extract<PatientAction, { type: 'face.presented' }>): FaceOutcome {
  if ('match' in event) return { kind: 'compared', match: event.match, score: unitScore(event.score) };
  const maskPrompt = state.config.profile.quirks.maskPrompt;
  // A mask is only a problem for a maker that asks to take it off; the others match through it.
  if (event.quality !== undefined && event.quality !== 'ok' && (event.quality !== 'mask' || maskPrompt)) return { kind: 'guidance', quality: event.quality };
  const seen = event.embedding ?? (event.persona !== undefined && event.persona.length > 0 ? faceEmbedding(event.persona) : null);
  // No face to compare with (the card gave none, or nobody was named): a mismatch, never a match.
  const similarity = seen !== null && session.holderFace !== null ? cosineSimilarity(seen, session.holderFace) : 0;
  return { kind: 'compared', match: similarity >= faceMatchThreshold(state), score: unitScore(similarity) };
}

function guidanceText(state: ReaderState, quality: Exclude<FaceQuality, 'ok'>): string {
  const t = texts(state);
  if (quality === 'mask' || (quality === 'occluded' && state.config.profile.quirks.maskPrompt)) return t.faceMask;
  return t.faceGuidance[quality];
}

function stepFaceCapture(state: ReaderState, session: ReaderSession, event: ReaderEvent): StepResult {
  const ready = session.pending === null && session.challenge !== null && session.certificate !== null;
  if (ready && (event.type === 'face.presented' || event.type === 'face.capture-timeout')) {
    // A one-shot fault overrides the frame; each frame presented (or timed out) uses one.
    const armed = state.faults.faceFailNext;
    const consumed: ReaderState =
      armed === null ? state : { ...state, faults: { ...state.faults, faceFailNext: armed.left > 1 ? { reason: armed.reason, left: armed.left - 1 } : null } };
    const outcome: FaceOutcome = armed !== null ? forcedOutcome(armed.reason) : event.type === 'face.capture-timeout' ? { kind: 'timeout' } : faceOutcome(state, session, event);
    return faceFrame(consumed, session, outcome);
  }
  if (event.type === 'face.attested' && session.pending === 'face.attest' && session.challenge !== null && session.certificate !== null) {
    const next = goto(state, 'checking', { session: withSession(state, { pending: null, awaiting: 'auth.verdict', faceFailures: 0 }) });
    const result: ReaderToTerminal = {
      v: READER_PROTOCOL_VERSION,
      type: 'auth.result',
      sessionId: session.sessionId,
      method: 'face',
      certificate: b64.encode(session.certificate),
      challengeId: session.challenge.challengeId,
      attestation: { readerId: state.config.readerId, signature: b64.encode(event.signature), faceScore: unitScore(event.score) },
    };
    return { state: next, effects: [send(result)] };
  }
  return unchanged(state);
}

/** One frame's outcome on face-capture (F8 guidance, N7 match, F9 / F10 mismatch, F11 timeout). */
function faceFrame(state: ReaderState, session: ReaderSession, outcome: FaceOutcome): StepResult {
  if (session.challenge === null || session.certificate === null) return unchanged(state);
  if (outcome.kind === 'guidance') {
      // F8: guidance only, not a failure (the mask prompt is a maker's quirk).
      const message = guidanceText(state, outcome.quality);
      if (state.message === message && session.faceGuidance === outcome.quality) return unchanged(state);
      return { state: goto(state, 'face-capture', { session: withSession(state, { faceGuidance: outcome.quality }), message }), effects: [] };
    }
    if (outcome.kind === 'timeout') return faceFailed(state, session, texts(state).faceCaptureTimeout, [notice(session, 'face-failed', { message: 'capture timeout' })]);
    const key = cardKey(session.certificate);
    if (outcome.match) {
      // A match resets the card's mismatch count (F10, L).
      const next = { ...state, session: withSession(state, { pending: 'face.attest', faceGuidance: null }), faceMismatches: { ...state.faceMismatches, [key]: 0 } };
      const effect: ReaderEffect = { type: 'face.attest', nonce: session.challenge.nonce, certificate: session.certificate, method: 'face', score: outcome.score };
      return { state: next, effects: [effect] };
    }
    const mismatches = (state.faceMismatches[key] ?? 0) + 1;
    const counted = { ...state, faceMismatches: { ...state.faceMismatches, [key]: mismatches } };
    const lockAfter = state.config.faceLockAfter;
    if (lockAfter > 0 && mismatches >= lockAfter) {
      // F10: face auth locked for this card; the session ends on E-facelock, PIN and 目視 remain.
      const errorCode = 'E-facelock';
      const next = goto(counted, 'error', {
        session: withSession(state, { faceFailures: session.faceFailures + 1, faceGuidance: null }),
        errorCode,
        message: state.config.profile.errorTexts[errorCode] ?? `${errorCode} ${texts(state).faceLocked}`,
      });
      return { state: next, effects: [notice(session, 'face-failed'), notice(session, 'face-locked', { message: `${mismatches} consecutive face mismatches` })] };
    }
    return faceFailed(counted, session, texts(state).faceRetry, [notice(session, 'face-failed')]);
}

/**
 * A counted face failure (F9 mismatch, F11 capture timeout) and where it leads (face_fail_next):
 * another try, the method choice — whose text names the PIN only when the card can still use
 * it, else the counter (目視) — or, on a restart maker, an error screen.
 */
function faceFailed(state: ReaderState, session: ReaderSession, retryText: string, effects: ReaderEffect[]): StepResult {
  const faceFailures = session.faceFailures + 1;
  const patched = { ...session, faceFailures, faceGuidance: null };
  const t = texts(state);
  const policy = state.config.faceFailNext;
  if (policy === 'restart') {
    const errorCode = 'E-face';
    return { state: goto(state, 'error', { session: patched, errorCode, message: state.config.profile.errorTexts[errorCode] ?? `${errorCode} ${t.faceGiveUp}` }), effects };
  }
  if (policy === 'auth-select' || faceFailures >= state.config.faceFailuresBeforeAuthSelect) {
    // The real fallback: the PIN when the card has a usable one, else staff (目視).
    return { state: goto(state, 'auth-select', { session: patched, message: pinAvailable(session) ? t.faceGiveUp : t.faceGiveUpNoPin }), effects };
  }
  return { state: goto(state, 'face-capture', { session: patched, message: retryText }), effects };
}

function stepChecking(state: ReaderState, session: ReaderSession, event: ReaderEvent): StepResult {
  if (event.type === 'face.attested' && session.visual && session.pending === 'face.attest' && session.challenge !== null && session.certificate !== null) {
    // N10: the attestation states that staff confirmed the holder; no face score.
    const next = goto(state, 'checking', { session: withSession(state, { pending: null, awaiting: 'auth.verdict' }) });
    const result: ReaderToTerminal = {
      v: READER_PROTOCOL_VERSION,
      type: 'auth.result',
      sessionId: session.sessionId,
      method: 'visual',
      certificate: b64.encode(session.certificate),
      challengeId: session.challenge.challengeId,
      attestation: { readerId: state.config.readerId, signature: b64.encode(event.signature) },
    };
    return { state: next, effects: [send(result)] };
  }
  if (event.type === 'auth.verdict' && event.accepted && session.awaiting === 'auth.verdict' && event.sessionId === session.sessionId) {
    if (event.checkId !== undefined && event.checkId.length > 0) return afterVerdict(state, session, event, event.checkId);
    // Accepted but without a check id: the consent result could not be tied to the check.
    return {
      state: goto(state, 'error', { session: withSession(state, { awaiting: null }), message: texts(state).missingCheckId }),
      effects: [notice(session, 'communication-error', { message: 'auth.verdict accepted without checkId' })],
    };
  }
  if (event.type === 'session.completed' && session.awaiting === 'session.completed' && event.sessionId === session.sessionId) {
    return { state: goto(state, 'done', { session: withSession(state, { awaiting: null }) }), effects: [] };
  }
  return unchanged(state);
}

/** Error code the terminal uses for "no usable answer from the central system" (E-comm). */
export const COMMUNICATION_ERROR_CODE = 'E-comm';

function refused(state: ReaderState, session: ReaderSession, verdict: Msg<TerminalToReader, 'auth.verdict'>): StepResult {
  const errorCode = verdict.errorCode ?? null;
  const profileText = errorCode !== null ? state.config.profile.errorTexts[errorCode] : undefined;
  const text =
    profileText ??
    [errorCode, verdict.message ?? (session.awaiting === 'auth.verdict' ? texts(state).certificateRejected : texts(state).error)]
      .filter((p) => p !== null)
      .join(' ');
  // Only a refusal of the identity check itself is a certificate matter for the staff.
  const code = session.awaiting === 'auth.verdict' && errorCode !== COMMUNICATION_ERROR_CODE ? 'certificate-rejected' : 'communication-error';
  return {
    state: goto(state, 'error', { session: { ...session, awaiting: null, pending: null }, errorCode, message: text }),
    effects: [notice(session, code, { message: verdict.message ?? text.replace(/\n/g, '') })],
  };
}

function consentResultMessage(session: ReaderSession, consent: ConsentChoices, bulk: boolean): Msg<ReaderToTerminal, 'consent.result'> {
  return { v: READER_PROTOCOL_VERSION, type: 'consent.result', sessionId: session.sessionId, checkId: session.checkId ?? '', consent, bulk };
}

function consentResult(session: ReaderSession, consent: ConsentChoices, bulk: boolean): ReaderEffect {
  return send(consentResultMessage(session, consent, bulk));
}

/**
 * K-entry (N15/N16): the carry-over screen when the terminal gave the previous individual choices
 * (carryover_position = before_bulk), else the 包括同意 screen. There is no 限度額 consent screen
 * (removed 2024-10-07): limit information goes with every check without consent.
 */
function consentEntry(session: ReaderSession): ScreenId {
  return session.previousConsent !== null ? 'consent-carryover' : 'consent-bulk';
}

/**
 * Into the consent screens (K-entry), or — when the verdict said `consentNotAsked` (資格確認限定型,
 * rules.md §3: qualification only, no medical information) — past them: no consent is sent at once.
 */
function enterConsent(state: ReaderState, session: ReaderSession, effects: ReaderEffect[] = []): StepResult {
  if (!session.consentNotAsked) return { state: goto(state, consentEntry(session), { session }), effects };
  const none: ConsentChoices = { ...NO_CONSENT };
  const next: ReaderSession = { ...session, consent: none, awaiting: 'session.completed' };
  return { state: goto(state, 'checking', { session: next }), effects: [...effects, send({ ...consentResultMessage(next, none, false), consentNotAsked: true })] };
}

function stepConsentCarryover(state: ReaderState, session: ReaderSession, event: ReaderEvent): StepResult {
  if (event.type === 'consent.carry-over' && session.previousConsent !== null) {
    const choices: ConsentChoices = { ...session.previousConsent };
    const next = goto(state, 'checking', { session: withSession(state, { consent: choices, awaiting: 'session.completed' }) });
    return { state: next, effects: [send({ ...consentResultMessage(session, choices, false), carriedOver: true })] };
  }
  if (event.type === 'consent.reselect') {
    // N19: «選択しなおす» leads to the individual screens, nothing pre-selected.
    return { state: goto(state, 'consent-item', { session: withSession(state, { consent: {}, consentIndex: 0 }) }), effects: [] };
  }
  return unchanged(state);
}

function stepConsentBulk(state: ReaderState, session: ReaderSession, event: ReaderEvent): StepResult {
  if (event.type === 'consent.agree-all') {
    const next = goto(state, 'checking', {
      session: withSession(state, { consent: { ...FULL_CONSENT }, awaiting: 'session.completed' }),
    });
    return { state: next, effects: [consentResult(session, { ...FULL_CONSENT }, true)] };
  }
  if (event.type === 'consent.individually') {
    return { state: goto(state, 'consent-item', { session: withSession(state, { consent: {}, consentIndex: 0 }) }), effects: [] };
  }
  return unchanged(state);
}

function stepConsentItem(state: ReaderState, session: ReaderSession, event: ReaderEvent): StepResult {
  if (event.type !== 'consent.item') return unchanged(state);
  const item = CONSENT_ITEMS[session.consentIndex];
  if (item === undefined) return unchanged(state);
  const consent = { ...session.consent, [item]: event.agree };
  const nextIndex = session.consentIndex + 1;
  if (nextIndex < CONSENT_ITEMS.length) {
    return { state: goto(state, 'consent-item', { session: withSession(state, { consent, consentIndex: nextIndex }) }), effects: [] };
  }
  const choices: ConsentChoices = {
    diagnosis: consent.diagnosis === true,
    pharmacy: consent.pharmacy === true,
    checkup: consent.checkup === true,
    operation: consent.operation === true,
  };
  const next = goto(state, 'checking', {
    session: withSession(state, { consent: choices, consentIndex: nextIndex, awaiting: 'session.completed' }),
  });
  return { state: next, effects: [consentResult(session, choices, false)] };
}

// ---- the screen as the patient sees it ----

function screenText(state: ReaderState): string {
  const t = texts(state);
  const s = state.session;
  if (state.message !== null) return state.message;
  switch (state.screen) {
    case 'booting':
      return t.booting;
    case 'boot-failed':
      return t.bootFailed;
    case 'link-down':
      return t.linkDown;
    case 'idle':
      return t.idle;
    case 'idle-visual':
      return state.visualConfirmed ? t.idleVisualConfirmed : t.idleVisual;
    case 'phone-os-select':
      return t.phoneOsSelect;
    case 'phone-pin':
      return t.phonePin;
    case 'phone-wait-tap':
      return s?.carrier === 'iphone' ? t.phoneWaitTapIphone : t.phoneWaitTapAndroid;
    case 'reading':
      return s !== null && s.carrier !== 'card' ? t.phoneReading : t.reading;
    case 'visual-wait':
      return t.visualWait;
    case 'auth-select':
      return s?.pinless === true ? t.authSelectPinless : t.authSelect;
    case 'pin-entry':
      return t.pinEntry;
    case 'face-capture':
      return t.faceCapture;
    case 'checking':
      return t.checking;
    case 'registration-offer':
      return t.registrationOffer;
    case 'cert-expiry-notice':
      return t.certExpiryNotice;
    case 'consent-carryover':
      return t.consentCarryover;
    case 'consent-bulk':
      return t.consentBulk;
    case 'consent-item':
      return t.consentItem[CONSENT_ITEMS[s?.consentIndex ?? 0] ?? 'operation'];
    case 'done':
      return t.done;
    case 'error':
      return t.error;
    case 'maintenance':
      return state.faults.maintenance === 'settings' ? t.maintenance : t.maintenanceUpdate;
  }
}

export function screenOf(state: ReaderState): ReaderScreen {
  const s = state.session;
  const text = screenText(state);
  const { quirks } = state.config.profile;
  const name = s?.holderName != null && NAMED_SCREENS.has(state.screen) ? displayName(s.holderName, quirks.repertoire) : null;
  const lines = [...(name !== null ? nameLines(name, quirks.nameLayout, quirks.honorific) : []), ...text.split('\n')];
  const out: ReaderScreen = { screen: state.screen, message: text.replace(/\n/g, ''), lines };
  if (name !== null) out.name = name;
  switch (state.screen) {
    case 'auth-select':
      out.pinAvailable = pinAvailable(s);
      out.faceAvailable = !state.faults.cameraUnavailable && !faceLocked(state, s);
      out.triesLeft = s?.pinTriesLeft ?? 0;
      if (s?.pinless === true) out.pinless = true;
      break;
    case 'pin-entry':
      out.pinAvailable = pinAvailable(s);
      out.triesLeft = s?.pinTriesLeft ?? 0;
      break;
    case 'phone-pin':
      if (s?.pinTriesLeft != null) out.triesLeft = s.pinTriesLeft;
      break;
    case 'consent-item':
      out.consentItem = CONSENT_ITEMS[s?.consentIndex ?? 0] ?? 'operation';
      break;
    case 'consent-carryover':
      if (s?.previousConsent != null) out.previousConsent = { ...s.previousConsent };
      break;
    case 'face-capture':
      if (s?.faceGuidance != null) out.faceGuidance = s.faceGuidance;
      break;
    case 'error':
      if (state.errorCode !== null) out.errorCode = state.errorCode;
      break;
    default:
      break;
  }
  if (state.faults.frozen) out.frozen = true;
  return out;
}

/** The signed PIN check for the terminal; a phone says which one carried the key (grace is for cards only). */
function pinAuthResult(session: { sessionId: string; carrier: KeyCarrier }, certificate: Uint8Array, challengeId: string, signature: Uint8Array): ReaderToTerminal {
  return {
    v: READER_PROTOCOL_VERSION,
    type: 'auth.result',
    sessionId: session.sessionId,
    method: 'pin',
    certificate: b64.encode(certificate),
    challengeId,
    signature: b64.encode(signature),
    ...(session.carrier !== 'card' ? { carrier: session.carrier } : {}),
  };
}
