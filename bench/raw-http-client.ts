/**
 * What the bench's raw-socket load generators share (backend-http-raw-load.ts at a fixed rate,
 * backend-http-interleaved-load.ts for paired capacity): one-request card checks written as
 * HTTP/1.1 keep-alive requests, and answers read off the socket by a parser that knows only what
 * these servers send (a status line, headers with Content-Length, a body; no chunked encoding).
 * Kept light on purpose: the generator shares the 2 cores with the server it measures.
 */
import net from 'node:net';

/** The request body around the challenge id and the signature, and the pre-made signatures. */
export interface CheckBody {
  bodyHead: string;
  bodyTail: string;
  /** base64 nonce → base64 card signature over it. */
  signatures: Record<string, string>;
}

/** Challenges to use, in the order they came: [id, base64 nonce]. A ring without shifting. */
export class ChallengeQueue {
  #items: Array<[string, string]>;
  #head = 0;

  constructor(initial: Array<[string, string]>) {
    this.#items = [...initial];
  }

  take(): [string, string] {
    if (this.#head >= this.#items.length) return ['none', ''];
    const c = this.#items[this.#head++]!;
    if (this.#head > 4096) {
      this.#items.splice(0, this.#head);
      this.#head = 0;
    }
    return c;
  }

  push(challenge: [string, string]): void {
    this.#items.push(challenge);
  }
}

const ACCEPTED = Buffer.from('{"accepted":true');
const NEXT = Buffer.from('"nextChallenge":{"challengeId":"');
const NONCE = Buffer.from('"nonce":"');
const QUOTE = 0x22;
const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = 'content-length:';

/** The next check's request: a challenge from the queue and the signature made for its nonce. */
export function checkRequest(host: string, body: CheckBody, queue: ChallengeQueue): string {
  const [id, nonce] = queue.take();
  const signature = body.signatures[nonce] ?? 'AAAA';
  // Every part is ASCII (base64, digits, JSON punctuation): length in characters = bytes.
  const text = `${body.bodyHead}${id}","signature":"${signature}${body.bodyTail}`;
  return `POST /v1/card-checks HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${text.length}\r\n\r\n${text}`;
}

/** The next challenge out of an answer, found in the bytes (no JSON parse: the client must stay light). */
export function nextChallengeOf(body: Buffer): [string, string] | undefined {
  const at = body.indexOf(NEXT);
  if (at < 0) return undefined;
  const idStart = at + NEXT.length;
  const idEnd = body.indexOf(QUOTE, idStart);
  const nonceStart = body.indexOf(NONCE, idEnd) + NONCE.length;
  const nonceEnd = body.indexOf(QUOTE, nonceStart);
  return [body.toString('latin1', idStart, idEnd), body.toString('latin1', nonceStart, nonceEnd)];
}

/** One keep-alive connection; `onAnswer` once per whole answer, `onUnreadable` for one it cannot read. */
export interface RawConnection<T> {
  socket: net.Socket;
  /** The caller's own state for this connection. */
  state: T;
}

export interface AnswerHandlers<T> {
  /** A whole answer: accepted = 200 with `{"accepted":true…`. */
  onAnswer(c: RawConnection<T>, accepted: boolean, body: Buffer): void;
  /** An answer without Content-Length (chunked?): the socket is destroyed after this. */
  onUnreadable(c: RawConnection<T>): void;
  onClose(c: RawConnection<T>): void;
}

/** Opens one connection and reads its answers (pipelined ones too) with `handlers`. */
export function openConnection<T>(port: number, host: string, state: T, handlers: AnswerHandlers<T>): Promise<RawConnection<T>> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, noDelay: true });
    const c: RawConnection<T> = { socket, state };
    let pending: Buffer | undefined;
    socket.once('connect', () => resolve(c));
    socket.once('error', reject);
    socket.on('error', () => undefined);
    socket.on('close', () => handlers.onClose(c));
    socket.on('data', (chunk: Buffer) => {
      let buf = pending === undefined ? chunk : Buffer.concat([pending, chunk]);
      for (;;) {
        const headerEnd = buf.indexOf(HEADER_END);
        if (headerEnd < 0) break;
        const header = buf.toString('latin1', 0, headerEnd).toLowerCase();
        const at = header.indexOf(CONTENT_LENGTH);
        if (at < 0) {
          handlers.onUnreadable(c);
          socket.destroy();
          return;
        }
        const total = headerEnd + 4 + Number.parseInt(header.slice(at + CONTENT_LENGTH.length), 10);
        if (buf.length < total) break;
        const status = buf[9]! * 100 + buf[10]! * 10 + buf[11]! - 0x30 * 111;
        const body = buf.subarray(headerEnd + 4, total);
        handlers.onAnswer(c, status === 200 && body.subarray(0, ACCEPTED.length).equals(ACCEPTED), body);
        buf = buf.subarray(total);
        if (buf.length === 0) break;
      }
      pending = buf.length > 0 ? buf : undefined;
    });
  });
}

/** The p-th percentile of sorted values (0 when there are none). */
export function percentile(sorted: Float64Array | number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
