import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOn, refuseUpgrade } from '../../protocol/loopback.js';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Clock } from '../../domain/clock.js';
import { createCentralClient } from './central-client.js';
import type { OqsXmlElementOrder, OqsXmlEncoding } from '../../protocol/oqs-xml.js';
import { createFaceFileNamer } from './face-file-name.js';
import { startFolderGateway, type FolderEvent, type FolderGateway } from './folders.js';
import type { BulkResultFormat } from './bulk-zip.js';
import { IdleWatch } from './idle-watch.js';
import { acceptOqsSocket, handleOqsHttp, OQS_SOCKET_PATH } from './json-transports.js';
import { createOqsAnswerer } from './oqs-answer.js';
import { DEFAULT_CARRYOVER_FROM, ReaderLink } from './reader-link.js';
import { ReceptionLink } from './reception-link.js';
import { ReceptionOutbox } from './reception-outbox.js';
import type { TrafficEntry, TrafficRecorder } from './traffic.js';

export interface TerminalOptions {
  clock: Clock;
  /** Base URL of the central system, e.g. http://127.0.0.1:PORT */
  centralUrl: string;
  /** 10-digit 医療機関コード of the facility this terminal belongs to. */
  medicalInstitutionCode: string;
  terminalId?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Per central call, real milliseconds. Default 5000. */
  centralTimeoutMs?: number;
  onTraffic?: (entry: TrafficEntry) => void;
  /**
   * The shared folder of the real terminal (face/, req/, res/; docs/protocols/oqs-folders.md).
   * Absent: JSON over WebSocket only.
   */
  folders?: {
    root: string;
    /** Result encoding; default utf8 (CharacterCodeIdentifier 0). */
    encoding?: OqsXmlEncoding;
    order?: OqsXmlElementOrder;
    /** Polling fallback beside fs.watch, real ms; default 200. */
    pollIntervalMs?: number;
    /** `zip`: bulk download results (OQSmu…02res) as .zip holding the XML; default `xml` (bulk-zip.ts). */
    bulkResultFormat?: BulkResultFormat;
  };
  onFolderEvent?: (event: FolderEvent) => void;
  /**
   * The facility is 資格確認限定型 (rules.md §3; central's `oqs.qualificationOnlyFacilities`): the
   * reader is told to skip the consent screens (`auth.verdict.consentNotAsked`) and no consent is
   * recorded. Default false.
   */
  qualificationOnly?: boolean;
  /**
   * yyyy-MM-dd (JST) from which a return visit is offered its previous individual choices
   * (reader-flow option `carryover_from`, K0). Default 2025-02-01.
   */
  carryoverFrom?: string;
}

export interface Terminal {
  /** http://127.0.0.1:PORT */
  url: string;
  /** ws://127.0.0.1:PORT/reader */
  readerUrl: string;
  /** ws://127.0.0.1:PORT/reception */
  receptionUrl: string;
  /** ws://127.0.0.1:PORT/oqs — the folder messages as JSON frames (HTTP twin: POST /oqs/<kind>). */
  oqsUrl: string;
  /**
   * Resolves once no reader request is waiting on central and every reception message is
   * acknowledged; rejects after `timeoutMs` (default 5000, real time) naming what is pending.
   */
  whenIdle(timeoutMs?: number): Promise<void>;
  /** Reception messages not yet acknowledged. */
  outboxSize(): number;
  /** The folder gateway, when `folders` was given. */
  folders?: FolderGateway;
  /**
   * Staff switch a reader to 目視確認 (`on`) or back to 自動運転 (reader-flow §1.1, N30). Sticky;
   * set during a session it takes effect when that session ends. Throws if the reader is not
   * connected. The message is sent before this returns: `await reader.sync()` on the reader side
   * is a barrier after which the reader has handled it.
   */
  setVisualMode(readerId: string, on: boolean): void;
  /** Staff tick «目視で本人確認完了» for the patient at that reader (N10). */
  confirmVisual(readerId: string): void;
  /** Staff reboot the reader (N36): session dropped, injected faults cleared. */
  rebootReader(readerId: string): void;
  close(): Promise<void>;
}

export const READER_PATH = '/reader';
export const RECEPTION_PATH = '/reception';
const DEFAULT_TERMINAL_ID = 'terminal-1';
const DEFAULT_CENTRAL_TIMEOUT_MS = 5000;
const DEFAULT_IDLE_TIMEOUT_MS = 5000;

/**
 * The 資格確認端末 with its 連携アプリ: one HTTP server whose WebSocket endpoints the reader
 * (`/reader`) and the reception system (`/reception`) connect to; it talks to central over HTTP.
 */
export async function startTerminal(opts: TerminalOptions): Promise<Terminal> {
  if (!/^\d{10}$/.test(opts.medicalInstitutionCode)) {
    throw new RangeError(`startTerminal: medicalInstitutionCode must be 10 digits, received "${opts.medicalInstitutionCode}"`);
  }
  if (!URL.canParse(opts.centralUrl)) {
    throw new RangeError(`startTerminal: centralUrl is not a URL: "${opts.centralUrl}" (expected e.g. http://127.0.0.1:PORT)`);
  }
  if (opts.carryoverFrom !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(opts.carryoverFrom)) {
    throw new RangeError(`startTerminal: carryoverFrom must be a date yyyy-MM-dd, received "${opts.carryoverFrom}"`);
  }
  const terminalId = opts.terminalId ?? DEFAULT_TERMINAL_ID;
  const host = opts.host ?? '127.0.0.1';
  const name = `terminal ${terminalId}`;

  const traffic: TrafficRecorder = (channel, direction, message) => {
    if (!opts.onTraffic) return;
    try {
      opts.onTraffic({ at: opts.clock.now(), channel, direction, message });
    } catch (e) {
      // An observer's bug must not break the relay.
      console.error(`${name}: onTraffic threw: ${(e as Error).message}`);
    }
  };

  const closing = new AbortController();
  const outbox = new ReceptionOutbox();
  const idle = new IdleWatch(name, () => outbox.unacked().map((m) => `${m.id} ${m.type}`));
  const reception = new ReceptionLink({ outbox, traffic, onAck: () => idle.changed() });
  const central = createCentralClient({
    centralUrl: opts.centralUrl,
    timeoutMs: opts.centralTimeoutMs ?? DEFAULT_CENTRAL_TIMEOUT_MS,
    traffic,
    closed: closing.signal,
  });
  const folders = opts.folders
    ? await startFolderGateway({
        root: opts.folders.root,
        encoding: opts.folders.encoding ?? 'utf8',
        clock: opts.clock,
        medicalInstitutionCode: opts.medicalInstitutionCode,
        checkQualification: (request) => central.checkQualification(request),
        answerMessage: (kind, request) => central.answerMessage(kind, request),
        ...(opts.folders.order !== undefined ? { order: opts.folders.order } : {}),
        ...(opts.folders.pollIntervalMs !== undefined ? { pollIntervalMs: opts.folders.pollIntervalMs } : {}),
        ...(opts.folders.bulkResultFormat !== undefined ? { bulkResultFormat: opts.folders.bulkResultFormat } : {}),
        ...(opts.onFolderEvent !== undefined ? { onEvent: opts.onFolderEvent } : {}),
      })
    : undefined;
  const reader = new ReaderLink({
    terminalId,
    medicalInstitutionCode: opts.medicalInstitutionCode,
    central,
    pushToReception: (body) => {
      // The face file is written first (the real terminal has no socket: the file is the push).
      if (folders && body.type === 'qualification.result') {
        idle.track(
          `face file ${body.fileName}`,
          folders.writeFaceResult(body.fileName, body.message).then(
            () => undefined,
            (e: unknown) => console.error(`${name}: could not write face/${body.fileName}: ${(e as Error).message}`),
          ),
        );
      }
      reception.push(body);
    },
    nextFaceFileName: createFaceFileNamer(opts.medicalInstitutionCode, opts.clock),
    traffic,
    track: (label, work) => idle.track(label, work),
    clock: opts.clock,
    qualificationOnly: opts.qualificationOnly ?? false,
    carryoverFrom: opts.carryoverFrom ?? DEFAULT_CARRYOVER_FROM,
  });

  const answerOqs = createOqsAnswerer({ clock: opts.clock, medicalInstitutionCode: opts.medicalInstitutionCode, central });
  const oqsWss = new WebSocketServer({ noServer: true });
  oqsWss.on('connection', (ws) => acceptOqsSocket(ws, answerOqs, traffic, (label, work) => idle.track(label, work)));
  const readerWss = new WebSocketServer({ noServer: true });
  const receptionWss = new WebSocketServer({ noServer: true });
  readerWss.on('connection', (ws) => reader.accept(ws));
  receptionWss.on('connection', (ws) => reception.accept(ws));

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = pathOf(req);
    if (req.method === 'GET' && path === '/') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          terminalId,
          readers: reader.connectedReaders(),
          receptionClients: reception.clientCount(),
          outbox: outbox.size(),
          endpoints: [READER_PATH, RECEPTION_PATH, OQS_SOCKET_PATH, 'POST /oqs/<kind>'],
        }),
      );
      return;
    }
    if (handleOqsHttp(req, res, path, answerOqs, traffic)) return;
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'not-found', message: `${req.method} ${path}: the terminal serves WebSockets at ${READER_PATH}, ${RECEPTION_PATH} and ${OQS_SOCKET_PATH}, and POST /oqs/<kind>` } }));
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = pathOf(req);
    const wss = path === READER_PATH ? readerWss : path === RECEPTION_PATH ? receptionWss : path === OQS_SOCKET_PATH ? oqsWss : undefined;
    if (wss === undefined || closing.signal.aborted) {
      refuseUpgrade(socket);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const authority = await listenOn(server, host, opts.port ?? 0, name);

  let closed: Promise<void> | undefined;
  return {
    url: `http://${authority}`,
    readerUrl: `ws://${authority}${READER_PATH}`,
    receptionUrl: `ws://${authority}${RECEPTION_PATH}`,
    oqsUrl: `ws://${authority}${OQS_SOCKET_PATH}`,
    whenIdle: (timeoutMs = DEFAULT_IDLE_TIMEOUT_MS) => idle.whenIdle(timeoutMs),
    outboxSize: () => outbox.size(),
    ...(folders ? { folders } : {}),
    setVisualMode: (readerId, on) => reader.setMode(readerId, on ? 'visual' : 'auto'),
    confirmVisual: (readerId) => reader.confirmVisual(readerId),
    rebootReader: (readerId) => reader.reboot(readerId),
    close: () => {
      closed ??= (async () => {
        closing.abort();
        await folders?.close();
        idle.close();
        for (const wss of [readerWss, receptionWss, oqsWss]) {
          for (const ws of wss.clients) ws.terminate();
          await new Promise<void>((resolve) => wss.close(() => resolve()));
        }
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closed;
    },
  };
}

function pathOf(req: IncomingMessage): string {
  try {
    return new URL(req.url ?? '/', 'http://terminal.invalid').pathname;
  } catch {
    return req.url ?? '/';
  }
}
