import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../protocol/apdu.js';
import { createMyNumberCard } from './create-card.js';
import { createSimulatedJlis, type SimulatedJlis } from './jlis-ca.js';
import { getRsaKeyPair } from './key-cache.js';

const validity = { notBefore: '2024-10-01', notAfter: '2029-09-30' };

let jlis: SimulatedJlis;

beforeAll(async () => {
  jlis = await createSimulatedJlis();
});

function emptyVerify(card: { process(c: Uint8Array): Uint8Array }): string {
  card.process(fromHex('00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01'));
  card.process(fromHex('00 A4 02 0C 02 00 18'));
  return toHex(card.process(fromHex('00 20 00 80')));
}

describe('createMyNumberCard', () => {
  it('issues the auth certificate for the cached key of the given label, with the given validity', async () => {
    const card = await createMyNumberCard({ jlis, authPin: '4321', authCertificate: validity, keyLabel: 'test-card' });
    const cert = new X509Certificate(card.authCertificateDer);
    const keys = await getRsaKeyPair('test-card');
    expect(cert.publicKey.export({ type: 'spki', format: 'pem' })).toBe(keys.publicKeyPem);
    expect(cert.validFrom).toBe('Sep 30 15:00:00 2024 GMT');
    expect(cert.validTo).toBe('Sep 30 14:59:59 2029 GMT');
    expect(cert.verify(jlis.authCaPublicKey)).toBe(true);
    expect(card.authPinTriesLeft).toBe(3);
  });

  it('passes a fixed serial through to the certificate', async () => {
    const card = await createMyNumberCard({
      jlis,
      authPin: '4321',
      authCertificate: { ...validity, serialNumber: '7e57' },
      keyLabel: 'test-card',
    });
    expect(new X509Certificate(card.authCertificateDer).serialNumber).toBe('7E57');
  });

  it('starts with the given tries left: 1 → 63 C1, 0 → blocked (63 C0, then 69 83)', async () => {
    const one = await createMyNumberCard({ jlis, authPin: '4321', authCertificate: validity, keyLabel: 'test-card', authPinTriesLeft: 1 });
    expect(emptyVerify(one)).toBe('63 C1');
    const blocked = await createMyNumberCard({ jlis, authPin: '4321', authCertificate: validity, keyLabel: 'test-card', authPinTriesLeft: 0 });
    expect(emptyVerify(blocked)).toBe('63 C0');
    expect(toHex(blocked.process(fromHex('00 20 00 80 04 34 33 32 31')))).toBe('69 83');
  });

  it('uses a custom ATR when given one', async () => {
    const card = await createMyNumberCard({
      jlis,
      authPin: '4321',
      authCertificate: validity,
      keyLabel: 'test-card',
      atr: fromHex('3B E0 00 FF 81 31 FE 45 14'),
    });
    expect(toHex(card.atr)).toBe('3B E0 00 FF 81 31 FE 45 14');
  });

  it('refuses a PIN that is not 4 digits, without echoing it', async () => {
    for (const pin of ['123', '12345', '12a4', '１２３４', '']) {
      const attempt = createMyNumberCard({ jlis, authPin: pin, authCertificate: validity, keyLabel: 'test-card' });
      await expect(attempt).rejects.toThrow(/createMyNumberCard: authPin must be exactly 4 digits 0–9/);
    }
    await expect(createMyNumberCard({ jlis, authPin: '98765', authCertificate: validity, keyLabel: 'test-card' })).rejects.toThrow(
      /^(?!.*98765).*received 5 characters/,
    );
  });

  it('refuses tries left outside 0–3', async () => {
    for (const tries of [4, -1, 1.5]) {
      await expect(
        createMyNumberCard({ jlis, authPin: '4321', authCertificate: validity, keyLabel: 'test-card', authPinTriesLeft: tries }),
      ).rejects.toThrow(/authPinTriesLeft must be an integer 0–3/);
    }
  });

  it('refuses a bad certificate validity with the issuer’s message', async () => {
    await expect(
      createMyNumberCard({ jlis, authPin: '4321', authCertificate: { notBefore: '2024-10-01', notAfter: '2024-13-01' }, keyLabel: 'test-card' }),
    ).rejects.toThrow(/notAfter: not a calendar date: "2024-13-01"/);
  });
});
