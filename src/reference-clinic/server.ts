import { randomUUID } from 'node:crypto';
import { listenOn } from '../protocol/loopback.js';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  SUT_PROTOCOL,
  SUT_PROTOCOL_VERSION,
  StartReception,
  type OutcomeResponse,
  type ReceptionStarted,
  type SutError,
  type SutInfo,
} from '../protocol/sut-remote.js';
import type { Decide } from './decide.js';
import type { ClinicRecord } from '../protocol/reception-outcome.js';
import { BackOfficeAnswer, type BackOfficeOutcome, type BackOfficeResponse } from '../protocol/back-office.js';
import { decideBackOffice, type DecideBackOffice } from './back-office.js';
import { ReferenceReception } from './reception-client.js';

/**
 * The reference reception as a standalone server speaking the remote SUT protocol
 * (docs/protocols/sut.md): what a vendor's system looks like from the harness's side, and the
 * proof that the remote path works (`myna-rig reference serve`).
 */
export interface ReferenceServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: an ephemeral port. */
  port?: number;
  name?: string;
  decide?: Decide;
  decideBackOffice?: DecideBackOffice;
}

export interface ReferenceServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** Receptions started and not yet deleted. */
  openReceptions(): number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) reject(new Error(`request body larger than ${MAX_BODY_BYTES} bytes`));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body?: SutInfo | ReceptionStarted | OutcomeResponse | SutError | BackOfficeResponse): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const fail = (res: ServerResponse, status: number, code: string, message: string): void => send(res, status, { error: { code, message } });

export async function startReferenceServer(opts: ReferenceServerOptions = {}): Promise<ReferenceServer> {
  const host = opts.host ?? '127.0.0.1';
  const name = opts.name ?? 'reference-reception';
  const receptions = new Map<string, ReferenceReception>();
  const desks = new Map<string, BackOfficeOutcome>();
  /** Each reception's clinic records: the back office compares a home-visit result with them as the counter does. */
  const charts = new Map<string, readonly ClinicRecord[]>();
  const decideDesk = opts.decideBackOffice ?? decideBackOffice;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://sut.invalid').pathname;
    if (req.method === 'GET' && path === '/') {
      return send(res, 200, { protocol: SUT_PROTOCOL, v: SUT_PROTOCOL_VERSION, name });
    }
    if (req.method === 'POST' && path === '/v1/receptions') {
      let json: unknown;
      try {
        json = JSON.parse(await readBody(req));
      } catch (e) {
        return fail(res, 400, 'bad-json', `POST /v1/receptions: the body is not JSON: ${(e as Error).message}`);
      }
      const parsed = StartReception.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return fail(res, 400, 'bad-request', `POST /v1/receptions: ${issue?.path.join('.') || '(body)'}: ${issue?.message ?? 'invalid'}`);
      }
      const reception = new ReferenceReception({ receptionUrl: parsed.data.receptionUrl, decide: opts.decide, receptionId: name, clinicRecords: parsed.data.clinicRecords ?? [] });
      try {
        await reception.connect();
      } catch (e) {
        return fail(res, 502, 'reception-link-failed', (e as Error).message);
      }
      const receptionId = randomUUID();
      receptions.set(receptionId, reception);
      charts.set(receptionId, parsed.data.clinicRecords ?? []);
      return send(res, 201, { receptionId });
    }
    const office = /^\/v1\/receptions\/([^/]+)\/back-office$/.exec(path);
    if (office) {
      const id = office[1]!;
      if (!receptions.has(id)) return fail(res, 404, 'unknown-reception', `no reception "${id}" here; start one with POST /v1/receptions`);
      if (req.method === 'POST') {
        let json: unknown;
        try {
          json = JSON.parse(await readBody(req));
        } catch (e) {
          return fail(res, 400, 'bad-json', `POST ${path}: the body is not JSON: ${(e as Error).message}`);
        }
        const parsed = BackOfficeAnswer.safeParse(json);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          return fail(res, 400, 'bad-request', `POST ${path}: ${issue?.path.join('.') || '(body)'}: ${issue?.message ?? 'invalid'}`);
        }
        desks.set(id, decideDesk(desks.get(id) ?? {}, parsed.data, { decide: opts.decide, clinicRecords: charts.get(id) ?? [] }));
      }
      if (req.method === 'POST' || req.method === 'GET') return send(res, 200, { backOffice: desks.get(id) ?? {} });
    }
    const m = /^\/v1\/receptions\/([^/]+)(\/outcome)?$/.exec(path);
    const reception = m ? receptions.get(m[1]!) : undefined;
    if (m && !reception) return fail(res, 404, 'unknown-reception', `no reception "${m[1]}" here; start one with POST /v1/receptions`);
    if (m && reception && req.method === 'GET' && m[2]) {
      return send(res, 200, { outcome: reception.outcome() ?? null });
    }
    if (m && reception && req.method === 'DELETE' && !m[2]) {
      receptions.delete(m[1]!);
      desks.delete(m[1]!);
      charts.delete(m[1]!);
      await reception.close();
      return send(res, 204);
    }
    fail(res, 404, 'not-found', `${req.method} ${path}: not part of the SUT protocol (docs/protocols/sut.md)`);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) fail(res, 500, 'internal', (e as Error).message);
    });
  });
  const url = `http://${await listenOn(server, host, opts.port ?? 0, 'reference server')}`;

  let closed: Promise<void> | undefined;
  return {
    url,
    openReceptions: () => receptions.size,
    close: () => {
      closed ??= (async () => {
        await Promise.all([...receptions.values()].map((r) => r.close().catch(() => undefined)));
        receptions.clear();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closed;
    },
  };
}
