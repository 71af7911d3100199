import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../domain/index.js';
import { startCentral, type CentralServer, type CentralTrafficEntry } from './server.js';
import { EligibilityStore } from './store.js';

// The fast lane takes only a plain POST on the exact route without a query; the same request with
// "?via=express" goes through express. Both must answer with the same status and JSON.
const clock = new VirtualClock('2025-04-01T09:30:00+09:00');
const traffic: CentralTrafficEntry[] = [];
let central: CentralServer;

beforeAll(async () => {
  central = await startCentral({ clock, store: new EligibilityStore(), trustAnchors: [], onTraffic: (e) => traffic.push(e) });
});

afterAll(async () => {
  await central?.close();
});

// A connection of its own per request: one that once took an express request stays with
// node:http (http-fast-lane.ts), so a shared one would send every later request there.
async function raw(path: string, body: string, contentType = 'application/json'): Promise<{ status: number; type: string | null; etag: string | null; json: unknown }> {
  const agent = new http.Agent({ keepAlive: true });
  return new Promise((resolve, reject) => {
    const req = http.request(`${central.url}${path}`, { method: 'POST', agent, headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        agent.destroy();
        const header = (name: string): string | null => (res.headers[name] as string | undefined) ?? null;
        resolve({ status: res.statusCode!, type: header('content-type'), etag: header('etag'), json: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const CASES: Array<{ name: string; path: string; body: string; status: number; code: string }> = [
  { name: 'a truncated JSON body', path: '/v1/card-checks', body: '{"medicalInstitutionCode": ', status: 400, code: 'malformed-json' },
  { name: 'a JSON string instead of an object', path: '/v1/card-checks', body: '"hello"', status: 400, code: 'malformed-json' },
  { name: 'a body that fails the schema', path: '/v1/card-checks', body: '{"medicalInstitutionCode":"131"}', status: 400, code: 'invalid-request' },
  { name: 'an unknown check id', path: '/v1/card-checks/no-such-check/qualification', body: '{"consent":{}}', status: 404, code: 'check-not-found' },
  { name: 'a card check whose challenge was never issued', path: '/v1/card-checks', body: '{"medicalInstitutionCode":"1310000000","method":"pin","certificate":"AAAA","challengeId":"x","signature":"AAAA"}', status: 200, code: '' },
];

function withoutNextChallenge(json: unknown): unknown {
  if (typeof json !== 'object' || json === null || !('nextChallenge' in json)) return json;
  const { nextChallenge, ...rest } = json as Record<string, unknown>;
  expect(nextChallenge).toMatchObject({ challengeId: expect.any(String), nonce: expect.any(String) });
  return rest;
}

/** Bodies that are not strict JSON are replayed into express, so express answers them (with its ETag). */
const LEAN_FALLS_BACK = new Set(['a truncated JSON body', 'a JSON string instead of an object']);

describe('lean routes answer exactly as express does', () => {
  for (const c of CASES) {
    it(`${c.name}: ${c.status}${c.code ? ` ${c.code}` : ''}, the same body both ways`, async () => {
      const lean = await raw(c.path, c.body);
      const viaExpress = await raw(`${c.path}?via=express`, c.body);
      expect(lean.status).toBe(c.status);
      expect(lean.type).toBe('application/json; charset=utf-8');
      // A card-check answer carries a fresh nextChallenge each time: compare everything else.
      expect(withoutNextChallenge(lean.json)).toEqual(withoutNextChallenge(viaExpress.json));
      expect(viaExpress.status).toBe(c.status);
      // Only express adds an ETag: this shows the two requests really took different paths.
      expect([lean.etag === null, viaExpress.etag === null]).toEqual([!LEAN_FALLS_BACK.has(c.name), false]);
      if (c.code) expect((lean.json as { error: { code: string } }).error.code).toBe(c.code);
    });
  }

  it('answers a card check with an unknown challenge and an unparsable certificate as refused, untrusted', async () => {
    const lean = await raw('/v1/card-checks', CASES[4]!.body);
    expect(lean.json).toMatchObject({ accepted: false, certificateStatus: 'untrusted', rejection: { reason: 'challenge-unknown' } });
  });

  it('leaves a text/plain body to express (which does not parse it: 400 invalid-request)', async () => {
    const res = await raw('/v1/card-checks', '{"medicalInstitutionCode":"1310000000"}', 'text/plain');
    expect(res.status).toBe(400);
    expect((res.json as { error: { code: string } }).error.code).toBe('invalid-request');
  });

  it('reports lean exchanges to onTraffic with path, status and the parsed request', async () => {
    traffic.length = 0;
    await raw('/v1/challenges', '{}');
    expect(traffic).toHaveLength(1);
    expect(traffic[0]).toMatchObject({ at: Date.parse('2025-04-01T09:30:00+09:00'), method: 'POST', path: '/v1/challenges', status: 200, request: {} });
  });
});
