import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/**
 * Deliberately broken remote SUTs: each answers GET / like a real one (so `run --sut` accepts
 * it) and then misbehaves in one way a vendor's system can. The harness must fail the scenario
 * with a reason naming the request, and go on.
 */
export type FakeSutKind = 'garbage-outcome' | 'not-json' | 'hangs-on-start' | 'crashes-on-start' | 'http-500' | 'predates-home-qualification' | 'ignores-home-qualification';

/** A v1 SUT written before the back-office kind `home-qualification`: it knows the others only. */
const OLD_BACK_OFFICE_KINDS = ['bulk-check-download', 'medical-info'];

export interface FakeSut {
  url: string;
  close(): Promise<void>;
}

const info = JSON.stringify({ protocol: 'myna-rig-sut', v: 1, name: 'fake-sut' });

export async function startFakeSut(kind: FakeSutKind): Promise<FakeSut> {
  const hung: ServerResponse[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (kind !== 'predates-home-qualification' && kind !== 'ignores-home-qualification') req.resume();
    const path = req.url ?? '/';
    if (req.method === 'GET' && path === '/') return void res.writeHead(200, { 'content-type': 'application/json' }).end(info);
    if (req.method === 'POST' && path === '/v1/receptions') {
      if (kind === 'hangs-on-start') return void hung.push(res);
      if (kind === 'crashes-on-start') return void req.socket.destroy();
      if (kind === 'http-500') return void res.writeHead(500, { 'content-type': 'text/plain' }).end('NullPointerException at ReceptionController');
      return void res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ receptionId: 'r1' }));
    }
    if (kind === 'predates-home-qualification' || kind === 'ignores-home-qualification') return void oldBackOffice(kind, req, res, path);
    if (req.method === 'GET' && path === '/v1/receptions/r1/outcome') {
      if (kind === 'not-json') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Service Unavailable</html>');
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ outcome: { status: 'maybe' } }));
    }
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fake SUT: no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A sound SUT in every other respect: no decision at the counter, and a back office that refuses
 * (`predates-…`: 400 naming the kind, as a strict decoder does) or drops (`ignores-…`: 200, no
 * homeVisit) an answer kind it does not know.
 */
function oldBackOffice(kind: FakeSutKind, req: IncomingMessage, res: ServerResponse, path: string): void {
  const json = (status: number, body: unknown): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  if (path === '/v1/receptions/r1/outcome') return void (req.resume(), json(200, { outcome: null }));
  if (path === '/v1/receptions/r1/back-office' && req.method === 'POST') {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const answer = JSON.parse(body) as { kind?: string };
      if (kind === 'predates-home-qualification' && !OLD_BACK_OFFICE_KINDS.includes(answer.kind ?? '')) {
        return json(400, { error: { code: 'bad-request', message: `POST ${path}: kind: Invalid input: expected one of "bulk-check-download"|"medical-info"` } });
      }
      json(200, { backOffice: {} });
    });
    return;
  }
  req.resume();
  if (path === '/v1/receptions/r1/back-office') return json(200, { backOffice: {} });
  res.writeHead(204).end();
}
