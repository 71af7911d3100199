/**
 * Connects an emulated card to pcscd through vsmartcard's vpcd reader driver, so that real PC/SC
 * software (OpenSC, pcsc-tools, browsers' middleware) talks to it.
 *
 * vpcd (inside pcscd) listens on TCP (35963 for its first reader) and the card connects to it as
 * a client. Both directions carry frames: a 2-byte big-endian length, then that many bytes. vpcd
 * always speaks first; the card only answers:
 * - a 1-byte frame is a control: 00 power off, 01 power on, 02 reset (no reply), 04 get ATR
 *   (reply: one frame with the ATR). vpcd polls 04 continuously to see that the card is present.
 * - a longer frame is a command APDU; the reply is one frame with the response APDU. A reply is
 *   never empty (an empty frame makes vpcd drop the card).
 * TCP may split or merge frames, so input is buffered until a whole frame is there. A closed
 * socket means the card was removed; when pcscd restarts the bridge connects again with backoff.
 * The card's session state (selection, verified PINs) is reset on power off, reset and socket
 * loss; PIN counters stay, as on a real card.
 *
 * A destroyed chip (card state `destroyed`) must look to pcscd like a mute card in a physical
 * reader — present, but no usable ATR ("Card inserted, Unresponsive card"; SCardConnect fails
 * with SCARD_W_UNRESPONSIVE_CARD) — and not like a removed one. vpcd takes any non-empty answer
 * to get-ATR as "present", but its power-up copies the ATR into a MAX_ATR_SIZE (33-byte) buffer
 * and fails, without dropping the connection, when the answer is longer. So the bridge answers
 * get-ATR of a destroyed chip with MUTE_CHIP_ATR_REPLY (40 zero bytes). An empty frame would
 * instead make vpcd drop the connection (card removed). Checked against pcscd + vpcd in
 * tests/interop/mute-and-restart.test.ts.
 */
import { Socket } from 'node:net';
import { toHex } from '../protocol/apdu.js';
import type { CardState } from './card-state.js';

/** What the bridge needs from a card (MyNumberCard satisfies it). */
export interface VpcdCard {
  readonly atr: Uint8Array;
  process(command: Uint8Array): Uint8Array;
  reset(): void;
  /** `destroyed`: the chip answers nothing; the bridge presents it as a mute card. */
  readonly state?: CardState;
}

/**
 * What a destroyed chip answers to vpcd's get-ATR: longer than an ATR can be (33 bytes), so that
 * vpcd's power-up fails and pcscd reports the card as unresponsive while it stays inserted.
 */
export const MUTE_CHIP_ATR_REPLY: Uint8Array = new Uint8Array(40);

export interface VpcdBridgeOptions {
  /** The card, or a factory called for every new connection (a fresh card per insertion). */
  card: VpcdCard | (() => VpcdCard);
  host?: string;
  /** vpcd's port: 35963 for reader "Virtual PCD 00 00", 35964 for "… 00 01". */
  port?: number;
  /** Connect again when the connection is refused or lost (pcscd restarting). Default true. */
  reconnect?: boolean;
  /** First and largest delay between reconnection attempts, ms. Default 100 and 2000. */
  backoffMs?: { initial: number; max: number };
  /** One line per event and per APDU exchange; PIN data in VERIFY / CHANGE is masked. */
  onLog?: (line: string) => void;
}

export interface VpcdBridge {
  /** Resolves at the first successful connection; rejects only when `reconnect` is false and it fails. */
  connected: Promise<void>;
  /** Stops reconnecting, disconnects (the card is "removed") and resolves once the socket is closed. */
  close(): Promise<void>;
}

export const VPCD_DEFAULT_PORT = 35963;

export const VPCD_CONTROL = { POWER_OFF: 0x00, POWER_ON: 0x01, RESET: 0x02, GET_ATR: 0x04 } as const;

/** Splits a TCP byte stream into vpcd frames, however the stream is cut. */
export class VpcdFrameReader {
  #buffer: Buffer = Buffer.alloc(0);

  /** Adds received bytes; returns every frame completed by them, in order. */
  push(chunk: Uint8Array): Uint8Array[] {
    this.#buffer = this.#buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.#buffer, chunk]);
    const frames: Uint8Array[] = [];
    while (this.#buffer.length >= 2) {
      const length = this.#buffer.readUInt16BE(0);
      if (this.#buffer.length < 2 + length) break;
      frames.push(new Uint8Array(this.#buffer.subarray(2, 2 + length)));
      this.#buffer = this.#buffer.subarray(2 + length);
    }
    return frames;
  }

  /** Bytes received but not yet a whole frame. */
  get pending(): number {
    return this.#buffer.length;
  }
}

export function encodeVpcdFrame(payload: Uint8Array): Buffer {
  if (payload.length > 0xffff) throw new RangeError(`vpcd frame of ${payload.length} bytes: the length field holds at most 65535`);
  const out = Buffer.alloc(2 + payload.length);
  out.writeUInt16BE(payload.length, 0);
  out.set(payload, 2);
  return out;
}

/** Hex of a command APDU with the data of VERIFY (INS 20) and CHANGE REFERENCE DATA (INS 24) masked, whatever the class. */
export function maskedApduHex(command: Uint8Array): string {
  const ins = command[1];
  if (command.length > 5 && (ins === 0x20 || ins === 0x24)) {
    return `${toHex(command.subarray(0, 5))} ${Array.from(command.subarray(5), () => '**').join(' ')}`;
  }
  return toHex(command);
}

/**
 * Answers one vpcd frame. Returns the reply payload, or undefined for controls that get none.
 * Exported for tests; `connectToVpcd` uses it for every frame.
 */
export function answerVpcdFrame(card: VpcdCard, frame: Uint8Array, log: (line: string) => void = () => {}): Uint8Array | undefined {
  const mute = card.state === 'destroyed';
  if (frame.length === 1) {
    switch (frame[0]) {
      case VPCD_CONTROL.POWER_OFF:
        card.reset();
        log('power off');
        return undefined;
      case VPCD_CONTROL.POWER_ON:
        card.reset();
        log(mute ? 'power on (chip destroyed: no usable ATR, pcscd sees an unresponsive card)' : 'power on');
        return undefined;
      case VPCD_CONTROL.RESET:
        card.reset();
        log('reset');
        return undefined;
      case VPCD_CONTROL.GET_ATR:
        return mute ? MUTE_CHIP_ATR_REPLY : card.atr;
      default:
        log(`unknown control byte ${toHex(frame)} ignored`);
        return undefined;
    }
  }
  if (frame.length === 0) {
    log('empty frame ignored');
    return undefined;
  }
  // A destroyed chip answers zero bytes; pcscd never powers it up, so no APDU should come. If one
  // does, the empty frame makes vpcd drop the connection rather than wait for ever.
  const response = card.process(frame);
  log(`> ${maskedApduHex(frame)}\n< ${response.length === 0 ? '(nothing: chip destroyed)' : toHex(response)}`);
  return response;
}

export function connectToVpcd(opts: VpcdBridgeOptions): VpcdBridge {
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? VPCD_DEFAULT_PORT;
  const reconnect = opts.reconnect ?? true;
  const initialDelay = opts.backoffMs?.initial ?? 100;
  const maxDelay = opts.backoffMs?.max ?? 2000;
  const log = opts.onLog ?? (() => {});
  const cardFor = typeof opts.card === 'function' ? opts.card : ((card) => () => card)(opts.card);

  let closing = false;
  let socket: Socket | undefined;
  let timer: NodeJS.Timeout | undefined;
  let delay = initialDelay;
  let everConnected = false;
  let resolveConnected!: () => void;
  let rejectConnected!: (error: Error) => void;
  const connected = new Promise<void>((resolve, reject) => {
    resolveConnected = resolve;
    rejectConnected = reject;
  });
  connected.catch(() => {}); // a caller that never awaits it must not see an unhandled rejection
  let resolveClosed: (() => void) | undefined;

  const attempt = (): void => {
    timer = undefined;
    if (closing) return;
    let card: VpcdCard | undefined; // made when the connection is up: one card per insertion
    const reader = new VpcdFrameReader();
    const s = new Socket();
    socket = s;
    s.setNoDelay(true);
    let wasConnected = false;
    s.on('connect', () => {
      wasConnected = true;
      delay = initialDelay;
      card = cardFor();
      log(`connected to vpcd at ${host}:${port}`);
      if (!everConnected) {
        everConnected = true;
        resolveConnected();
      }
    });
    s.on('data', (chunk: Buffer) => {
      if (!card) return;
      for (const frame of reader.push(chunk)) {
        const reply = answerVpcdFrame(card, frame, log);
        if (reply !== undefined) s.write(encodeVpcdFrame(reply));
      }
    });
    s.on('error', (error: NodeJS.ErrnoException) => {
      if (!closing) log(`vpcd ${host}:${port}: ${error.code ?? error.message}`);
      if (!everConnected && !reconnect) {
        rejectConnected(
          new Error(`vpcd bridge: cannot connect to ${host}:${port} (${error.code ?? error.message}); start pcscd with the vsmartcard-vpcd driver first`),
        );
      }
    });
    s.on('close', () => {
      card?.reset(); // the card left the reader: session state goes
      if (socket === s) socket = undefined;
      if (closing) {
        resolveClosed?.();
        return;
      }
      if (wasConnected) log('disconnected from vpcd (card removed)');
      if (reconnect) {
        timer = setTimeout(attempt, delay);
        delay = Math.min(maxDelay, delay * 2);
      }
    });
    s.connect(port, host);
  };
  attempt();

  return {
    connected,
    close(): Promise<void> {
      closing = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      const s = socket;
      if (!s || s.destroyed) return Promise.resolve();
      return new Promise<void>((resolve) => {
        resolveClosed = resolve;
        s.destroy();
      });
    },
  };
}
