import type { z } from 'zod';
import { jstTimestamp, today, toYmd, type Clock } from '../../domain/index.js';
import { OqsQualificationRequest, type OqsResultDocument } from '../../protocol/oqs-request.js';
import { OQS_MESSAGES, OqsMessageKind, isOqsMessageKind } from '../../protocol/oqs-messages.js';
import { OQS_XML_ERROR_CODES, type OqsXmlError } from '../../protocol/oqs-xml.js';
import type { CentralClient } from './central-client.js';

/**
 * The terminal's answer to one folder message given as a JSON tree — the same trees the req/ and
 * res/ files carry (oqs-request.ts, oqs-messages.ts), so the HTTP and WebSocket twins
 * (json-transports.ts) and the folder gateway agree on every answer, error results included.
 */

/** What an error result echoes of a request (any kind). */
export interface RequestWithHeader {
  XmlMsg: { MessageHeader: { QualificationConfirmationDate?: string; MedicalInstitutionCode?: string; ArbitraryFileIdentifier?: string | undefined } };
}

/** SegmentOfResult 9 with our ErrorCode and `<where>: <what>` (docs/protocols/oqs-folders.md "Error results"). */
export function oqsErrorResult(
  ctx: { clock: Clock; medicalInstitutionCode: string },
  error: Pick<OqsXmlError, 'code' | 'message' | 'where'>,
  request?: RequestWithHeader,
): OqsResultDocument {
  const header = request?.XmlMsg.MessageHeader;
  return {
    XmlMsg: {
      MessageHeader: {
        ProcessExecutionTime: jstTimestamp(ctx.clock.now()),
        CharacterCodeIdentifier: '0',
        SegmentOfResult: '9',
        ErrorCode: OQS_XML_ERROR_CODES[error.code],
        ErrorMessage: `${error.where}: ${error.message}`,
        QualificationConfirmationDate: header?.QualificationConfirmationDate ?? toYmd(today(ctx.clock)),
        ReferenceClassification: '2',
        ...(header?.ArbitraryFileIdentifier !== undefined ? { ArbitraryFileIdentifier: header.ArbitraryFileIdentifier } : {}),
        MedicalInstitutionCode: header?.MedicalInstitutionCode ?? ctx.medicalInstitutionCode,
      },
      MessageBody: { ProcessingResultStatus: '2' },
    },
  };
}

/** Kinds the terminal answers: the single check and every kind of oqs-messages.ts. */
export const TERMINAL_MESSAGE_KINDS: readonly string[] = ['OQSsiquc01', ...OqsMessageKind.options];

export interface OqsAnswer {
  /** 200 answered; 400 the tree is invalid; 404 unknown kind; 502 central gave no answer. */
  status: 200 | 400 | 404 | 502;
  /** The result tree (an error result for every status but 200). */
  result: unknown;
}

export type OqsAnswerer = (kind: string, request: unknown) => Promise<OqsAnswer>;

export function createOqsAnswerer(ctx: {
  clock: Clock;
  medicalInstitutionCode: string;
  central: Pick<CentralClient, 'checkQualification' | 'answerMessage'>;
}): OqsAnswerer {
  return async (kind, request) => {
    const schema: z.ZodType | undefined = kind === 'OQSsiquc01' ? OqsQualificationRequest : isOqsMessageKind(kind) ? OQS_MESSAGES[kind].request : undefined;
    if (!schema) {
      return { status: 404, result: oqsErrorResult(ctx, { code: 'unsupported-request', message: `this terminal answers ${TERMINAL_MESSAGE_KINDS.join(', ')}, not ${kind}`, where: 'kind' }) };
    }
    const parsed = schema.safeParse(request);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const where = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `/${String(p)}`)).join('').replace(/^\//, '') || 'XmlMsg';
      let at: unknown = request;
      for (const p of issue.path) at = at === undefined || at === null ? undefined : (at as Record<PropertyKey, unknown>)[p as PropertyKey];
      const error: OqsXmlError =
        at === undefined && issue.path.length > 0
          ? { code: 'missing-element', message: `<${String(issue.path.at(-1))}> is required here and missing`, where }
          : { code: 'invalid-value', message: issue.message, where };
      return { status: 400, result: oqsErrorResult(ctx, error, headerOf(request)) };
    }
    const answer =
      kind === 'OQSsiquc01' ? await ctx.central.checkQualification(parsed.data as OqsQualificationRequest) : await ctx.central.answerMessage(kind as OqsMessageKind, parsed.data);
    if (!answer.ok) {
      const message = `the central system gave no answer (${answer.failure.kind}: ${answer.failure.detail}); send the request again`;
      return { status: 502, result: oqsErrorResult(ctx, { code: 'central-unavailable', message, where: 'central' }, headerOf(request)) };
    }
    return { status: 200, result: answer.value };
  };
}

function headerOf(tree: unknown): RequestWithHeader | undefined {
  const h = (tree as { XmlMsg?: { MessageHeader?: Record<string, unknown> } } | null)?.XmlMsg?.MessageHeader;
  if (typeof h !== 'object' || h === null) return undefined;
  const pick = (k: string): string | undefined => (typeof h[k] === 'string' ? (h[k] as string) : undefined);
  const date = pick('QualificationConfirmationDate');
  const code = pick('MedicalInstitutionCode');
  const id = pick('ArbitraryFileIdentifier');
  return {
    XmlMsg: {
      MessageHeader: {
        ...(date !== undefined && /^\d{8}$/.test(date) ? { QualificationConfirmationDate: date } : {}),
        ...(code !== undefined && /^\d{10}$/.test(code) ? { MedicalInstitutionCode: code } : {}),
        ...(id !== undefined ? { ArbitraryFileIdentifier: id.slice(0, 50) } : {}),
      },
    },
  };
}
