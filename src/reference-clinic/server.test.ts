import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer, type ReferenceServer } from './server.js';

/** The remote SUT protocol as the reference server speaks it (docs/protocols/sut.md). */
let server: ReferenceServer;
beforeAll(async () => {
  server = await startReferenceServer();
});
afterAll(() => server.close());

const post = (path: string, body: string): Promise<Response> =>
  fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('reference reception server', () => {
  it('binds 127.0.0.1 on an ephemeral port', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('refuses a start request without a receptionUrl, naming the field', async () => {
    const res = await post('/v1/receptions', JSON.stringify({ v: 1, scenarioId: 'x', seed: 1, terminalUrl: 'http://127.0.0.1:1' }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('bad-request');
    expect(body.error.message).toMatch(/^POST \/v1\/receptions: receptionUrl: /);
  });

  it('refuses a body that is not JSON', async () => {
    const res = await post('/v1/receptions', '{nope');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad-json');
  });

  it('answers 502 when the terminal it was sent to is not there', async () => {
    const res = await post('/v1/receptions', JSON.stringify({ v: 1, scenarioId: 'x', seed: 1, receptionUrl: 'ws://127.0.0.1:9/reception', terminalUrl: 'http://127.0.0.1:9' }));
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('reception-link-failed');
    expect(server.openReceptions()).toBe(0);
  });

  it('answers 404 for an unknown reception and for paths outside the protocol', async () => {
    expect((await fetch(`${server.url}/v1/receptions/nope/outcome`)).status).toBe(404);
    expect((await fetch(`${server.url}/v2/anything`)).status).toBe(404);
  });
});
