import type { RawData, WebSocket } from 'ws';
import { jstDate, type Clock } from '../../domain/clock.js';
import type { ConsentMethod, PreviousConsentResponse } from '../../protocol/central-api.js';
import { NO_CONSENT, type ConsentChoices } from '../../protocol/consent.js';
import { decodeMessage } from '../../protocol/messages.js';
import {
  ProtocolError,
  READER_PROTOCOL_VERSION,
  ReaderToTerminal,
  type Msg,
  type ReaderMode,
  type TerminalToReader,
} from '../../protocol/reader-link.js';
import { RECEPTION_PROTOCOL_VERSION } from '../../protocol/reception-link.js';
import type { CentralClient } from './central-client.js';
import type { ReceptionPushBody } from './reception-outbox.js';
import { sendJson, frameText } from './socket-io.js';
import type { TrafficRecorder } from './traffic.js';
import { COMMUNICATION_ERROR, PHONE_IN_GRACE, readerErrorFor, type ReaderError } from './verdict-codes.js';

const v = READER_PROTOCOL_VERSION;

export interface ReaderLinkDeps {
  terminalId: string;
  medicalInstitutionCode: string;
  central: CentralClient;
  pushToReception(body: ReceptionPushBody): void;
  nextFaceFileName(): string;
  traffic: TrafficRecorder;
  /** Counts a request as pending work until its last reply has gone out. */
  track(label: string, work: Promise<void>): void;
  /** The virtual clock: the carry-over screen exists from `carryoverFrom` on. */
  clock: Clock;
  /**
   * The facility is 資格確認限定型 (rules.md §3: qualification only, no medical information): the
   * verdict tells the reader to skip the consent screens and no consent is ever recorded.
   */
  qualificationOnly: boolean;
  /** yyyy-MM-dd (JST) from which the carry-over screen is offered: reader-flow option `carryover_from`. */
  carryoverFrom: string;
}

/** reader-flow §1.1: «2025-02 … previous individual choices can be carried over»; the day is our default. */
export const DEFAULT_CARRYOVER_FROM = '2025-02-01';

interface Connection {
  ws: WebSocket;
  /** Set by `hello`; every other message needs it. */
  readerId?: string;
}

interface Session {
  readerId: string;
  checkId?: string;
  /** A registration under way (N12): the qualification waits for it so it sees the card registered. */
  registration?: Promise<boolean>;
  /** The previous individual choice offered in the verdict (K0); «引き継ぐ» records exactly this. */
  previousConsent?: ConsentChoices;
  /** The reader error code of the refusal sent for this session, passed on with the reader's notice (E-phone: use the card). */
  refusedWith?: string;
}

type In<T extends ReaderToTerminal['type']> = Msg<ReaderToTerminal, T>;

/**
 * The terminal's side of the reader link (protocol/reader-link.ts): relays each step of a card
 * check to central and answers the reader; qualification results and reader notices go to the
 * reception. Replies go to the reader's current connection, so a reader that lost its link and
 * said hello again still gets the answer to a request made before.
 */
export class ReaderLink {
  readonly #deps: ReaderLinkDeps;
  readonly #readers = new Map<string, WebSocket>();
  readonly #sessions = new Map<string, Session>();

  constructor(deps: ReaderLinkDeps) {
    this.#deps = deps;
  }

  accept(ws: WebSocket): void {
    const conn: Connection = { ws };
    ws.on('message', (data) => this.#onFrame(conn, data));
    ws.on('error', (e) => this.#deps.traffic('reader', 'in', { socketError: e.message, readerId: conn.readerId }));
    ws.on('close', () => {
      if (conn.readerId !== undefined && this.#readers.get(conn.readerId) === ws) this.#readers.delete(conn.readerId);
    });
  }

  connectedReaders(): string[] {
    return [...this.#readers.keys()];
  }

  /**
   * Staff operations on a reader from the terminal («顔認証付きカードリーダー操作»): 目視確認 mode
   * on / off (sticky; during a session it applies when the session ends), the «目視で本人確認完了»
   * tick, and a reboot. Throws when the reader is not connected.
   */
  setMode(readerId: string, mode: ReaderMode): void {
    this.#command(readerId, { v, type: 'mode.set', mode });
  }

  confirmVisual(readerId: string): void {
    this.#command(readerId, { v, type: 'visual.confirmed' });
  }

  reboot(readerId: string): void {
    this.#command(readerId, { v, type: 'reboot' });
  }

  #command(readerId: string, message: TerminalToReader): void {
    const ws = this.#readers.get(readerId);
    if (ws === undefined || ws.readyState !== ws.OPEN) {
      const known = this.connectedReaders();
      throw new Error(
        `terminal: cannot send ${message.type} to reader "${readerId}": it is not connected ` +
          `(connected: ${known.length > 0 ? known.join(', ') : 'none'}); wait for the reader's hello or check its id`,
      );
    }
    if (sendJson(ws, message)) this.#deps.traffic('reader', 'out', message);
  }

  openSessions(): string[] {
    return [...this.#sessions.keys()];
  }

  #onFrame(conn: Connection, data: RawData): void {
    // A peer's protocol.error is noted, never answered: two peers must not trade errors forever.
    const peerError = decodeMessage(ProtocolError, data);
    if (peerError.ok) {
      this.#deps.traffic('reader', 'in', peerError.message);
      return;
    }
    const decoded = decodeMessage(ReaderToTerminal, data);
    if (!decoded.ok) {
      this.#deps.traffic('reader', 'in', frameText(data));
      this.#reply(conn, {
        v,
        type: 'protocol.error',
        code: decoded.error.code,
        message: `/reader: ${decoded.error.message}. Send a reader-link v${v} message (protocol/reader-link.ts); this connection stays open.`,
      });
      return;
    }
    const m = decoded.message;
    this.#deps.traffic('reader', 'in', m);
    if (m.type === 'hello') return this.#hello(conn, m);
    // Answered even before hello: it is how a peer checks the link is alive.
    if (m.type === 'ping') return this.#reply(conn, { v, type: 'pong', id: m.id });
    const readerId = conn.readerId;
    if (readerId === undefined) {
      this.#reply(conn, {
        v,
        type: 'protocol.error',
        code: 'hello-required',
        message: `/reader: "${m.type}" before "hello": send hello {readerId, vendor} first, then repeat the message.`,
      });
      return;
    }
    switch (m.type) {
      case 'challenge.request':
        return this.#challengeRequest(readerId, conn, m);
      case 'auth.result':
        return this.#authResult(readerId, conn, m);
      case 'consent.result':
        return this.#consentResult(readerId, conn, m);
      case 'registration.request':
        return this.#registrationRequest(readerId, conn, m);
      case 'reader.notice':
        this.#deps.pushToReception({
          v: RECEPTION_PROTOCOL_VERSION,
          type: 'reader.notice',
          readerId,
          code: m.code,
          ...(m.triesLeft !== undefined ? { triesLeft: m.triesLeft } : {}),
          ...(m.message !== undefined ? { message: m.message } : {}),
          ...this.#refusalCode(m),
        });
        return;
      case 'session.ended':
        this.#sessions.delete(m.sessionId);
        return;
    }
  }

  #hello(conn: Connection, m: In<'hello'>): void {
    if (conn.readerId !== undefined && conn.readerId !== m.readerId && this.#readers.get(conn.readerId) === conn.ws) {
      this.#readers.delete(conn.readerId);
    }
    conn.readerId = m.readerId;
    this.#readers.set(m.readerId, conn.ws);
    this.#reply(conn, { v, type: 'hello.ack', terminalId: this.#deps.terminalId });
  }

  #challengeRequest(readerId: string, conn: Connection, m: In<'challenge.request'>): void {
    this.#sessions.set(m.sessionId, { readerId });
    this.#deps.track(
      `POST /v1/challenges for session ${m.sessionId} of reader ${readerId}`,
      (async () => {
        const r = await this.#deps.central.requestChallenge();
        if (!r.ok) return this.#send(readerId, conn, this.#refusal(m.sessionId, COMMUNICATION_ERROR));
        this.#send(readerId, conn, { v, type: 'challenge', sessionId: m.sessionId, challengeId: r.value.challengeId, nonce: r.value.nonce });
      })(),
    );
  }

  #authResult(readerId: string, conn: Connection, m: In<'auth.result'>): void {
    const session = this.#session(m.sessionId, readerId);
    this.#deps.track(
      `POST /v1/card-checks for session ${m.sessionId} of reader ${readerId}`,
      (async () => {
        const r = await this.#deps.central.checkCard({
          medicalInstitutionCode: this.#deps.medicalInstitutionCode,
          method: m.method,
          certificate: m.certificate,
          challengeId: m.challengeId,
          ...(m.signature !== undefined ? { signature: m.signature } : {}),
          ...(m.attestation !== undefined ? { attestation: m.attestation } : {}),
        });
        if (!r.ok) return this.#send(readerId, conn, this.#refusal(m.sessionId, COMMUNICATION_ERROR));
        const answer = r.value;
        // F25: the 3-month grace is for the physical card only; a phone in it is refused (E-phone).
        const phone = m.carrier === 'android' || m.carrier === 'iphone';
        if (answer.accepted && phone && answer.certificateStatus === 'expired-in-grace') {
          return this.#send(readerId, conn, { ...this.#refusal(m.sessionId, PHONE_IN_GRACE), certificateStatus: answer.certificateStatus });
        }
        if (answer.accepted && answer.checkId !== undefined) {
          session.checkId = answer.checkId;
          // Asked only after the card was accepted (the history is the holder's) and one at a time,
          // so the traffic order is the same on every run. No answer → the usual consent screens.
          const earlier = this.#carryoverApplies()
            ? await this.#deps.central.previousConsent({ medicalInstitutionCode: this.#deps.medicalInstitutionCode, certificate: m.certificate })
            : undefined;
          const carried = earlier?.ok === true ? previousItems(earlier.value) : undefined;
          if (carried !== undefined) session.previousConsent = carried;
          else delete session.previousConsent;
          return this.#send(readerId, conn, {
            v,
            type: 'auth.verdict',
            sessionId: m.sessionId,
            accepted: true,
            checkId: answer.checkId,
            certificateStatus: answer.certificateStatus,
            // Only the exception is sent: an older reader ignores it, and absent means registered.
            ...(answer.registered ? {} : { registered: false }),
            ...(carried !== undefined ? { previousConsent: carried } : {}),
            ...(this.#deps.qualificationOnly ? { consentNotAsked: true as const } : {}),
          });
        }
        // Accepted without a checkId is an answer we cannot continue from: an E-comm, like an outage.
        const error = answer.accepted ? COMMUNICATION_ERROR : readerErrorFor(answer.rejection?.reason);
        this.#send(readerId, conn, { ...this.#refusal(m.sessionId, error), certificateStatus: answer.certificateStatus });
      })(),
    );
  }

  /**
   * Carry-over (reader-flow N15, K0; rules.md §2.3): from `carryoverFrom` (2025-02-01) on, and never
   * at a 資格確認限定型 facility, which asks no consent at all.
   */
  #carryoverApplies(): boolean {
    return !this.#deps.qualificationOnly && jstDate(this.#deps.clock.now()) >= this.#deps.carryoverFrom;
  }

  #registrationRequest(readerId: string, conn: Connection, m: In<'registration.request'>): void {
    const session = this.#session(m.sessionId, readerId);
    session.checkId = m.checkId;
    // The reader goes straight on to the consent screens (after_registration = continue); a failed
    // registration is reported when the consent arrives, as E-comm (reader-flow F16).
    const work = this.#deps.central.register(m.checkId).then((r) => r.ok);
    session.registration = work;
    this.#deps.track(
      `POST /v1/card-checks/${m.checkId}/registration for session ${m.sessionId} of reader ${readerId}`,
      work.then(() => undefined),
    );
  }

  #consentResult(readerId: string, conn: Connection, m: In<'consent.result'>): void {
    const session = this.#session(m.sessionId, readerId);
    session.checkId = m.checkId;
    const registration = session.registration;
    this.#deps.track(
      `POST /v1/card-checks/${m.checkId}/qualification for session ${m.sessionId} of reader ${readerId}`,
      (async () => {
        if (registration !== undefined && !(await registration)) {
          return this.#send(readerId, conn, { ...this.#refusal(m.sessionId, COMMUNICATION_ERROR), checkId: m.checkId });
        }
        const { consent, consentMethod } = this.#recordedConsent(session, m);
        const r = await this.#deps.central.confirmQualification(m.checkId, { consent, consentMethod });
        if (!r.ok) {
          // No face file: the reader shows E-comm (reader-flow F16) and the staff fall back.
          return this.#send(readerId, conn, { ...this.#refusal(m.sessionId, COMMUNICATION_ERROR), checkId: m.checkId });
        }
        // The reception gets the result first; the reader does not wait for the reception's ack.
        this.#deps.pushToReception({ v: RECEPTION_PROTOCOL_VERSION, type: 'qualification.result', fileName: this.#deps.nextFaceFileName(), message: r.value });
        const validity = r.value.XmlMsg.MessageBody.QualificationValidity;
        this.#send(readerId, conn, { v, type: 'session.completed', sessionId: m.sessionId, ...(validity !== undefined ? { validity } : {}) });
      })(),
    );
  }

  /**
   * What central records for a consent.result: at a 資格確認限定型 facility nothing (whatever an
   * older reader sent); «引き継ぐ» the choice the terminal itself offered (N18), not the reader's
   * copy of it; else the reader's choice. A carry-over the terminal never offered counts as an
   * individual choice of the items sent.
   */
  #recordedConsent(session: Session, m: In<'consent.result'>): { consent: ConsentChoices; consentMethod: ConsentMethod } {
    if (this.#deps.qualificationOnly) return { consent: { ...NO_CONSENT }, consentMethod: 'not-asked' };
    if (m.carriedOver === true && session.previousConsent !== undefined) return { consent: { ...session.previousConsent }, consentMethod: 'carried-over' };
    return { consent: m.consent, consentMethod: m.bulk ? 'bulk' : 'individual' };
  }

  /** The session, created if the terminal never saw its challenge (e.g. after a terminal restart). */
  #session(sessionId: string, readerId: string): Session {
    let s = this.#sessions.get(sessionId);
    if (s === undefined) {
      s = { readerId };
      this.#sessions.set(sessionId, s);
    }
    return s;
  }

  /**
   * Only E-phone is passed on for now (F25): the staff must send the patient to the physical card,
   * which a plain `certificate-rejected` does not say.
   */
  #refusalCode(m: In<'reader.notice'>): { errorCode?: string } {
    if (m.code !== 'certificate-rejected' || m.sessionId === undefined) return {};
    const code = this.#sessions.get(m.sessionId)?.refusedWith;
    return code === PHONE_IN_GRACE.errorCode ? { errorCode: code } : {};
  }

  #refusal(sessionId: string, error: ReaderError): Msg<TerminalToReader, 'auth.verdict'> {
    const session = this.#sessions.get(sessionId);
    if (session !== undefined) session.refusedWith = error.errorCode;
    return { v, type: 'auth.verdict', sessionId, accepted: false, errorCode: error.errorCode, message: error.message };
  }

  #reply(conn: Connection, message: TerminalToReader): void {
    if (sendJson(conn.ws, message)) this.#deps.traffic('reader', 'out', message);
  }

  /** To the reader's current connection, else the one the request came on. */
  #send(readerId: string, origin: Connection, message: TerminalToReader): void {
    const current = this.#readers.get(readerId);
    const ws = current !== undefined && current.readyState === current.OPEN ? current : origin.ws;
    if (sendJson(ws, message)) this.#deps.traffic('reader', 'out', message);
  }
}

/** The items of a previous-consent answer, or undefined when central has none to offer. */
function previousItems(answer: PreviousConsentResponse): ConsentChoices | undefined {
  return answer.previousConsent === undefined ? undefined : { ...answer.previousConsent.items };
}
