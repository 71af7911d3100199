import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSimulatedJlis } from './jlis-ca.js';

describe('simulated J-LIS: TEST-ONLY delegated OCSP signer', () => {
  it('is issued by the auth CA with id-kp-OCSPSigning, ocsp-nocheck, a fixed serial, and its key', async () => {
    const jlis = await createSimulatedJlis();
    const signer = await jlis.issueOcspSigner();
    const cert = new X509Certificate(signer.certificateDer);
    const ca = new X509Certificate(jlis.authCaCertificateDer);
    expect([cert.checkIssued(ca), cert.verify(ca.publicKey)]).toEqual([true, true]);
    expect(cert.serialNumber).toBe('7F000001');
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.9']);
    expect(cert.subject).toContain('OU=TEST ONLY - myna-rig simulated J-LIS (not a real CA)');
    expect([cert.validFrom, cert.validTo]).toEqual(['Dec 31 15:00:00 2014 GMT', 'Dec 31 14:59:59 2040 GMT']);
    // id-pkix-ocsp-nocheck (1.3.6.1.5.5.7.48.1.5), DER 06 09 2B 06 01 05 05 07 30 01 05 then OCTET STRING { 05 00 }.
    expect(Buffer.from(signer.certificateDer).toString('hex')).toContain('06092b0601050507300105040205' + '00');
    const publicOfPrivate = createPublicKey(createPrivateKey({ key: Buffer.from(signer.privateKeyPkcs8Der), format: 'der', type: 'pkcs8' }));
    expect(publicOfPrivate.export({ type: 'spki', format: 'der' }).equals(cert.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
  });

  it('the sign CA has its own signer', async () => {
    const jlis = await createSimulatedJlis();
    const cert = new X509Certificate((await jlis.issueOcspSigner({ ca: 'sign' })).certificateDer);
    expect(cert.checkIssued(new X509Certificate(jlis.signCaCertificateDer))).toBe(true);
    expect(cert.subject).toContain('OU=JPKI OCSP responder for digital signature');
  });
});
