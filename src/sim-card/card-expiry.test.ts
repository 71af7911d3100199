/**
 * Default validities from birthdays (J-LIS: certificates «発行日後5回目の誕生日まで», the card
 * «発行日後10回目の誕生日まで», 5th for a holder under 18 at issue); explicit values win.
 */
import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { isoDate } from '../domain/index.js';
import { fromHex, toHex } from '../protocol/apdu.js';
import { cardOptionsFromPersona, parseCardPersona } from './card-persona.js';
import { createMyNumberCard, type CreateMyNumberCardOptions } from './create-card.js';
import { createSimulatedJlis, type SimulatedJlis } from './jlis-ca.js';
import type { MyNumberCard } from './jpki-card.js';

let jlis: SimulatedJlis;
beforeAll(async () => {
  jlis = await createSimulatedJlis();
});

const ADULT = { name: '試験 一郎', birthDate: '1990-02-03', sex: '1' as const, address: '東京都' };
const MINOR = { name: '試験 二郎', birthDate: '2010-06-15', sex: '1' as const, address: '東京都' };

function card(extra: Partial<CreateMyNumberCardOptions>): Promise<MyNumberCard> {
  return createMyNumberCard({ jlis, authPin: '1234', keyLabel: 'test-card', myNumber: '983205673214', ...extra });
}

const validTo = (der: Uint8Array | undefined): string => new X509Certificate(der!).validTo;

/** The card expiry as the 券面AP shows it (DF 29), read with PIN A. */
function faceExpiry(c: MyNumberCard): string {
  const send = (hex: string): Uint8Array => c.process(fromHex(hex));
  send('00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 02');
  send('00 A4 02 0C 02 00 13');
  send('00 20 00 80 0C 39 38 33 32 30 35 36 37 33 32 31 34');
  send('00 A4 02 0C 02 00 02');
  const ef = send('00 B0 00 00 00 00 00');
  const at = (ef[8 + 2 * 7]! << 8) | ef[9 + 2 * 7]!; // 8th offset: DF 29
  return toHex(ef.subarray(at, at + 11));
}

describe('validity from birthdays', () => {
  it('adult issued 2025-04-01: certificates to 2030-02-03 (5th birthday), card to 2035-02-03 (10th)', async () => {
    const c = await card({ holder: ADULT, issuedOn: '2025-04-01' });
    // 23:59:59 JST on 2030-02-03 = 14:59:59 GMT
    expect(validTo(c.authCertificateDer)).toBe('Feb  3 14:59:59 2030 GMT');
    expect(validTo(c.signCertificateDer)).toBe('Feb  3 14:59:59 2030 GMT');
    expect(faceExpiry(c)).toBe('DF 29 08 32 30 33 35 30 32 30 33');
  });

  it('holder aged 14 at issue: card to the 5th birthday (2029-06-15: 2025 is the 1st), certificates the same day', async () => {
    const c = await card({ holder: MINOR, issuedOn: '2025-04-01' });
    expect(faceExpiry(c)).toBe('DF 29 08 32 30 32 39 30 36 31 35');
    expect(validTo(c.authCertificateDer)).toBe('Jun 15 14:59:59 2029 GMT');
  });

  it('a certificate never outlives an explicit, earlier card expiry', async () => {
    const c = await card({ holder: ADULT, issuedOn: '2025-04-01', cardExpiresOn: '2028-01-31' });
    expect(validTo(c.authCertificateDer)).toBe('Jan 31 14:59:59 2028 GMT');
    expect(faceExpiry(c)).toBe('DF 29 08 32 30 32 38 30 31 33 31');
  });

  it('explicit certificate dates win over the birthdays', async () => {
    const c = await card({ holder: ADULT, authCertificate: { notBefore: '2025-04-01', notAfter: '2026-12-31' } });
    expect(validTo(c.authCertificateDer)).toBe('Dec 31 14:59:59 2026 GMT');
    // the card still counts from the certificate's notBefore as the issue date
    expect(faceExpiry(c)).toBe('DF 29 08 32 30 33 35 30 32 30 33');
  });

  it('asks for an issue date when there is neither issuedOn nor authCertificate', async () => {
    await expect(card({ holder: ADULT })).rejects.toThrow(/give issuedOn \(YYYY-MM-DD\) or authCertificate/);
    await expect(card({ holder: ADULT, issuedOn: '2025-02-30' })).rejects.toThrow(/issuedOn must be a calendar date YYYY-MM-DD, received "2025-02-30"/);
  });

  it('a persona with issuedOn and a holder gets the birthday validities through cardOptionsFromPersona', async () => {
    const persona = parseCardPersona(JSON.stringify({ issuedOn: '2025-04-01', holder: ADULT, myNumber: '983205673214', keyLabel: 'test-card' }), 'p.json');
    const c = await createMyNumberCard({ jlis, ...cardOptionsFromPersona(persona, isoDate('2026-05-10')) });
    expect(validTo(c.authCertificateDer)).toBe('Feb  3 14:59:59 2030 GMT');
  });
});
