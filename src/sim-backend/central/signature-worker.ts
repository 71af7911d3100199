import { verify, type KeyObject } from 'node:crypto';
import { Worker } from 'node:worker_threads';

/**
 * RSA signature checks on one worker thread, in batches. Handing each check to libuv's thread
 * pool costs the event loop a thread wake-up and a callback per check (≈ a tenth of central's CPU
 * under load, by `perf`); here the checks queued during one turn of the event loop travel to the
 * worker as ONE transferred buffer, and their verdicts come back as one.
 *
 * Same contract as verifyCardSignature: RSASSA-PKCS1-v1_5 with SHA-256, false for anything that
 * does not verify, never rejects. If the worker cannot start or dies, checks fall back to the
 * event loop (still correct, only slower).
 */
export class SignatureWorker {
  #worker: Worker | undefined;
  /** Key → its number on both sides; the worker imports each key once (SPKI DER). */
  readonly #keyIds = new WeakMap<KeyObject, number>();
  #nextKeyId = 0;
  #queue: Array<{ keyId: number; key: KeyObject; data: Uint8Array; signature: Uint8Array; resolve: (ok: boolean) => void }> = [];
  readonly #inFlight = new Map<number, Array<{ key: KeyObject; data: Uint8Array; signature: Uint8Array; resolve: (ok: boolean) => void }>>();
  #nextBatch = 0;
  #flushScheduled = false;

  constructor() {
    try {
      this.#worker = new Worker(WORKER_SOURCE, { eval: true });
      this.#worker.unref();
      this.#worker.on('message', (m: { batch: number; verdicts: Uint8Array }) => this.#settle(m.batch, m.verdicts));
      // A dead worker must not strand a check: what it held is verified here instead.
      this.#worker.on('error', () => this.#fallBack());
      this.#worker.on('exit', () => this.#fallBack());
    } catch {
      this.#worker = undefined;
    }
  }

  /** Whether `signature` is the RSA key's PKCS#1 v1.5 SHA-256 signature over `data`. */
  verify(key: KeyObject, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
    // The batch format carries 16-bit lengths; anything longer (never a card's) is checked here.
    if (!this.#worker || data.length > 0xffff || signature.length > 0xffff) return Promise.resolve(verifyHere(key, data, signature));
    let keyId = this.#keyIds.get(key);
    if (keyId === undefined) {
      keyId = this.#nextKeyId++;
      this.#keyIds.set(key, keyId);
      this.#worker.postMessage({ keyId, spki: key.export({ type: 'spki', format: 'der' }) });
    }
    const id = keyId;
    return new Promise((resolve) => {
      this.#queue.push({ keyId: id, key, data, signature, resolve });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        // After the poll phase: every request read in this turn joins the same batch.
        setImmediate(() => this.#flush());
      }
    });
  }

  /** Stops the worker; checks still queued or in flight are verified here. */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#fallBack();
    await worker?.terminate();
  }

  #flush(): void {
    this.#flushScheduled = false;
    const items = this.#queue;
    if (items.length === 0) return;
    this.#queue = [];
    if (!this.#worker) {
      for (const item of items) item.resolve(verifyHere(item.key, item.data, item.signature));
      return;
    }
    // Layout per item: keyId u32, data length u16, signature length u16, data, signature.
    let size = 0;
    for (const item of items) size += 8 + item.data.length + item.signature.length;
    const buffer = new ArrayBuffer(size);
    const view = new DataView(buffer);
    const bytes = new Uint8Array(buffer);
    let at = 0;
    for (const item of items) {
      view.setUint32(at, item.keyId);
      view.setUint16(at + 4, item.data.length);
      view.setUint16(at + 6, item.signature.length);
      bytes.set(item.data, at + 8);
      bytes.set(item.signature, at + 8 + item.data.length);
      at += 8 + item.data.length + item.signature.length;
    }
    const batch = this.#nextBatch++;
    this.#inFlight.set(batch, items);
    this.#worker.postMessage({ batch, count: items.length, buffer }, [buffer]);
  }

  #settle(batch: number, verdicts: Uint8Array): void {
    const items = this.#inFlight.get(batch);
    if (!items) return;
    this.#inFlight.delete(batch);
    for (let i = 0; i < items.length; i++) items[i]!.resolve(verdicts[i] === 1);
  }

  #fallBack(): void {
    this.#worker = undefined;
    for (const items of this.#inFlight.values()) for (const item of items) item.resolve(verifyHere(item.key, item.data, item.signature));
    this.#inFlight.clear();
    const queued = this.#queue;
    this.#queue = [];
    for (const item of queued) item.resolve(verifyHere(item.key, item.data, item.signature));
  }
}

function verifyHere(key: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify('sha256', data, key, signature);
  } catch {
    return false;
  }
}

/**
 * The worker, as source (eval: no file to resolve, so it runs the same under tsx, vitest and the
 * built dist/). CommonJS, node built-ins only. A malformed key or signature verifies false.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createPublicKey, verify } = require('node:crypto');
const keys = new Map();
parentPort.on('message', (m) => {
  if (m.spki !== undefined) {
    try { keys.set(m.keyId, createPublicKey({ key: Buffer.from(m.spki), format: 'der', type: 'spki' })); } catch { keys.set(m.keyId, undefined); }
    return;
  }
  const view = new DataView(m.buffer);
  const bytes = new Uint8Array(m.buffer);
  const verdicts = new Uint8Array(m.count);
  let at = 0;
  for (let i = 0; i < m.count; i++) {
    const key = keys.get(view.getUint32(at));
    const dataLength = view.getUint16(at + 4);
    const signatureLength = view.getUint16(at + 6);
    const data = bytes.subarray(at + 8, at + 8 + dataLength);
    const signature = bytes.subarray(at + 8 + dataLength, at + 8 + dataLength + signatureLength);
    at += 8 + dataLength + signatureLength;
    if (key === undefined) continue;
    try { verdicts[i] = verify('sha256', data, key, signature) ? 1 : 0; } catch { verdicts[i] = 0; }
  }
  parentPort.postMessage({ batch: m.batch, verdicts }, [verdicts.buffer]);
});
`;
