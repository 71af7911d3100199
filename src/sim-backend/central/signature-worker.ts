import { verify, type KeyObject } from 'node:crypto';
import { Worker } from 'node:worker_threads';

interface Check {
  key: KeyObject;
  data: Uint8Array;
  signature: Uint8Array;
  resolve: (ok: boolean) => void;
}

/** One worker thread: the keys it has imported and its batches in flight. */
interface Lane {
  worker: Worker;
  keyIds: WeakMap<KeyObject, number>;
  inFlight: Map<number, Check[]>;
}

/** Default thread count: two keep a batch's wait short on a 2-core machine without crowding it. */
export const DEFAULT_SIGNATURE_THREADS = 2;

/**
 * Checks that leave for a thread at once, without waiting for the end of the event-loop turn:
 * waiting for the whole turn makes every request of it wait for the turn's last verdict while the
 * event loop idles (a convoy under load). 8 measured best against the whole turn, 2, 4 and 6 (bench
 * backend-http: about 10 % more capacity than whole turns, and a lower p99 at a fixed rate).
 */
const EAGER_BATCH = 8;

/**
 * RSA signature checks on worker threads, in batches. Handing each check to libuv's thread pool
 * costs the event loop a thread wake-up and a callback per check (≈ a tenth of central's CPU under
 * load, by `perf`); here checks travel in batches of up to EAGER_BATCH (or what one turn of the
 * event loop queued), each batch as ONE transferred buffer to the next thread in turn, its
 * verdicts coming back as one.
 *
 * Same contract as verifyCardSignature: RSASSA-PKCS1-v1_5 with SHA-256, false for anything that
 * does not verify, never rejects. If a thread cannot start or dies, its checks fall back to the
 * event loop (still correct, only slower).
 */
export class SignatureWorker {
  readonly #threads: number;
  /** Started on first use: a central that never checks a PIN signature costs no thread. */
  #lanes: Lane[] | undefined;
  #nextKeyId = 0;
  #queue: Check[] = [];
  #nextBatch = 0;
  #flushScheduled = false;
  #nextLane = 0;

  constructor(opts: { threads?: number } = {}) {
    this.#threads = Math.max(1, Math.floor(opts.threads ?? DEFAULT_SIGNATURE_THREADS));
  }

  /** Whether `signature` is the RSA key's PKCS#1 v1.5 SHA-256 signature over `data`. */
  verify(key: KeyObject, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
    const lanes = (this.#lanes ??= this.#start());
    // The batch format carries 16-bit lengths; anything longer (never a card's) is checked here.
    if (lanes.length === 0 || data.length > 0xffff || signature.length > 0xffff) return Promise.resolve(verifyHere(key, data, signature));
    return new Promise((resolve) => {
      this.#queue.push({ key, data, signature, resolve });
      if (this.#queue.length >= EAGER_BATCH) {
        this.#flush();
        return;
      }
      // Otherwise after the poll phase: every request read in this turn joins the same batch.
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => {
          this.#flushScheduled = false;
          this.#flush();
        });
      }
    });
  }

  /** Stops the threads; checks still queued or in flight are verified here. */
  async close(): Promise<void> {
    const lanes = this.#lanes ?? [];
    this.#lanes = [];
    for (const lane of lanes) this.#fallBack(lane);
    this.#drainHere();
    await Promise.all(lanes.map((lane) => lane.worker.terminate()));
  }

  #start(): Lane[] {
    const lanes: Lane[] = [];
    for (let i = 0; i < this.#threads; i++) {
      try {
        const worker = new Worker(WORKER_SOURCE, { eval: true });
        const lane: Lane = { worker, keyIds: new WeakMap(), inFlight: new Map() };
        worker.on('message', (m: { batch: number; verdicts: Uint8Array }) => settle(lane, m.batch, m.verdicts));
        // A dead thread must not strand a check: what it held is verified here instead.
        worker.on('error', () => this.#retire(lane));
        worker.on('exit', () => this.#retire(lane));
        // An idle thread never keeps a process (or a runner's worker thread) alive; one with checks
        // in flight does (#send / settle). After the listeners: adding one refs the worker again.
        worker.unref();
        lanes.push(lane);
      } catch {
        // No thread: the checks run on the event loop.
      }
    }
    return lanes;
  }

  #flush(): void {
    const items = this.#queue;
    if (items.length === 0) return;
    this.#queue = [];
    const lanes = this.#lanes ?? [];
    if (lanes.length === 0) {
      for (const item of items) item.resolve(verifyHere(item.key, item.data, item.signature));
      return;
    }
    // Batches take turns on the threads; a large one is split so its last verdict comes soonest.
    const parts = Math.min(lanes.length, Math.ceil(items.length / EAGER_BATCH));
    const share = Math.ceil(items.length / parts);
    for (let i = 0; i < parts; i++) {
      this.#nextLane = (this.#nextLane + 1) % lanes.length;
      this.#send(lanes[this.#nextLane]!, items.slice(i * share, (i + 1) * share));
    }
  }

  #send(lane: Lane, items: Check[]): void {
    if (items.length === 0) return;
    const keyIds: number[] = [];
    for (const item of items) {
      let keyId = lane.keyIds.get(item.key);
      if (keyId === undefined) {
        keyId = this.#nextKeyId++;
        lane.keyIds.set(item.key, keyId);
        lane.worker.postMessage({ keyId, spki: item.key.export({ type: 'spki', format: 'der' }) });
      }
      keyIds.push(keyId);
    }
    // Layout per item: keyId u32, data length u16, signature length u16, data, signature.
    let size = 0;
    for (const item of items) size += 8 + item.data.length + item.signature.length;
    const buffer = new ArrayBuffer(size);
    const view = new DataView(buffer);
    const bytes = new Uint8Array(buffer);
    let at = 0;
    items.forEach((item, i) => {
      view.setUint32(at, keyIds[i]!);
      view.setUint16(at + 4, item.data.length);
      view.setUint16(at + 6, item.signature.length);
      bytes.set(item.data, at + 8);
      bytes.set(item.signature, at + 8 + item.data.length);
      at += 8 + item.data.length + item.signature.length;
    });
    const batch = this.#nextBatch++;
    if (lane.inFlight.size === 0) lane.worker.ref();
    lane.inFlight.set(batch, items);
    lane.worker.postMessage({ batch, count: items.length, buffer }, [buffer]);
  }

  /** A thread that died or errored: out of the rotation, its checks verified here. */
  #retire(lane: Lane): void {
    if (this.#lanes) this.#lanes = this.#lanes.filter((l) => l !== lane);
    this.#fallBack(lane);
    if (this.#lanes?.length === 0) this.#drainHere();
  }

  #fallBack(lane: Lane): void {
    for (const items of lane.inFlight.values()) for (const item of items) item.resolve(verifyHere(item.key, item.data, item.signature));
    lane.inFlight.clear();
  }

  #drainHere(): void {
    const queued = this.#queue;
    this.#queue = [];
    for (const item of queued) item.resolve(verifyHere(item.key, item.data, item.signature));
  }
}

function settle(lane: Lane, batch: number, verdicts: Uint8Array): void {
  const items = lane.inFlight.get(batch);
  if (!items) return;
  lane.inFlight.delete(batch);
  if (lane.inFlight.size === 0) lane.worker.unref();
  for (let i = 0; i < items.length; i++) items[i]!.resolve(verdicts[i] === 1);
}

let shared: SignatureWorker | undefined;

/**
 * The process's signature worker, shared by every central in it (a scenario run starts one central
 * per scenario; a thread each would cost more than the checks). Never closed: it does not keep the
 * process alive.
 */
export function sharedSignatureWorker(): SignatureWorker {
  shared ??= new SignatureWorker();
  return shared;
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
