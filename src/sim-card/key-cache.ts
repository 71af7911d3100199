/**
 * TEST-ONLY key pairs (RSA-2048 for the card and the simulated J-LIS CA, P-256 for the reader's
 * attestation key), generated once and kept on disk so that a test suite does not spend seconds
 * generating RSA keys on every run.
 *
 * Key material is the one thing in the rig that does not come from the seeded Rng: it is made by
 * node:crypto's real randomness, because a "seeded" RSA key would need a home-made prime search.
 * Determinism of a run therefore rests on the cache: the same label gives the same key on every
 * run once the file exists.
 *
 * Files: `<dir>/TEST-ONLY-<label>.rsa2048.pem` and `<dir>/TEST-ONLY-<label>.p256.pem`, each a
 * PKCS#8 private key preceded by a comment header saying the key is test-only. The key kind is in
 * the name so that one label can have both an RSA and an EC key without the two colliding.
 * `<dir>` is `$MYNA_RIG_CACHE_DIR` or `<cwd>/node_modules/.cache/myna-rig/keys`.
 *
 * Concurrency: two vitest forks may ask for the same missing key at once. Each writes its own
 * temporary file and then hard-links it to the final name; link() fails if the name exists, so
 * exactly one key wins and the loser reads the winner's file. Within one process, concurrent
 * calls share one promise (in-memory map).
 */
import { createPrivateKey, createPublicKey, generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';


export interface CachedKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** PKCS#8 PEM, without the test-only comment header. */
  privateKeyPem: string;
  /** SubjectPublicKeyInfo PEM. */
  publicKeyPem: string;
}

type KeyKind = 'rsa2048' | 'p256';

const LABEL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

const memory = new Map<string, Promise<CachedKeyPair>>();

/** Where cached keys live (read at call time, so tests can point it at a temporary directory). */
export function keyCacheDir(): string {
  const fromEnv = process.env['MYNA_RIG_CACHE_DIR'];
  return fromEnv && fromEnv.length > 0 ? fromEnv : join(process.cwd(), 'node_modules', '.cache', 'myna-rig', 'keys');
}

/** The file that holds (or will hold) a cached key. */
export function keyCacheFile(label: string, kind: KeyKind): string {
  checkLabel(label);
  return join(keyCacheDir(), `TEST-ONLY-${label}.${kind}.pem`);
}

/** A TEST-ONLY RSA-2048 key pair (public exponent 65537), generated on first use and cached. */
export async function getRsaKeyPair(label: string): Promise<CachedKeyPair> {
  return cached(label, 'rsa2048');
}

/** A TEST-ONLY ECDSA P-256 key pair, generated on first use and cached. */
export async function getEcKeyPair(label: string): Promise<CachedKeyPair> {
  return cached(label, 'p256');
}

function checkLabel(label: string): void {
  if (!LABEL.test(label)) {
    throw new RangeError(
      `key-cache: invalid key label ${JSON.stringify(label)}; use 1–100 characters of A–Z, a–z, 0–9, ".", "_", "-", starting with a letter or digit (e.g. "card-persona-1")`,
    );
  }
}

function cached(label: string, kind: KeyKind): Promise<CachedKeyPair> {
  const file = keyCacheFile(label, kind);
  let entry = memory.get(file);
  if (!entry) {
    entry = loadOrCreate(file, label, kind);
    // A failure must not stick: the next call may succeed (e.g. after the directory is fixed).
    entry.catch(() => memory.delete(file));
    memory.set(file, entry);
  }
  return entry;
}

async function loadOrCreate(file: string, label: string, kind: KeyKind): Promise<CachedKeyPair> {
  const existing = await readIfExists(file);
  if (existing !== undefined) return parseKeyFile(existing, file, kind);

  const privateKeyPem = await generate(kind);
  await mkdir(keyCacheDir(), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, header(label, kind) + privateKeyPem, { mode: 0o600 });
  try {
    await link(temp, file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      // Another process won the race: use its key so that every process agrees.
      await unlink(temp).catch(() => undefined);
      return parseKeyFile(await readFile(file, 'utf8'), file, kind);
    }
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') {
      // File system without hard links: fall back to an atomic rename (last writer wins).
      await rename(temp, file);
      return parseKeyFile(await readFile(file, 'utf8'), file, kind);
    }
    await unlink(temp).catch(() => undefined);
    throw new Error(`key-cache: could not store the ${kind} key for "${label}" at ${file}: ${String(error)}`, { cause: error });
  }
  await unlink(temp).catch(() => undefined);
  return parseKeyFile(header(label, kind) + privateKeyPem, file, kind);
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Generates off the main thread (libuv pool), resolving with the PKCS#8 PEM private key. */
function generate(kind: KeyKind): Promise<string> {
  const encoding = { privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } } as const;
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, _publicKey: string, privateKey: string): void => (error ? reject(error) : resolve(privateKey));
    if (kind === 'rsa2048') generateKeyPair('rsa', { modulusLength: 2048, publicExponent: 0x10001, ...encoding }, done);
    else generateKeyPair('ec', { namedCurve: 'P-256', ...encoding }, done);
  });
}

function header(label: string, kind: KeyKind): string {
  const what = kind === 'rsa2048' ? 'RSA-2048' : 'ECDSA P-256';
  return [
    '# TEST-ONLY key generated by myna-rig (src/sim-card/key-cache.ts) for its simulators.',
    '# It is NOT a key of J-LIS, of any My Number card or of any real reader, and must never be',
    '# used outside tests. Delete this file to get a new key.',
    `# label: ${label}; type: ${what}`,
    '',
  ].join('\n');
}

const PEM_BLOCK = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/;

function parseKeyFile(text: string, file: string, kind: KeyKind): CachedKeyPair {
  const block = PEM_BLOCK.exec(text)?.[0];
  if (block === undefined) {
    throw new Error(`key-cache: ${file} holds no PKCS#8 private key; delete the file to have it regenerated`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(block);
  } catch (error) {
    throw new Error(`key-cache: ${file} is not a readable private key (${String(error)}); delete the file to have it regenerated`, {
      cause: error,
    });
  }
  const details = privateKey.asymmetricKeyDetails;
  const ok =
    kind === 'rsa2048'
      ? privateKey.asymmetricKeyType === 'rsa' && details?.modulusLength === 2048
      : privateKey.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1';
  if (!ok) {
    throw new Error(
      `key-cache: ${file} holds a ${privateKey.asymmetricKeyType ?? 'unknown'} key, expected ${kind}; delete the file to have it regenerated`,
    );
  }
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKey,
    privateKeyPem: block + '\n',
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}
