/**
 * Unmodified OpenSC against the emulated My Number card, through pcscd and vsmartcard's vpcd:
 * the card is the project's own (createMyNumberCard), the bridge is connectToVpcd, and everything
 * else is the Debian packages pcscd, vsmartcard-vpcd, opensc (and openssl) as installed.
 *
 * The first commands let OpenSC probe every driver (≈ 40 APDUs of foreign AIDs and GET DATA the
 * card must refuse cleanly); the later ones set OPENSC_DRIVER=jpki, only to keep the suite short
 * (probing through pcscd costs ≈ 1.7 s a command here; it is not flaky).
 *
 * Needs root (pcscd) and the packages; set MYNA_RIG_SKIP_INTEROP=1 to skip on a machine without them.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMyNumberCard } from '../../src/sim-card/create-card.js';
import { createSimulatedJlis } from '../../src/sim-card/jlis-ca.js';
import type { MyNumberCard } from '../../src/sim-card/jpki-card.js';
import { connectToVpcd, type VpcdBridge } from '../../src/sim-card/vpcd-bridge.js';
import { acquirePcscLock, ensurePcscd, missingPrograms, OPENSC_PKCS11, run, VPCD_PORT, waitFor, type Pcscd } from './pcsc-env.js';

const SKIP = process.env['MYNA_RIG_SKIP_INTEROP'] === '1';
const AUTH_PIN = '4711';
const SIGN_PIN = 'MYNA2025';
const FORCED = { OPENSC_DRIVER: 'jpki' };

let pcscd: Pcscd | undefined;
let releaseLock: (() => void) | undefined;
let bridge: VpcdBridge | undefined;
let card: MyNumberCard;
let dir: string;

function pemBody(pem: string): string {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem);
  return (m?.[1] ?? '').replace(/\s/g, '');
}

function derBase64(der: Uint8Array): string {
  return Buffer.from(der).toString('base64');
}

describe.skipIf(SKIP)('OpenSC against the emulated card (pcscd + vpcd)', () => {
  beforeAll(async () => {
    const missing = missingPrograms();
    if (missing.length > 0) {
      throw new Error(
        `interop: missing ${missing.join(', ')}; apt-get install -y pcscd vsmartcard-vpcd opensc pcsc-tools (or MYNA_RIG_SKIP_INTEROP=1)`,
      );
    }
    dir = mkdtempSync(join(tmpdir(), 'myna-interop-'));
    const jlis = await createSimulatedJlis();
    card = await createMyNumberCard({
      jlis,
      authPin: AUTH_PIN,
      signPin: SIGN_PIN,
      authCertificate: { notBefore: '2025-04-01', notAfter: '2030-03-31' },
      keyLabel: 'interop-card',
    });
    releaseLock = await acquirePcscLock();
    pcscd = await ensurePcscd();
    bridge = connectToVpcd({ card, port: VPCD_PORT });
    await bridge.connected;
    await waitFor(
      'the card to appear in reader "Virtual PCD 00 00"',
      async () => /^0\s+Yes\s+Virtual PCD 00 00/m.test((await run('/usr/bin/opensc-tool', ['-l'], { timeoutMs: 5000 })).stdout),
      10_000,
    );
  }, 240_000);

  afterAll(async () => {
    await bridge?.close();
    await pcscd?.stop();
    releaseLock?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('opensc-tool -n names the card jpki after the other drivers probed it', async () => {
    const r = await run('/usr/bin/opensc-tool', ['-n']);
    expect(r.stdout.trim()).toBe('jpki');
  });

  it('pkcs15-tool --list-certificates lists the four JPKI certificates, the sign one private', async () => {
    const r = await run('/usr/bin/pkcs15-tool', ['--list-certificates']);
    expect(r.code).toBe(0);
    for (const label of [
      'X.509 Certificate [User Authentication Certificate]',
      'X.509 Certificate [Digital Signature Certificate]',
      'X.509 Certificate [User Authentication Certificate CA]',
      'X.509 Certificate [Digital Signature Certificate CA]',
    ]) {
      expect(r.stdout).toContain(label);
    }
    expect(r.stdout).toMatch(/Digital Signature Certificate\]\n\tObject Flags\s+: \[0x01\], private\n\tAuthority\s+: no\n\tPath\s+: 0001/);
  });

  it('pkcs15-tool --read-certificate 01 gives the card’s auth certificate', async () => {
    const r = await run('/usr/bin/pkcs15-tool', ['--read-certificate', '01'], { env: FORCED });
    expect(r.code).toBe(0);
    expect(pemBody(r.stdout)).toBe(derBase64(card.authCertificateDer));
  });

  it('pkcs15-tool --read-certificate 02 fails without the sign PIN and works with --verify-pin --auth-id 02', async () => {
    const denied = await run('/usr/bin/pkcs15-tool', ['--read-certificate', '02'], { env: FORCED });
    expect(denied.code).not.toBe(0);
    expect(denied.stdout).not.toContain('BEGIN CERTIFICATE');
    const r = await run('/usr/bin/pkcs15-tool', ['--read-certificate', '02', '--verify-pin', '--auth-id', '02', '--pin', SIGN_PIN], { env: FORCED });
    expect(r.code).toBe(0);
    expect(pemBody(r.stdout)).toBe(derBase64(card.signCertificateDer!));
  });

  it.each([
    ['01', 0, AUTH_PIN, () => card.authCertificateDer],
    ['02', 1, SIGN_PIN, () => card.signCertificateDer!],
  ] as const)('pkcs11-tool signs SHA256-RSA-PKCS with key %s (slot index %i); openssl verifies it', async (id, slot, pin, certOf) => {
    const data = join(dir, `data-${id}.bin`);
    const sig = join(dir, `sig-${id}.bin`);
    const pub = join(dir, `pub-${id}.pem`);
    writeFileSync(data, `myna-rig interop ${id}\n`);
    writeFileSync(pub, new X509Certificate(certOf()).publicKey.export({ type: 'spki', format: 'pem' }));
    const r = await run(
      '/usr/bin/pkcs11-tool',
      ['--module', OPENSC_PKCS11, '--slot-index', String(slot), '--login', '--pin', pin, '--sign', '--id', id, '-m', 'SHA256-RSA-PKCS', '-i', data, '-o', sig],
      { env: FORCED },
    );
    expect(r.code, r.stderr).toBe(0);
    const v = await run('/usr/bin/openssl', ['dgst', '-sha256', '-verify', pub, '-signature', sig, data]);
    expect(v.stdout.trim()).toBe('Verified OK');
  });

  it('pkcs15-tool --list-pins shows the tries left dropping after wrong PINs and the lock after 3', async () => {
    const triesLeft = async (forced: boolean): Promise<string[]> => {
      const r = await run('/usr/bin/pkcs15-tool', ['--list-pins'], forced ? { env: FORCED } : {});
      expect(r.code).toBe(0);
      return [...r.stdout.matchAll(/Tries left\s+: (\d+)/g)].map((m) => m[1]!);
    };
    expect(await triesLeft(false)).toEqual(['3', '5']);
    const wrong = (auth: '01' | '02', pin: string) => run('/usr/bin/pkcs15-tool', ['--verify-pin', '--auth-id', auth, '--pin', pin], { env: FORCED });
    expect((await wrong('01', '0000')).code).not.toBe(0);
    expect(await triesLeft(true)).toEqual(['2', '5']);
    expect((await wrong('02', 'WRONG1')).code).not.toBe(0);
    expect(await triesLeft(true)).toEqual(['2', '4']);
    await wrong('01', '0000');
    await wrong('01', '0000');
    expect(await triesLeft(true)).toEqual(['0', '4']);
    expect(card.authPinBlocked).toBe(true);
    // Locked: even the right PIN is refused (the card answers 69 83, OpenSC reports it locked).
    const right = await run('/usr/bin/pkcs15-tool', ['--verify-pin', '--auth-id', '01', '--pin', AUTH_PIN], { env: FORCED });
    expect(right.code).not.toBe(0);
    expect(right.stderr + right.stdout).toMatch(/locked|blocked/i);
  });
});
