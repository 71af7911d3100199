import type { z } from 'zod';
import {
  ApiError,
  CardCheckResponse,
  ChallengeResponse,
  PreviousConsentResponse,
  RegistrationResponse,
  type CardCheckRequest,
  type PreviousConsentRequest,
  type QualificationCheckRequest,
  type QualificationRequest,
} from '../../protocol/central-api.js';
import { OqsResultDocument } from '../../protocol/oqs-request.js';
import { OqsResultMessage } from '../../protocol/oqs-result.js';
import { OQS_MESSAGES, type OqsMessageKind } from '../../protocol/oqs-messages.js';
import type { TrafficRecorder } from './traffic.js';

/**
 * Why a central call produced no usable answer. Every kind ends the same way for the reader
 * (error E-comm); the kinds exist for the traffic log and for tests.
 */
export interface CentralFailure {
  kind: 'unreachable' | 'timeout' | 'http-error' | 'bad-response' | 'closed';
  detail: string;
}

export type CentralResult<T> = { ok: true; value: T } | { ok: false; failure: CentralFailure };

export interface CentralClient {
  requestChallenge(): Promise<CentralResult<ChallengeResponse>>;
  checkCard(body: CardCheckRequest): Promise<CentralResult<CardCheckResponse>>;
  confirmQualification(checkId: string, body: QualificationRequest): Promise<CentralResult<OqsResultMessage>>;
  /** 健康保険証利用登録 chosen on the reader for this card check (reader-flow N12). */
  register(checkId: string): Promise<CentralResult<RegistrationResponse>>;
  /** The holder's previous item-by-item consent at this facility, for the carry-over screen (K0). */
  previousConsent(body: PreviousConsentRequest): Promise<CentralResult<PreviousConsentResponse>>;
  /** A check by insurance-card data (the req/ → res/ folder exchange). */
  checkQualification(body: QualificationCheckRequest): Promise<CentralResult<OqsResultDocument>>;
  /** The other folder messages (一括照会, 照会番号, 薬剤/特定健診): POST /v1/oqs/:kind. */
  answerMessage(kind: OqsMessageKind, body: unknown): Promise<CentralResult<unknown>>;
}

export interface CentralClientOptions {
  centralUrl: string;
  timeoutMs: number;
  traffic: TrafficRecorder;
  /** Aborted when the terminal closes, so no call outlives it. */
  closed: AbortSignal;
}

/** HTTP JSON client of the central system (protocol/central-api.ts); never throws. */
export function createCentralClient(opts: CentralClientOptions): CentralClient {
  const base = opts.centralUrl.replace(/\/+$/, '');

  async function post<T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<CentralResult<T>> {
    opts.traffic('central', 'out', { method: 'POST', path, body });
    const fail = (kind: CentralFailure['kind'], detail: string): CentralResult<T> => {
      opts.traffic('central', 'in', { path, error: { kind, detail } });
      return { ok: false, failure: { kind, detail } };
    };
    let response: Response;
    let text: string;
    try {
      // The timeout is real time, not the injected clock: it bounds real socket I/O.
      const signal = AbortSignal.any([AbortSignal.timeout(opts.timeoutMs), opts.closed]);
      response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal,
      });
      text = await response.text();
    } catch (e) {
      if (opts.closed.aborted) return fail('closed', `POST ${path}: the terminal closed during the call`);
      const err = e as Error & { cause?: { code?: string; message?: string } };
      if (err.name === 'TimeoutError') {
        return fail('timeout', `POST ${base}${path}: no answer within ${opts.timeoutMs} ms; is the central system up (centralUrl)?`);
      }
      const cause = err.cause?.code ?? err.cause?.message ?? err.message;
      return fail('unreachable', `POST ${base}${path}: ${cause}; is the central system up (centralUrl)?`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return fail('bad-response', `POST ${path}: HTTP ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
    }
    if (!response.ok) {
      const apiError = ApiError.safeParse(json);
      const detail = apiError.success
        ? `${apiError.data.error.code}: ${apiError.data.error.message}${apiError.data.error.field ? ` (field ${apiError.data.error.field})` : ''}`
        : text.slice(0, 200);
      return fail('http-error', `POST ${path}: HTTP ${response.status}: ${detail}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(body)';
      return fail('bad-response', `POST ${path}: answer does not match central-api.ts at ${where}: ${issue?.message ?? 'invalid'}`);
    }
    opts.traffic('central', 'in', { path, status: response.status, body: parsed.data });
    return { ok: true, value: parsed.data };
  }

  return {
    requestChallenge: () => post('/v1/challenges', {}, ChallengeResponse),
    checkCard: (body) => post('/v1/card-checks', body, CardCheckResponse),
    confirmQualification: (checkId, body) =>
      post(`/v1/card-checks/${encodeURIComponent(checkId)}/qualification`, body, OqsResultMessage),
    register: (checkId) => post(`/v1/card-checks/${encodeURIComponent(checkId)}/registration`, {}, RegistrationResponse),
    previousConsent: (body) => post('/v1/previous-consents', body, PreviousConsentResponse),
    checkQualification: (body) => post('/v1/qualification-checks', body, OqsResultDocument),
    answerMessage: (kind, body) => post(`/v1/oqs/${kind}`, body, OQS_MESSAGES[kind].result),
  };
}
