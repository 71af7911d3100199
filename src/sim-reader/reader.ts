/**
 * The reader's runtime: holds the pure machine's state, performs its effects (APDUs to the
 * placed card, the attestation signature, JSON messages to the terminal) and feeds the results
 * back as events. It is a WebSocket client of the terminal's `/reader` endpoint.
 *
 * Timeouts here (connect, whenIdle) are wall-clock waits for loopback I/O, not simulated time,
 * so they use setTimeout rather than the scenario Clock.
 */
import { createHash, sign, type KeyObject } from 'node:crypto';
import WebSocket from 'ws';
import type { Clock } from '../domain/clock.js';
import type { CardTransport } from '../protocol/card-transport.js';
import { decodeMessage } from '../protocol/messages.js';
import { READER_PROTOCOL_VERSION, ReaderToTerminal, TerminalToReader, attestationPayload } from '../protocol/reader-link.js';
import { ANDROID_TOKEN_LABEL, queryPinStatus, readAuthCertificate, readTokenLabel, signWithAuthKey, verifyPinAndSign } from './card-session.js';
import { isMachineFault, parseReaderFault, type ReaderFaultInput, type ReaderFaultSpec } from './faults.js';
import { readerProfile } from './profiles/index.js';
import { snapshotOf, type ScreenSnapshot } from './snapshot.js';
import type { ReaderProfile } from './profiles/schema.js';
import {
  awaitedReply,
  initialState,
  screenOf,
  step,
  type PatientAction,
  type ReaderEffect,
  type ReaderEvent,
  type ReaderScreen,
  type ReaderState,
  type ScreenId,
} from './machine.js';

/** What one tick changed, seen from outside the machine: a session ended, or a face failure counted. */
function timeoutOf(before: ReaderState, after: ReaderState, at: number): ReaderTimeout | null {
  const s = before.session;
  if (s === null) return null;
  if (after.session?.sessionId !== s.sessionId) return { kind: 'screen-timeout', screen: before.screen, sessionId: s.sessionId, at };
  if (before.screen === 'face-capture' && (after.session?.faceFailures ?? 0) > s.faceFailures) {
    return { kind: 'capture-timeout', screen: before.screen, sessionId: s.sessionId, at };
  }
  return null;
}

/**
 * What a scenario (or a person) does at the reader. Placing a card hands over its transport and,
 * optionally, the holder's name as printed on the card face: the emulated card carries no 券面
 * data, so whoever places it supplies the name the reader would read (shown after 本人確認).
 */
export type PatientEvent =
  | Exclude<PatientAction, { type: 'card.placed' | 'choose.phone' | 'phone.tapped' }>
  | { type: 'card.placed'; card: CardTransport; holderName?: string; holderFace?: readonly number[] }
  /** P-flow: the smartphone chosen on the idle screen (the runtime makes the session id). */
  | { type: 'choose.phone' }
  /** P3: the phone held on the general-purpose reader; its JPKI is reached through `phone`. */
  | { type: 'phone.tapped'; phone: CardTransport; holderName?: string };

/** The whole smartphone sub-flow in one call (see SimReader.placePhone). */
export interface PlacePhone {
  carrier: 'android' | 'iphone';
  phone: CardTransport;
  /** Android: the smartphone certificate's 4-digit PIN, typed on the face-auth reader. */
  pin?: string;
  holderName?: string;
}

export interface SimReaderOptions {
  readerId: string;
  /** Where the reader's own diagnostics go (default console.warn); the runner puts them in the report. */
  log?: (message: string) => void;
  vendor?: string;
  /** e.g. ws://127.0.0.1:PORT/reader */
  terminalUrl: string;
  /** The reader's attestation key, EC P-256; the central system holds the public half. */
  attestationKey: { privateKey: KeyObject };
  /** How long connect() waits for hello.ack. Default 5000 ms. */
  connectTimeoutMs?: number;
  /** A vendor profile or its id ('generic', 'vendor-a' … 'vendor-e'). Default 'generic'. */
  profile?: ReaderProfile | string;
  /** Failed face matches before the method choice comes back (F9). Default 3. */
  faceFailuresBeforeAuthSelect?: number;
  /** Consecutive face mismatches of one card that lock its face path (F10). Default: the profile's quirks.faceLockAfter, else 10; 0 = never. */
  faceLockAfter?: number;
  /** Seconds before an unanswered screen ends the session (F22), judged on tick(). Default: the profile's screenTimeoutS. */
  screenTimeoutS?: number;
  /** The scenario's clock: tick() without an argument reads it. */
  clock?: Clock;
  /** Seconds face-capture waits for a usable frame before counting a failure (F11), judged on tick(). Default: the profile's timings.faceCaptureTimeoutS, else 30. */
  faceCaptureTimeoutS?: number;
  /** Where a failed face match leads (F9 face_fail_next): 'retry' (default), 'auth-select', 'restart'. */
  faceFailNext?: 'retry' | 'auth-select' | 'restart';
  /** A general-purpose reader for smartphones is attached (P-flow offered on idle). Default true. */
  phoneReader?: boolean;
  /** How many recent screens snapshots() keeps. Default 20; 0 keeps none. */
  snapshotLimit?: number;
  /** Faults present from power-on (faults.ts); a link-drop here drops the link right after the first connect. */
  faults?: ReaderFaultInput[];
}

/** Boot time the runtime actually waits, whatever the profile hints: runs stay fast. */
const MAX_BOOT_DELAY_MS = 50;
const MAX_RECONNECT_DELAY_MS = 1000;

/** `{ key: value }` when the value is given, else `{}` (exactOptionalPropertyTypes). */
const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
  value === undefined ? {} : ({ [key]: value } as Record<K, V>);

/**
 * What a tick ended (the runtime's timeout event): a screen left unanswered ended the session
 * (F22), or face-capture counted a capture timeout (F11).
 */
export interface ReaderTimeout {
  kind: 'screen-timeout' | 'capture-timeout';
  /** The screen that timed out. */
  screen: ScreenId;
  sessionId: string;
  /** The tick's time (virtual ms). */
  at: number;
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface IdleWaiter {
  resolve: () => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_SNAPSHOT_LIMIT = 20;

export class SimReader {
  private state: ReaderState;
  private ws: WebSocket | null = null;
  private card: CardTransport | null = null;
  /** Bumped whenever the card changes, so a late answer from a removed card is dropped. */
  private cardGeneration = 0;
  private sessionCounter = 0;
  private pingCounter = 0;
  private pongs = new Map<string, () => void>();
  private running = 0;
  private waiters: IdleWaiter[] = [];
  private listeners = new Set<(screen: ReaderScreen) => void>();
  private snapshotListeners = new Set<(snapshot: ScreenSnapshot) => void>();
  private timeoutListeners = new Set<(timeout: ReaderTimeout) => void>();
  /** The last snapshotLimit screens, rendered only when asked for. */
  private recent: Array<{ seq: number; event: string; screen: ReaderScreen }> = [];
  private screenSeq = 0;
  private lastScreen: string;
  private terminalIdValue: string | null = null;
  private holderName: string | undefined;
  private holderFace: readonly number[] | undefined;
  private readonly profileValue: ReaderProfile;
  /** Runtime faults (the machine models the others). */
  private slowCardMs = 0;
  private linkDropOnConnect: Extract<ReaderFaultSpec, { kind: 'link-drop' }> | null = null;
  /** Set by a link-drop with reconnect 'on-reboot': stay without link until rebooted. */
  private linkHeldDown = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private reconnecting = false;
  /** close() was called: never reconnect again. */
  private closedForGood = false;

  constructor(private readonly opts: SimReaderOptions) {
    const key = opts.attestationKey.privateKey;
    if (key.type !== 'private' || key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new TypeError(
        `SimReader ${opts.readerId}: attestationKey.privateKey must be an EC P-256 private key ` +
          `(got ${key.type} ${key.asymmetricKeyType ?? '?'} ${key.asymmetricKeyDetails?.namedCurve ?? ''}); ` +
          `make one with generateKeyPairSync('ec', { namedCurve: 'P-256' })`,
      );
    }
    this.profileValue = typeof opts.profile === 'string' ? readerProfile(opts.profile) : (opts.profile ?? readerProfile('generic'));
    this.state = initialState({
      readerId: opts.readerId,
      profile: this.profileValue,
      ...(opts.faceFailuresBeforeAuthSelect !== undefined ? { faceFailuresBeforeAuthSelect: opts.faceFailuresBeforeAuthSelect } : {}),
      ...optional('faceLockAfter', opts.faceLockAfter ?? this.profileValue.quirks.faceLockAfter),
      ...optional('faceCaptureTimeoutS', opts.faceCaptureTimeoutS ?? this.profileValue.timings.faceCaptureTimeoutS),
      ...(opts.faceFailNext !== undefined ? { faceFailNext: opts.faceFailNext } : {}),
      ...optional('phoneReader', opts.phoneReader),
      screenTimeoutS: opts.screenTimeoutS ?? this.profileValue.timings.screenTimeoutS,
    });
    for (const input of opts.faults ?? []) {
      const fault = parseReaderFault(input);
      if (isMachineFault(fault)) this.state = step(this.state, { type: 'fault.inject', fault }).state;
      else if (fault.kind === 'slow-card-read') this.slowCardMs = fault.ms;
      else this.linkDropOnConnect = fault;
    }
    this.lastScreen = JSON.stringify(screenOf(this.state));
  }

  /** The vendor profile this reader shows its screens with. */
  get profile(): ReaderProfile {
    return this.profileValue;
  }

  get readerId(): string {
    return this.opts.readerId;
  }

  /** The terminal's id from hello.ack, once connected. */
  get terminalId(): string | null {
    return this.terminalIdValue;
  }

  /** Opens the link, sends hello and resolves once hello.ack arrived (the reader is then 'idle'). */
  connect(): Promise<void> {
    if (this.ws !== null) return Promise.reject(new Error(`SimReader ${this.readerId}: already connected; call close() first`));
    const url = this.opts.terminalUrl;
    const timeoutMs = this.opts.connectTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(url);
      this.ws = ws;
      let settled = false;
      const fail = (message: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(new Error(`SimReader ${this.readerId}: ${message}`));
      };
      const timer = setTimeout(() => {
        fail(`no hello.ack from the terminal at ${url} within ${timeoutMs} ms; is the terminal serving /reader?`);
        ws.terminate();
      }, timeoutMs);

      ws.on('open', () => {
        this.send({ v: READER_PROTOCOL_VERSION, type: 'hello', readerId: this.readerId, vendor: this.opts.vendor ?? 'myna-rig' });
      });
      ws.on('message', (data) => {
        const decoded = decodeMessage(TerminalToReader, data);
        if (!decoded.ok) {
          this.warn(`SimReader ${this.readerId}: ignored a message from the terminal (${decoded.error.code}: ${decoded.error.message})`);
          return;
        }
        const msg = decoded.message;
        if (msg.type === 'hello.ack') {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          this.terminalIdValue = msg.terminalId;
          void this.apply({ type: 'link.up' });
          resolve();
          const drop = this.linkDropOnConnect;
          this.linkDropOnConnect = null;
          if (drop !== null) this.dropLink(drop);
          return;
        }
        if (msg.type === 'reboot') {
          void this.reboot();
          return;
        }
        if (msg.type === 'protocol.error') {
          this.warn(`SimReader ${this.readerId}: terminal reported ${msg.code}: ${msg.message}`);
          if (!settled) {
            fail(`the terminal refused hello (${msg.code}: ${msg.message})`);
            ws.close();
            return;
          }
        }
        if (msg.type === 'pong') {
          this.pongs.get(msg.id)?.();
          this.pongs.delete(msg.id);
          return;
        }
        void this.apply(msg);
      });
      ws.on('error', (err) => {
        if (!settled) fail(`cannot connect to the terminal at ${url}: ${err.message}`);
        else this.warn(`SimReader ${this.readerId}: link error: ${err.message}`);
      });
      ws.on('close', () => {
        if (this.ws === ws) this.ws = null;
        fail(`the terminal at ${url} closed the link before hello.ack`);
        void this.apply({ type: 'link.down' });
      });
    });
  }

  /**
   * A patient action. Resolves when the action and the card work it started are done;
   * replies from the terminal may still be outstanding — use whenIdle() for those.
   */
  async dispatch(event: PatientEvent): Promise<void> {
    if (event.type === 'card.placed') {
      // In maintenance the machine shows its refusal; the card is not read.
      if (this.state.screen === 'maintenance') return this.apply({ type: 'card.placed', sessionId: '' });
      // Only an idle reader starts a session; a card placed on any other screen is ignored.
      if (this.state.screen !== 'idle' && this.state.screen !== 'idle-visual') return;
      if (this.state.faults.frozen) return;
      this.card = event.card;
      this.holderName = event.holderName;
      this.holderFace = event.holderFace;
      this.cardGeneration++;
      this.sessionCounter++;
      // Counter-based ids keep runs deterministic; the reader id keeps two readers apart.
      await this.apply({ type: 'card.placed', sessionId: `${this.readerId}-s${this.sessionCounter}` });
      return;
    }
    if (event.type === 'choose.phone') {
      if (this.state.screen !== 'idle' || this.state.faults.frozen || !this.state.config.phoneReader) return;
      this.sessionCounter++;
      await this.apply({ type: 'choose.phone', sessionId: `${this.readerId}-s${this.sessionCounter}` });
      return;
    }
    if (event.type === 'phone.tapped') {
      if (this.state.screen !== 'phone-wait-tap') return;
      this.card = event.phone;
      this.holderName = event.holderName;
      this.holderFace = undefined;
      this.cardGeneration++;
      await this.apply({ type: 'phone.tapped' });
      return;
    }
    if (event.type === 'card.removed') {
      this.card = null;
      this.cardGeneration++;
    }
    await this.apply(event);
  }

  /**
   * The smartphone sub-flow (reader-flow P1–P3): choose the smartphone, the OS, (Android) type
   * the smartphone PIN, hold the phone on the general-purpose reader. Resolves when the reader
   * is idle again (whenIdle) — normally on the consent screen, or on an error.
   */
  async placePhone(p: PlacePhone): Promise<void> {
    await this.dispatch({ type: 'choose.phone' });
    await this.dispatch({ type: 'choose.os', os: p.carrier });
    if (p.carrier === 'android') await this.dispatch({ type: 'pin.entered', pin: p.pin ?? '' });
    await this.dispatch({ type: 'phone.tapped', phone: p.phone, ...(p.holderName !== undefined ? { holderName: p.holderName } : {}) });
    await this.whenIdle();
  }

  /**
   * The runtime's clock reading (virtual ms; default: the `clock` option's now()): the machine
   * ends a session whose screen has been left unanswered for screenTimeoutS (F22) and counts a
   * face capture timeout (F11). Call it whenever the virtual clock has advanced; what it ended
   * goes to the onTimeout listeners.
   */
  async tick(now?: number): Promise<void> {
    const at = now ?? this.opts.clock?.now();
    if (at === undefined) throw new TypeError(`SimReader ${this.readerId}: tick() needs a time: pass now, or give the reader a clock option`);
    const before = this.state;
    await this.apply({ type: 'tick', now: at });
    const timeout = timeoutOf(before, this.state, at);
    if (timeout !== null) {
      for (const cb of this.timeoutListeners) {
        try {
          cb(timeout);
        } catch (e) {
          this.warn(`SimReader ${this.readerId}: a timeout listener threw: ${(e as Error).message}`);
        }
      }
    }
  }

  /** Calls `cb` whenever a tick ended a screen (F22) or a face capture (F11); returns an unsubscribe. */
  onTimeout(cb: (timeout: ReaderTimeout) => void): () => void {
    this.timeoutListeners.add(cb);
    return () => this.timeoutListeners.delete(cb);
  }

  screen(): ReaderScreen {
    return screenOf(this.state);
  }

  /** The machine's full state (read-only), for reports and debugging. */
  machineState(): ReaderState {
    return this.state;
  }

  /**
   * The last screens shown (oldest first, at most `snapshotLimit`), each as text and as
   * self-contained HTML for reports (snapshot.ts).
   */
  snapshots(): ScreenSnapshot[] {
    return this.recent.map((r) => snapshotOf(r.screen, r.seq, r.event));
  }

  /** Calls `cb` with a snapshot of every new screen (one per transition that changed it); returns an unsubscribe. */
  onSnapshot(cb: (snapshot: ScreenSnapshot) => void): () => void {
    this.snapshotListeners.add(cb);
    return () => this.snapshotListeners.delete(cb);
  }

  /** Calls `cb` with every new screen; returns a function that unsubscribes. */
  onScreen(cb: (screen: ReaderScreen) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /**
   * Resolves when no effect is running and no terminal reply is awaited (challenge after
   * challenge.request, auth.verdict after auth.result, session.completed after consent.result).
   */
  whenIdle(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: IdleWaiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(new Error(`SimReader ${this.readerId}: still busy after ${timeoutMs} ms — ${this.busyWith()}`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /**
   * Resolves once the terminal has handled every message this reader sent so far (a ping/pong
   * round trip: the terminal handles a link's messages in order). Notices need it, since they
   * expect no reply.
   */
  sync(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    const ws = this.ws;
    if (ws === null || ws.readyState !== WebSocket.OPEN) return Promise.resolve();
    const id = `p${++this.pingCounter}`;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pongs.delete(id);
        reject(new Error(`SimReader ${this.readerId}: no pong ${id} from the terminal within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pongs.set(id, () => {
        clearTimeout(timer);
        resolve();
      });
      this.send({ v: READER_PROTOCOL_VERSION, type: 'ping', id });
    });
  }

  /**
   * Injects a fault now (faults.ts). Machine faults take effect at once; `link-drop` closes the
   * link; `slow-card-read` delays every later card operation. A reboot clears them all.
   */
  async injectFault(input: ReaderFaultInput): Promise<void> {
    const fault = parseReaderFault(input);
    if (isMachineFault(fault)) return this.apply({ type: 'fault.inject', fault });
    if (fault.kind === 'slow-card-read') {
      this.slowCardMs = fault.ms;
      return;
    }
    this.dropLink(fault);
  }

  /**
   * Reboots the reader (N36, F14) — what the terminal's `reboot` message does, or staff at the
   * reader: the session is dropped, every fault cleared, the link re-established if it was
   * down. Resolves when the reader has finished booting (whenIdle also waits for it).
   */
  async reboot(): Promise<void> {
    this.running++;
    try {
      this.slowCardMs = 0;
      this.linkHeldDown = false;
      this.card = null;
      this.holderName = undefined;
      this.holderFace = undefined;
      this.cardGeneration++;
      if (this.reconnectTimer !== null) {
        clearTimeout(this.reconnectTimer);
        this.reconnectTimer = null;
        this.reconnecting = false;
        this.running--;
      }
      await this.apply({ type: 'reboot' });
      await delay(Math.min(this.profileValue.timings.bootMs, MAX_BOOT_DELAY_MS));
      if (this.ws === null && !this.closedForGood) {
        await this.connect().catch((e: Error) => this.warn(`SimReader ${this.readerId}: no link after reboot: ${e.message}`));
      }
      await this.apply({ type: 'boot.done' });
    } finally {
      this.running--;
      this.settleWaiters();
    }
  }

  /** Staff close the maintenance screen (N34); the reader is back in service. */
  async closeMaintenance(): Promise<void> {
    await this.apply({ type: 'maintenance.close' });
  }

  /** Closes the link for good (no reconnection); the reader goes 'link-down'. */
  async close(): Promise<void> {
    this.closedForGood = true;
    if (this.reconnectTimer !== null) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
      this.reconnecting = false;
      this.running--;
      this.settleWaiters();
    }
    const ws = this.ws;
    if (ws === null || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      ws.close();
    });
  }

  // ---- internals ----

  /** F15: the link is cut; with reconnect 'auto' the reader reconnects (whenIdle waits for it). */
  private dropLink(fault: Extract<ReaderFaultSpec, { kind: 'link-drop' }>): void {
    const ws = this.ws;
    if (fault.reconnect === 'on-reboot') this.linkHeldDown = true;
    else if (!this.reconnecting) {
      this.reconnecting = true;
      this.running++;
      this.scheduleReconnect(fault.afterMs);
    }
    if (ws !== null) ws.terminate();
  }

  private scheduleReconnect(afterMs: number): void {
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.closedForGood || this.linkHeldDown) return this.reconnected();
      if (this.ws !== null) {
        // The old socket has not finished closing yet: try again shortly.
        this.scheduleReconnect(Math.max(afterMs, 10));
        return;
      }
      this.connect().then(
        () => this.reconnected(),
        (e: Error) => {
          this.warn(`SimReader ${this.readerId}: reconnect failed (${e.message}); retrying`);
          this.scheduleReconnect(Math.min(Math.max(afterMs * 2, 10), MAX_RECONNECT_DELAY_MS));
        },
      );
    }, afterMs);
  }

  private reconnected(): void {
    if (!this.reconnecting) return;
    this.reconnecting = false;
    this.running--;
    this.settleWaiters();
  }

  private isIdle(): boolean {
    return this.running === 0 && awaitedReply(this.state) === null;
  }

  private busyWith(): string {
    const awaited = awaitedReply(this.state);
    const parts: string[] = [];
    if (this.running > 0) parts.push(`${this.running} card/attestation operation(s) still running`);
    if (awaited !== null) parts.push(`waiting for '${awaited}' from the terminal for session ${this.state.session?.sessionId ?? '?'}`);
    return `${parts.join('; ')} (screen '${this.state.screen}')`;
  }

  private settleWaiters(): void {
    if (!this.isIdle() || this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) {
      clearTimeout(w.timer);
      w.resolve();
    }
  }

  private emitScreen(event: ReaderEvent): void {
    const screen = screenOf(this.state);
    const json = JSON.stringify(screen);
    if (json === this.lastScreen) return;
    this.lastScreen = json;
    const seq = ++this.screenSeq;
    const limit = this.opts.snapshotLimit ?? DEFAULT_SNAPSHOT_LIMIT;
    if (limit > 0) {
      this.recent.push({ seq, event: event.type, screen });
      if (this.recent.length > limit) this.recent.splice(0, this.recent.length - limit);
    }
    if (this.snapshotListeners.size > 0) {
      const snapshot = snapshotOf(screen, seq, event.type);
      for (const cb of this.snapshotListeners) {
        try {
          cb(snapshot);
        } catch (e) {
          this.warn(`SimReader ${this.readerId}: a snapshot listener threw: ${(e as Error).message}`);
        }
      }
    }
    for (const cb of this.listeners) {
      try {
        cb(screen);
      } catch (e) {
        this.warn(`SimReader ${this.readerId}: a screen listener threw: ${(e as Error).message}`);
      }
    }
  }

  private async apply(event: ReaderEvent): Promise<void> {
    const { state, effects } = step(this.state, event);
    this.state = state;
    this.emitScreen(event);
    await Promise.all(effects.map((effect) => this.perform(effect)));
    this.settleWaiters();
  }

  private async perform(effect: ReaderEffect): Promise<void> {
    switch (effect.type) {
      case 'send':
        this.send(effect.message);
        return;
      case 'face.attest': {
        const certificateSha256 = createHash('sha256').update(effect.certificate).digest();
        const payload = attestationPayload(effect.nonce, new Uint8Array(certificateSha256), effect.method);
        const signature = sign('sha256', payload, { key: this.opts.attestationKey.privateKey, dsaEncoding: 'der' });
        await this.apply({ type: 'face.attested', signature: new Uint8Array(signature), score: effect.score });
        return;
      }
      case 'card.read': {
        const holderName = this.holderName;
        const holderFace = this.holderFace;
        const carrier = effect.carrier;
        if (carrier !== undefined) {
          await this.withCard(async (phone): Promise<ReaderEvent> => {
            if (carrier === 'android') {
              const label = await readTokenLabel(phone);
              if (label !== ANDROID_TOKEN_LABEL) {
                return { type: 'card.read-failed', reason: `EF 0006 says "${label}", not ${ANDROID_TOKEN_LABEL}: not an Android phone's JPKI` };
              }
            }
            const certificate = await readAuthCertificate(phone);
            // The Android PIN's tries left; an iPhone is unlocked by biometrics, no PIN on the reader.
            const pin = carrier === 'android' ? await queryPinStatus(phone) : null;
            if (pin?.kind === 'pinless') return { type: 'card.read-failed', reason: 'the phone has no smartphone PIN (an iPhone? choose iPhone on the reader)' };
            return {
              type: 'card.read-ok',
              certificate,
              pinTriesLeft: pin === null ? 0 : pin.kind === 'pin' ? pin.triesLeft : 0,
              ...(holderName !== undefined ? { holderName } : {}),
            };
          });
          return;
        }
        await this.withCard(async (card) => {
          const certificate = await readAuthCertificate(card);
          // A PIN-less card answers 69 84: not a read failure, the reader offers face / 目視 only.
          const pin = await queryPinStatus(card);
          return {
            type: 'card.read-ok',
            certificate,
            pinTriesLeft: pin.kind === 'pin' ? pin.triesLeft : 0,
            ...(pin.kind === 'pinless' ? { pinless: true } : {}),
            ...(holderName !== undefined ? { holderName } : {}),
            ...(holderFace !== undefined ? { holderFace } : {}),
          };
        });
        return;
      }
      case 'phone.unlock-and-sign':
        await this.withCard(async (phone): Promise<ReaderEvent> => {
          if (phone.biometricUnlock === undefined) return { type: 'phone.unlock-failed', reason: 'the phone offers no biometric unlock (not an iPhone?)' };
          if (!(await phone.biometricUnlock())) return { type: 'phone.unlock-failed', reason: 'biometric unlock refused on the phone' };
          return { type: 'pin.ok', signature: await signWithAuthKey(phone, effect.nonce) };
        });
        return;
      case 'card.verify-and-sign':
        await this.withCard(async (card): Promise<ReaderEvent> => {
          const r = await verifyPinAndSign(card, effect.pin, effect.nonce);
          if (r.kind === 'signed') return { type: 'pin.ok', signature: r.signature };
          if (r.kind === 'wrong') return { type: 'pin.wrong', triesLeft: r.triesLeft };
          return { type: 'pin.locked' };
        });
        return;
    }
  }

  /** Runs card work and feeds its result (or a read failure) back, unless the card changed meanwhile. */
  private async withCard(work: (card: CardTransport) => Promise<ReaderEvent>): Promise<void> {
    const card = this.card;
    const generation = this.cardGeneration;
    this.running++;
    try {
      let result: ReaderEvent;
      if (this.slowCardMs > 0) await delay(this.slowCardMs);
      if (card === null) {
        result = { type: 'card.read-failed', reason: 'no card on the reader' };
      } else {
        try {
          result = await work(card);
        } catch (e) {
          const reason = (e as Error).message;
          this.warn(`SimReader ${this.readerId}: card operation failed: ${reason}`);
          result = { type: 'card.read-failed', reason };
        }
      }
      if (generation === this.cardGeneration) await this.apply(result);
    } finally {
      this.running--;
      this.settleWaiters();
    }
  }

  private warn(message: string): void {
    (this.opts.log ?? console.warn)(message);
  }

  private send(message: ReaderToTerminal): void {
    const checked = ReaderToTerminal.safeParse(message);
    if (!checked.success) {
      this.warn(`SimReader ${this.readerId}: refusing to send an invalid ${message.type}: ${checked.error.issues[0]?.message ?? 'invalid'}`);
      return;
    }
    const ws = this.ws;
    if (ws === null || ws.readyState !== WebSocket.OPEN) {
      this.warn(`SimReader ${this.readerId}: link to the terminal is down; dropped ${message.type}`);
      return;
    }
    ws.send(JSON.stringify(message));
  }
}
