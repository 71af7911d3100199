import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { VirtualClock } from '../../domain/clock.js';
import type { OqsQualificationRequest } from '../../protocol/oqs-request.js';
import { decodeOqsXml, encodeOqsRequestXml } from '../../protocol/oqs-xml.js';
import { startTerminal, type Terminal, type TerminalOptions } from './server.js';
import type { TrafficEntry } from './traffic.js';

type Json = Record<string, unknown>;

// ---------------------------------------------------------------- a fake central (central-api.ts)

type Answer = { status: number; json: unknown } | 'hang';
type Route = (body: Json) => Answer | Promise<Answer>;

const QUALIFICATION_RESULT = {
  XmlMsg: {
    MessageHeader: {
      ProcessExecutionTime: '20250401093000',
      CharacterCodeIdentifier: '0',
      SegmentOfResult: '1',
      QualificationConfirmationDate: '20250401',
      ReferenceClassification: '1',
      MedicalInstitutionCode: '1312345678',
    },
    MessageBody: {
      ResultList: {
        ResultOfQualificationConfirmation: [
          {
            InsuredCardClassification: '01',
            InsurerNumber: '06139999',
            InsuredIdentificationNumber: '1234',
            PersonalFamilyClassification: '1',
            Name: '山田\u3000花子',
            Sex1: '2',
            Birthdate: '19800115',
            InsurerName: 'テスト健康保険組合',
            InsuredPartialContributionRatio: '030',
          },
        ],
      },
      ProcessingResultStatus: '1',
      QualificationValidity: '1',
    },
  },
};

const ACCEPTED = { accepted: true, checkId: 'chk-1', certificateStatus: 'valid', registered: true };

class FakeCentral {
  readonly requests: { path: string; body: Json }[] = [];
  routes: Record<string, Route> = {
    '/v1/challenges': () => ({ status: 200, json: { challengeId: 'ch-1', nonce: 'bm9uY2Utbm9uY2Utbm9uY2Utbm9uY2Utbm9uY2U=', expiresAt: 1743467700000 } }),
    '/v1/card-checks': () => ({ status: 200, json: ACCEPTED }),
    '/v1/card-checks/chk-1/qualification': () => ({ status: 200, json: QUALIFICATION_RESULT }),
    // No earlier consent at this facility: the usual consent screens.
    '/v1/previous-consents': () => ({ status: 200, json: {} }),
  };
  #server: Server;
  url = '';

  constructor() {
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    const path = req.url ?? '';
    this.requests.push({ path, body: JSON.parse(text) as Json });
    const route = this.routes[path];
    const answer: Answer = route ? await route(JSON.parse(text) as Json) : { status: 404, json: { error: { code: 'not-found', message: path } } };
    if (answer === 'hang') return;
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer.json));
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

// ---------------------------------------------------------------- a ws client that queues frames

class Peer {
  readonly #queue: Json[] = [];
  readonly #waiting: ((m: Json) => void)[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as Json;
      const w = this.#waiting.shift();
      if (w) w(m);
      else this.#queue.push(m);
    });
  }

  static async connect(url: string): Promise<Peer> {
    const ws = new WebSocket(url);
    const peer = new Peer(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return peer;
  }

  send(message: Json): void {
    this.ws.send(JSON.stringify(message));
  }

  next(timeoutMs = 3000): Promise<Json> {
    const queued = this.#queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise<Json>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
        reject(new Error(`no message within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (m: Json): void => {
        clearTimeout(timer);
        resolve(m);
      };
      this.#waiting.push(waiter);
    });
  }

  /** Nothing arrives for `ms`. */
  async silentFor(ms: number): Promise<void> {
    await expect(this.next(ms)).rejects.toThrow(/no message/);
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

// ---------------------------------------------------------------- fixtures

const CODE = '1312345678';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function rig(
  options: Partial<TerminalOptions> = {},
): Promise<{ central: FakeCentral; terminal: Terminal; traffic: TrafficEntry[]; clock: VirtualClock }> {
  const central = await new FakeCentral().start();
  cleanups.push(() => central.close());
  const traffic: TrafficEntry[] = [];
  const clock = new VirtualClock('2025-04-01T09:30:00+09:00');
  const terminal = await startTerminal({
    clock,
    centralUrl: central.url,
    medicalInstitutionCode: CODE,
    terminalId: 'T-01',
    onTraffic: (e) => traffic.push(e),
    ...options,
  });
  cleanups.push(() => terminal.close());
  return { central, terminal, traffic, clock };
}

async function connect(url: string): Promise<Peer> {
  const peer = await Peer.connect(url);
  cleanups.push(() => peer.close());
  return peer;
}

async function helloReader(terminal: Terminal, readerId = 'R-1'): Promise<Peer> {
  const reader = await connect(terminal.readerUrl);
  reader.send({ v: 1, type: 'hello', readerId, vendor: 'test' });
  expect(await reader.next()).toEqual({ v: 1, type: 'hello.ack', terminalId: 'T-01' });
  return reader;
}

const AUTH_RESULT = { v: 1, type: 'auth.result', sessionId: 's1', method: 'pin', certificate: 'MIIBcert', challengeId: 'ch-1', signature: 'c2lnbmF0dXJl' };
const CONSENT = { diagnosis: true, pharmacy: true, checkup: false, operation: false };
const CONSENT_RESULT = { v: 1, type: 'consent.result', sessionId: 's1', checkId: 'chk-1', consent: CONSENT, bulk: false };

/** challenge → auth.result → verdict (accepted) → consent.result, as a reader does it. */
async function runCheck(reader: Peer): Promise<void> {
  reader.send({ v: 1, type: 'challenge.request', sessionId: 's1' });
  expect(await reader.next()).toEqual({ v: 1, type: 'challenge', sessionId: 's1', challengeId: 'ch-1', nonce: 'bm9uY2Utbm9uY2Utbm9uY2Utbm9uY2Utbm9uY2U=' });
  reader.send(AUTH_RESULT);
  expect(await reader.next()).toEqual({ v: 1, type: 'auth.verdict', sessionId: 's1', accepted: true, checkId: 'chk-1', certificateStatus: 'valid' });
  reader.send(CONSENT_RESULT);
}

// ---------------------------------------------------------------- tests

describe('terminal: full relay', () => {
  it('relays hello → challenge → auth → consent, hands the result to the reception and completes the session', async () => {
    const { central, terminal, traffic } = await rig();
    const reception = await connect(terminal.receptionUrl);
    reception.send({ v: 1, type: 'hello', receptionId: 'clinic' });
    const reader = await helloReader(terminal);

    await runCheck(reader);
    const push = await reception.next();
    expect(push).toEqual({
      v: 1,
      type: 'qualification.result',
      id: 'm1',
      fileName: 'OQSsiquc01res_face_131234567800000000000000000001_20250401093000.xml',
      message: QUALIFICATION_RESULT,
    });
    expect(push.fileName).toMatch(/^OQSsiquc01res_face_\d{10}[0-9a-f]{20}_\d{14}\.xml$/);
    expect(await reader.next()).toEqual({ v: 1, type: 'session.completed', sessionId: 's1', validity: '1' });

    expect(central.requests).toEqual([
      { path: '/v1/challenges', body: {} },
      {
        path: '/v1/card-checks',
        body: { medicalInstitutionCode: '1312345678', method: 'pin', certificate: 'MIIBcert', challengeId: 'ch-1', signature: 'c2lnbmF0dXJl' },
      },
      // 2025-04-01 is on or after 2025-02-01: the terminal asks for a previous individual choice.
      { path: '/v1/previous-consents', body: { medicalInstitutionCode: '1312345678', certificate: 'MIIBcert' } },
      { path: '/v1/card-checks/chk-1/qualification', body: { consent: CONSENT, consentMethod: 'individual' } },
    ]);

    expect(terminal.outboxSize()).toBe(1);
    reception.send({ v: 1, type: 'ack', id: 'm1' });
    await terminal.whenIdle(2000);
    expect(terminal.outboxSize()).toBe(0);

    // The traffic log saw all three channels, stamped with the virtual clock.
    expect(new Set(traffic.map((e) => `${e.channel}:${e.direction}`))).toEqual(
      new Set(['reader:in', 'reader:out', 'central:out', 'central:in', 'reception:in', 'reception:out']),
    );
    expect(traffic.every((e) => e.at === Date.parse('2025-04-01T00:30:00Z'))).toBe(true);
  });

  it('passes a face-auth attestation on to central', async () => {
    const { central, terminal } = await rig();
    const reader = await helloReader(terminal);
    const attestation = { readerId: 'R-1', signature: 'YXR0ZXN0', faceScore: 0.93 };
    reader.send({ v: 1, type: 'auth.result', sessionId: 's2', method: 'face', certificate: 'MIIBcert', challengeId: 'ch-9', attestation });
    expect(await reader.next()).toMatchObject({ type: 'auth.verdict', sessionId: 's2', accepted: true });
    expect(central.requests[0]).toEqual({
      path: '/v1/card-checks',
      body: { medicalInstitutionCode: '1312345678', method: 'face', certificate: 'MIIBcert', challengeId: 'ch-9', attestation },
    });
  });

  it('answers a reader that reconnected (same readerId) on its new connection', async () => {
    const { central, terminal } = await rig();
    let release: (a: Answer) => void = () => {};
    central.routes['/v1/card-checks'] = () => new Promise<Answer>((resolve) => (release = resolve));
    const first = await helloReader(terminal);
    first.send(AUTH_RESULT);
    await expect.poll(() => central.requests.length).toBe(1);
    await first.close();
    const second = await helloReader(terminal);
    release({ status: 200, json: ACCEPTED });
    expect(await second.next()).toMatchObject({ type: 'auth.verdict', sessionId: 's1', accepted: true, checkId: 'chk-1' });
  });
});

describe('terminal: refusals and outages', () => {
  it.each([
    ['certificate-expired', 'expired-beyond-grace', '006', '利用者証明用電子証明書の失効・有効期限切れ'],
    ['certificate-revoked', 'revoked', '006', '利用者証明用電子証明書の失効・有効期限切れ'],
    ['certificate-suspended', 'suspended', 'E-cert', '利用者証明用電子証明書の一時停止'],
    ['signature-invalid', 'valid', 'E-auth', '本人確認ができませんでした（署名を検証できません）'],
  ])('central refuses with %s (status %s) → verdict error %s', async (reason, status, errorCode, message) => {
    const { central, terminal } = await rig();
    central.routes['/v1/card-checks'] = () => ({
      status: 200,
      json: { accepted: false, certificateStatus: status, registered: true, rejection: { reason, message: `central says ${reason}` } },
    });
    const reception = await connect(terminal.receptionUrl);
    const reader = await helloReader(terminal);
    reader.send(AUTH_RESULT);
    expect(await reader.next()).toEqual({ v: 1, type: 'auth.verdict', sessionId: 's1', accepted: false, certificateStatus: status, errorCode, message });
    // A refusal is the reader's business; the reader itself sends a notice if the staff must know.
    await reception.silentFor(150);
  });

  it('central unreachable → E-comm for the challenge', async () => {
    const dead = await new FakeCentral().start();
    const deadUrl = dead.url;
    await dead.close();
    const { terminal } = await rig({ centralUrl: deadUrl });
    const reader = await helloReader(terminal);
    reader.send({ v: 1, type: 'challenge.request', sessionId: 's1' });
    expect(await reader.next()).toEqual({ v: 1, type: 'auth.verdict', sessionId: 's1', accepted: false, errorCode: 'E-comm', message: '通信エラー' });
    await terminal.whenIdle(1000);
  });

  it('central hangs → E-comm once centralTimeoutMs has passed, not before', async () => {
    const { central, terminal } = await rig({ centralTimeoutMs: 300 });
    central.routes['/v1/card-checks'] = () => 'hang';
    const reader = await helloReader(terminal);
    const sent = Date.now();
    reader.send(AUTH_RESULT);
    await expect.poll(() => central.requests.length).toBe(1);
    await expect(terminal.whenIdle(100)).rejects.toThrow(/POST \/v1\/card-checks for session s1 of reader R-1/);
    expect(await reader.next(2000)).toEqual({ v: 1, type: 'auth.verdict', sessionId: 's1', accepted: false, errorCode: 'E-comm', message: '通信エラー' });
    const waited = Date.now() - sent;
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(waited).toBeLessThan(1500);
  });

  it('central answers 500 → E-comm', async () => {
    const { central, terminal, traffic } = await rig();
    central.routes['/v1/card-checks'] = () => ({ status: 500, json: { error: { code: 'internal', message: 'database down' } } });
    const reader = await helloReader(terminal);
    reader.send(AUTH_RESULT);
    expect(await reader.next()).toEqual({ v: 1, type: 'auth.verdict', sessionId: 's1', accepted: false, errorCode: 'E-comm', message: '通信エラー' });
    expect(traffic).toContainEqual(
      expect.objectContaining({ channel: 'central', direction: 'in', message: { path: '/v1/card-checks', error: { kind: 'http-error', detail: 'POST /v1/card-checks: HTTP 500: internal: database down' } } }),
    );
  });

  it('central answers something that is not central-api.ts → E-comm', async () => {
    const { central, terminal } = await rig();
    central.routes['/v1/challenges'] = () => ({ status: 200, json: { challengeId: 'ch-1' } });
    const reader = await helloReader(terminal);
    reader.send({ v: 1, type: 'challenge.request', sessionId: 's1' });
    expect(await reader.next()).toMatchObject({ type: 'auth.verdict', accepted: false, errorCode: 'E-comm' });
  });

  it('qualification fails at central → E-comm to the reader, nothing to the reception', async () => {
    const { central, terminal } = await rig();
    central.routes['/v1/card-checks/chk-1/qualification'] = () => ({ status: 503, json: { error: { code: 'unavailable', message: 'maintenance' } } });
    const reception = await connect(terminal.receptionUrl);
    const reader = await helloReader(terminal);
    await runCheck(reader);
    expect(await reader.next()).toEqual({ v: 1, type: 'auth.verdict', sessionId: 's1', accepted: false, checkId: 'chk-1', errorCode: 'E-comm', message: '通信エラー' });
    await reception.silentFor(150);
    expect(terminal.outboxSize()).toBe(0);
  });
});

describe('terminal: reader notices', () => {
  it('forwards a notice to the reception with the reader id', async () => {
    const { terminal } = await rig();
    const reception = await connect(terminal.receptionUrl);
    const reader = await helloReader(terminal);
    reader.send({ v: 1, type: 'reader.notice', sessionId: 's1', code: 'pin-wrong', triesLeft: 2, message: '暗証番号が違います' });
    expect(await reception.next()).toEqual({ v: 1, type: 'reader.notice', id: 'm1', readerId: 'R-1', code: 'pin-wrong', triesLeft: 2, message: '暗証番号が違います' });
    reader.send({ v: 1, type: 'reader.notice', code: 'pin-locked', triesLeft: 0 });
    expect(await reception.next()).toEqual({ v: 1, type: 'reader.notice', id: 'm2', readerId: 'R-1', code: 'pin-locked', triesLeft: 0 });
  });

  it('forwards the maintenance refusal, which has no session (T45, D6)', async () => {
    const { terminal } = await rig();
    const reception = await connect(terminal.receptionUrl);
    const reader = await helloReader(terminal);
    reader.send({ v: 1, type: 'reader.notice', code: 'reader-maintenance', message: 'maintenance: update' });
    expect(await reception.next()).toEqual({ v: 1, type: 'reader.notice', id: 'm1', readerId: 'R-1', code: 'reader-maintenance', message: 'maintenance: update' });
  });
});

describe('terminal: reception outbox', () => {
  it('keeps pushes while no reception is connected, redelivers in order and is idle only after the last ack', async () => {
    const { terminal } = await rig();
    const reader = await helloReader(terminal);
    reader.send({ v: 1, type: 'reader.notice', sessionId: 's1', code: 'pin-wrong', triesLeft: 1 });
    await runCheck(reader);
    // The reader is not held up by the missing reception.
    expect(await reader.next()).toEqual({ v: 1, type: 'session.completed', sessionId: 's1', validity: '1' });
    reader.send({ v: 1, type: 'session.ended', sessionId: 's1', reason: 'card-removed' });
    expect(terminal.outboxSize()).toBe(2);
    await expect(terminal.whenIdle(100)).rejects.toThrow(
      'terminal T-01: still busy after 100 ms: 2 reception message(s) not acknowledged (m1 reader.notice, m2 qualification.result)',
    );

    const first = await connect(terminal.receptionUrl);
    expect(await first.next()).toMatchObject({ type: 'reader.notice', id: 'm1', code: 'pin-wrong' });
    expect(await first.next()).toMatchObject({ type: 'qualification.result', id: 'm2' });
    first.send({ v: 1, type: 'ack', id: 'm1' });
    await expect.poll(() => terminal.outboxSize()).toBe(1);
    await first.close(); // m2 never acked

    let idle = false;
    const whenIdle = terminal.whenIdle(3000).then(() => (idle = true));
    const second = await connect(terminal.receptionUrl);
    const again = await second.next();
    expect(again).toMatchObject({
      type: 'qualification.result',
      id: 'm2',
      fileName: 'OQSsiquc01res_face_131234567800000000000000000001_20250401093000.xml',
    });
    await second.silentFor(100); // m1 is not sent again
    expect(idle).toBe(false);
    second.send({ v: 1, type: 'ack', id: 'm2' });
    await whenIdle;
    expect(idle).toBe(true);
    expect(terminal.outboxSize()).toBe(0);
  });

  it('sends every push to every reception client; one ack settles it and the other ack is harmless', async () => {
    const { terminal } = await rig();
    const a = await connect(terminal.receptionUrl);
    const b = await connect(terminal.receptionUrl);
    const reader = await helloReader(terminal);
    reader.send({ v: 1, type: 'reader.notice', code: 'card-read-failed' });
    expect(await a.next()).toMatchObject({ id: 'm1', code: 'card-read-failed' });
    expect(await b.next()).toMatchObject({ id: 'm1', code: 'card-read-failed' });
    a.send({ v: 1, type: 'ack', id: 'm1' });
    await terminal.whenIdle(2000);
    b.send({ v: 1, type: 'ack', id: 'm1' });
    await b.silentFor(150);
  });

  it('answers an ack of an id it never sent with protocol.error and keeps the link', async () => {
    const { terminal } = await rig();
    const reception = await connect(terminal.receptionUrl);
    reception.send({ v: 1, type: 'ack', id: 'm99' });
    const error = await reception.next();
    expect(error).toMatchObject({ v: 1, type: 'protocol.error', code: 'unknown-id' });
    expect(error.message).toContain('m99');
    const reader = await helloReader(terminal);
    reader.send({ v: 1, type: 'reader.notice', code: 'face-failed' });
    expect(await reception.next()).toMatchObject({ type: 'reader.notice', id: 'm1', code: 'face-failed' });
  });
});

describe('terminal: malformed input', () => {
  it('answers malformed JSON and an unknown type on /reader with protocol.error and stays usable', async () => {
    const { terminal } = await rig();
    const reader = await connect(terminal.readerUrl);
    reader.ws.send('{"v":1,');
    const bad = await reader.next();
    expect(bad).toMatchObject({ v: 1, type: 'protocol.error', code: 'bad-json' });
    expect(bad.message).toMatch(/^\/reader: frame is not JSON/);

    reader.send({ v: 1, type: 'teleport', sessionId: 's1' });
    const unknown = await reader.next();
    expect(unknown).toMatchObject({ v: 1, type: 'protocol.error', code: 'bad-message' });
    expect(unknown.message).toMatch(/^\/reader: type: .*'hello' \| 'challenge\.request'/);

    reader.send({ v: 1, type: 'hello', vendor: 'test' });
    expect(await reader.next()).toMatchObject({ type: 'protocol.error', code: 'bad-message', message: expect.stringContaining('readerId') });

    reader.send({ v: 1, type: 'hello', readerId: 'R-1', vendor: 'test' });
    expect(await reader.next()).toEqual({ v: 1, type: 'hello.ack', terminalId: 'T-01' });
  });

  it('asks for hello before anything else', async () => {
    const { central, terminal } = await rig();
    const reader = await connect(terminal.readerUrl);
    reader.send({ v: 1, type: 'challenge.request', sessionId: 's1' });
    expect(await reader.next()).toMatchObject({ type: 'protocol.error', code: 'hello-required' });
    expect(central.requests).toEqual([]);
  });

  it('never answers a peer protocol.error (no error ping-pong)', async () => {
    const { terminal } = await rig();
    const reader = await helloReader(terminal);
    reader.send({ v: 1, type: 'protocol.error', code: 'bad-message', message: 'something' });
    await reader.silentFor(150);
    const reception = await connect(terminal.receptionUrl);
    reception.send({ v: 1, type: 'protocol.error', code: 'bad-message', message: 'something' });
    await reception.silentFor(150);
  });

  it('answers malformed frames on /reception with protocol.error and stays usable', async () => {
    const { terminal } = await rig();
    const reception = await connect(terminal.receptionUrl);
    reception.ws.send('not json');
    expect(await reception.next()).toMatchObject({ v: 1, type: 'protocol.error', code: 'bad-json' });
    reception.send({ v: 1, type: 'nack', id: 'm1' });
    expect(await reception.next()).toMatchObject({ v: 1, type: 'protocol.error', code: 'bad-message', message: expect.stringMatching(/^\/reception: type:/) });
    const reader = await helloReader(terminal);
    reader.send({ v: 1, type: 'reader.notice', code: 'pin-locked', triesLeft: 0 });
    expect(await reception.next()).toMatchObject({ type: 'reader.notice', id: 'm1' });
  });
});

describe('terminal: server', () => {
  it('refuses a WebSocket on an unknown path with 404', async () => {
    const { terminal } = await rig();
    const ws = new WebSocket(terminal.url.replace('http', 'ws') + '/elsewhere');
    const status = await new Promise<number | undefined>((resolve) => {
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode));
      ws.once('error', () => resolve(undefined));
      ws.once('open', () => resolve(101));
    });
    expect(status).toBe(404);
    ws.terminate();
  });

  it('listens on 127.0.0.1 with an ephemeral port and derives its URLs', async () => {
    const { terminal } = await rig();
    expect(terminal.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(terminal.readerUrl).toBe(`${terminal.url.replace('http', 'ws')}/reader`);
    expect(terminal.receptionUrl).toBe(`${terminal.url.replace('http', 'ws')}/reception`);
    const res = await fetch(terminal.url);
    expect(await res.json()).toEqual({ terminalId: 'T-01', readers: [], receptionClients: 0, outbox: 0, endpoints: ['/reader', '/reception', '/oqs', 'POST /oqs/<kind>'] });
  });

  it('refuses a medical institution code that is not 10 digits', async () => {
    await expect(startTerminal({ clock: new VirtualClock(0), centralUrl: 'http://127.0.0.1:1', medicalInstitutionCode: '12345' })).rejects.toThrow(
      /medicalInstitutionCode must be 10 digits/,
    );
  });

  it('closes its sockets and rejects a pending whenIdle on close', async () => {
    const { terminal } = await rig();
    const reader = await helloReader(terminal, 'R-9');
    reader.send({ v: 1, type: 'reader.notice', code: 'pin-wrong', triesLeft: 2 });
    await expect.poll(() => terminal.outboxSize()).toBe(1);
    const pending = terminal.whenIdle(5000).then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    const closedSocket = new Promise<void>((resolve) => reader.ws.once('close', () => resolve()));
    await terminal.close();
    expect(await pending).toBe('terminal T-01: closed while waiting for idle; pending: 1 reception message(s) not acknowledged (m1 reader.notice)');
    await closedSocket;
  });
});

describe('terminal: the shared folder (face/, req/, res/)', () => {
  async function folderRoot(): Promise<string> {
    const root = await mkdtemp(join(tmpdir(), 'myna-oqs-'));
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    return root;
  }

  it('writes every pushed qualification result to face/ under the name the JSON push carries, in CP932', async () => {
    const root = await folderRoot();
    const { terminal } = await rig({ folders: { root, encoding: 'cp932' } });
    const reception = await connect(terminal.receptionUrl);
    const reader = await helloReader(terminal);
    await runCheck(reader);
    const push = await reception.next();
    await reader.next();
    reception.send({ v: 1, type: 'ack', id: push.id });
    await terminal.whenIdle(2000);
    expect(await readdir(join(root, 'face'))).toEqual([push.fileName]);
    const bytes = await readFile(join(root, 'face', String(push.fileName)));
    expect(bytes.subarray(0, 58).toString('latin1')).toBe('<?xml version="1.0" encoding="Shift_JIS" standalone="no"?>');
    const decoded = decodeOqsXml(bytes);
    expect('message' in decoded && decoded.message.XmlMsg.MessageBody.ResultList!.ResultOfQualificationConfirmation[0]!.Name).toBe('山田\u3000花子');
    expect('message' in decoded && decoded.message.XmlMsg.MessageHeader.CharacterCodeIdentifier).toBe('1');
  });

  it('answers a req/ file through central in res/ with the same suffix, and removes the request', async () => {
    const root = await folderRoot();
    const { central, terminal } = await rig({ folders: { root } });
    const answer = {
      ...QUALIFICATION_RESULT,
      XmlMsg: { ...QUALIFICATION_RESULT.XmlMsg, MessageHeader: { ...QUALIFICATION_RESULT.XmlMsg.MessageHeader, ReferenceClassification: '2' } },
    };
    central.routes['/v1/qualification-checks'] = () => ({ status: 200, json: answer });
    const request: OqsQualificationRequest = {
      XmlMsg: {
        MessageHeader: { QualificationConfirmationDate: '20250401', MedicalInstitutionCode: CODE },
        MessageBody: {
          QualificationConfirmSearchInfo: {
            InsurerNumber: '06139999',
            InsuredIdentificationNumber: '1234',
            Birthdate: '19800115',
            LimitApplicationCertificateRelatedConsFlg: '1',
          },
        },
      },
    };
    await writeFile(join(root, 'req', 'OQSsiquc01req_202504010001.xml'), encodeOqsRequestXml(request, { encoding: 'cp932' }));
    await terminal.folders!.whenIdle(3000);
    expect(await readdir(join(root, 'req'))).toEqual(['error']);
    expect(await readdir(join(root, 'res'))).toEqual(['OQSsiquc01res_202504010001.xml']);
    expect(central.requests.at(-1)).toEqual({ path: '/v1/qualification-checks', body: request });
    const decoded = decodeOqsXml(await readFile(join(root, 'res', 'OQSsiquc01res_202504010001.xml')));
    expect('message' in decoded && decoded.message.XmlMsg.MessageHeader.ReferenceClassification).toBe('2');
  });
});

describe('terminal: registration on the reader (reader-flow N11, N12)', () => {
  it('passes registered=false in the verdict, registers with central, and asks for the qualification only after it', async () => {
    const { central, terminal } = await rig();
    let releaseRegistration = (): void => undefined;
    central.routes['/v1/card-checks'] = () => ({ status: 200, json: { ...ACCEPTED, registered: false } });
    central.routes['/v1/card-checks/chk-1/registration'] = () =>
      new Promise<Answer>((resolve) => {
        releaseRegistration = () => resolve({ status: 200, json: { registered: true } });
      });
    const reader = await helloReader(terminal);
    reader.send({ v: 1, type: 'challenge.request', sessionId: 's1' });
    await reader.next();
    reader.send(AUTH_RESULT);
    expect(await reader.next()).toEqual({ v: 1, type: 'auth.verdict', sessionId: 's1', accepted: true, checkId: 'chk-1', certificateStatus: 'valid', registered: false });
    reader.send({ v: 1, type: 'registration.request', sessionId: 's1', checkId: 'chk-1' });
    reader.send(CONSENT_RESULT);
    // Ping is the ordering barrier: both messages have been handled when pong arrives.
    reader.send({ v: 1, type: 'ping', id: 'p1' });
    expect(await reader.next()).toEqual({ v: 1, type: 'pong', id: 'p1' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(central.requests.map((r) => r.path)).toEqual(['/v1/challenges', '/v1/card-checks', '/v1/previous-consents', '/v1/card-checks/chk-1/registration']);
    releaseRegistration();
    expect(await reader.next()).toEqual({ v: 1, type: 'session.completed', sessionId: 's1', validity: '1' });
    expect(central.requests.map((r) => r.path)).toEqual([
      '/v1/challenges',
      '/v1/card-checks',
      '/v1/previous-consents',
      '/v1/card-checks/chk-1/registration',
      '/v1/card-checks/chk-1/qualification',
    ]);
  });

  it('a failed registration ends the session as E-comm when the consent arrives, without asking for the qualification', async () => {
    const { central, terminal } = await rig();
    central.routes['/v1/card-checks'] = () => ({ status: 200, json: { ...ACCEPTED, registered: false } });
    central.routes['/v1/card-checks/chk-1/registration'] = () => ({ status: 500, json: { error: { code: 'boom', message: 'store down' } } });
    const reader = await helloReader(terminal);
    reader.send({ v: 1, type: 'challenge.request', sessionId: 's1' });
    await reader.next();
    reader.send(AUTH_RESULT);
    await reader.next();
    reader.send({ v: 1, type: 'registration.request', sessionId: 's1', checkId: 'chk-1' });
    reader.send(CONSENT_RESULT);
    expect(await reader.next()).toMatchObject({ v: 1, type: 'auth.verdict', sessionId: 's1', accepted: false, errorCode: 'E-comm', checkId: 'chk-1' });
    await terminal.whenIdle(2000);
    expect(central.requests.map((r) => r.path)).not.toContain('/v1/card-checks/chk-1/qualification');
  });
});

// ---------------------------------------------------------------- carry-over, phones in grace, 資格確認限定型

const PREVIOUS = { diagnosis: false, pharmacy: true, checkup: true, operation: false };
const PREVIOUS_ANSWER = { previousConsent: { items: PREVIOUS, checkId: 'prior-1', consentTime: '20250303101500' } };

/** challenge → auth.result (as given) → the verdict. */
async function authenticate(reader: Peer, auth: Json = AUTH_RESULT): Promise<Json> {
  reader.send({ v: 1, type: 'challenge.request', sessionId: 's1' });
  await reader.next();
  reader.send(auth);
  return reader.next();
}

describe('terminal: consent carry-over (reader-flow K0/N15/N18, rules.md §2.3, since 2025-02)', () => {
  it('puts the previous individual choice into the accepted verdict and records exactly it on «引き継ぐ»', async () => {
    const { central, terminal } = await rig();
    central.routes['/v1/previous-consents'] = () => ({ status: 200, json: PREVIOUS_ANSWER });
    const reader = await helloReader(terminal);
    expect(await authenticate(reader)).toEqual({
      v: 1,
      type: 'auth.verdict',
      sessionId: 's1',
      accepted: true,
      checkId: 'chk-1',
      certificateStatus: 'valid',
      previousConsent: { diagnosis: false, pharmacy: true, checkup: true, operation: false },
    });
    // The reader's copy says something else: the terminal records what it offered.
    reader.send({ ...CONSENT_RESULT, consent: { diagnosis: true, pharmacy: true, checkup: true, operation: true }, carriedOver: true });
    expect(await reader.next()).toMatchObject({ type: 'session.completed', sessionId: 's1' });
    expect(central.requests.at(-1)).toEqual({
      path: '/v1/card-checks/chk-1/qualification',
      body: { consent: { diagnosis: false, pharmacy: true, checkup: true, operation: false }, consentMethod: 'carried-over' },
    });
  });

  it('does not ask before 2025-02-01 (JST) and asks from 2025-02-01 00:00 JST on', async () => {
    const before = await rig({ clock: new VirtualClock('2025-01-31T23:59:59+09:00') });
    before.central.routes['/v1/previous-consents'] = () => ({ status: 200, json: PREVIOUS_ANSWER });
    const r1 = await helloReader(before.terminal);
    expect(await authenticate(r1)).toEqual({ v: 1, type: 'auth.verdict', sessionId: 's1', accepted: true, checkId: 'chk-1', certificateStatus: 'valid' });
    expect(before.central.requests.map((r) => r.path)).toEqual(['/v1/challenges', '/v1/card-checks']);

    const from = await rig({ clock: new VirtualClock('2025-02-01T00:00:00+09:00') });
    from.central.routes['/v1/previous-consents'] = () => ({ status: 200, json: PREVIOUS_ANSWER });
    const r2 = await helloReader(from.terminal);
    expect(await authenticate(r2)).toMatchObject({ accepted: true, previousConsent: { diagnosis: false, pharmacy: true, checkup: true, operation: false } });
    expect(from.central.requests.map((r) => r.path)).toEqual(['/v1/challenges', '/v1/card-checks', '/v1/previous-consents']);
  });

  it('goes on with the usual screens when central has no history route or fails; a refused card is never looked up', async () => {
    const { central, terminal } = await rig();
    central.routes['/v1/previous-consents'] = () => ({ status: 500, json: { error: { code: 'boom', message: 'down' } } });
    const reader = await helloReader(terminal);
    expect(await authenticate(reader)).toEqual({ v: 1, type: 'auth.verdict', sessionId: 's1', accepted: true, checkId: 'chk-1', certificateStatus: 'valid' });
    reader.send({ ...CONSENT_RESULT, carriedOver: true });
    await reader.next();
    // A carry-over the terminal never offered is recorded as an individual choice of the items sent.
    expect(central.requests.at(-1)?.body).toEqual({ consent: CONSENT, consentMethod: 'individual' });

    const refused = await rig();
    refused.central.routes['/v1/card-checks'] = () => ({
      status: 200,
      json: { accepted: false, certificateStatus: 'revoked', registered: false, rejection: { reason: 'certificate-revoked', message: 'revoked' } },
    });
    const r2 = await helloReader(refused.terminal);
    expect(await authenticate(r2)).toMatchObject({ accepted: false, errorCode: '006' });
    expect(refused.central.requests.map((r) => r.path)).toEqual(['/v1/challenges', '/v1/card-checks']);
  });

  it('records a 包括同意 as bulk', async () => {
    const { central, terminal } = await rig();
    const reader = await helloReader(terminal);
    await authenticate(reader);
    reader.send({ ...CONSENT_RESULT, consent: { diagnosis: true, pharmacy: true, checkup: true, operation: true }, bulk: true });
    await reader.next();
    expect(central.requests.at(-1)?.body).toEqual({ consent: { diagnosis: true, pharmacy: true, checkup: true, operation: true }, consentMethod: 'bulk' });
  });
});

describe('terminal: a smartphone certificate in its grace period is refused (reader-flow F25, PORTAL-KB-SMAPHO)', () => {
  const IN_GRACE = { ...ACCEPTED, certificateStatus: 'expired-in-grace' };

  it.each(['android', 'iphone'])('%s in grace → E-phone, the patient is sent to the physical card', async (carrier) => {
    const { central, terminal } = await rig();
    central.routes['/v1/card-checks'] = () => ({ status: 200, json: IN_GRACE });
    const reader = await helloReader(terminal);
    expect(await authenticate(reader, { ...AUTH_RESULT, carrier })).toEqual({
      v: 1,
      type: 'auth.verdict',
      sessionId: 's1',
      accepted: false,
      errorCode: 'E-phone',
      message: 'スマートフォンの電子証明書は有効期限切れです。マイナンバーカードをご利用ください',
      certificateStatus: 'expired-in-grace',
    });
    expect(central.requests.map((r) => r.path)).toEqual(['/v1/challenges', '/v1/card-checks']);
  });

  it('passes E-phone on with the reader\'s certificate-rejected notice, so the staff ask for the card; a card refusal (006) carries no errorCode', async () => {
    const { central, terminal } = await rig();
    central.routes['/v1/card-checks'] = () => ({ status: 200, json: IN_GRACE });
    const reception = await connect(terminal.receptionUrl);
    const reader = await helloReader(terminal);
    await authenticate(reader, { ...AUTH_RESULT, carrier: 'android' });
    reader.send({ v: 1, type: 'reader.notice', sessionId: 's1', code: 'certificate-rejected' });
    expect(await reception.next()).toEqual({ v: 1, type: 'reader.notice', id: 'm1', readerId: 'R-1', code: 'certificate-rejected', errorCode: 'E-phone' });

    const refused = await rig();
    refused.central.routes['/v1/card-checks'] = () => ({
      status: 200,
      json: { accepted: false, certificateStatus: 'revoked', registered: false, rejection: { reason: 'certificate-revoked', message: 'revoked' } },
    });
    const r2reception = await connect(refused.terminal.receptionUrl);
    const r2 = await helloReader(refused.terminal);
    await authenticate(r2);
    r2.send({ v: 1, type: 'reader.notice', sessionId: 's1', code: 'certificate-rejected' });
    expect(await r2reception.next()).toEqual({ v: 1, type: 'reader.notice', id: 'm1', readerId: 'R-1', code: 'certificate-rejected' });
  });

  it('the physical card in grace is accepted (rules.md §2.2), and so is a phone with a valid certificate', async () => {
    const { central, terminal } = await rig();
    central.routes['/v1/card-checks'] = () => ({ status: 200, json: IN_GRACE });
    const reader = await helloReader(terminal);
    expect(await authenticate(reader, { ...AUTH_RESULT, carrier: 'card' })).toMatchObject({ accepted: true, certificateStatus: 'expired-in-grace' });

    const valid = await rig();
    const r2 = await helloReader(valid.terminal);
    expect(await authenticate(r2, { ...AUTH_RESULT, carrier: 'android' })).toMatchObject({ accepted: true, certificateStatus: 'valid' });
  });
});

describe('terminal: 資格確認限定型 (qualificationOnly)', () => {
  it('tells the reader to skip the consent screens, never looks up a carry-over and records no consent', async () => {
    const { central, terminal } = await rig({ qualificationOnly: true });
    central.routes['/v1/previous-consents'] = () => ({ status: 200, json: PREVIOUS_ANSWER });
    const reader = await helloReader(terminal);
    expect(await authenticate(reader)).toEqual({
      v: 1,
      type: 'auth.verdict',
      sessionId: 's1',
      accepted: true,
      checkId: 'chk-1',
      certificateStatus: 'valid',
      consentNotAsked: true,
    });
    // Even a reader that asked anyway gets nothing recorded.
    reader.send({ ...CONSENT_RESULT, consent: { diagnosis: true, pharmacy: true, checkup: true, operation: true } });
    expect(await reader.next()).toMatchObject({ type: 'session.completed' });
    expect(central.requests.map((r) => r.path)).toEqual(['/v1/challenges', '/v1/card-checks', '/v1/card-checks/chk-1/qualification']);
    expect(central.requests.at(-1)?.body).toEqual({ consent: { diagnosis: false, pharmacy: false, checkup: false, operation: false }, consentMethod: 'not-asked' });
  });

  it('refuses a carryoverFrom that is not a date', async () => {
    await expect(rig({ carryoverFrom: '2025-02' })).rejects.toThrow(/carryoverFrom must be a date yyyy-MM-dd, received "2025-02"/);
  });
});
