import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { IssueAuthCertificateOptions, SimulatedJlis } from '../sim-card/index.js';
import { rememberingIssuer } from './issued-certificates.js';

/** A stand-in J-LIS that counts issuances and answers a DER naming its call number. */
function countingJlis(): { jlis: SimulatedJlis; calls: string[] } {
  const calls: string[] = [];
  const issue = (kind: string) => async (opts: IssueAuthCertificateOptions): Promise<Uint8Array> => {
    calls.push(`${kind} ${opts.notBefore}..${opts.notAfter}`);
    if (opts.notAfter === 'fail') throw new RangeError('issueAuthCertificate: notAfter: not a date');
    return new Uint8Array([calls.length]);
  };
  const jlis = { authCaCertificateDer: new Uint8Array([0xca]), issueAuthCertificate: issue('auth'), issueSignCertificate: issue('sign') } as unknown as SimulatedJlis;
  return { jlis, calls };
}

const key1 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
const key2 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;

describe('rememberingIssuer', () => {
  it('issues once per key and validity, and again for another key, validity or certificate kind', async () => {
    const { jlis, calls } = countingJlis();
    const j = rememberingIssuer(jlis);
    const a = await j.issueAuthCertificate({ publicKey: key1, notBefore: '2023-04-01', notAfter: '2028-11-03' });
    const b = await j.issueAuthCertificate({ publicKey: key1, notBefore: '2023-04-01', notAfter: '2028-11-03' });
    await j.issueAuthCertificate({ publicKey: key2, notBefore: '2023-04-01', notAfter: '2028-11-03' });
    await j.issueAuthCertificate({ publicKey: key1, notBefore: '2023-04-02', notAfter: '2028-11-03' });
    await j.issueSignCertificate({ publicKey: key1, notBefore: '2023-04-01', notAfter: '2028-11-03', holder: { name: '佐藤　花子', birthDate: '1972-11-03', sex: '2', address: '' } });
    expect(calls).toEqual(['auth 2023-04-01..2028-11-03', 'auth 2023-04-01..2028-11-03', 'auth 2023-04-02..2028-11-03', 'sign 2023-04-01..2028-11-03']);
    expect([...a]).toEqual([1]);
    expect([...b]).toEqual([1]);
  });

  it('hands out copies: changing one does not change the next scenario’s certificate', async () => {
    const { jlis } = countingJlis();
    const j = rememberingIssuer(jlis);
    const first = await j.issueAuthCertificate({ publicKey: key1, notBefore: '2023-04-01', notAfter: '2028-11-03' });
    first[0] = 0xff;
    expect([...(await j.issueAuthCertificate({ publicKey: key1, notBefore: '2023-04-01', notAfter: '2028-11-03' }))]).toEqual([1]);
  });

  it('does not remember a failure, and keeps everything else of the J-LIS', async () => {
    const { jlis, calls } = countingJlis();
    const j = rememberingIssuer(jlis);
    await expect(j.issueAuthCertificate({ publicKey: key1, notBefore: '2023-04-01', notAfter: 'fail' })).rejects.toThrow('notAfter: not a date');
    await expect(j.issueAuthCertificate({ publicKey: key1, notBefore: '2023-04-01', notAfter: 'fail' })).rejects.toThrow('notAfter: not a date');
    expect(calls).toHaveLength(2);
    expect([...j.authCaCertificateDer]).toEqual([0xca]);
  });
});
