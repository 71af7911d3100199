import type { RawData, WebSocket } from 'ws';
import { decodeMessage } from '../../protocol/messages.js';
import { ProtocolError } from '../../protocol/reader-link.js';
import { RECEPTION_PROTOCOL_VERSION, ReceptionToTerminal, type TerminalToReception } from '../../protocol/reception-link.js';
import type { ReceptionOutbox, ReceptionPushBody } from './reception-outbox.js';
import { frameText, sendJson } from './socket-io.js';
import type { TrafficRecorder } from './traffic.js';

const v = RECEPTION_PROTOCOL_VERSION;

export interface ReceptionLinkDeps {
  outbox: ReceptionOutbox;
  traffic: TrafficRecorder;
  /** Called after an ack emptied (or shrank) the outbox. */
  onAck(): void;
}

/**
 * The terminal's side of the reception link (protocol/reception-link.ts). Every push goes to
 * every connected reception client (a clinic may run a レセコン and an 電子カルテ side by side,
 * as both may read the face folder); an ack from any of them settles the message. A client that
 * connects first receives every unacknowledged message, oldest first.
 */
export class ReceptionLink {
  readonly #deps: ReceptionLinkDeps;
  readonly #clients = new Set<WebSocket>();

  constructor(deps: ReceptionLinkDeps) {
    this.#deps = deps;
  }

  accept(ws: WebSocket): void {
    this.#clients.add(ws);
    ws.on('message', (data) => this.#onFrame(ws, data));
    ws.on('error', (e) => this.#deps.traffic('reception', 'in', { socketError: e.message }));
    ws.on('close', () => this.#clients.delete(ws));
    // Redelivery does not wait for hello: a reception that never says it still gets its results.
    for (const message of this.#deps.outbox.unacked()) this.#send(ws, message);
  }

  push(body: ReceptionPushBody): TerminalToReception {
    const message = this.#deps.outbox.enqueue(body);
    for (const ws of this.#clients) this.#send(ws, message);
    return message;
  }

  clientCount(): number {
    return this.#clients.size;
  }

  #onFrame(ws: WebSocket, data: RawData): void {
    const peerError = decodeMessage(ProtocolError, data);
    if (peerError.ok) {
      this.#deps.traffic('reception', 'in', peerError.message);
      return;
    }
    const decoded = decodeMessage(ReceptionToTerminal, data);
    if (!decoded.ok) {
      this.#deps.traffic('reception', 'in', frameText(data));
      this.#error(ws, decoded.error.code, `/reception: ${decoded.error.message}. Send a reception-link v${v} message (hello or ack); this connection stays open.`);
      return;
    }
    const m = decoded.message;
    this.#deps.traffic('reception', 'in', m);
    if (m.type === 'hello') return;
    const outcome = this.#deps.outbox.ack(m.id);
    if (outcome === 'acked') this.#deps.onAck();
    else if (outcome === 'unknown') {
      this.#error(ws, 'unknown-id', `/reception: ack of "${m.id}", an id this terminal never sent. Ack the id of a received message.`);
    }
    // 'already-acked': another client or a repeated ack settled it first; nothing to do.
  }

  #error(ws: WebSocket, code: string, message: string): void {
    this.#send(ws, { v, type: 'protocol.error', code, message });
  }

  #send(ws: WebSocket, message: object): void {
    if (sendJson(ws, message)) this.#deps.traffic('reception', 'out', message);
  }
}
