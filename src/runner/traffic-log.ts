import type { CentralTrafficEntry } from '../sim-backend/central/index.js';
import type { TrafficEntry } from '../sim-backend/terminal/index.js';
import type { ReaderTimeout } from '../sim-reader/index.js';
import type { ApduExchange } from './apdu-log.js';
import type { TrafficRecord } from './results.js';

/**
 * What the rig saw on the wire during one scenario, for reports: every reader ↔ terminal and
 * terminal ↔ reception message, and every terminal → central exchange with its answer.
 * Masked on the way in, so no report can leak what it should not (see maskSecrets).
 */
export interface TrafficLog {
  readonly records: TrafficRecord[];
  /** Index of the step now running; stamped on each record (-1 while the rig is assembled). */
  step: number;
  /** Records not kept once `limit` was reached. */
  dropped: number;
  fromTerminal(entry: TrafficEntry): void;
  fromCentral(entry: CentralTrafficEntry): void;
  /** A diagnostic of the reader simulator itself (card failures, link errors). */
  readerLog(text: string, at: number): void;
  /** One command/response APDU between the reader and the card (already described and masked). */
  apdu(exchange: ApduExchange, at: number): void;
  /** A tick of the virtual clock ended a screen (F22) or counted a face capture timeout (F11). */
  readerTimeout(timeout: ReaderTimeout): void;
}

const DEFAULT_LIMIT = 1000;
const MAX_TEXT = 2000;
/** Keys whose values are long base64 blobs: shown shortened, with their size. */
const BLOB_KEYS = new Set(['signature', 'certificate']);

/**
 * PINs never cross the wire in this protocol (the card checks them), but a broken peer could
 * echo one, so any key that names a PIN is masked; signatures and certificates are shortened
 * to a prefix and their size: they are public, but unreadable and large.
 */
export function maskSecrets(value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    if (/pin/i.test(key) && !/pinAvailable/i.test(key)) return '****';
    if (BLOB_KEYS.has(key) && value.length > 24) return `${value.slice(0, 16)}… (${base64Bytes(value)} bytes, base64)`;
    return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}… (${value.length} characters)` : value;
  }
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecrets(v, k)]));
  }
  return value;
}

const base64Bytes = (text: string): number => Math.floor((text.length * 3) / 4) - (/==$/.test(text) ? 2 : /=$/.test(text) ? 1 : 0);

function typeOf(message: unknown): string {
  if (message !== null && typeof message === 'object' && 'type' in message && typeof message.type === 'string') return message.type;
  if (typeof message === 'string') return 'unreadable frame';
  return 'message';
}

export function createTrafficLog(limit = DEFAULT_LIMIT): TrafficLog {
  const log: TrafficLog = {
    records: [],
    step: -1,
    dropped: 0,
    fromTerminal(entry) {
      // The runner's ping/pong barriers are ours, not the system's: leave them out.
      const type = typeOf(entry.message);
      if (type === 'ping' || type === 'pong') return;
      // Central exchanges come from central itself, with the HTTP status; keep only the
      // terminal's view of calls that never got an answer.
      if (entry.channel === 'central' && !(entry.direction === 'in' && isObject(entry.message) && 'error' in entry.message)) return;
      const peer = entry.channel;
      push({
        at: entry.at,
        step: log.step,
        from: entry.direction === 'in' ? peer : 'terminal',
        to: entry.direction === 'in' ? 'terminal' : peer,
        label: entry.channel === 'central' ? 'central unreachable' : type,
        message: maskSecrets(entry.message),
      });
    },
    readerLog() {
      // Replaced below, once `push` exists.
    },
    apdu() {
      // Replaced below, once `push` exists.
    },
    readerTimeout() {
      // Replaced below, once `push` exists.
    },
    fromCentral(entry) {
      push({
        at: entry.at,
        step: log.step,
        from: 'terminal',
        to: 'central',
        label: `${entry.method} ${entry.path} → ${entry.status}`,
        message: maskSecrets(entry.request),
        response: maskSecrets(entry.response),
      });
    },
  };
  log.readerLog = (text: string, at: number): void => {
    push({ at, step: log.step, from: 'reader', to: 'reader', label: 'reader log', message: text });
  };
  log.apdu = (e: ApduExchange, at: number): void => {
    const answer = e.response ? `${e.response.sw} ${e.response.meaning}` : 'no answer';
    push({
      at,
      step: log.step,
      from: 'reader',
      to: 'card',
      label: `APDU ${e.command.name} → ${answer}`,
      message: { command: e.command.hex },
      response: e.response ?? { error: e.error },
    });
  };
  log.readerTimeout = (t: ReaderTimeout): void => {
    push({
      at: t.at,
      step: log.step,
      from: 'reader',
      to: 'reader',
      label: `reader ${t.kind} on ${t.screen}`,
      message: { kind: t.kind, screen: t.screen, sessionId: t.sessionId },
    });
  };
  const push = (record: TrafficRecord): void => {
    if (log.records.length >= limit) log.dropped += 1;
    else log.records.push(record);
  };
  return log;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object';
}
