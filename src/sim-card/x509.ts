/**
 * @peculiar/x509, ready to use: it relies on tsyringe, which refuses to load without a Reflect
 * metadata polyfill (the library's README asks for `import 'reflect-metadata'` before it), and it
 * needs a WebCrypto provider, which is Node's own. Import x509 from here, never directly, so the
 * polyfill is always evaluated first.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

// Node's webcrypto is the provider; its type is Node's, the library's parameter is the DOM one.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509, webcrypto };

export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;

/** RSASSA-PKCS1-v1_5 with SHA-256 (sha256WithRSAEncryption), the algorithm of JPKI certificates. */
export const RSA_SHA256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
