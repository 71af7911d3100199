import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoDate, type Person, type Qualification } from '../../domain/index.js';
import { registerConsentHistoryRoutes } from './consent-history-routes.js';
import { ConsentRegistry } from './consent-registry.js';
import type { Exchange, Reply } from './lean-routes.js';
import { EligibilityStore } from './store.js';
import { createTestPki } from './test-pki.js';

const CLINIC = '1310000000';
const PHARMACY = '1340000001';
const person: Person = { id: 'hanako', name: '架空　花子', birthDate: isoDate('1980-01-15'), sex: 2 };
const qualification: Qualification = {
  insurerNumber: '138057',
  insurerName: '架空市',
  insurerKind: 'kokuho',
  number: '0456',
  relation: 'insured',
  cardClassification: '01',
  acquiredOn: isoDate('2020-04-01'),
  incomeClass: 'general',
};

let server: http.Server;
let url = '';
let certificate = '';
let stranger = '';
const consents = new ConsentRegistry();

beforeAll(async () => {
  const pki = await createTestPki();
  const validity = { notBefore: '2024-05-11T00:00:00+09:00', notAfter: '2029-05-10T23:59:59+09:00' };
  const der = await pki.issueCardCertificate({ ...validity, serialNumber: '0c01' });
  certificate = Buffer.from(der).toString('base64');
  stranger = Buffer.from(await pki.issueCardCertificate({ ...validity, serialNumber: '0c02' })).toString('base64');
  const store = new EligibilityStore();
  store.addPerson(person, [qualification]);
  store.linkCertificate('hanako', der);
  // The previous visit: 2025-03-03 10:15:00 JST, item by item, 薬剤 and 特定健診 only.
  consents.record({
    checkId: 'prior-1',
    personId: 'hanako',
    medicalInstitutionCode: CLINIC,
    items: { diagnosis: false, pharmacy: true, checkup: true, operation: false },
    at: Date.parse('2025-03-03T10:15:00+09:00'),
    inGrace: false,
    method: 'individual',
  });
  const app = express();
  app.use(express.json());
  registerConsentHistoryRoutes(app, {
    store,
    consents,
    send: (_req: Exchange, res: Reply, status, body) => void res.status(status).json(body),
    sendError: (_req: Exchange, res: Reply, status, code, message, field) => void res.status(status).json({ error: { code, message, ...(field ? { field } : {}) } }),
  });
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function post(body: unknown): Promise<{ status: number; json: unknown }> {
  const r = await fetch(`${url}/v1/previous-consents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, json: await r.json() };
}

describe('POST /v1/previous-consents', () => {
  it('answers the previous item-by-item choice of the certificate holder at this facility', async () => {
    expect(await post({ medicalInstitutionCode: CLINIC, certificate })).toEqual({
      status: 200,
      json: { previousConsent: { items: { diagnosis: false, pharmacy: true, checkup: true, operation: false }, checkId: 'prior-1', consentTime: '20250303101500' } },
    });
  });

  it('answers {} at another facility and for a certificate linked to nobody', async () => {
    expect(await post({ medicalInstitutionCode: PHARMACY, certificate })).toEqual({ status: 200, json: {} });
    expect(await post({ medicalInstitutionCode: CLINIC, certificate: stranger })).toEqual({ status: 200, json: {} });
  });

  it('refuses a malformed body with 400 naming the field', async () => {
    expect(await post({ medicalInstitutionCode: '123', certificate })).toMatchObject({ status: 400, json: { error: { code: 'invalid-request', field: 'medicalInstitutionCode' } } });
    expect(await post({ medicalInstitutionCode: CLINIC, certificate: '***' })).toMatchObject({ status: 400, json: { error: { code: 'invalid-request', field: 'certificate' } } });
  });
});
