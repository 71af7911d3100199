import { generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { SignatureWorker } from './signature-worker.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const nonce = (i: number): Uint8Array => new Uint8Array(32).fill(i & 0xff);
const signed = (i: number, key = rsa.privateKey): Uint8Array => new Uint8Array(sign('sha256', nonce(i), key));

const workers: SignatureWorker[] = [];
afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
});
const fresh = (threads?: number): SignatureWorker => {
  const w = new SignatureWorker(threads === undefined ? {} : { threads });
  workers.push(w);
  return w;
};

describe('SignatureWorker (batched RSA PKCS#1 v1.5 / SHA-256 checks on a worker thread)', () => {
  it.each([1, 2, 3])('answers each check of one batch with its own verdict (%i threads)', async (threads) => {
    const w = fresh(threads);
    // 40 checks queued in one turn travel as one batch; every third one is signed over another nonce.
    const verdicts = await Promise.all(Array.from({ length: 40 }, (_, i) => w.verify(rsa.publicKey, nonce(i), signed(i % 3 === 0 ? i + 1 : i))));
    expect(verdicts.map((ok, i) => [i, ok]).filter(([, ok]) => !ok).map(([i]) => i)).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, 36, 39]);
  });

  it('tells keys apart within a batch and across batches', async () => {
    const w = fresh();
    const first = await Promise.all([w.verify(rsa.publicKey, nonce(1), signed(1)), w.verify(otherRsa.publicKey, nonce(1), signed(1)), w.verify(otherRsa.publicKey, nonce(2), signed(2, otherRsa.privateKey))]);
    expect(first).toEqual([true, false, true]);
    expect(await w.verify(rsa.publicKey, nonce(2), signed(2, otherRsa.privateKey))).toBe(false);
    expect(await w.verify(otherRsa.publicKey, nonce(3), signed(3, otherRsa.privateKey))).toBe(true);
  });

  it('answers false, never rejects, for a flipped bit, an empty or oversized signature, and a non-RSA key', async () => {
    const w = fresh();
    const flipped = signed(5);
    flipped[100] = flipped[100]! ^ 0x01;
    expect(await w.verify(rsa.publicKey, nonce(5), flipped)).toBe(false);
    expect(await w.verify(rsa.publicKey, nonce(5), new Uint8Array())).toBe(false);
    expect(await w.verify(rsa.publicKey, nonce(5), new Uint8Array(70_000))).toBe(false);
    expect(await w.verify(ec.publicKey, nonce(5), signed(5))).toBe(false);
  });

  it('still answers every check queued or in flight when closed, and after', async () => {
    const w = fresh();
    const pending = Array.from({ length: 10 }, (_, i) => w.verify(rsa.publicKey, nonce(i), signed(i === 4 ? 99 : i)));
    await w.close();
    expect(await Promise.all(pending)).toEqual([true, true, true, true, false, true, true, true, true, true]);
    expect(await w.verify(rsa.publicKey, nonce(7), signed(7))).toBe(true);
    expect(await w.verify(rsa.publicKey, nonce(7), signed(8))).toBe(false);
  });
});

describe('SignatureWorker and process lifetime', () => {
  it('lets a process exit once idle, and keeps it alive while a check is in flight', async () => {
    // A child process (tsx, like the CLI in development) that verifies once then leaves nothing else alive.
    const { spawnSync } = await import('node:child_process');
    const script = `
      import { generateKeyPairSync, sign } from 'node:crypto';
      import { SignatureWorker } from './src/sim-backend/central/signature-worker.ts';
      const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const data = new Uint8Array(32).fill(7);
      const w = new SignatureWorker();
      w.verify(publicKey, data, new Uint8Array(sign('sha256', data, privateKey))).then((ok) => console.log('verdict', ok));
    `;
    const started = Date.now();
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: new URL('../../../', import.meta.url), encoding: 'utf8', timeout: 20_000 });
    expect([child.status, child.stdout.trim()]).toEqual([0, 'verdict true']);
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 30_000);
});
