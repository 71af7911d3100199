import http from 'node:http';
import net from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFastLane, type FastLane } from './http-fast-lane.js';
import { strictJson, type HotRoute } from './lean-routes.js';

/**
 * Differential fuzzing: the same bytes go to (a) the fast lane, whose fallback is a node:http
 * server, and (b) a plain node:http server with the same echo behind it. Whatever the lane takes
 * must be what node:http would take, with the same boundaries and meaning; everything else it hands
 * off. So the answers (status and JSON body) and whether the connection ended must agree.
 */

const HOT_ID = /^\/hot\/([A-Za-z0-9_-]+)$/;

/** body-parser's reading of Content-Type: application/json, any charset param starting utf-. */
function isJsonType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const [type, ...params] = value.split(';');
  if (type!.trim().toLowerCase() !== 'application/json') return false;
  const charset = params.map((p) => /^\s*charset\s*=\s*"?([^"]*)"?\s*$/i.exec(p)?.[1]).find((c) => c !== undefined);
  return charset === undefined || charset.toLowerCase().startsWith('utf-');
}

/** What express would route to a hot handler: the answer the lane's handler gives too. */
function nodeEcho(req: http.IncomingMessage, res: http.ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    const path = (req.url ?? '').split('?')[0]!;
    const hot = req.method === 'POST' && (path === '/hot' || HOT_ID.test(path));
    const body = hot && isJsonType(req.headers['content-type']) ? strictJson(raw) : undefined;
    const answer =
      body !== undefined
        ? { path, params: path === '/hot' ? {} : { id: HOT_ID.exec(path)![1]! }, body }
        : { cold: true, method: req.method, url: req.url, raw: raw.toString('base64') };
    const text = JSON.stringify(answer);
    res.writeHead(hot ? 200 : 202, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
}

const laneEcho: HotRoute['handler'] = async (req, res) => {
  await Promise.resolve();
  res.status(200).json({ path: req.path, params: req.params, body: req.body });
};

let lane: FastLane;
let plain: http.Server;
let lanePort: number;
let plainPort: number;

beforeAll(async () => {
  lane = startFastLane({
    route: (path): HotRoute | undefined => {
      if (path === '/hot') return { handler: laneEcho, params: {} };
      const m = HOT_ID.exec(path);
      return m ? { handler: laneEcho, params: { id: m[1]! } } : undefined;
    },
    onError: (err, _req, res) => void res.status(500).json({ error: (err as Error).message }),
    bodyLimit: 1024,
    fallback: http.createServer(nodeEcho),
  });
  plain = http.createServer(nodeEcho);
  await new Promise<void>((r) => lane.server.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
  lanePort = (lane.server.address() as net.AddressInfo).port;
  plainPort = (plain.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await lane.close();
  plain.closeAllConnections();
  await new Promise<void>((r) => plain.close(() => r()));
});

/** A request as editable parts; strings are bytes (latin1). */
interface Parts {
  prefix: string;
  line: string;
  headers: string[];
  /** The line ending after the request line and after each header. */
  eols: string[];
  body: string;
}

const utf8 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

function plainRequest(path: string, body: string): Parts {
  const bytes = utf8(body);
  return {
    prefix: '',
    line: `POST ${path} HTTP/1.1`,
    headers: ['Host: 127.0.0.1', 'Content-Type: application/json', `Content-Length: ${bytes.length}`],
    eols: ['\r\n', '\r\n', '\r\n', '\r\n'],
    body: bytes,
  };
}

const serialize = (p: Parts): string => `${p.prefix}${[p.line, ...p.headers].map((l, i) => l + (p.eols[i] ?? '\r\n')).join('')}\r\n${p.body}`;

const pick = <T>(list: readonly T[], n: number): T => list[n % list.length]!;
const addHeader = (p: Parts, header: string): void => {
  p.headers.push(header);
  p.eols.push('\r\n');
};
const setHeader = (p: Parts, name: string, value: string): void => {
  const i = p.headers.findIndex((h) => h.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  if (i >= 0) p.headers[i] = `${name}: ${value}`;
};
const dropHeader = (p: Parts, name: string): void => {
  const i = p.headers.findIndex((h) => h.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  if (i >= 0) {
    p.headers.splice(i, 1);
    p.eols.splice(i + 1, 1);
  }
};
const insertAt = (s: string, at: number, what: string): string => s.slice(0, at) + what + s.slice(at);

const TARGETS = ['http://127.0.0.1/hot', '*', '/hot?x=1', '/hot#f', '//hot', '/HOT', '/hot/ab_c-9', '/hot/a%20b', '/hot/', '/hot/a/b', '/hot/a.b', '/ho t'];
const METHODS = ['post', 'PUT', 'GET', 'POST ', ' POST', 'PATCH'];
const VERSIONS = ['HTTP/1.0', 'HTTP/1.2', 'http/1.1', 'HTTP/2.0', 'HTTP/1.1 ', 'HTTP/11'];
const CONTROLS = ['\x00', '\x01', '\x0b', '\x0c', '\x7f', '\x1b', '\r', '\n', '\t', '\xe9'];
const TE = ['chunked', 'Chunked', ' chunked', 'gzip, chunked', 'identity', 'chunked, identity', ''];
const TE_NAMES = ['Transfer-Encoding', 'transfer-encoding', 'TRANSFER-ENCODING', 'Transfer-Encoding ', 'Transfer_Encoding', 'Transfer-Encodings'];
const CONNECTIONS = ['close', 'keep-alive', 'Keep-Alive', 'keep-alive, close', 'upgrade', '', 'keep-alive ,', 'Close'];
const TYPES = ['text/plain', 'application/json; charset=latin1', 'application/json;charset=UTF-8', 'application/json; charset="utf-8"', 'application/json;', 'application/jsonx', 'Application/JSON', 'application/json; charset=utf-16', 'application/json; x=y', ''];
const BODIES = ['x', '"s"', '[1]', ' {"a":1}', '\ufeff{}', '{"a":', '', '{"name":"架空　花子"}', '{"a":1}   ', 'null', '{"__proto__":{"x":1}}'];
const LENGTHS = (n: number): string[] => [`0${n}`, `00${n}`, `+${n}`, `-${n}`, `${n} `, ` ${n}`, `${n},${n}`, `${n}.0`, '', `${n + 1}`, `${Math.max(0, n - 1)}`, '99999999999999999999', `0x${n.toString(16)}`, `${n}${'0'.repeat(15)}`];

/** Each mutation edits the parts; n picks a position or a variant. */
const MUTATIONS: Record<string, (p: Parts, n: number) => void> = {
  contentLength: (p, n) => setHeader(p, 'Content-Length', pick(LENGTHS(p.body.length), n)),
  spaceBeforeColon: (p, n) => {
    const i = n % p.headers.length;
    p.headers[i] = p.headers[i]!.replace(':', pick([' :', '\t:', '  :'], n >> 3));
  },
  lineEnding: (p, n) => {
    p.eols[n % p.eols.length] = pick(['\n', '\r', '\r\r\n', '\n\r'], n >> 3);
  },
  control: (p, n) => {
    const c = pick(CONTROLS, n);
    const i = (n >> 4) % (p.headers.length + 1);
    if (i === 0) p.line = insertAt(p.line, (n >> 8) % (p.line.length + 1), c);
    else p.headers[i - 1] = insertAt(p.headers[i - 1]!, (n >> 8) % (p.headers[i - 1]!.length + 1), c);
  },
  duplicateHost: (p, n) => addHeader(p, pick(['host: 127.0.0.1', 'HOST: other', 'Host: 127.0.0.1'], n)),
  hostValue: (p, n) => setHeader(p, 'Host', pick(['', ' ', 'a b', 'x\ty', '[::1]:80', 'a@b'], n)),
  noHost: (p) => dropHeader(p, 'Host'),
  duplicateLength: (p, n) => addHeader(p, `${pick(['Content-Length', 'content-length', 'CONTENT-LENGTH'], n)}: ${pick([String(p.body.length), String(p.body.length + 1), '0'], n >> 2)}`),
  transferEncoding: (p, n) => {
    addHeader(p, `${pick(TE_NAMES, n)}: ${pick(TE, n >> 3)}`);
    if ((n >> 6) % 2 === 0) dropHeader(p, 'Content-Length');
  },
  emptyName: (p, n) => addHeader(p, pick([': x', ':', ' : x', 'X a: 1', 'X(a): 1', 'X\xe9: 1'], n)),
  target: (p, n) => {
    p.line = `POST ${pick(TARGETS, n)} HTTP/1.1`;
  },
  method: (p, n) => {
    p.line = p.line.replace('POST', pick(METHODS, n));
  },
  version: (p, n) => {
    p.line = p.line.replace('HTTP/1.1', pick(VERSIONS, n));
  },
  doubleSpace: (p, n) => {
    p.line = n % 2 === 0 ? p.line.replace(' ', '  ') : p.line.replace(' HTTP', '\tHTTP');
  },
  longHeader: (p, n) => addHeader(p, `X-Long: ${'a'.repeat(pick([8_000, 16_300, 16_400, 17_000, 40_000], n))}`),
  manyHeaders: (p, n) => {
    for (let i = 0; i < pick([50, 120, 2100], n); i++) addHeader(p, `X-${i}: ${i}`);
  },
  manyHeadersFirst: (p, n) => {
    const count = pick([99, 100, 101, 999, 1000, 1001], n);
    p.headers.unshift(...Array.from({ length: count }, (_, i) => `X-${i}: ${i}`));
    p.eols.splice(1, 0, ...Array.from({ length: count }, () => '\r\n'));
  },
  obsFold: (p, n) => {
    addHeader(p, 'X-A: 1');
    addHeader(p, pick([' folded', '\tfolded'], n));
  },
  connection: (p, n) => addHeader(p, `${pick(['Connection', 'connection'], n >> 4)}: ${pick(CONNECTIONS, n)}`),
  otherFraming: (p, n) => addHeader(p, pick(['Upgrade: websocket', 'Expect: 100-continue', 'Expect: x', 'Content-Encoding: gzip', 'Content-Encoding: identity', 'Trailer: x', 'Proxy-Connection: close', 'Keep-Alive: timeout=1'], n)),
  contentType: (p, n) => {
    if (n % 11 === 0) dropHeader(p, 'Content-Type');
    else setHeader(p, 'Content-Type', pick(TYPES, n));
  },
  duplicateType: (p) => addHeader(p, 'content-type: application/json'),
  body: (p, n) => {
    p.body = utf8(pick(BODIES, n));
    setHeader(p, 'Content-Length', String(p.body.length));
  },
  invalidUtf8: (p) => {
    p.body = '{"a":"\xff"}';
    setHeader(p, 'Content-Length', String(p.body.length));
  },
  bigBody: (p, n) => {
    p.body = `{"pad":"${'x'.repeat(pick([1000, 1014, 1015, 1016, 2000], n))}"}`;
    setHeader(p, 'Content-Length', String(p.body.length));
  },
  leadingBlankLine: (p, n) => {
    p.prefix = pick(['\r\n', '\n', '\r\n\r\n', ' '], n);
  },
  headerValueBlanks: (p, n) => addHeader(p, pick(['X-B:', 'X-B: \t', 'X-B:\ta\t', 'X-B: a  b'], n)),
};
const MUTATION_NAMES = Object.keys(MUTATIONS);

const requestArb = fc.record({
  path: fc.constantFrom('/hot', '/hot/abc', '/cold'),
  body: fc.constantFrom('{"n":1}', '{"name":"架空　花子"}', '[true]'),
  mutations: fc.array(fc.tuple(fc.constantFrom(...MUTATION_NAMES), fc.nat()), { maxLength: 2 }),
});

function build(r: { path: string; body: string; mutations: Array<[string, number]> }): string {
  const parts = plainRequest(r.path, r.body);
  for (const [name, n] of r.mutations) MUTATIONS[name]!(parts, n);
  return serialize(parts);
}

interface Transcript {
  answers: Array<{ status: number; body: unknown }>;
  closed: boolean;
  /** Bytes after the last whole answer (a torn one). */
  rest: string;
}

/** Parses answers framed by Content-Length (or none): status and JSON body, headers ignored. */
function parseAnswers(bytes: Buffer): Transcript {
  const answers: Transcript['answers'] = [];
  let at = 0;
  for (;;) {
    const end = bytes.indexOf('\r\n\r\n', at);
    if (end < 0) break;
    const [statusLine, ...lines] = bytes.toString('latin1', at, end).split('\r\n');
    // node:http's bodyless answers (417, say) come chunked: just the last chunk.
    const chunked = lines.some((l) => /^transfer-encoding: chunked$/i.test(l));
    if (chunked && bytes.toString('latin1', end + 4, end + 9) === '0\r\n\r\n') {
      answers.push({ status: Number(statusLine!.split(' ')[1]), body: undefined });
      at = end + 9;
      continue;
    }
    const length = Number(lines.find((l) => /^content-length:/i.test(l))?.split(':')[1] ?? 0);
    if (bytes.length < end + 4 + length) break;
    const text = bytes.toString('utf8', end + 4, end + 4 + length);
    answers.push({ status: Number(statusLine!.split(' ')[1]), body: length > 0 ? (JSON.parse(text) as unknown) : undefined });
    at = end + 4 + length;
  }
  return { answers, closed: false, rest: bytes.toString('latin1', at) };
}

/** Sends the chunks (a turn of the event loop apart) and reads until the connection closes or goes quiet. */
async function exchange(port: number, chunks: Buffer[], finish: boolean, quietMs: number): Promise<Transcript> {
  const socket = net.connect(port, '127.0.0.1');
  const received: Buffer[] = [];
  let closed = false;
  let last: number;
  socket.on('data', (c: Buffer) => {
    received.push(c);
    last = Date.now();
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    closed = true;
  });
  await new Promise<void>((r) => socket.once('connect', () => r()));
  for (const chunk of chunks) {
    if (closed) break;
    socket.write(chunk);
    await new Promise((r) => setImmediate(r));
  }
  if (finish && !closed) socket.end();
  last = Date.now();
  while (!closed && Date.now() - last < quietMs) await new Promise((r) => setTimeout(r, 10));
  socket.destroy();
  return { ...parseAnswers(Buffer.concat(received)), closed };
}

/**
 * The lane's transcript as it should equal node:http's. One known difference is node:http's own: at
 * a parse error it answers 400 (431…) and destroys the socket at once, and what gets out first
 * depends on its timing (a socket it reads natively from the start, or one handed to it with its
 * bytes as one buffer): how many answers to the requests before the bad one, which of two errors
 * it reports, and whether its refusal is written at all while an answer is under way. So when both
 * connections closed and one ends with node:http's bodyless refusal, the answers in front of it need
 * only agree as far as both go (and the other, without a refusal, must have answered something).
 */
function comparable(viaLane: Transcript, viaPlain: Transcript): Transcript {
  if (!viaLane.closed || !viaPlain.closed) return viaLane;
  const refused = (t: Transcript): boolean => {
    const last = t.answers.at(-1);
    return last !== undefined && last.body === undefined && last.status >= 400;
  };
  const [laneRefused, plainRefused] = [refused(viaLane), refused(viaPlain)];
  if (!laneRefused && !plainRefused) return viaLane;
  const before = (t: Transcript, isRefused: boolean): string[] => (isRefused ? t.answers.slice(0, -1) : t.answers).map((a) => JSON.stringify(a));
  const [a, b] = [before(viaLane, laneRefused), before(viaPlain, plainRefused)];
  if ((!laneRefused && a.length === 0) || (!plainRefused && b.length === 0)) return viaLane;
  const shared = Math.min(a.length, b.length);
  return a.slice(0, shared).join() === b.slice(0, shared).join() ? { ...viaLane, answers: viaPlain.answers } : viaLane;
}

function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    if (p > from) chunks.push(bytes.subarray(from, p));
    from = Math.max(from, p);
  }
  if (from < bytes.length) chunks.push(bytes.subarray(from));
  return chunks;
}

describe('differential fuzz: the fast lane answers as a plain node:http server would', () => {
  it('mutated hot requests, pipelined and split at random points, get the same answers and the same end', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(requestArb, { minLength: 1, maxLength: 3 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.boolean(),
        async (requests, cuts, finish) => {
          const bytes = Buffer.from(requests.map(build).join(''), 'latin1');
          const chunks = split(bytes, cuts);
          const both = (quietMs: number) => Promise.all([exchange(lanePort, chunks, finish, quietMs), exchange(plainPort, chunks, finish, quietMs)]);
          let [viaLane, viaPlain] = await both(60);
          // A busy machine may be slower than 60 ms: a disagreement counts only if a calmer look repeats it.
          if (JSON.stringify(comparable(viaLane, viaPlain)) !== JSON.stringify(viaPlain)) [viaLane, viaPlain] = await both(500);
          expect(comparable(viaLane, viaPlain)).toEqual(viaPlain);
        },
      ),
      {
        seed: 20261123,
        numRuns: 200,
        // Counterexamples found with other seeds, replayed every run: a bare LF ending the last header
        // (node:http refuses it at once; the lane waited for a blank line), Proxy-Connection: close
        // (llhttp reads it as Connection), and a request cut short by the client's FIN.
        examples: [
          [[{ path: '/hot', body: '{"n":1}', mutations: [['lineEnding', 808427039]] }], [], false],
          [[{ path: '/hot', body: '{"n":1}', mutations: [['otherFraming', 6]] }], [], false],
          [[{ path: '/hot', body: '{"n":1}', mutations: [['contentLength', 9]] }], [], true],
          // More header lines than node:http's req.headers keeps: Content-Type is past them.
          [[{ path: '/hot', body: '{"n":1}', mutations: [['manyHeadersFirst', 4]] }], [], false],
        ],
      },
    );
  }, 30_000);
});
