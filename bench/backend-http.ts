/**
 * Card checks per second over HTTP keep-alive against the central simulator with real certificate
 * verification (chain, validity, J-LIS state, card signature over a fresh challenge), beside a bare
 * node:http server answering the same bytes, in the same run. One "check" = the reader's three
 * calls: challenge → card check (PIN, signature by the test card key) → qualification.
 * Fixed concurrency 32, 5 s each after a 1 s warm-up; p50/p99 of a whole check.
 *
 * The client's RSA signature is made BEFORE the timed window: central draws its 32-byte nonces
 * from a pool of NONCE_POOL pre-made random nonces (through its randomBytes option; ids stay
 * CSPRNG), and the bench signs each pool nonce once up front. Signing live cost the client about
 * as much CPU as central's whole verification on the same 2 cores, which measured the client.
 * Central still verifies every signature; a challenge is still single-use (ids are fresh).
 *
 *   npx tsx bench/backend-http.ts [seconds=5] [concurrency=32]
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { VirtualClock, isoDate } from '../src/domain/index.js';
import { FULL_CONSENT } from '../src/protocol/consent.js';
import { CHALLENGE_NONCE_BYTES } from '../src/sim-backend/central/challenges.js';
import { startCentral } from '../src/sim-backend/central/server.js';
import { EligibilityStore } from '../src/sim-backend/central/store.js';
import { createTestPki } from '../src/sim-backend/central/test-pki.js';

const seconds = Number(process.argv[2] ?? 5);
const concurrency = Number(process.argv[3] ?? 32);
const INSTITUTION = '1310000000';

const pki = await createTestPki();
const cert = await pki.issueCardCertificate({ notBefore: '2020-05-11T00:00:00+09:00', notAfter: '2027-05-10T23:59:59+09:00', serialNumber: '0b01' });
const store = new EligibilityStore();
store.addPerson({ id: 'hanako', name: '架空　花子', birthDate: isoDate('1945-03-03'), sex: 2 }, [
  { insurerNumber: '39131015', insurerName: '架空県後期高齢者医療広域連合', insurerKind: 'koki', number: '00012345', relation: 'insured', cardClassification: '01', acquiredOn: isoDate('2020-03-03'), incomeClass: 'general' },
]);
store.linkCertificate('hanako', cert);
const clock = new VirtualClock('2025-04-01T09:30:00+09:00');
const NONCE_POOL = 256;
const nonces = Array.from({ length: NONCE_POOL }, () => new Uint8Array(randomBytes(CHALLENGE_NONCE_BYTES)));
let nextNonce = 0;
const benchRandom = (n: number): Uint8Array => (n === CHALLENGE_NONCE_BYTES ? nonces[nextNonce++ % NONCE_POOL]! : new Uint8Array(randomBytes(n)));
const signatures = new Map<string, string>();
for (const nonce of nonces) signatures.set(Buffer.from(nonce).toString('base64'), Buffer.from(await pki.signWithCard(nonce)).toString('base64'));
/** The pre-made signature over a pool nonce (signed live, and remembered, for any other). */
async function signatureOver(nonceB64: string): Promise<string> {
  const known = signatures.get(nonceB64);
  if (known !== undefined) return known;
  const made = Buffer.from(await pki.signWithCard(new Uint8Array(Buffer.from(nonceB64, 'base64')))).toString('base64');
  signatures.set(nonceB64, made);
  return made;
}
const central = await startCentral({ clock, store, trustAnchors: [pki.ca.der], randomBytes: benchRandom });
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const certB64 = Buffer.from(cert).toString('base64');

function post(base: string, path: string, body: unknown): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = http.request(`${base}${path}`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

async function oneCheck(base: string): Promise<void> {
  const c = JSON.parse((await post(base, '/v1/challenges', {})).text) as { challengeId: string; nonce: string };
  const signature = await signatureOver(c.nonce);
  const verdict = JSON.parse(
    (await post(base, '/v1/card-checks', { medicalInstitutionCode: INSTITUTION, method: 'pin', certificate: certB64, challengeId: c.challengeId, signature })).text,
  ) as { accepted: boolean; checkId?: string };
  if (!verdict.accepted) throw new Error(`bench: card check refused: ${JSON.stringify(verdict)}`);
  const q = await post(base, `/v1/card-checks/${verdict.checkId ?? 'x'}/qualification`, { consent: FULL_CONSENT });
  if (q.status !== 200) throw new Error(`bench: qualification answered ${q.status}: ${q.text}`);
}

async function run(base: string, ms: number): Promise<{ perSec: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  const end = performance.now() + ms;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        await oneCheck(base);
        latencies.push(performance.now() - t);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const pct = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  return { perSec: latencies.length / ((performance.now() - start) / 1000), p50: pct(0.5), p99: pct(0.99) };
}

// Capture the real answers once, then serve the same bytes from a bare server.
const sample = {
  challenge: (await post(central.url, '/v1/challenges', {})).text,
} as Record<string, string>;
{
  const c = JSON.parse(sample.challenge!) as { challengeId: string; nonce: string };
  const signature = await pki.signWithCard(new Uint8Array(Buffer.from(c.nonce, 'base64')));
  sample.check = (await post(central.url, '/v1/card-checks', { medicalInstitutionCode: INSTITUTION, method: 'pin', certificate: certB64, challengeId: c.challengeId, signature: Buffer.from(signature).toString('base64') })).text;
  const checkId = (JSON.parse(sample.check) as { checkId: string }).checkId;
  sample.qualification = (await post(central.url, `/v1/card-checks/${checkId}/qualification`, { consent: FULL_CONSENT })).text;
}
const bare = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const body = req.url === '/v1/challenges' ? sample.challenge! : req.url === '/v1/card-checks' ? sample.check! : sample.qualification!;
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;

await run(central.url, 1000);
const sim = await run(central.url, seconds * 1000);
await run(bareUrl, 1000);
const base = await run(bareUrl, seconds * 1000);

const f = (n: number): string => n.toFixed(1);
console.log(`concurrency ${concurrency}, ${seconds} s each, one check = 3 requests (client signatures pre-made over a pool of ${NONCE_POOL} nonces)`);
console.log(`central (lean node:http, real verification): ${Math.round(sim.perSec)} checks/s, p50 ${f(sim.p50)} ms, p99 ${f(sim.p99)} ms`);
console.log(`bare node:http, same bytes:                ${Math.round(base.perSec)} checks/s, p50 ${f(base.p50)} ms, p99 ${f(base.p99)} ms`);
console.log(`ratio central / bare: ${(sim.perSec / base.perSec).toFixed(2)}`);
agent.destroy();
bare.close();
await central.close();
