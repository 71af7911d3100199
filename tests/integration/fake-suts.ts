import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/**
 * Deliberately broken remote SUTs: each answers GET / like a real one (so `run --sut` accepts
 * it) and then misbehaves in one way a vendor's system can. The harness must fail the scenario
 * with a reason naming the request, and go on.
 */
export type FakeSutKind = 'garbage-outcome' | 'not-json' | 'hangs-on-start' | 'crashes-on-start' | 'http-500';

export interface FakeSut {
  url: string;
  close(): Promise<void>;
}

const info = JSON.stringify({ protocol: 'myna-rig-sut', v: 1, name: 'fake-sut' });

export async function startFakeSut(kind: FakeSutKind): Promise<FakeSut> {
  const hung: ServerResponse[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    const path = req.url ?? '/';
    if (req.method === 'GET' && path === '/') return void res.writeHead(200, { 'content-type': 'application/json' }).end(info);
    if (req.method === 'POST' && path === '/v1/receptions') {
      if (kind === 'hangs-on-start') return void hung.push(res);
      if (kind === 'crashes-on-start') return void req.socket.destroy();
      if (kind === 'http-500') return void res.writeHead(500, { 'content-type': 'text/plain' }).end('NullPointerException at ReceptionController');
      return void res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ receptionId: 'r1' }));
    }
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
