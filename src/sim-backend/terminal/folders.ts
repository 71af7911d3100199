import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../domain/index.js';
import {
  QUALIFICATION_REQUEST_PREFIX,
  REQUEST_FILE_NAME_PATTERN,
  type OqsQualificationRequest,
  type OqsResultDocument,
} from '../../protocol/oqs-request.js';
import {
  decodeOqsRequestXml,
  encodeOqsResultXmlWithReport,
  MAX_OQS_XML_BYTES,
  OQS_XML_ERROR_CODES,
  type OqsXmlElementOrder,
  type OqsXmlEncoding,
  type OqsXmlError,
  type OqsXmlErrorCode,
  type ReplacedCharacter,
} from '../../protocol/oqs-xml.js';
import { decodeOqsMessageRequest, encodeOqsMessageResult, isOqsMessageKind, OqsMessageKind } from '../../protocol/oqs-messages.js';
import { resultFileName, zipEntryName, zipResult, type BulkResultFormat } from './bulk-zip.js';
import type { CentralResult } from './central-client.js';
import { oqsErrorResult, type RequestWithHeader } from './oqs-answer.js';

/**
 * The 資格確認端末's shared folder (oqs-interface.md §1.1–1.4): `face/` gets a result file after
 * every card check; a request dropped into `req/` is answered in `res/` under the same suffix and
 * removed. A request that cannot be answered gets an error result (SegmentOfResult 9) and is
 * moved to `req/error/`: never lost, never silently dropped. Every file is written atomically
 * (temporary name in the same folder, then rename), so a reader never sees half a file.
 */

export interface FolderEvent {
  /** Clock time (epoch ms). */
  at: number;
  kind: 'face-written' | 'request-answered' | 'request-refused' | 'request-moved-aside' | 'watch-error' | 'internal-error';
  /** The file concerned (name only). */
  file: string;
  detail?: string;
  /** Characters written as ● because the encoding lacks them (CP932). */
  replaced?: ReplacedCharacter[];
}

export interface FolderGatewayOptions {
  /** The shared folder; face/, req/, res/ and req/error/ are created in it. */
  root: string;
  /** Result encoding (a terminal setting, oqs-interface.md §1.3); requests are read in either. */
  encoding: OqsXmlEncoding;
  clock: Clock;
  /** 10-digit code of this terminal's facility: the header of error results. */
  medicalInstitutionCode: string;
  /** Asks central (POST /v1/qualification-checks). */
  checkQualification(request: OqsQualificationRequest): Promise<CentralResult<OqsResultDocument>>;
  /**
   * Asks central about the other message kinds (一括照会, 照会番号, 薬剤/特定健診; POST /v1/oqs/:kind).
   * Absent: those requests are refused as unsupported (MRX012).
   */
  answerMessage?(kind: OqsMessageKind, request: unknown): Promise<CentralResult<unknown>>;
  order?: OqsXmlElementOrder;
  /**
   * `zip`: results of the bulk download kinds (OQSmuquc02, OQSmutic02, OQSmuhvq02, OQSmuonq02)
   * are written as `<kind>res_<suffix>.zip` holding the XML (bulk-zip.ts); default `xml`.
   */
  bulkResultFormat?: BulkResultFormat;
  /** Polling fallback beside fs.watch, real ms; default 200. */
  pollIntervalMs?: number;
  /** A request file is read once its size and mtime held still this long (real ms); default 20. */
  settleMs?: number;
  /** Requests handled at once; default 4. */
  concurrency?: number;
  onEvent?: (event: FolderEvent) => void;
}

export interface FolderStats {
  answered: number;
  refused: number;
  movedAside: number;
  faceWritten: number;
  /** Requests seen and not yet finished. */
  pending: number;
  watchErrors: number;
}

export interface FolderGateway {
  readonly paths: { root: string; face: string; req: string; res: string; reqError: string };
  /** Writes one face result under the name the JSON push carries. */
  writeFaceResult(fileName: string, message: OqsResultDocument): Promise<ReplacedCharacter[]>;
  /** Looks at req/ now (besides the watcher and the poll). */
  scan(): Promise<void>;
  /** Resolves when req/ holds no request waiting or in work; rejects after timeoutMs (real). */
  whenIdle(timeoutMs?: number): Promise<void>;
  stats(): FolderStats;
  close(): Promise<void>;
}

export const ERROR_FOLDER = 'error';
const MESSAGE_KINDS: readonly OqsMessageKind[] = OqsMessageKind.options;

const DEFAULT_POLL_MS = 200;
const DEFAULT_SETTLE_MS = 20;
const DEFAULT_CONCURRENCY = 4;

/** Names a client uses while it is still writing (it renames them into place when done). */
function isTemporaryName(name: string): boolean {
  return name.startsWith('.') || name.startsWith('~') || /\.(tmp|part|partial|crdownload)$/i.test(name) || name.endsWith('~');
}

export async function startFolderGateway(opts: FolderGatewayOptions): Promise<FolderGateway> {
  const paths = {
    root: opts.root,
    face: join(opts.root, 'face'),
    req: join(opts.root, 'req'),
    res: join(opts.root, 'res'),
    reqError: join(opts.root, 'req', ERROR_FOLDER),
  };
  for (const dir of [paths.face, paths.req, paths.res, paths.reqError]) await mkdir(dir, { recursive: true });
  const pollMs = opts.pollIntervalMs ?? DEFAULT_POLL_MS;
  const settleMs = opts.settleMs ?? DEFAULT_SETTLE_MS;
  const concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
  const stats: FolderStats = { answered: 0, refused: 0, movedAside: 0, faceWritten: 0, pending: 0, watchErrors: 0 };
  let closed = false;
  let tempCounter = 0;

  const emit = (kind: FolderEvent['kind'], file: string, detail?: string, replaced?: ReplacedCharacter[]): void => {
    if (!opts.onEvent) return;
    try {
      opts.onEvent({ at: opts.clock.now(), kind, file, ...(detail !== undefined ? { detail } : {}), ...(replaced && replaced.length > 0 ? { replaced } : {}) });
    } catch (e) {
      console.error(`folder gateway: onEvent threw: ${(e as Error).message}`);
    }
  };

  const writeAtomically = async (dir: string, name: string, bytes: Buffer): Promise<void> => {
    tempCounter += 1;
    const temp = join(dir, `.${name}.${process.pid}.${tempCounter}.tmp`);
    await writeFile(temp, bytes);
    await rename(temp, join(dir, name));
  };

  /** A result into res/: as it is, or zipped when the name says .zip (the entry is the .xml name). */
  const writeResult = (name: string, xml: Buffer): Promise<void> =>
    writeAtomically(paths.res, name, name.endsWith('.zip') ? zipResult(zipEntryName(name), xml, opts.clock.now()) : xml);

  const encode = (message: OqsResultDocument) => encodeOqsResultXmlWithReport(message, { encoding: opts.encoding, ...(opts.order ? { order: opts.order } : {}) });

  /** Moves a request into req/error/, never over an earlier one of the same name. */
  const moveAside = async (name: string): Promise<string> => {
    const dot = name.lastIndexOf('.');
    const [base, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    for (let n = 0; ; n++) {
      const target = n === 0 ? name : `${base}.dup${n}${ext}`;
      try {
        await stat(join(paths.reqError, target));
        continue; // taken
      } catch {
        await rename(join(paths.req, name), join(paths.reqError, target));
        return target;
      }
    }
  };

  const errorResult = (error: Pick<OqsXmlError, 'code' | 'message' | 'where'>, request?: RequestWithHeader): OqsResultDocument =>
    oqsErrorResult({ clock: opts.clock, medicalInstitutionCode: opts.medicalInstitutionCode }, error, request);

  const refuse = async (name: string, resultName: string, code: OqsXmlErrorCode, message: string, where: string, request?: RequestWithHeader): Promise<void> => {
    const { bytes } = encode(errorResult({ code, message, where }, request));
    await writeResult(resultName, bytes);
    const movedTo = await moveAside(name);
    stats.refused += 1;
    emit('request-refused', name, `${OQS_XML_ERROR_CODES[code]} ${code} at ${where}: ${message}; result ${resultName}; request moved to req/${ERROR_FOLDER}/${movedTo}`);
  };

  const handle = async (name: string): Promise<void> => {
    const path = join(paths.req, name);
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch {
      return; // taken away by its writer before we came: nothing of ours to lose
    }
    const match = REQUEST_FILE_NAME_PATTERN.exec(name);
    if (!match) {
      const movedTo = await moveAside(name);
      stats.movedAside += 1;
      emit('request-moved-aside', name, `not a request file name (<kind>req_<suffix>.xml, e.g. ${QUALIFICATION_REQUEST_PREFIX}202504010001.xml); moved to req/${ERROR_FOLDER}/${movedTo}`);
      return;
    }
    const resultName = resultFileName(match[1]!, match[2]!, opts.bulkResultFormat ?? 'xml');
    const kind = match[1]!;
    const other = isOqsMessageKind(kind) && opts.answerMessage ? kind : undefined;
    if (`${kind}req_` !== QUALIFICATION_REQUEST_PREFIX && other === undefined) {
      const known = [QUALIFICATION_REQUEST_PREFIX, ...(opts.answerMessage ? MESSAGE_KINDS.map((k) => `${k}req_`) : [])].join(', ');
      await refuse(name, resultName, 'unsupported-request', `this terminal answers ${known} requests, not ${kind}req_`, 'file name');
      return;
    }
    if (size > MAX_OQS_XML_BYTES) {
      await refuse(name, resultName, 'too-large', `the file has ${size} bytes, more than the ${MAX_OQS_XML_BYTES} accepted`, 'file');
      return;
    }
    if (other !== undefined) {
      await handleMessage(name, path, resultName, other);
      return;
    }
    const decoded = decodeOqsRequestXml(await readFile(path));
    if ('error' in decoded) {
      await refuse(name, resultName, decoded.error.code, decoded.error.message, decoded.error.where);
      return;
    }
    const answer = await opts.checkQualification(decoded.request);
    if (!answer.ok) {
      await refuse(name, resultName, 'central-unavailable', `the central system gave no answer (${answer.failure.kind}: ${answer.failure.detail}); put the request into req/ again`, 'central', decoded.request);
      return;
    }
    const { bytes, replaced } = encode(answer.value);
    await writeAtomically(paths.res, resultName, bytes);
    await unlink(path);
    stats.answered += 1;
    emit('request-answered', name, resultName, replaced);
  };

  /** The other message kinds: same discipline, their own trees (oqs-messages.ts). */
  const handleMessage = async (name: string, path: string, resultName: string, kind: OqsMessageKind): Promise<void> => {
    const decoded = decodeOqsMessageRequest(kind, await readFile(path));
    if ('error' in decoded) {
      await refuse(name, resultName, decoded.error.code, decoded.error.message, decoded.error.where);
      return;
    }
    const request = decoded.request as RequestWithHeader;
    const answer = await opts.answerMessage!(kind, decoded.request);
    if (!answer.ok) {
      await refuse(name, resultName, 'central-unavailable', `the central system gave no answer (${answer.failure.kind}: ${answer.failure.detail}); put the request into req/ again`, 'central', request);
      return;
    }
    const { bytes, replaced } = encodeOqsMessageResult(kind, answer.value, { encoding: opts.encoding, ...(opts.order ? { order: opts.order } : {}) });
    await writeResult(resultName, bytes);
    await unlink(path);
    stats.answered += 1;
    emit('request-answered', name, resultName, replaced);
  };

  // ─── discovery: fs.watch + poll, settle, bounded queue ───
  // Settling and polling use real time, not the injected clock: they bound real file I/O.
  const seen = new Map<string, { size: number; mtimeMs: number; since: number }>();
  const queued: string[] = [];
  const inWork = new Set<string>();
  let scanning: Promise<void> | undefined;
  let rescan = false;

  const pump = (): void => {
    while (!closed && inWork.size < concurrency && queued.length > 0) {
      const name = queued.shift()!;
      inWork.add(name);
      void handle(name)
        .catch(async (e: unknown) => {
          // Whatever went wrong, the request must not stay in limbo or vanish: move it aside.
          emit('internal-error', name, (e as Error).message);
          try {
            await moveAside(name);
            stats.movedAside += 1;
          } catch {
            /* gone already */
          }
        })
        .finally(() => {
          inWork.delete(name);
          seen.delete(name);
          pump();
          if (queued.length === 0 && inWork.size === 0) void scan();
        });
    }
    stats.pending = queued.length + inWork.size + seen.size;
  };

  const scanOnce = async (): Promise<void> => {
    let entries;
    try {
      entries = await readdir(paths.req, { withFileTypes: true });
    } catch (e) {
      emit('watch-error', 'req', `cannot list req/: ${(e as Error).message}`);
      return;
    }
    const now = Date.now();
    let unsettled = false;
    const present = new Set<string>();
    for (const entry of entries) {
      if (!entry.isFile() || isTemporaryName(entry.name)) continue;
      const name = entry.name;
      present.add(name);
      if (inWork.has(name) || queued.includes(name)) continue;
      let st;
      try {
        st = await stat(join(paths.req, name));
      } catch {
        continue;
      }
      const prev = seen.get(name);
      if (prev && prev.size === st.size && prev.mtimeMs === st.mtimeMs && now - prev.since >= settleMs) {
        queued.push(name);
      } else {
        if (!prev || prev.size !== st.size || prev.mtimeMs !== st.mtimeMs) seen.set(name, { size: st.size, mtimeMs: st.mtimeMs, since: now });
        unsettled = true;
      }
    }
    for (const name of seen.keys()) if (!present.has(name) && !inWork.has(name)) seen.delete(name);
    pump();
    if (unsettled && !closed) setTimeout(() => void scan(), settleMs).unref();
  };

  const scan = (): Promise<void> => {
    if (closed) return Promise.resolve();
    if (scanning) {
      rescan = true;
      return scanning;
    }
    scanning = (async () => {
      do {
        rescan = false;
        await scanOnce();
      } while (rescan && !closed);
    })().finally(() => {
      scanning = undefined;
    });
    return scanning;
  };

  let watcher: FSWatcher | undefined;
  const startWatcher = (): void => {
    try {
      watcher = watch(paths.req, () => void scan());
      watcher.on('error', (e) => {
        stats.watchErrors += 1;
        emit('watch-error', 'req', `fs.watch failed (${e.message}); polling every ${pollMs} ms until it is back`);
        watcher?.close();
        watcher = undefined;
      });
    } catch (e) {
      stats.watchErrors += 1;
      emit('watch-error', 'req', `fs.watch unavailable (${(e as Error).message}); polling every ${pollMs} ms`);
    }
  };
  startWatcher();
  const poll = setInterval(() => {
    if (!watcher) startWatcher();
    void scan();
  }, pollMs);
  poll.unref();
  await scan();

  const busy = (): boolean => queued.length > 0 || inWork.size > 0 || seen.size > 0 || scanning !== undefined;

  return {
    paths,
    async writeFaceResult(fileName, message) {
      const { bytes, replaced } = encode(message);
      await writeAtomically(paths.face, fileName, bytes);
      stats.faceWritten += 1;
      emit('face-written', fileName, undefined, replaced);
      return replaced;
    },
    scan,
    async whenIdle(timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      await scan();
      while (busy()) {
        if (Date.now() > deadline) {
          throw new Error(`folder gateway: still busy after ${timeoutMs} ms: ${queued.length} queued, ${inWork.size} in work (${[...inWork].slice(0, 3).join(', ')}), ${seen.size} settling`);
        }
        await new Promise((r) => setTimeout(r, 10));
        if (!scanning && queued.length === 0 && inWork.size === 0) await scan();
      }
    },
    stats: () => ({ ...stats, pending: queued.length + inWork.size + seen.size }),
    async close() {
      closed = true;
      clearInterval(poll);
      watcher?.close();
      while (inWork.size > 0) await new Promise((r) => setTimeout(r, 5));
    },
  };
}
