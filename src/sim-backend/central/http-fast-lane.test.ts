import http from 'node:http';
import net from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFastLane, type FastLane } from './http-fast-lane.js';
import type { HotRoute } from './lean-routes.js';

/** What the lane's echo handler and the fallback server answer, so a test sees which one answered. */
interface Echo {
  via: 'lane' | 'fallback';
  path?: string;
  url?: string;
  params?: Record<string, string>;
  body?: unknown;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  /** Absent when the answer has no body (node:http's own 400). */
  json: Echo | undefined;
}

let lane: FastLane;
let port: number;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function startLane(keepAliveTimeoutMs?: number, requestTimeoutMs?: number, fallbackOptions: http.ServerOptions = {}): FastLane {
  const fallback = http.createServer(fallbackOptions, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = JSON.stringify({ via: 'fallback', url: req.url, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
      res.end(answer);
    });
  });
  const echo: HotRoute['handler'] = async (req, res) => {
    const body = req.body as { delayMs?: number; fail?: boolean; big?: number };
    if (body.delayMs !== undefined) await sleep(body.delayMs);
    if (body.fail) throw new Error('handler failed');
    if (body.big !== undefined) return void res.status(200).json({ via: 'lane', path: req.path, body: `架空${'x'.repeat(body.big)}花子` });
    res.status(200).json({ via: 'lane', path: req.path, params: req.params, body: req.body });
  };
  return startFastLane({
    route: (path): HotRoute | undefined => {
      if (path === '/hot') return { handler: echo, params: {} };
      return path.startsWith('/hot/') ? { handler: echo, params: { id: path.slice(5) } } : undefined;
    },
    onError: (err, _req, res) => void res.status(500).json({ error: (err as Error).message }),
    bodyLimit: 1024,
    fallback,
    ...(keepAliveTimeoutMs !== undefined ? { keepAliveTimeoutMs } : {}),
    ...(requestTimeoutMs !== undefined ? { requestTimeoutMs } : {}),
  });
}

async function listen(l: FastLane): Promise<number> {
  await new Promise<void>((resolve) => l.server.listen(0, '127.0.0.1', resolve));
  return (l.server.address() as net.AddressInfo).port;
}

beforeAll(async () => {
  lane = startLane();
  port = await listen(lane);
});
afterAll(async () => {
  await lane.close();
});

const post = (path: string, body: string, extra = ''): string =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

/** A raw connection that collects whole HTTP/1.1 answers (Content-Length bodies only). */
class Client {
  readonly socket: net.Socket;
  #buffer = Buffer.alloc(0);
  #answers: Answer[] = [];
  #waiters: Array<() => void> = [];
  closed = false;

  constructor(p = port) {
    this.socket = net.connect(p, '127.0.0.1');
    this.socket.on('data', (c: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, c]);
      this.#parse();
    });
    this.socket.on('close', () => {
      this.closed = true;
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  send(text: string | Buffer): void {
    this.socket.write(text);
  }

  async answers(n: number, timeoutMs = 3000): Promise<Answer[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.#answers.length < n && !this.closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 20);
      });
    }
    return this.#answers.splice(0, n);
  }

  end(): void {
    this.socket.destroy();
  }

  #parse(): void {
    for (;;) {
      const end = this.#buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [statusLine, ...lines] = this.#buffer.toString('latin1', 0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
      const status = Number(statusLine!.split(' ')[1]);
      const length = Number(headers['content-length'] ?? 0);
      if (this.#buffer.length < end + 4 + length) return;
      const json = length > 0 ? (JSON.parse(this.#buffer.toString('utf8', end + 4, end + 4 + length)) as Echo) : undefined;
      // An interim answer (100 Continue) is not the answer.
      if (status >= 200) this.#answers.push({ status, headers, json });
      this.#buffer = this.#buffer.subarray(end + 4 + length);
      for (const w of this.#waiters.splice(0)) w();
    }
  }
}

describe('the fast lane serves plain hot requests off the socket', () => {
  it('answers with status, JSON type, length, Date and keep-alive, and keeps the connection for the next request', async () => {
    const c = new Client();
    c.send(post('/hot', '{"n":1}'));
    const [first] = await c.answers(1);
    expect(first).toMatchObject({ status: 200, json: { via: 'lane', path: '/hot', body: { n: 1 } } });
    expect(first!.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', connection: 'keep-alive', 'keep-alive': 'timeout=5' });
    expect(first!.headers.date).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    c.send(post('/hot/abc', '{"n":2}'));
    const [second] = await c.answers(1);
    expect(second!.json).toEqual({ via: 'lane', path: '/hot/abc', params: { id: 'abc' }, body: { n: 2 } });
    c.end();
  });

  it('reads header names in any case, blanks around values and headers it does not know, as node:http does', async () => {
    const c = new Client();
    const body = '{"n":3}';
    c.send(`POST /hot HTTP/1.1\r\nhost:127.0.0.1\r\nCONTENT-TYPE: \tapplication/json; charset=utf-8 \r\nX-Trace: a b\tc\r\nconnection: Keep-Alive\r\ncontent-length:   ${body.length}\t\r\n\r\n${body}`);
    expect((await c.answers(1))[0]!.json).toMatchObject({ via: 'lane', body: { n: 3 } });
    c.end();
  });

  it('counts Content-Length in bytes: a body with Japanese text arrives whole', async () => {
    const c = new Client();
    c.send(post('/hot', '{"name":"架空　花子"}'));
    expect((await c.answers(1))[0]!.json!.body).toEqual({ name: '架空　花子' });
    c.end();
  });

  it('encodes answers of every size whole: Content-Length in bytes, kanji intact (small and over 21,000 characters)', async () => {
    const c = new Client();
    c.send(post('/hot', '{"big":10}') + post('/hot', '{"big":30000}'));
    const [small, large] = await c.answers(2);
    expect(small!.json!.body).toBe(`架空${'x'.repeat(10)}花子`);
    expect(large!.json!.body).toBe(`架空${'x'.repeat(30000)}花子`);
    // {"via":"lane","path":"/hot","body":" is 36 bytes, 架空 and 花子 6 each, the x's 30,000, "} 2.
    expect(large!.headers['content-length']).toBe('30050');
    expect(small!.headers['content-length']).toBe('60');
    c.end();
  });

  it('reads a request that arrives one byte at a time', async () => {
    const c = new Client();
    for (const byte of Buffer.from(post('/hot', '{"slow":true}'))) {
      c.send(Buffer.from([byte]));
      await new Promise((r) => setImmediate(r));
    }
    expect((await c.answers(1))[0]!.json).toMatchObject({ via: 'lane', body: { slow: true } });
    c.end();
  });

  it('answers pipelined requests in order, one at a time, even when the first takes longer', async () => {
    const c = new Client();
    c.send(post('/hot', '{"i":1,"delayMs":30}') + post('/hot', '{"i":2}') + post('/hot', '{"i":3,"delayMs":5}'));
    const answers = await c.answers(3);
    expect(answers.map((a) => (a.json!.body as { i: number }).i)).toEqual([1, 2, 3]);
    expect(answers.every((a) => a.json?.via === 'lane')).toBe(true);
    c.end();
  });

  it('answers a handler that throws with onError (500), and goes on serving', async () => {
    const c = new Client();
    c.send(post('/hot', '{"fail":true}') + post('/hot', '{"after":1}'));
    const [failed, next] = await c.answers(2);
    expect(failed).toMatchObject({ status: 500, json: { error: 'handler failed' } });
    expect(next!.json).toMatchObject({ via: 'lane', body: { after: 1 } });
    c.end();
  });
});

describe('anything unusual goes to node:http, with every byte not yet answered, for good', () => {
  // 'refused': node:http itself answers 400 before any handler (its own rules, kept by handing off).
  const FOREIGN: Array<[string, string, 'fallback' | 'refused']> = [
    ['another path', post('/cold', '{}'), 'fallback'],
    ['a query string', post('/hot?x=1', '{}'), 'fallback'],
    ['GET', 'GET /hot HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 'fallback'],
    ['HTTP/1.0', post('/hot', '{}').replace('HTTP/1.1', 'HTTP/1.0'), 'fallback'],
    ['no Host', post('/hot', '{}').replace('Host: 127.0.0.1\r\n', ''), 'refused'],
    ['Connection: close', post('/hot', '{}', 'Connection: close\r\n'), 'fallback'],
    ['Expect: 100-continue', post('/hot', '{}', 'Expect: 100-continue\r\n'), 'fallback'],
    ['Content-Encoding', post('/hot', '{}', 'Content-Encoding: identity\r\n'), 'fallback'],
    ['text/plain', post('/hot', '{}').replace('application/json', 'text/plain'), 'fallback'],
    ['two Content-Length headers', post('/hot', '{}', 'Content-Length: 2\r\n'), 'refused'],
    ['a header value with a byte over 0x7f', post('/hot', '{}', 'X-Name: caf\u00e9\r\n'), 'fallback'],
    ['a folded header line', post('/hot', '{}', 'X-A: 1\r\n  folded\r\n'), 'refused'],
    ['a body that is not strict JSON', post('/hot', '"just a string"'), 'fallback'],
    ['a body over the limit', post('/hot', `{"pad":"${'x'.repeat(2000)}"}`), 'fallback'],
    ['Proxy-Connection: close (llhttp reads it as Connection)', post('/hot', '{}', 'Proxy-Connection: close\r\n'), 'fallback'],
    ['a bare LF ending the last header line (no blank CRLF line ever comes)', post('/hot', '{}').replace('Content-Length: 2\r\n', 'Content-Length: 2\n'), 'refused'],
    ['a bare CR inside the head', post('/hot', '{}').replace('Host: 127.0.0.1\r\n', 'Host: 127.0.0.1\r'), 'refused'],
    ['more header lines than node:http keeps (Content-Type after 1,000 others: express would not see it)', post('/hot', '{}').replace('Content-Type', `${'a:b\r\n'.repeat(1000)}Content-Type`), 'fallback'],
    ['chunked', 'POST /hot HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n', 'fallback'],
  ];
  for (const [name, request, expected] of FOREIGN) {
    it(`${name}: node:http takes it (${expected === 'fallback' ? 'its handler answers' : 'it refuses it: 400'})`, async () => {
      const c = new Client();
      c.send(Buffer.from(request, 'latin1'));
      const [answer] = await c.answers(1);
      if (expected === 'fallback') expect(answer).toMatchObject({ status: 200, json: { via: 'fallback' } });
      else expect(answer).toMatchObject({ status: 400, json: undefined });
      c.end();
    });
  }

  it('a hot request after an unusual one on the same connection stays with node:http', async () => {
    const c = new Client();
    c.send(post('/cold', '{"a":1}'));
    expect((await c.answers(1))[0]!.json).toMatchObject({ via: 'fallback', url: '/cold' });
    c.send(post('/hot', '{"b":2}'));
    expect((await c.answers(1))[0]!.json).toMatchObject({ via: 'fallback', url: '/hot', body: '{"b":2}' });
    c.end();
  });

  it('hands over the unanswered bytes: a hot request, then a cold one, then a hot one, all in one write', async () => {
    const c = new Client();
    c.send(post('/hot', '{"i":1}') + post('/cold', '{"i":2}') + post('/hot', '{"i":3}'));
    const answers = await c.answers(3);
    expect(answers.map((a) => [a.json?.via, a.json?.path ?? a.json?.url])).toEqual([
      ['lane', '/hot'],
      ['fallback', '/cold'],
      ['fallback', '/hot'],
    ]);
    c.end();
  });
});

describe('connections end as node:http would end them', () => {
  it('closes a connection idle for the keep-alive timeout', async () => {
    const short = startLane(100);
    const c = new Client(await listen(short));
    c.send(post('/hot', '{}'));
    expect(await c.answers(1)).toHaveLength(1);
    await sleep(400);
    expect(c.closed).toBe(true);
    await short.close();
  });

  it('does not cut short a request still being answered when the timeout passes', async () => {
    const short = startLane(50);
    const c = new Client(await listen(short));
    c.send(post('/hot', '{"delayMs":200}'));
    const [answer] = await c.answers(1);
    expect(answer).toMatchObject({ status: 200, json: { via: 'lane' } });
    await short.close();
  });

  it('answers 408 and closes when a request trickles in for longer than the request timeout', async () => {
    const slow = startLane(10_000, 100);
    const c = new Client(await listen(slow));
    const request = post('/hot', '{}');
    c.send(request.slice(0, 10));
    await sleep(60);
    c.send(request.slice(10, 20));
    await sleep(80);
    c.send(request.slice(20));
    const [answer] = await c.answers(1);
    expect(answer).toMatchObject({ status: 408, json: undefined });
    await sleep(30);
    expect(c.closed).toBe(true);
    await slow.close();
  });

  it('a request cut short by the client\'s FIN gets node:http\'s 400, as on a plain node:http server', async () => {
    const c = new Client();
    c.send(post('/hot', '{"n":1}').slice(0, -3));
    c.socket.end();
    const [answer] = await c.answers(1);
    expect(answer).toMatchObject({ status: 400, json: undefined });
    await sleep(30);
    expect(c.closed).toBe(true);
  });

  it('a connection handed to node:http keeps node:http\'s request timeout: a body that never comes is answered 408', async () => {
    const l = startLane(10_000, 10_000, { headersTimeout: 150, requestTimeout: 150, connectionsCheckingInterval: 30 });
    const c = new Client(await listen(l));
    c.send(post('/cold', '{"n":1}').replace('Content-Length: 7', 'Content-Length: 70'));
    const [answer] = await c.answers(1, 2000);
    expect(answer).toMatchObject({ status: 408, json: undefined });
    await sleep(30);
    expect(c.closed).toBe(true);
    await l.close();
  });

  it('a connection the client resets while a request is answered is not handed to node:http afterwards', async () => {
    const fallback = http.createServer((_req, res) => void res.end());
    const received: boolean[] = [];
    fallback.on('connection', (s: net.Socket) => received.push(s.destroyed));
    const slow: HotRoute = { handler: async (_req, res) => void (await sleep(50), res.status(200).json({})), params: {} };
    const l = startFastLane({ route: (path) => (path === '/hot' ? slow : undefined), onError: () => {}, bodyLimit: 1024, fallback });
    const c = new Client(await listen(l));
    c.send(post('/hot', '{}') + post('/cold', '{}'));
    await sleep(10);
    c.socket.resetAndDestroy();
    await sleep(120);
    expect(received).toEqual([]);
    await l.close();
  });

  it('close() ends the lane\'s connections and those handed to node:http', async () => {
    const other = startLane();
    const p = await listen(other);
    const onLane = new Client(p);
    const handedOff = new Client(p);
    onLane.send(post('/hot', '{}'));
    handedOff.send(post('/cold', '{}'));
    await onLane.answers(1);
    await handedOff.answers(1);
    await other.close();
    await sleep(50);
    expect([onLane.closed, handedOff.closed]).toEqual([true, true]);
  });
});

describe('a pipelining client that does not read its answers', () => {
  it('is not read further while its answers wait to be sent (bounded memory), and then gets every answer', async () => {
    const l = startLane();
    let onServer: net.Socket | undefined;
    l.server.on('connection', (s: net.Socket) => (onServer = s));
    const c = new Client(await listen(l));
    c.socket.pause();
    // 300 answers of ~50 KB: 15 MB, far more than the kernel's socket buffers take.
    let requests = '';
    for (let i = 0; i < 300; i++) requests += post('/hot', `{"big":50000,"i":${i}}`);
    c.send(requests);
    await sleep(400);
    expect(onServer!.writableLength).toBeLessThan(1024 * 1024);
    c.socket.resume();
    const answers = await c.answers(300, 10_000);
    expect(answers).toHaveLength(300);
    expect(answers.every((a) => a.status === 200 && a.json?.via === 'lane' && (a.json.body as string).length === 50004)).toBe(true);
    c.end();
    await l.close();
  });
});

describe('property: however the bytes are split, every request is answered once, in order', () => {
  it('holds for random splits of pipelined hot and cold requests', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 8 }),
        async (hotness, cuts) => {
          const bytes = Buffer.from(hotness.map((hot, i) => post(hot ? '/hot' : '/cold', `{"i":${i}}`)).join(''));
          const c = new Client();
          let at = 0;
          for (const cut of cuts) {
            if (at >= bytes.length) break;
            c.send(bytes.subarray(at, Math.min(bytes.length, at + cut)));
            at += cut;
            await new Promise((r) => setImmediate(r));
          }
          if (at < bytes.length) c.send(bytes.subarray(at));
          const answers = await c.answers(hotness.length);
          c.end();
          const order = answers.map((a) => (a.json?.via === 'lane' ? (a.json!.body as { i: number }).i : (JSON.parse(a.json!.body as string) as { i: number }).i));
          expect(order).toEqual(hotness.map((_, i) => i));
          // Once a cold request came, everything after it went to node:http.
          const firstCold = hotness.indexOf(false);
          const expectedVia = hotness.map((_, i) => (firstCold >= 0 && i >= firstCold ? 'fallback' : 'lane'));
          expect(answers.map((a) => a.json?.via)).toEqual(expectedVia);
        },
      ),
      { numRuns: 60 },
    );
  });
});
