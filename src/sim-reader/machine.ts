/**
 * The face-auth card reader (顔認証付きカードリーダー) as a pure state machine:
 * `step(state, event) → { state, effects }`. No I/O, no clock, no randomness — the runtime
 * (reader.ts) performs the effects and feeds their results back as events, and it supplies the
 * session id inside `card.placed` because the machine cannot make one up.
 *
 * Screens follow the public flow (reader-flow §1.2–1.5): place card → read → choose face / PIN
 * → central check → consent (bulk or item by item) → done. Events that do not apply to the
 * current screen are ignored: the same state object comes back and no effect is emitted.
 */
import type { ConsentChoices } from '../protocol/consent.js';
import { FULL_CONSENT } from '../protocol/consent.js';
import { b64 } from '../protocol/messages.js';
import type { AuthMethod, Msg, ReaderToTerminal, TerminalToReader } from '../protocol/reader-link.js';
import { READER_PROTOCOL_VERSION } from '../protocol/reader-link.js';

/** Screen ids. Scenarios refer to these exact strings. */
export type ScreenId =
  | 'link-down'
  | 'idle'
  | 'reading'
  | 'auth-select'
  | 'pin-entry'
  | 'face-capture'
  | 'checking'
  | 'consent-bulk'
  | 'consent-item'
  | 'done'
  | 'error';

/** Order of the individual consent screens. */
export const CONSENT_ITEMS = ['diagnosis', 'pharmacy', 'checkup', 'operation'] as const;
export type ConsentItem = (typeof CONSENT_ITEMS)[number];

export interface ReaderConfig {
  /** Named in the face attestation so the central system can find the reader's public key. */
  readonly readerId: string;
  /** Failed face matches before the reader goes back to the method choice (F9, option default 3). */
  readonly faceFailuresBeforeAuthSelect: number;
}

export const DEFAULT_READER_CONFIG: ReaderConfig = { readerId: 'sim-reader', faceFailuresBeforeAuthSelect: 3 };

/** Card work whose result the machine is waiting for (fed back by the runtime). */
export type PendingCardWork = 'card.read' | 'card.verify-and-sign' | 'face.attest';
/** Terminal replies the machine is waiting for. */
export type AwaitedReply = 'challenge' | 'auth.verdict' | 'session.completed';

export interface ReaderSession {
  readonly sessionId: string;
  /** True once challenge.request went out: from then on the terminal knows this session. */
  readonly announced: boolean;
  readonly certificate: Uint8Array | null;
  /** Tries left on the card's user-authentication PIN; null until the card has been read. */
  readonly pinTriesLeft: number | null;
  readonly challenge: { readonly challengeId: string; readonly nonce: Uint8Array } | null;
  readonly pending: PendingCardWork | null;
  readonly awaiting: AwaitedReply | null;
  readonly faceFailures: number;
  readonly checkId: string | null;
  readonly consent: Readonly<Partial<ConsentChoices>>;
  readonly consentIndex: number;
}

export interface ReaderState {
  readonly config: ReaderConfig;
  readonly screen: ScreenId;
  readonly session: ReaderSession | null;
  /** Text that replaces the screen's usual prompt (a refusal, a retry hint, an error). */
  readonly message: string | null;
  readonly errorCode: string | null;
}

// ---- events ----

export type LinkEvent = { type: 'link.up' } | { type: 'link.down' };

/** What the patient does at the reader (the runtime turns a placed card into a session id). */
export type PatientAction =
  | { type: 'card.placed'; sessionId: string }
  | { type: 'card.removed' }
  | { type: 'choose.pin' }
  | { type: 'choose.face' }
  | { type: 'pin.entered'; pin: string }
  | { type: 'face.presented'; match: boolean; score: number }
  | { type: 'consent.agree-all' }
  | { type: 'consent.individually' }
  | { type: 'consent.item'; agree: boolean }
  | { type: 'cancel' };

/** Results of effects, fed back by the runtime. */
export type EffectResultEvent =
  | { type: 'card.read-ok'; certificate: Uint8Array; pinTriesLeft: number }
  /** The card could not be read or answered an unexpected status word (shown as 001). */
  | { type: 'card.read-failed'; reason?: string }
  | { type: 'pin.ok'; signature: Uint8Array }
  | { type: 'pin.wrong'; triesLeft: number }
  | { type: 'pin.locked' }
  | { type: 'face.attested'; signature: Uint8Array; score: number };

export type TerminalEvent = Msg<TerminalToReader, 'challenge' | 'auth.verdict' | 'session.completed' | 'protocol.error'>;

export type ReaderEvent = LinkEvent | PatientAction | EffectResultEvent | TerminalEvent;

// ---- effects ----

export type ReaderEffect =
  /** Read the user-authentication certificate (EF 000A) and query the PIN's tries left. */
  | { type: 'card.read' }
  /** VERIFY the PIN, then sign SHA-256(nonce) with the authentication key; answer pin.ok / wrong / locked. */
  | { type: 'card.verify-and-sign'; pin: string; nonce: Uint8Array }
  /** Sign the reader attestation; answer face.attested echoing `score`. */
  | { type: 'face.attest'; nonce: Uint8Array; certificate: Uint8Array; method: AuthMethod; score: number }
  | { type: 'send'; message: ReaderToTerminal };

export interface StepResult {
  state: ReaderState;
  effects: ReaderEffect[];
}

export interface ReaderScreen {
  screen: ScreenId;
  /** What the patient reads, in Japanese. */
  message: string;
  pinAvailable?: boolean;
  triesLeft?: number;
  errorCode?: string;
  consentItem?: ConsentItem;
}

// ---- texts (wording per maker is unconfirmed; these are ours) ----

const TEXT = {
  linkDown: '資格確認端末と接続できません。受付にお声がけください',
  idle: 'マイナンバーカードを置いてください',
  reading: 'カードを読み取っています。カードを動かさないでください',
  authSelect: '本人確認の方法を選んでください(顔認証 / 暗証番号)',
  pinUnavailable: '暗証番号はロックされているため使用できません。顔認証を選ぶか、受付にお声がけください',
  pinLocked: '暗証番号がロックされました。顔認証を選ぶか、受付にお声がけください',
  pinEntry: '暗証番号(4桁)を入力してください',
  pinFormat: '暗証番号は4桁の数字で入力してください',
  pinWrong: (n: number) => `暗証番号が違います。残り${n}回です`,
  faceCapture: 'カメラに顔を向けてください',
  faceRetry: '顔認証に失敗しました。もう一度カメラに顔を向けてください',
  faceGiveUp: '顔認証ができませんでした。暗証番号を選ぶか、受付にお声がけください',
  checking: '確認しています。しばらくお待ちください',
  consentBulk: '過去の医療情報等を提供することに同意しますか(全て同意する / 個別に同意する)',
  consentItem: {
    diagnosis: '過去の診療情報を提供することに同意しますか',
    pharmacy: '過去のお薬の情報を提供することに同意しますか',
    checkup: '過去の健診情報を提供することに同意しますか',
    operation: '過去の手術情報を提供することに同意しますか',
  } satisfies Record<ConsentItem, string>,
  done: '受付が完了しました。カードを取り出して、待合室でお待ちください',
  error: 'エラーが発生しました。受付にお声がけください',
  error001: '001 マイナンバーカードを読み取れませんでした。カードを置き直してください',
  certificateRejected: '利用者証明用電子証明書を確認できませんでした。受付にお声がけください',
  error006: '006 利用者証明用電子証明書の失効・有効期限切れです。受付にお声がけください',
  missingCheckId: '資格確認端末の応答に確認番号がありません。受付にお声がけください',
  protocolError: (code: string) => `資格確認端末との通信でエラーが発生しました(${code})。受付にお声がけください`,
} as const;

// ---- construction ----

export function initialState(config: Partial<ReaderConfig> = {}): ReaderState {
  return { config: { ...DEFAULT_READER_CONFIG, ...config }, screen: 'link-down', session: null, message: null, errorCode: null };
}

const SESSION_SCREENS: ReadonlySet<ScreenId> = new Set<ScreenId>([
  'reading',
  'auth-select',
  'pin-entry',
  'face-capture',
  'checking',
  'consent-bulk',
  'consent-item',
]);

/** Whether the screen belongs to a patient session in progress (not done, not error). */
export function inSession(state: ReaderState): boolean {
  return SESSION_SCREENS.has(state.screen) && state.session !== null;
}

/** The terminal reply the machine is waiting for, if any (used by the runtime's whenIdle). */
export function awaitedReply(state: ReaderState): AwaitedReply | null {
  return state.session?.awaiting ?? null;
}

export function pinAvailable(session: ReaderSession | null): boolean {
  return session !== null && session.pinTriesLeft !== null && session.pinTriesLeft > 0;
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

function toIdle(state: ReaderState): ReaderState {
  return goto(state, 'idle', { session: null });
}

const send = (message: ReaderToTerminal): ReaderEffect => ({ type: 'send', message });

function notice(
  session: ReaderSession,
  code: Msg<ReaderToTerminal, 'reader.notice'>['code'],
  extra: { triesLeft?: number; message?: string } = {},
): ReaderEffect {
  return send({ v: READER_PROTOCOL_VERSION, type: 'reader.notice', sessionId: session.sessionId, code, ...extra });
}

function newSession(sessionId: string): ReaderSession {
  return {
    sessionId,
    announced: false,
    certificate: null,
    pinTriesLeft: null,
    challenge: null,
    pending: 'card.read',
    awaiting: null,
    faceFailures: 0,
    checkId: null,
    consent: {},
    consentIndex: 0,
  };
}

/** A count from the outside world made safe: a non-negative integer. */
const count = (n: number): number => (Number.isFinite(n) && n > 0 ? Math.floor(n) : 0);
const unitScore = (n: number): number => (Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0);

function cardFailed(state: ReaderState, session: ReaderSession, reason: string | undefined): StepResult {
  const next = goto(state, 'error', {
    session: { ...session, pending: null, awaiting: null },
    errorCode: '001',
    message: TEXT.error001,
  });
  return { state: next, effects: [notice(session, 'card-read-failed', reason ? { message: reason } : {})] };
}

// ---- the transition function ----

export function step(state: ReaderState, event: ReaderEvent): StepResult {
  // Link events apply everywhere.
  if (event.type === 'link.down') {
    return state.screen === 'link-down' ? unchanged(state) : { state: goto(state, 'link-down', { session: null }), effects: [] };
  }
  if (state.screen === 'link-down') {
    return event.type === 'link.up' ? { state: toIdle(state), effects: [] } : unchanged(state);
  }
  if (event.type === 'link.up') return unchanged(state);

  const session = state.session;

  // Leaving a session: card removed or cancel (N42, F12, N24, N41).
  if (event.type === 'card.removed' || event.type === 'cancel') {
    if (state.screen === 'done') return event.type === 'card.removed' ? { state: toIdle(state), effects: [] } : unchanged(state);
    if (state.screen === 'error') return { state: toIdle(state), effects: [] };
    if (session !== null && SESSION_SCREENS.has(state.screen)) {
      const reason = event.type === 'card.removed' ? 'card-removed' : 'cancelled';
      const effects: ReaderEffect[] = session.announced
        ? [send({ v: READER_PROTOCOL_VERSION, type: 'session.ended', sessionId: session.sessionId, reason })]
        : [];
      return { state: toIdle(state), effects };
    }
    return unchanged(state);
  }

  if (event.type === 'protocol.error') {
    if (session === null || !SESSION_SCREENS.has(state.screen)) return unchanged(state);
    const next = goto(state, 'error', {
      session: { ...session, pending: null, awaiting: null },
      message: TEXT.protocolError(event.code),
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

  if (state.screen === 'idle') {
    if (event.type !== 'card.placed' || event.sessionId.length === 0) return unchanged(state);
    return { state: goto(state, 'reading', { session: newSession(event.sessionId) }), effects: [{ type: 'card.read' }] };
  }

  if (session === null) return unchanged(state);

  switch (state.screen) {
    case 'reading':
      return stepReading(state, session, event);
    case 'auth-select':
      return stepAuthSelect(state, session, event);
    case 'pin-entry':
      return stepPinEntry(state, session, event);
    case 'face-capture':
      return stepFaceCapture(state, session, event);
    case 'checking':
      return stepChecking(state, session, event);
    case 'consent-bulk':
      return stepConsentBulk(state, session, event);
    case 'consent-item':
      return stepConsentItem(state, session, event);
    default:
      // done / error: only card removal and cancel (handled above) apply.
      return unchanged(state);
  }
}

function stepReading(state: ReaderState, session: ReaderSession, event: ReaderEvent): StepResult {
  if (event.type === 'card.read-ok' && session.pending === 'card.read') {
    const pinTriesLeft = count(event.pinTriesLeft);
    const next = goto(state, 'reading', {
      session: withSession(state, {
        certificate: event.certificate,
        pinTriesLeft,
        pending: null,
        announced: true,
        awaiting: 'challenge',
      }),
    });
    const effects: ReaderEffect[] = [send({ v: READER_PROTOCOL_VERSION, type: 'challenge.request', sessionId: session.sessionId })];
    // A card whose PIN is already locked (or a PIN-less card): staff should know before the patient tries.
    if (pinTriesLeft === 0) effects.push(notice(session, 'pin-locked', { triesLeft: 0 }));
    return { state: next, effects };
  }
  if (event.type === 'card.read-failed' && session.pending === 'card.read') return cardFailed(state, session, event.reason);
  if (event.type === 'challenge' && session.awaiting === 'challenge' && event.sessionId === session.sessionId) {
    const next = goto(state, 'auth-select', {
      session: withSession(state, {
        challenge: { challengeId: event.challengeId, nonce: b64.decode(event.nonce) },
        awaiting: null,
      }),
    });
    return { state: next, effects: [] };
  }
  return unchanged(state);
}

function stepAuthSelect(state: ReaderState, session: ReaderSession, event: ReaderEvent): StepResult {
  if (event.type === 'choose.pin') {
    if (pinAvailable(session)) return { state: goto(state, 'pin-entry'), effects: [] };
    // F7: PIN locked or PIN-less card — the PIN path is refused, face stays offered.
    if (state.message === TEXT.pinUnavailable) return unchanged(state);
    return { state: goto(state, 'auth-select', { message: TEXT.pinUnavailable }), effects: [] };
  }
  if (event.type === 'choose.face') {
    return { state: goto(state, 'face-capture', { session: withSession(state, { faceFailures: 0 }) }), effects: [] };
  }
  return unchanged(state);
}

function stepPinEntry(state: ReaderState, session: ReaderSession, event: ReaderEvent): StepResult {
  if (event.type === 'pin.entered' && session.pending === null && session.challenge !== null && pinAvailable(session)) {
    if (!/^[0-9]{4}$/.test(event.pin)) {
      return state.message === TEXT.pinFormat ? unchanged(state) : { state: { ...state, message: TEXT.pinFormat }, effects: [] };
    }
    const next = { ...state, session: withSession(state, { pending: 'card.verify-and-sign' }) };
    return { state: next, effects: [{ type: 'card.verify-and-sign', pin: event.pin, nonce: session.challenge.nonce }] };
  }
  if (session.pending !== 'card.verify-and-sign') return unchanged(state);

  if (event.type === 'pin.ok' && session.challenge !== null && session.certificate !== null) {
    const next = goto(state, 'checking', { session: withSession(state, { pending: null, awaiting: 'auth.verdict' }) });
    const result: ReaderToTerminal = {
      v: READER_PROTOCOL_VERSION,
      type: 'auth.result',
      sessionId: session.sessionId,
      method: 'pin',
      certificate: b64.encode(session.certificate),
      challengeId: session.challenge.challengeId,
      signature: b64.encode(event.signature),
    };
    return { state: next, effects: [send(result)] };
  }
  if (event.type === 'pin.wrong' && count(event.triesLeft) > 0) {
    const triesLeft = count(event.triesLeft);
    const next = goto(state, 'pin-entry', {
      session: withSession(state, { pending: null, pinTriesLeft: triesLeft }),
      message: TEXT.pinWrong(triesLeft),
    });
    return { state: next, effects: [notice(session, 'pin-wrong', { triesLeft })] };
  }
  if (event.type === 'pin.locked' || event.type === 'pin.wrong') {
    // F6 with pin_lock_next = auth_select: back to the method choice, PIN path closed, face still open.
    const next = goto(state, 'auth-select', {
      session: withSession(state, { pending: null, pinTriesLeft: 0 }),
      message: TEXT.pinLocked,
    });
    return { state: next, effects: [notice(session, 'pin-locked', { triesLeft: 0 })] };
  }
  if (event.type === 'card.read-failed') return cardFailed(state, session, event.reason);
  return unchanged(state);
}

function stepFaceCapture(state: ReaderState, session: ReaderSession, event: ReaderEvent): StepResult {
  if (event.type === 'face.presented' && session.pending === null && session.challenge !== null && session.certificate !== null) {
    if (event.match) {
      const next = { ...state, session: withSession(state, { pending: 'face.attest' }) };
      const effect: ReaderEffect = {
        type: 'face.attest',
        nonce: session.challenge.nonce,
        certificate: session.certificate,
        method: 'face',
        score: unitScore(event.score),
      };
      return { state: next, effects: [effect] };
    }
    const faceFailures = session.faceFailures + 1;
    const effects = [notice(session, 'face-failed')];
    if (faceFailures >= state.config.faceFailuresBeforeAuthSelect) {
      return { state: goto(state, 'auth-select', { session: withSession(state, { faceFailures }), message: TEXT.faceGiveUp }), effects };
    }
    return { state: goto(state, 'face-capture', { session: withSession(state, { faceFailures }), message: TEXT.faceRetry }), effects };
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

function stepChecking(state: ReaderState, session: ReaderSession, event: ReaderEvent): StepResult {
  if (event.type === 'auth.verdict' && event.accepted && session.awaiting === 'auth.verdict' && event.sessionId === session.sessionId) {
    if (event.checkId !== undefined && event.checkId.length > 0) {
      return { state: goto(state, 'consent-bulk', { session: withSession(state, { awaiting: null, checkId: event.checkId }) }), effects: [] };
    }
    // Accepted but without a check id: the consent result could not be tied to the check.
    return {
      state: goto(state, 'error', { session: withSession(state, { awaiting: null }), message: TEXT.missingCheckId }),
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
  const text =
    errorCode === '006'
      ? TEXT.error006
      : [errorCode, verdict.message ?? (session.awaiting === 'auth.verdict' ? TEXT.certificateRejected : TEXT.error)].filter((p) => p !== null).join(' ');
  // Only a refusal of the identity check itself is a certificate matter for the staff.
  const code = session.awaiting === 'auth.verdict' && errorCode !== COMMUNICATION_ERROR_CODE ? 'certificate-rejected' : 'communication-error';
  return {
    state: goto(state, 'error', { session: { ...session, awaiting: null, pending: null }, errorCode, message: text }),
    effects: [notice(session, code, { message: verdict.message ?? text })],
  };
}

function consentResult(session: ReaderSession, consent: ConsentChoices, bulk: boolean): ReaderEffect {
  return send({
    v: READER_PROTOCOL_VERSION,
    type: 'consent.result',
    sessionId: session.sessionId,
    checkId: session.checkId ?? '',
    consent,
    bulk,
  });
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

export function screenOf(state: ReaderState): ReaderScreen {
  const s = state.session;
  const text = (fallback: string): string => state.message ?? fallback;
  switch (state.screen) {
    case 'link-down':
      return { screen: 'link-down', message: TEXT.linkDown };
    case 'idle':
      return { screen: 'idle', message: TEXT.idle };
    case 'reading':
      return { screen: 'reading', message: text(TEXT.reading) };
    case 'auth-select':
      return { screen: 'auth-select', message: text(TEXT.authSelect), pinAvailable: pinAvailable(s), triesLeft: s?.pinTriesLeft ?? 0 };
    case 'pin-entry':
      return { screen: 'pin-entry', message: text(TEXT.pinEntry), pinAvailable: pinAvailable(s), triesLeft: s?.pinTriesLeft ?? 0 };
    case 'face-capture':
      return { screen: 'face-capture', message: text(TEXT.faceCapture) };
    case 'checking':
      return { screen: 'checking', message: text(TEXT.checking) };
    case 'consent-bulk':
      return { screen: 'consent-bulk', message: text(TEXT.consentBulk) };
    case 'consent-item': {
      const item = CONSENT_ITEMS[s?.consentIndex ?? 0] ?? 'operation';
      return { screen: 'consent-item', message: text(TEXT.consentItem[item]), consentItem: item };
    }
    case 'done':
      return { screen: 'done', message: text(TEXT.done) };
    case 'error':
      return state.errorCode !== null
        ? { screen: 'error', message: text(TEXT.error), errorCode: state.errorCode }
        : { screen: 'error', message: text(TEXT.error) };
  }
}
