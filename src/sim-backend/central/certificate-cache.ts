import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import * as pkijs from 'pkijs';
import type { CertificateValidity } from '../../domain/index.js';
import { issuerAndSerialKey, subjectPublicKeyInfoDer } from './certificate-der.js';

/**
 * What the central system derives from a certificate's bytes, computed once. Everything here is a
 * pure function of the DER, so it can be shared between requests; what depends on the check date
 * (validity, grace) or on J-LIS state (revocation) is NOT here and is judged per request.
 */
export interface ParsedCertificate {
  /** Hex SHA-256 of the DER: the cache key, and how trust-anchor sets are named. */
  readonly digest: string;
  readonly certificate: pkijs.Certificate;
  /** issuerAndSerialKey: how the store finds links and J-LIS states. */
  readonly issuerSerialKey: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The subject public key, or undefined when node cannot import it. */
  readonly publicKey: KeyObject | undefined;
  /**
   * Chain verdicts by trust-anchor set (see certificate-check.ts). A verdict is kept with the
   * window of instants in which it cannot change (every certificate of the path within its
   * validity), and is reused only for a check date inside that window.
   */
  readonly chainVerdicts: Map<string, CachedChainVerdict>;
  /**
   * Chain checks under way, by trust-anchor set: concurrent first checks of one card wait for the
   * same pkijs run instead of each starting one (only for check dates inside the verdict window,
   * where the verdict would be cached anyway).
   */
  readonly pendingVerdicts: Map<string, Promise<ChainVerdict>>;
  /**
   * The last validity judgement (certificate-check.ts), keyed by its inputs (check date, grace
   * rule): consecutive checks of one card on one day judge the same dates again.
   */
  lastValidity?: { key: string; value: CertificateValidity };
}

export interface ChainVerdict {
  ok: boolean;
  message: string;
}

export interface CachedChainVerdict extends ChainVerdict {
  /** Inclusive epoch-ms window of check dates for which the verdict holds. */
  from: number;
  to: number;
}

/** Bounded: a scenario or bench sees few certificates, a long run may see many. */
export const CERTIFICATE_CACHE_SIZE = 1024;

/** SHA-256 of the DER → parse; Map iteration order makes it an LRU (re-inserted on every hit). */
const cache = new Map<string, ParsedCertificate>();
/** A DER that is not a certificate is remembered too, so garbage is not re-parsed on every call. */
const failures = new Map<string, Error>();

/**
 * The same byte array seen again (one request hands its certificate to the chain check, the J-LIS
 * state, the signature check and the link lookup; the trust anchors are the same arrays every
 * time): its entry without hashing again. Keyed by the array object, but only trusted after a
 * byte-for-byte comparison with the DER the entry was parsed from, so a mutated array misses.
 */
const byArray = new WeakMap<Uint8Array, { der: Buffer; parsed: ParsedCertificate }>();

/** The parsed certificate for these bytes; throws, naming `where`, when they are not one. */
export function parsedCertificate(der: Uint8Array, where: string): ParsedCertificate {
  const seen = byArray.get(der);
  if (seen && cache.get(seen.parsed.digest) === seen.parsed && seen.der.equals(der)) return seen.parsed;
  const parsed = parsedByDigest(der, where);
  byArray.set(der, { der: Buffer.from(der), parsed });
  return parsed;
}

function parsedByDigest(der: Uint8Array, where: string): ParsedCertificate {
  const digest = createHash('sha256').update(der).digest('hex');
  const hit = cache.get(digest);
  if (hit) {
    cache.delete(digest);
    cache.set(digest, hit);
    return hit;
  }
  const failed = failures.get(digest);
  if (failed) throw notACertificate(where, failed);
  let certificate: pkijs.Certificate;
  try {
    certificate = pkijs.Certificate.fromBER(der);
  } catch (e) {
    const cause = e instanceof Error ? e : new Error(String(e));
    remember(failures, digest, cause);
    throw notACertificate(where, cause);
  }
  const parsed: ParsedCertificate = {
    digest,
    certificate,
    issuerSerialKey: issuerAndSerialKey(certificate),
    notBefore: certificate.notBefore.value,
    notAfter: certificate.notAfter.value,
    publicKey: importPublicKey(certificate),
    chainVerdicts: new Map(),
    pendingVerdicts: new Map(),
  };
  remember(cache, digest, parsed);
  return parsed;
}

/**
 * base64 text → its bytes, for certificates that come again and again (every check of a card).
 * Keyed by the text's length and last characters (the end of a certificate is its signature,
 * unique to it), so a lookup hashes a few dozen characters instead of the whole ~1.6 KB text; an
 * entry is used only when its full text equals the one asked for.
 */
const decoded = new Map<string, { text: string; bytes: Uint8Array }>();
const KEY_TAIL = 40;
const decodedKey = (text: string): string => `${text.length}:${text.slice(-KEY_TAIL)}`;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Strict base64: the standard alphabet, then at most two '=' at the end, and a length that is not
 * 1 mod 4. (A regex: irregexp runs it about twice as fast as a charCodeAt loop over a signature.)
 */
export function isStrictBase64(text: string): boolean {
  return text.length % 4 !== 1 && BASE64.test(text);
}

/**
 * A certificate's bytes from the strict base64 of a request (standard alphabet, optional padding),
 * or undefined when the text is not that. The same text gives the same array (so the parse above
 * is found by identity, after its byte comparison); callers must not write into it.
 */
export function certificateBytes(base64: string): Uint8Array | undefined {
  const key = decodedKey(base64);
  const hit = decoded.get(key);
  if (hit !== undefined && hit.text === base64) return hit.bytes;
  if (!isStrictBase64(base64)) return undefined;
  const bytes = new Uint8Array(Buffer.from(base64, 'base64'));
  remember(decoded, key, { text: base64, bytes });
  return bytes;
}

/** Strict base64 (standard alphabet, optional padding) → bytes; undefined when it is not. Read-only. */
export function strictBase64Bytes(text: string): Uint8Array | undefined {
  const bytes = Buffer.from(text, 'base64');
  // Canonical padded base64 encodes back to itself: that proves it strict without the regex (which
  // costs several times the decoding). Anything else — unpadded, or not base64 — is judged by it.
  if (bytes.toString('base64') === text) return bytes;
  return isStrictBase64(text) ? bytes : undefined;
}

/** Empties the cache (tests, or a caller that wants to measure cold parses). */
export function clearCertificateCache(): void {
  cache.clear();
  failures.clear();
  decoded.clear();
}

/** How many certificates are cached now (tests). */
export function certificateCacheSize(): number {
  return cache.size;
}

function notACertificate(where: string, cause: Error): Error {
  return new Error(`${where}: the bytes are not a DER X.509 certificate (${cause.message})`, { cause });
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.set(key, value);
  while (map.size > CERTIFICATE_CACHE_SIZE) {
    const oldest = map.keys().next().value as string;
    map.delete(oldest);
  }
}

function importPublicKey(certificate: pkijs.Certificate): KeyObject | undefined {
  try {
    return createPublicKey({ key: Buffer.from(subjectPublicKeyInfoDer(certificate)), format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
}
