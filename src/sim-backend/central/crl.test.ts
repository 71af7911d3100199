import 'reflect-metadata';
import { createPublicKey, generateKeyPairSync, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoDate, VirtualClock } from '../../domain/index.js';
import { CardCheckResponse, ChallengeResponse } from '../../protocol/central-api.js';
// Test only: the card simulator's J-LIS CA, whose CRL the runner feeds to central.
import { createSimulatedJlis, type SimulatedJlis } from '../../sim-card/jlis-ca.js';
import { normalizeSerialHex, RevocationLists } from './crl.js';
import { startCentral, type CentralServer } from './server.js';
import { EligibilityStore } from './store.js';
import { createTestPki, type TestPki } from './test-pki.js';

const T0 = Date.parse('2025-04-01T09:00:00+09:00');

describe('RevocationLists with the card simulator\'s J-LIS CRL', () => {
  let jlis: SimulatedJlis;
  const certs: Record<'revoked' | 'held' | 'good', Uint8Array> = {} as never;
  beforeAll(async () => {
    jlis = await createSimulatedJlis();
    const publicKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const issue = (serialNumber: string) => jlis.issueAuthCertificate({ publicKey, notBefore: '2023-04-01', notAfter: '2028-03-31', serialNumber });
    certs.revoked = await issue('0a01');
    certs.held = await issue('8b02'); // high bit set: the DER INTEGER carries a 00 sign byte
    certs.good = await issue('0c03');
    jlis.revoke('0a01', 'revoked', { at: T0 - 3600_000 });
    jlis.revoke('8b02', 'suspended', { at: T0 - 3600_000 });
  });

  it('normalizes serials so sign bytes and case never matter', () => {
    expect(normalizeSerialHex('008b02')).toBe('8B02');
    expect(normalizeSerialHex('0')).toBe('0');
  });

  it('verifies the CRL with the auth CA and reads revoked, held (certificateHold → suspended) and good', async () => {
    const lists = new RevocationLists();
    const loaded = await lists.load(await jlis.crlDer(T0), [jlis.authCaCertificateDer]);
    expect(loaded.ok && loaded.crl.entries.size).toBe(2);
    expect([lists.stateOf(certs.revoked), lists.stateOf(certs.held), lists.stateOf(certs.good)]).toEqual(['revoked', 'suspended', 'active']);
  });

  it('refuses a CRL of an issuer it does not trust, a tampered one, a non-CRL, and an older one', async () => {
    const lists = new RevocationLists();
    const der = await jlis.crlDer(T0);
    const wrongAnchor = await lists.load(der, [jlis.signCaCertificateDer]);
    expect(wrongAnchor.ok ? '' : wrongAnchor.code).toBe('crl-untrusted');
    const tampered = new Uint8Array(der);
    tampered[tampered.length - 1]! ^= 0xff;
    const bad = await lists.load(tampered, [jlis.authCaCertificateDer]);
    expect(bad.ok ? '' : bad.code).toBe('crl-untrusted');
    const garbage = await lists.load(new Uint8Array([1, 2, 3]), [jlis.authCaCertificateDer]);
    expect(garbage.ok ? '' : garbage.code).toBe('crl-malformed');
    expect((await lists.load(await jlis.crlDer(T0 + 60_000), [jlis.authCaCertificateDer])).ok).toBe(true);
    const older = await lists.load(der, [jlis.authCaCertificateDer]);
    expect(older.ok ? '' : older.code).toBe('crl-stale');
  });

  it('makes the store report the CRL state, an explicit store state still winning', async () => {
    const store = new EligibilityStore();
    const lists = new RevocationLists();
    store.useRevocationSource(lists);
    expect(store.certificateState(certs.revoked)).toBe('active');
    await lists.load(await jlis.crlDer(T0), [jlis.authCaCertificateDer]);
    expect(store.certificateState(certs.revoked)).toBe('revoked');
    store.setCertificateState(certs.good, 'suspended');
    expect(store.certificateState(certs.good)).toBe('suspended');
  });
});

describe('central refuses a card whose certificate a loaded CRL lists', () => {
  const clock = new VirtualClock('2025-04-01T09:30:00+09:00');
  let pki: TestPki;
  let central: CentralServer;
  let cert: Uint8Array;
  let caCert: x509.X509Certificate;
  const crl = async (thisUpdate: string, serials: string[]): Promise<Uint8Array> => {
    const c = await x509.X509CrlGenerator.create(
      {
        issuer: caCert.subjectName,
        thisUpdate: new Date(thisUpdate),
        nextUpdate: new Date(Date.parse(thisUpdate) + 86_400_000),
        signingKey: pki.ca.keys.privateKey,
        signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as never,
        entries: serials.map((serialNumber) => ({ serialNumber, revocationDate: new Date(thisUpdate) })),
      },
      webcrypto as never,
    );
    return new Uint8Array(c.rawData);
  };

  beforeAll(async () => {
    pki = await createTestPki();
    caCert = new x509.X509Certificate(pki.ca.der);
    cert = await pki.issueCardCertificate({ notBefore: '2020-05-11T00:00:00+09:00', notAfter: '2027-05-10T23:59:59+09:00', serialNumber: '0d09' });
    const store = new EligibilityStore();
    store.addPerson({ id: 'jiro', name: '架空　次郎', birthDate: isoDate('1980-01-15'), sex: 1 }, [
      { insurerNumber: '138057', insurerName: '架空市', insurerKind: 'kokuho', number: '0456', relation: 'insured', cardClassification: '01', acquiredOn: isoDate('2020-04-01'), incomeClass: 'general' },
    ]);
    store.linkCertificate('jiro', cert);
    central = await startCentral({ clock, store, trustAnchors: [pki.ca.der], crl: await crl('2025-03-31T12:00:00Z', ['0e01']) });
  });
  afterAll(async () => {
    await central?.close();
  });

  const post = async (path: string, body: unknown, type = 'application/json') => {
    const res = await fetch(`${central.url}${path}`, { method: 'POST', headers: { 'content-type': type }, body: type === 'application/json' ? JSON.stringify(body) : (body as Uint8Array) });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  const cardCheck = async () => {
    const c = ChallengeResponse.parse((await post('/v1/challenges', {})).body);
    const signature = await pki.signWithCard(new Uint8Array(Buffer.from(c.nonce, 'base64')));
    return CardCheckResponse.parse(
      (await post('/v1/card-checks', { medicalInstitutionCode: '1310000000', method: 'pin', certificate: Buffer.from(cert).toString('base64'), challengeId: c.challengeId, signature: Buffer.from(signature).toString('base64') })).body,
    );
  };

  it('accepts the card while the CRL does not list it, refuses it (certificate-revoked) after a newer CRL is loaded', async () => {
    expect((await cardCheck()).accepted).toBe(true);
    const loaded = await post('/admin/crl', await crl('2025-04-01T00:00:00Z', ['0e01', '0d09']), 'application/pkix-crl');
    expect(loaded).toMatchObject({ status: 200, body: { replaced: true, loaded: { entries: 2, thisUpdate: '2025-04-01T00:00:00.000Z' } } });
    const refused = await cardCheck();
    expect([refused.accepted, refused.certificateStatus, refused.rejection?.reason]).toEqual([false, 'revoked', 'certificate-revoked']);
  });

  it('refuses an older CRL (409 crl-stale), one of another CA (400 crl-untrusted), and a body that is no CRL', async () => {
    expect((await post('/admin/crl', { crl: Buffer.from(await crl('2025-03-01T00:00:00Z', [])).toString('base64') })).body).toMatchObject({ error: { code: 'crl-stale' } });
    const other = await x509.X509CrlGenerator.create(
      { issuer: 'CN=TEST-ONLY Some Other CA, O=elsewhere, C=JP', thisUpdate: new Date(), signingKey: pki.otherCa.keys.privateKey, signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as never },
      webcrypto as never,
    );
    const untrusted = await post('/admin/crl', new Uint8Array(other.rawData), 'application/pkix-crl');
    expect([untrusted.status, (untrusted.body as { error: { code: string } }).error.code]).toEqual([400, 'crl-untrusted']);
    expect((await post('/admin/crl', {})).status).toBe(400);
  });

  it('refuses to start with a CRL that does not verify', async () => {
    const tampered = await crl('2025-04-01T00:00:00Z', []);
    tampered[tampered.length - 1]! ^= 0xff;
    await expect(startCentral({ clock, store: new EligibilityStore(), trustAnchors: [pki.ca.der], crl: tampered })).rejects.toThrow(/^startCentral: crl\[0\]: crl-untrusted: /);
  });
});

describe('CRL freshness: nextUpdate on the virtual clock (option crl_stale_policy)', () => {
  // The card simulator's CRL issued at 2025-04-01 09:00 JST carries nextUpdate 24 h later.
  const ISSUED = Date.parse('2025-04-01T09:00:00+09:00');
  let jlis: SimulatedJlis;
  let revoked: Uint8Array;
  let good: Uint8Array;
  beforeAll(async () => {
    jlis = await createSimulatedJlis();
    const publicKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    revoked = await jlis.issueAuthCertificate({ publicKey, notBefore: '2023-04-01', notAfter: '2028-03-31', serialNumber: '1a01' });
    good = await jlis.issueAuthCertificate({ publicKey, notBefore: '2023-04-01', notAfter: '2028-03-31', serialNumber: '1a02' });
    jlis.revoke('1a01', 'returned', { at: Date.parse('2025-03-31T12:00:00+09:00') });
  });
  const load = async (lists: RevocationLists) => {
    const loaded = await lists.load(await jlis.crlDer(ISSUED), [jlis.authCaCertificateDer]);
    if (!loaded.ok) throw new Error(loaded.message);
    return loaded.crl;
  };

  it('reads the nextUpdate, revocationDate and reasonCode the simulated CA writes', async () => {
    const crl = await load(new RevocationLists());
    expect([crl.thisUpdate.toISOString(), crl.nextUpdate?.toISOString()]).toEqual(['2025-04-01T00:00:00.000Z', '2025-04-02T00:00:00.000Z']);
    // cessationOfOperation (5) for a returned card.
    expect(crl.revocations.get('1A01')).toEqual({ revokedAt: new Date('2025-03-31T03:00:00.000Z'), reasonCode: 5 });
  });

  it('policy refuse (default): fresh through the nextUpdate second, unknown (crl-stale) one second later', async () => {
    const lists = new RevocationLists();
    await load(lists);
    expect(lists.stalePolicy).toBe('refuse');
    expect(lists.statusOf(revoked, Date.parse('2025-04-02T09:00:00+09:00'))).toMatchObject({ state: 'revoked', reasonCode: 5 });
    expect(lists.statusOf(good, Date.parse('2025-04-02T09:00:00+09:00')).state).toBe('active');
    const late = lists.statusOf(good, Date.parse('2025-04-02T09:00:01+09:00'));
    expect(late.state).toBe('unknown');
    expect(late.state === 'unknown' && [late.reason, late.message.includes('nextUpdate 2025-04-02T00:00:00.000Z')]).toEqual(['crl-stale', true]);
    expect(lists.staleAt(Date.parse('2025-04-02T09:00:01+09:00')).length).toBe(1);
    expect(lists.staleAt(Date.parse('2025-04-02T09:00:00+09:00')).length).toBe(0);
  });

  it('policy warn: the stale list still answers, each use is recorded as a warning', async () => {
    const clock = new VirtualClock('2025-04-03T10:00:00+09:00');
    const lists = new RevocationLists({ clock, stalePolicy: 'warn' });
    await load(lists);
    const status = lists.statusOf(revoked, clock.now());
    expect([status.state, status.state !== 'unknown' && status.warning !== undefined]).toEqual(['revoked', true]);
    expect(lists.stateOf(good)).toBe('active');
    expect(lists.warnings().map((w) => [w.issuer.length > 0, w.nextUpdate, w.at])).toEqual([
      [true, '2025-04-02T00:00:00.000Z', Date.parse('2025-04-03T10:00:00+09:00')],
      [true, '2025-04-02T00:00:00.000Z', Date.parse('2025-04-03T10:00:00+09:00')],
    ]);
  });

  it('a newer CRL makes the issuer fresh again; a policy other than refuse / warn is refused', async () => {
    const lists = new RevocationLists();
    await load(lists);
    const at = Date.parse('2025-04-02T12:00:00+09:00');
    expect(lists.statusOf(good, at).state).toBe('unknown');
    expect((await lists.load(await jlis.crlDer(Date.parse('2025-04-02T11:00:00+09:00')), [jlis.authCaCertificateDer])).ok).toBe(true);
    expect(lists.statusOf(good, at).state).toBe('active');
    expect(() => lists.setStalePolicy('ignore' as never)).toThrow(/crl_stale_policy must be "refuse" or "warn"/);
  });

  it('a card check while the CRL is stale: refused certificate-status-unknown under refuse, accepted under warn', async () => {
    const pki = await createTestPki();
    const publicKey = createPublicKey({ key: Buffer.from(await webcrypto.subtle.exportKey('spki', pki.cardKeys.publicKey)), format: 'der', type: 'spki' });
    const cert = await jlis.issueAuthCertificate({ publicKey, notBefore: '2023-04-01', notAfter: '2028-03-31', serialNumber: '1a03' });
    const store = new EligibilityStore();
    store.addPerson({ id: 'saburo', name: '架空　三郎', birthDate: isoDate('1980-01-15'), sex: 1 }, [
      { insurerNumber: '138057', insurerName: '架空市', insurerKind: 'kokuho', number: '0457', relation: 'insured', cardClassification: '01', acquiredOn: isoDate('2020-04-01'), incomeClass: 'general' },
    ]);
    store.linkCertificate('saburo', cert);
    const clock = new VirtualClock('2025-04-02T09:00:00+09:00');
    const central = await startCentral({ clock, store, trustAnchors: [jlis.authCaCertificateDer], crl: await jlis.crlDer(ISSUED) });
    const post = async (path: string, body: unknown, method = 'POST') => (await fetch(`${central.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
    const check = async () => {
      const c = ChallengeResponse.parse(await post('/v1/challenges', {}));
      const signature = await pki.signWithCard(new Uint8Array(Buffer.from(c.nonce, 'base64')));
      const answer = CardCheckResponse.parse(await post('/v1/card-checks', { medicalInstitutionCode: '1310000000', method: 'pin', certificate: Buffer.from(cert).toString('base64'), challengeId: c.challengeId, signature: Buffer.from(signature).toString('base64') }));
      return [answer.accepted, answer.rejection?.reason];
    };
    try {
      expect(await check()).toEqual([true, undefined]);
      clock.set('2025-04-02T09:00:01+09:00');
      expect(await check()).toEqual([false, 'certificate-status-unknown']);
      await post('/admin/crl-policy', { policy: 'warn' }, 'PUT');
      expect(await check()).toEqual([true, undefined]);
    } finally {
      await central.close();
    }
  });

  it('GET / PUT /admin/crl-policy on a running central', async () => {
    const clock = new VirtualClock('2025-04-02T09:00:01+09:00');
    const central = await startCentral({ clock, store: new EligibilityStore(), trustAnchors: [jlis.authCaCertificateDer], crl: await jlis.crlDer(ISSUED) });
    try {
      const got = (await (await fetch(`${central.url}/admin/crl-policy`)).json()) as { policy: string; now: string; stale: Array<{ nextUpdate: string }> };
      expect([got.policy, got.now, got.stale.map((s) => s.nextUpdate)]).toEqual(['refuse', '2025-04-02T00:00:01.000Z', ['2025-04-02T00:00:00.000Z']]);
      const put = await fetch(`${central.url}/admin/crl-policy`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ policy: 'warn' }) });
      expect([put.status, ((await put.json()) as { policy: string }).policy]).toEqual([200, 'warn']);
      const bad = await fetch(`${central.url}/admin/crl-policy`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ policy: 'off' }) });
      expect([bad.status, ((await bad.json()) as { error: { field: string } }).error.field]).toEqual([400, 'policy']);
    } finally {
      await central.close();
    }
  });
});
