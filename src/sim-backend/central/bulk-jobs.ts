import { jstDate, jstTimestamp, toYmd } from '../../domain/index.js';

/**
 * Uploads of the bulk kinds (一括照会 OQSmuquc01, 照会番号一括登録 OQSmuimm01, and the retrievals
 * OQSmuhvq01 訪問診療等 / OQSmuonq01 オンライン診療等 / OQSmutic01 医療扶助) waiting to be
 * downloaded by their ReceptionNumber (…02req). The answers are worked out at upload (on the
 * date the upload asks about) and become downloadable `processingMs` of virtual time later;
 * a download before that is answered 処理中 (SegmentOfResult 2), as the real system does while
 * its batch runs (oqs-interface.md §2.5).
 */

export interface BulkJob<U> {
  receptionNumber: string;
  medicalInstitutionCode: string;
  kind: string;
  /** epoch ms (virtual). */
  receivedAt: number;
  readyAt: number;
  units: readonly U[];
}

export type BulkJobLookup<U> =
  | { state: 'unknown' }
  | { state: 'other-facility' }
  | { state: 'other-kind'; kind: string }
  | { state: 'processing'; job: BulkJob<U> }
  | { state: 'done'; job: BulkJob<U> };

/** Virtual time a bulk upload takes before its download is ready; default one minute. */
export const DEFAULT_BULK_PROCESSING_MS = 60_000;

export class BulkJobs<U> {
  readonly #jobs = new Map<string, BulkJob<U>>();
  readonly #processingMs: number;
  #sequence = 0;

  constructor(opts: { processingMs?: number } = {}) {
    this.#processingMs = opts.processingMs ?? DEFAULT_BULK_PROCESSING_MS;
  }

  /**
   * Keeps the answers; returns the job with its ReceptionNumber: `yyyyMMdd` (JST) + 6-digit
   * sequence — our format, the real one is not public.
   */
  submit(kind: string, medicalInstitutionCode: string, units: readonly U[], now: number): BulkJob<U> {
    this.#sequence += 1;
    const receptionNumber = `${toYmd(jstDate(now))}${String(this.#sequence).padStart(6, '0')}`;
    const job: BulkJob<U> = { receptionNumber, medicalInstitutionCode, kind, receivedAt: now, readyAt: now + this.#processingMs, units };
    this.#jobs.set(receptionNumber, job);
    return job;
  }

  /** The job of a download request; another facility's number is refused, not shown. */
  lookup(kind: string, receptionNumber: string, medicalInstitutionCode: string, now: number): BulkJobLookup<U> {
    const job = this.#jobs.get(receptionNumber);
    if (!job) return { state: 'unknown' };
    if (job.medicalInstitutionCode !== medicalInstitutionCode) return { state: 'other-facility' };
    if (job.kind !== kind) return { state: 'other-kind', kind: job.kind };
    return now < job.readyAt ? { state: 'processing', job } : { state: 'done', job };
  }
}

/** yyyyMMddHHmmss (JST) of a reception. */
export const receptionDateTime = (job: { receivedAt: number }): string => jstTimestamp(job.receivedAt);
