import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
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

  it('decides a home-consented qualification against the clinic records given at start (照会番号 of another chart: held)', async () => {
    // A terminal's reception link that only accepts the connection: the back office needs no message from it.
    const terminal = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => terminal.once('listening', () => resolve()));
    const { port } = terminal.address() as { port: number };
    try {
      const clinicRecords = [
        { name: '田中　トメ', insurerNumber: '39131015', number: '10293847', referenceNumber: 'K-000310' },
        { name: '鈴木　良子', insurerNumber: '39131015', number: '00918273', referenceNumber: 'K-000456' },
      ];
      const started = await post('/v1/receptions', JSON.stringify({ v: 1, scenarioId: 'x', seed: 1, receptionUrl: `ws://127.0.0.1:${port}/reception`, terminalUrl: `http://127.0.0.1:${port}`, clinicRecords }));
      expect(started.status).toBe(201);
      const { receptionId } = (await started.json()) as { receptionId: string };
      const record = { InsuredCardClassification: '39', InsurerNumber: '39131015', InsuredIdentificationNumber: '10293847', PersonalFamilyClassification: '1', Name: '田中　トメ', Sex1: '2', Birthdate: '19450303', InsurerName: '東京都後期高齢者医療広域連合', ReferenceNumber: 'K-000456' };
      const result = {
        XmlMsg: {
          MessageHeader: { ProcessExecutionTime: '20250610092000', CharacterCodeIdentifier: '0', SegmentOfResult: '1', QualificationConfirmationDate: '20250610', ReferenceClassification: '1', MedicalInstitutionCode: '1310000017' },
          MessageBody: { ProcessingResultStatus: '1', QualificationValidity: '1', ResultList: { ResultOfQualificationConfirmation: [record] } },
        },
      };
      const res = await post(`/v1/receptions/${receptionId}/back-office`, JSON.stringify({ kind: 'home-qualification', patient: 'tome', status: 200, result }));
      expect(res.status).toBe(200);
      expect(((await res.json()) as { backOffice: { homeVisit: unknown } }).backOffice.homeVisit).toMatchObject({ patient: 'tome', status: 'pending', reason: 'reference-number-mismatch', displayedName: '田中　トメ' });
      expect((await fetch(`${server.url}/v1/receptions/${receptionId}`, { method: 'DELETE' })).status).toBe(204);
    } finally {
      for (const client of terminal.clients) client.terminate();
      await new Promise<void>((resolve) => terminal.close(() => resolve()));
    }
  });
});
