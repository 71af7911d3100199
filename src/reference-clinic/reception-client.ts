import WebSocket from 'ws';
import { decodeMessage } from '../protocol/messages.js';
import { RECEPTION_PROTOCOL_VERSION, TerminalToReception, type ReceptionToTerminal } from '../protocol/reception-link.js';
import type { ClinicRecord, ReceptionOutcome } from '../protocol/reception-outcome.js';
import { decide as referenceDecide, type Decide } from './decide.js';

export interface ReferenceReceptionOptions {
  /** ws://127.0.0.1:PORT/reception of the terminal. */
  receptionUrl: string;
  receptionId?: string;
  /** Replaceable decision function: the tests' deliberately broken receptions swap it. */
  decide?: Decide;
  /** The clinic's own patient records, compared with every OQS answer. */
  clinicRecords?: readonly ClinicRecord[];
}

/**
 * The reference reception as a client of the terminal's reception link: it decides on every
 * message, then acknowledges it, so the terminal knows the decision has been made.
 */
export class ReferenceReception {
  #ws: WebSocket | undefined;
  #outcome: ReceptionOutcome | undefined;
  #decide: Decide;
  readonly #opts: ReferenceReceptionOptions;
  readonly history: ReceptionOutcome[] = [];

  constructor(opts: ReferenceReceptionOptions) {
    this.#opts = opts;
    this.#decide = opts.decide ?? referenceDecide;
  }

  async connect(): Promise<void> {
    const ws = new WebSocket(this.#opts.receptionUrl);
    this.#ws = ws;
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', (e) => reject(new Error(`reference reception: cannot connect to ${this.#opts.receptionUrl}: ${e.message}`)));
    });
    ws.on('message', (raw) => this.#onMessage(raw as Buffer));
    this.#send({ v: RECEPTION_PROTOCOL_VERSION, type: 'hello', receptionId: this.#opts.receptionId ?? 'reference-reception' });
  }

  outcome(): ReceptionOutcome | undefined {
    return this.#outcome;
  }

  #send(message: ReceptionToTerminal): void {
    this.#ws?.send(JSON.stringify(message));
  }

  #onMessage(raw: Buffer): void {
    const decoded = decodeMessage(TerminalToReception, raw);
    if (!decoded.ok) {
      // Not ours to crash on: the terminal is a peer; note it and go on.
      console.warn(`reference reception: ignored a message from the terminal: ${decoded.error.message}`);
      return;
    }
    const message = decoded.message;
    this.#outcome = this.#decide(this.#outcome, message, { clinicRecords: this.#opts.clinicRecords ?? [] });
    this.history.push(this.#outcome);
    this.#send({ v: RECEPTION_PROTOCOL_VERSION, type: 'ack', id: message.id });
  }

  async close(): Promise<void> {
    const ws = this.#ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      ws.close();
    });
  }
}
