import type { z } from 'zod';
import { OutcomeResponse, ReceptionStarted, SUT_PROTOCOL_VERSION, SutInfo, type StartReception } from '../protocol/sut-remote.js';
import type { SutAdapter, SutEndpoints } from './sut-adapter.js';
import { BackOfficeResponse, type BackOfficeAnswer } from '../protocol/back-office.js';

/**
 * A vendor's reception system reached over the remote SUT protocol (docs/protocols/sut.md).
 * Every request has a deadline: a SUT that crashes, hangs or answers garbage makes the call
 * throw an error naming the request and what went wrong, which fails that scenario only.
 */
export interface RemoteAdapterOptions {
  /** Base URL of the SUT, e.g. http://127.0.0.1:7070 */
  url: string;
  /** Shown in reports; default: the name the SUT gives at GET /, else `remote <url>`. */
  name?: string;
  /** Deadline of each request to the SUT, real milliseconds. Default 5000. */
  timeoutMs?: number;
}

export const DEFAULT_SUT_TIMEOUT_MS = 5000;

export class SutRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SutRequestError';
  }
}

function base(url: string): string {
  if (!URL.canParse(url)) throw new RangeError(`remote SUT: "${url}" is not a URL; expected e.g. http://127.0.0.1:7070`);
  return url.replace(/\/+$/, '');
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue && issue.path.length > 0 ? issue.path.join('.') : '(body)'}: ${issue?.message ?? 'invalid'}`;
}

/** One request to the SUT; resolves with the decoded body or throws a SutRequestError. */
async function call<T>(
  root: string,
  method: string,
  path: string,
  timeoutMs: number,
  schema: z.ZodType<T> | undefined,
  body?: unknown,
): Promise<T | undefined> {
  const what = `SUT ${method} ${root}${path}`;
  let response: Response;
  try {
    response = await fetch(`${root}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    if (err.name === 'TimeoutError') throw new SutRequestError(`${what}: no answer within ${timeoutMs} ms (the SUT hangs; raise --sut-timeout if it is just slow)`);
    const cause = err.cause?.code ?? err.cause?.message ?? err.message;
    throw new SutRequestError(`${what}: cannot reach the SUT (${cause}); is it running and listening there?`);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (e) {
    const err = e as Error;
    if (err.name === 'TimeoutError') throw new SutRequestError(`${what}: the answer did not finish within ${timeoutMs} ms`);
    throw new SutRequestError(`${what}: the connection broke while reading the answer (${err.message})`);
  }
  if (!response.ok) {
    throw new SutRequestError(`${what}: answered HTTP ${response.status}${text ? `: ${text.slice(0, 300)}` : ''}`);
  }
  if (!schema) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SutRequestError(`${what}: the answer is not JSON: ${JSON.stringify(text.slice(0, 120))}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new SutRequestError(`${what}: the answer does not follow docs/protocols/sut.md: ${firstIssue(parsed.error)}`);
  return parsed.data;
}

/** Asks the SUT who it is (GET /); throws a SutRequestError when it is not reachable or not a SUT. */
export async function probeSut(url: string, timeoutMs = DEFAULT_SUT_TIMEOUT_MS): Promise<SutInfo> {
  return (await call(base(url), 'GET', '/', timeoutMs, SutInfo))!;
}

/** Where a SUT that predates an answer kind is told what to do (docs/protocols/sut.md). */
const HOME_QUALIFICATION_HINT =
  'the back-office answer kind "home-qualification" was added to v1 of the SUT protocol (docs/protocols/sut.md "Back office", 居宅同意取得型); implement it, or run this scenario against a SUT that does';

/**
 * A `home-qualification` answer: a SUT that predates the kind refuses it (400/404/422: the error
 * names the kind) or answers without a `homeVisit` decision; both fail the step at once with what
 * to do, instead of an expectation on an absent decision.
 */
async function deliverHomeQualification(root: string, path: string, timeoutMs: number, answer: BackOfficeAnswer): Promise<void> {
  let answered: BackOfficeResponse | undefined;
  try {
    answered = await call(root, 'POST', path, timeoutMs, BackOfficeResponse, answer);
  } catch (e) {
    if (e instanceof SutRequestError && /answered HTTP (400|404|422)\b/.test(e.message)) throw new SutRequestError(`${e.message} — ${HOME_QUALIFICATION_HINT}`);
    throw e;
  }
  if (!answered?.backOffice.homeVisit) {
    throw new SutRequestError(`SUT POST ${root}${path}: took a "home-qualification" answer but its back office shows no homeVisit decision — ${HOME_QUALIFICATION_HINT}`);
  }
}

export function remoteAdapter(opts: RemoteAdapterOptions): SutAdapter {
  const root = base(opts.url);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_SUT_TIMEOUT_MS;
  return {
    name: opts.name ?? `remote ${root}`,
    async start(endpoints: SutEndpoints) {
      const request: StartReception = {
        v: SUT_PROTOCOL_VERSION,
        scenarioId: endpoints.scenarioId ?? '',
        seed: endpoints.seed ?? 0,
        receptionUrl: endpoints.receptionUrl,
        terminalUrl: endpoints.terminalUrl,
        // Sent only when the scenario has clinic records: a v1 SUT that predates the field sees the same body as before.
        ...(endpoints.clinicRecords !== undefined && endpoints.clinicRecords.length > 0 ? { clinicRecords: endpoints.clinicRecords } : {}),
      };
      const started = (await call(root, 'POST', '/v1/receptions', timeoutMs, ReceptionStarted, request))!;
      const path = `/v1/receptions/${encodeURIComponent(started.receptionId)}`;
      // The back-office endpoints are optional for a SUT: only asked once a back-office step ran.
      let delivered = false;
      return {
        outcome: async () => (await call(root, 'GET', `${path}/outcome`, timeoutMs, OutcomeResponse))!.outcome ?? undefined,
        backOffice: {
          deliver: async (answer) => {
            delivered = true;
            if (answer.kind !== 'home-qualification') {
              await call(root, 'POST', `${path}/back-office`, timeoutMs, BackOfficeResponse, answer);
              return;
            }
            await deliverHomeQualification(root, `${path}/back-office`, timeoutMs, answer);
          },
          outcome: async () => (delivered ? (await call(root, 'GET', `${path}/back-office`, timeoutMs, BackOfficeResponse))!.backOffice : {}),
        },
        close: async () => {
          await call(root, 'DELETE', path, timeoutMs, undefined);
        },
      };
    },
  };
}
