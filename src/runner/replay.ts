import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { LOOPBACK_HOST, listenOn, refuseUpgrade } from '../protocol/loopback.js';
import type { Recording } from './recording.js';
import type { SutAdapter } from './sut-adapter.js';

/**
 * Replaying a recording: a stand-in terminal that serves `/reception`, hands the SUT its URL as
 * the rig would, sends every recorded terminal → reception message in the recorded order (each
 * once, waiting for its ack as the real terminal's outbox does), then asks the SUT for its
 * outcome and compares it, field by field, with the recorded one.
 */

export interface OutcomeDifference {
  field: string;
  recorded: unknown;
  replayed: unknown;
}

export interface ReplayResult {
  id: string;
  file: string;
  recorded: Record<string, unknown> | null;
  replayed: Record<string, unknown> | null;
  differences: OutcomeDifference[];
  /** The SUT broke (no connection, no ack, protocol error) rather than decided differently. */
  error?: string;
  sent: number;
}

export function compareOutcomes(recorded: Record<string, unknown> | null, replayed: Record<string, unknown> | null): OutcomeDifference[] {
  if (recorded === null || replayed === null) {
    return recorded === replayed ? [] : [{ field: '(outcome)', recorded, replayed }];
  }
  const keys = [...new Set([...Object.keys(recorded), ...Object.keys(replayed)])].sort();
  return keys
    .filter((k) => JSON.stringify(recorded[k]) !== JSON.stringify(replayed[k]))
    .map((k) => ({ field: k, recorded: recorded[k], replayed: replayed[k] }));
}

interface StandInTerminal {
  url: string;
  receptionUrl: string;
  /** Resolves with the first reception connection. */
  connection(timeoutMs: number): Promise<WebSocket>;
  close(): Promise<void>;
}

async function startStandInTerminal(): Promise<StandInTerminal> {
  const server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true });
  const waiting: Array<(ws: WebSocket) => void> = [];
  let first: WebSocket | undefined;
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://x').pathname !== '/reception') return refuseUpgrade(socket);
    wss.handleUpgrade(req, socket, head, (ws) => {
      first ??= ws;
      for (const w of waiting.splice(0)) w(ws);
    });
  });
  const authority = await listenOn(server, LOOPBACK_HOST, 0, 'replay terminal');
  return {
    url: `http://${authority}`,
    receptionUrl: `ws://${authority}/reception`,
    connection: (timeoutMs) =>
      first
        ? Promise.resolve(first)
        : new Promise<WebSocket>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`the SUT did not connect to /reception within ${timeoutMs} ms`)), timeoutMs);
            waiting.push((ws) => {
              clearTimeout(timer);
              resolve(ws);
            });
          }),
    close: async () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Sends one message and waits for its ack; a protocol.error from the SUT fails it. */
function sendAndAwaitAck(ws: WebSocket, message: { id: string }, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no ack of message ${message.id} within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (data: unknown): void => {
      let m: { type?: string; id?: string; message?: string };
      try {
        m = JSON.parse(String(data)) as typeof m;
      } catch {
        return done(new Error(`the SUT sent a frame that is not JSON: ${String(data).slice(0, 80)}`));
      }
      if (m.type === 'ack' && m.id === message.id) done();
      else if (m.type === 'protocol.error') done(new Error(`the SUT answered protocol.error: ${m.message ?? ''}`));
    };
    const onClose = (): void => done(new Error(`the SUT closed /reception before acking message ${message.id}`));
    const done = (e?: Error): void => {
      clearTimeout(timer);
      ws.off('message', onMessage);
      ws.off('close', onClose);
      if (e) reject(e);
      else resolve();
    };
    ws.on('message', onMessage);
    ws.on('close', onClose);
    ws.send(JSON.stringify(message));
  });
}

export async function replayRecording(recording: Recording, file: string, adapter: SutAdapter, opts: { timeoutMs?: number } = {}): Promise<ReplayResult> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const terminal = await startStandInTerminal();
  const result: ReplayResult = { id: recording.meta.id, file, recorded: recording.outcome, replayed: null, differences: [], sent: 0 };
  let session: Awaited<ReturnType<SutAdapter['start']>> | undefined;
  try {
    session = await adapter.start({ receptionUrl: terminal.receptionUrl, terminalUrl: terminal.url, scenarioId: recording.meta.id, seed: recording.meta.seed });
    const ws = await terminal.connection(timeoutMs);
    // Redeliveries after a reconnection repeat an id: the replay sends each message once.
    const seen = new Set<string>();
    for (const m of recording.messages) {
      if (m.kind !== 'send') continue;
      const message = m.message as { id?: unknown };
      if (typeof message?.id !== 'string' || seen.has(message.id)) continue;
      seen.add(message.id);
      await sendAndAwaitAck(ws, message as { id: string }, timeoutMs);
      result.sent += 1;
    }
    result.replayed = ((await session.outcome()) as Record<string, unknown> | undefined) ?? null;
    result.differences = compareOutcomes(result.recorded, result.replayed);
  } catch (e) {
    result.error = (e as Error).message;
  } finally {
    await session?.close().catch(() => undefined);
    await terminal.close();
  }
  return result;
}
