import { execFile } from 'node:child_process';
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../domain/index.js';
// Test only: the card simulator's J-LIS CA issues the cards, the CRL and the OCSP signer.
import { createSimulatedJlis, type SimulatedJlis } from '../../sim-card/jlis-ca.js';
import { RevocationLists } from './crl.js';
import { answerOcspRequest } from './ocsp.js';
import { startCentral, type CentralServer } from './server.js';
import { EligibilityStore } from './store.js';

const engine = new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as pkijs.CryptoEngineParameters['crypto'] });
const certOf = (der: Uint8Array) => new pkijs.Certificate({ schema: asn1js.fromBER(der).result });
const b64 = (der: Uint8Array) => Buffer.from(der).toString('base64');
const pem = (der: Uint8Array) => `-----BEGIN CERTIFICATE-----\n${b64(der).match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;

/** A DER OCSPRequest for these certificates (SHA-1 CertIDs, as openssl sends), with a nonce when given. */
async function ocspRequest(certs: Uint8Array[], issuerDer: Uint8Array, nonce?: Uint8Array): Promise<Uint8Array> {
  const request = new pkijs.OCSPRequest();
  for (const der of certs) {
    const certID = new pkijs.CertID();
    await certID.createForCertificate(certOf(der), { hashAlgorithm: 'SHA-1', issuerCertificate: certOf(issuerDer) }, engine);
    request.tbsRequest.requestList.push(new pkijs.Request({ reqCert: certID }));
  }
  if (nonce) {
    request.tbsRequest.requestExtensions = [new pkijs.Extension({ extnID: '1.3.6.1.5.5.7.48.1.2', extnValue: new asn1js.OctetString({ valueHex: nonce }).toBER(false) })];
  }
  return new Uint8Array(request.toSchema(true).toBER(false));
}

interface Decoded {
  status: number;
  basic?: pkijs.BasicOCSPResponse;
}
function decode(der: Uint8Array): Decoded {
  const response = new pkijs.OCSPResponse({ schema: asn1js.fromBER(der).result });
  const status = response.responseStatus.valueBlock.valueDec;
  if (!response.responseBytes) return { status };
  return { status, basic: new pkijs.BasicOCSPResponse({ schema: asn1js.fromBER(response.responseBytes.response.valueBlock.valueHexView).result }) };
}
/** [tag of certStatus (0 good, 1 revoked, 2 unknown), revocationTime ISO, reason] per SingleResponse. */
function statuses(basic: pkijs.BasicOCSPResponse): Array<[number, string?, number?]> {
  return basic.tbsResponseData.responses.map((r) => {
    const node = r.certStatus as asn1js.BaseBlock & { valueBlock: { value?: asn1js.BaseBlock[] } };
    if (node.idBlock.tagNumber !== 1) return [node.idBlock.tagNumber];
    const [time, reason] = node.valueBlock.value as [asn1js.GeneralizedTime, asn1js.Constructed | undefined];
    const code = reason ? (reason.valueBlock.value[0] as asn1js.Enumerated).valueBlock.valueDec : undefined;
    return code === undefined ? [1, time.toDate().toISOString()] : [1, time.toDate().toISOString(), code];
  });
}

describe('OCSP responder for the simulated J-LIS CA (RFC 6960)', () => {
  const clock = new VirtualClock('2025-04-01T10:00:00+09:00');
  let jlis: SimulatedJlis;
  let central: CentralServer;
  const cards: Record<'good' | 'revoked' | 'held' | 'foreign', Uint8Array> = {} as never;
  let signer: { certificateDer: Uint8Array; privateKeyPkcs8Der: Uint8Array };

  const post = async (der: Uint8Array) => {
    const res = await fetch(`${central.url}/ocsp`, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: der });
    return { type: res.headers.get('content-type'), problem: res.headers.get('x-ocsp-problem'), httpStatus: res.status, der: new Uint8Array(await res.arrayBuffer()) };
  };
  const putSigner = (s: { certificateDer: Uint8Array; privateKeyPkcs8Der: Uint8Array }) =>
    fetch(`${central.url}/admin/ocsp-signer`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ certificate: b64(s.certificateDer), privateKey: b64(s.privateKeyPkcs8Der) }) });

  beforeAll(async () => {
    jlis = await createSimulatedJlis();
    const publicKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const issue = (serialNumber: string) => jlis.issueAuthCertificate({ publicKey, notBefore: '2023-04-01', notAfter: '2028-03-31', serialNumber });
    cards.good = await issue('2b01');
    cards.revoked = await issue('2b02');
    cards.held = await issue('2b03');
    cards.foreign = await jlis.issueSignCertificate({ publicKey, notBefore: '2023-04-01', notAfter: '2028-03-31', serialNumber: '2b04', holder: { name: '架空　太郎', address: '東京都千代田区霞が関1-1', birthDate: '1980-01-15', sex: 1 } as never });
    jlis.revoke('2b02', 'revoked', { at: Date.parse('2025-03-30T15:00:00+09:00') });
    jlis.revoke('2b03', 'suspended', { at: Date.parse('2025-03-31T08:30:00+09:00') });
    signer = await jlis.issueOcspSigner();
    // CRL of 2025-04-01 09:00 JST: nextUpdate 2025-04-02 09:00 JST.
    central = await startCentral({ clock, store: new EligibilityStore(), trustAnchors: [jlis.authCaCertificateDer], crl: await jlis.crlDer(Date.parse('2025-04-01T09:00:00+09:00')) });
  });
  afterAll(async () => {
    await central?.close();
  });

  it('answers unauthorized (6) before a signer is installed, then refuses a bad signer', async () => {
    const answer = await post(await ocspRequest([cards.good], jlis.authCaCertificateDer));
    expect([answer.httpStatus, answer.type, Buffer.from(answer.der).toString('hex')]).toEqual([200, 'application/ocsp-response', '30030a0106']);
    expect(answer.problem).toMatch(/^unauthorized: .*PUT \/admin\/ocsp-signer/);
    // The CA's card certificate is no OCSP signer (no id-kp-OCSPSigning), and the key is not its.
    const wrong = await putSigner({ certificateDer: cards.good, privateKeyPkcs8Der: signer.privateKeyPkcs8Der });
    expect([wrong.status, ((await wrong.json()) as { error: { code: string; field: string } }).error]).toMatchObject([400, { code: 'ocsp-signer-invalid', field: 'certificate' }]);
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'der' });
    const mismatch = await putSigner({ certificateDer: signer.certificateDer, privateKeyPkcs8Der: new Uint8Array(otherKey) });
    expect(((await mismatch.json()) as { error: { field: string; message: string } }).error).toMatchObject({ field: 'privateKey', message: expect.stringContaining('does not belong') as string });
  });

  it('good / revoked (revocationTime, reason) / unknown, signed by the delegated signer, nonce echoed', async () => {
    const put = await putSigner(signer);
    expect(((await put.json()) as { signer: { delegated: boolean; serialNumber: string } }).signer).toEqual(expect.objectContaining({ delegated: true, serialNumber: '7f000001' }));
    const nonce = new Uint8Array([0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const request = await ocspRequest([cards.good, cards.revoked, cards.held], jlis.authCaCertificateDer, nonce);
    const foreign = await ocspRequest([cards.foreign], jlis.signCaCertificateDer);
    const { status, basic } = decode((await post(request)).der);
    expect(status).toBe(0);
    expect(statuses(basic!)).toEqual([[0], [1, '2025-03-30T06:00:00.000Z'], [1, '2025-03-30T23:30:00.000Z', 6]]);
    expect(basic!.tbsResponseData.responses[0]!.thisUpdate.toISOString()).toBe('2025-04-01T00:00:00.000Z');
    expect(basic!.tbsResponseData.responses[0]!.nextUpdate?.toISOString()).toBe('2025-04-02T00:00:00.000Z');
    expect(basic!.tbsResponseData.producedAt.toISOString()).toBe('2025-04-01T01:00:00.000Z');
    const echoed = basic!.tbsResponseData.responseExtensions?.find((x) => x.extnID === '1.3.6.1.5.5.7.48.1.2');
    expect(Buffer.from(echoed!.extnValue.valueBlock.valueHexView).toString('hex')).toBe('0410deadbeef0102030405060708090a0b0c');
    expect(await basic!.verify({ trustedCerts: [certOf(jlis.authCaCertificateDer)] }, engine)).toBe(true);
    // The sign CA is not central's trust anchor: unknown.
    expect(statuses(decode((await post(foreign)).der).basic!)).toEqual([[2]]);
  });

  it('answers from states set on the store too (lost card, 一時停止), which win over the CRL as in card checks, dated when set', async () => {
    // The store dates states by its clock (10:00 JST) unless told an instant.
    const store = new EligibilityStore({ clock });
    store.setCertificateState(cards.good, 'suspended');
    const own = await startCentral({ clock, store, trustAnchors: [jlis.authCaCertificateDer], crl: await jlis.crlDer(Date.parse('2025-04-01T09:00:00+09:00')) });
    try {
      const put = await fetch(`${own.url}/admin/ocsp-signer`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ certificate: b64(signer.certificateDer), privateKey: b64(signer.privateKeyPkcs8Der) }) });
      expect(put.status).toBe(200);
      const ask = async () => {
        const res = await fetch(`${own.url}/ocsp`, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: await ocspRequest([cards.good, cards.revoked], jlis.authCaCertificateDer) });
        return statuses(decode(new Uint8Array(await res.arrayBuffer())).basic!);
      };
      // The store's hold: revoked (1) since 2025-04-01 10:00 JST with certificateHold (6); the CRL's revocation stays.
      expect(await ask()).toEqual([[1, '2025-04-01T01:00:00.000Z', 6], [1, '2025-03-30T06:00:00.000Z']]);
      // Revoked at 09:45:30.750 JST: GeneralizedTime carries whole seconds.
      store.setCertificateState(cards.good, 'revoked', Date.parse('2025-04-01T09:45:30.750+09:00'));
      expect(await ask()).toEqual([[1, '2025-04-01T00:45:30.000Z'], [1, '2025-03-30T06:00:00.000Z']]);
      store.setCertificateState(cards.good, 'active');
      expect(await ask()).toEqual([[0], [1, '2025-03-30T06:00:00.000Z']]);
    } finally {
      await own.close();
    }
  });

  it('answers GET /ocsp/<url-encoded base64> the same way', async () => {
    const request = await ocspRequest([cards.revoked], jlis.authCaCertificateDer);
    const res = await fetch(`${central.url}/ocsp/${encodeURIComponent(b64(request))}`);
    expect(res.headers.get('content-type')).toBe('application/ocsp-response');
    expect(statuses(decode(new Uint8Array(await res.arrayBuffer())).basic!)).toEqual([[1, '2025-03-30T06:00:00.000Z']]);
  });

  it('answers malformedRequest (1) with the reason, never crashing, for bad bodies', async () => {
    const tooMany = await ocspRequest(Array.from({ length: 17 }, () => cards.good), jlis.authCaCertificateDer);
    const valid = await ocspRequest([cards.good], jlis.authCaCertificateDer);
    const cases: Array<[Uint8Array, RegExp]> = [
      [new Uint8Array(0), /body is empty/],
      [new Uint8Array([0x30, 0x82, 0xff]), /not BER/],
      [new Uint8Array([0x02, 0x01, 0x05]), /not an OCSPRequest/],
      [new Uint8Array([...valid, 0x00]), /1 byte\(s\) after the OCSPRequest at byte offset/],
      [tooMany, /names 17 certificates; at most 16/],
    ];
    for (const [body, problem] of cases) {
      const answer = await post(body);
      expect([answer.httpStatus, Buffer.from(answer.der).toString('hex')]).toEqual([200, '30030a0101']);
      expect(answer.problem).toMatch(problem);
    }
    const badGet = await fetch(`${central.url}/ocsp/${encodeURIComponent('not base64!')}`);
    expect(Buffer.from(await badGet.arrayBuffer()).toString('hex')).toBe('30030a0101');
    // Still serving afterwards.
    expect(decode((await post(valid)).der).status).toBe(0);
  });

  it('answers tryLater (3) once the CRL is past its nextUpdate under policy refuse, and uses it under warn', async () => {
    const stale = new VirtualClock('2025-04-02T09:00:01+09:00');
    const late = await startCentral({ clock: stale, store: new EligibilityStore(), trustAnchors: [jlis.authCaCertificateDer], crl: await jlis.crlDer(Date.parse('2025-04-01T09:00:00+09:00')) });
    try {
      await fetch(`${late.url}/admin/ocsp-signer`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ certificate: b64(signer.certificateDer), privateKey: b64(signer.privateKeyPkcs8Der) }) });
      const ask = async () => {
        const res = await fetch(`${late.url}/ocsp`, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: await ocspRequest([cards.revoked], jlis.authCaCertificateDer) });
        return { problem: res.headers.get('x-ocsp-problem'), der: new Uint8Array(await res.arrayBuffer()) };
      };
      const refused = await ask();
      expect(Buffer.from(refused.der).toString('hex')).toBe('30030a0103');
      expect(refused.problem).toMatch(/^tryLater: request\[0\] \(serial 2B02\): the J-LIS CRL of .* expired at its nextUpdate 2025-04-02T00:00:00.000Z/);
      await fetch(`${late.url}/admin/crl-policy`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ policy: 'warn' }) });
      expect(statuses(decode((await ask()).der).basic!)).toEqual([[1, '2025-03-30T06:00:00.000Z']]);
    } finally {
      await late.close();
    }
  });

  it('never throws on arbitrary bytes or a valid request with bytes flipped: always a decodable OCSPResponse', async () => {
    const valid = await ocspRequest([cards.good], jlis.authCaCertificateDer);
    const lists = new RevocationLists();
    const ctx = { trustAnchors: [jlis.authCaCertificateDer], signers: new Map(), now: Date.parse('2025-04-01T10:00:00+09:00'), lookup: lists.statusBySerial.bind(lists) };
    const flipped = fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 1, max: 255 })).map(([i, x]) => {
      const copy = new Uint8Array(valid);
      copy[i]! ^= x;
      return copy;
    });
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 300 }), flipped), async (bytes) => {
        const result = await answerOcspRequest(bytes, ctx);
        // No signer in ctx: a request that still decodes gets unauthorized, anything else malformedRequest.
        expect(['malformedRequest', 'unauthorized']).toContain(result.status);
        expect(decode(result.der).status).toBe(result.status === 'malformedRequest' ? 1 : 6);
      }),
      { seed: 20251123, numRuns: 300 },
    );
  });

  describe.skipIf(!existsSync('/usr/bin/openssl'))('interop: the unmodified openssl ocsp client', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'myna-ocsp-'));
      writeFileSync(join(dir, 'ca.pem'), pem(jlis.authCaCertificateDer));
      writeFileSync(join(dir, 'signer.pem'), pem(signer.certificateDer));
      writeFileSync(join(dir, 'good.pem'), pem(cards.good));
      writeFileSync(join(dir, 'revoked.pem'), pem(cards.revoked));
      writeFileSync(join(dir, 'held.pem'), pem(cards.held));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const openssl = (args: string[]) =>
      new Promise<string>((resolve) => {
        execFile('/usr/bin/openssl', args, { cwd: dir, timeout: 20_000 }, (_error, stdout, stderr) => resolve(`${stdout}${stderr}`));
      });

    it('prints "good" with -VAfile and "revoked" with -CAfile against a live server on loopback', async () => {
      // openssl judges thisUpdate / nextUpdate against the machine's real clock (5 min leeway), so this
      // central's virtual clock starts at the real instant and the CRL is issued then; the revocation
      // itself keeps its literal date.
      const now = Math.floor(Date.now() / 1000) * 1000;
      // A lost card revoked on the store (over the CRL's hold of 2b03), at a literal instant.
      const store = new EligibilityStore();
      store.setCertificateState(cards.held, 'revoked', Date.parse('2025-03-31T12:34:56+09:00'));
      const live = await startCentral({ clock: new VirtualClock(now), store, trustAnchors: [jlis.authCaCertificateDer], crl: await jlis.crlDer(now) });
      try {
        await fetch(`${live.url}/admin/ocsp-signer`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ certificate: b64(signer.certificateDer), privateKey: b64(signer.privateKeyPkcs8Der) }) });
        const url = `${live.url}/ocsp`;
        const good = await openssl(['ocsp', '-issuer', 'ca.pem', '-cert', 'good.pem', '-url', url, '-VAfile', 'signer.pem']);
        expect(good).toMatch(/^good\.pem: good$/m);
        expect(good).toMatch(/Response verify OK/);
        const revoked = await openssl(['ocsp', '-issuer', 'ca.pem', '-cert', 'revoked.pem', '-url', url, '-CAfile', 'ca.pem']);
        expect(revoked).toMatch(/^revoked\.pem: revoked$/m);
        expect(revoked).toMatch(/Response verify OK/);
        expect(revoked).toMatch(/Revocation Time: Mar 30 06:00:00 2025 GMT/);
        const lost = await openssl(['ocsp', '-issuer', 'ca.pem', '-cert', 'held.pem', '-url', url, '-CAfile', 'ca.pem']);
        expect(lost).toMatch(/^held\.pem: revoked$/m);
        expect(lost).toMatch(/Revocation Time: Mar 31 03:34:56 2025 GMT/);
        expect(lost).not.toMatch(/Reason/);
      } finally {
        await live.close();
      }
    });
  });
});
