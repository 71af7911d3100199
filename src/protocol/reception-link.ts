import { z } from 'zod';
import { OqsResultMessage } from './oqs-result.js';
import { ReaderNoticeCode } from './reader-link.js';

/**
 * Terminal → reception, the JSON twin of the face/req/res folders: a WebSocket the terminal
 * serves at `/reception`. Every message carries an `id` and must be acknowledged; the terminal
 * keeps unacknowledged messages and sends them again on the next connection, so nothing is
 * lost while the reception system restarts.
 */
export const RECEPTION_PROTOCOL_VERSION = 1;
const v = z.literal(RECEPTION_PROTOCOL_VERSION);

export const QualificationResultPush = z.object({
  v,
  type: z.literal('qualification.result'),
  id: z.string(),
  /** The name the same result has in the face folder: OQSsiquc01res_face_….xml */
  fileName: z.string(),
  message: OqsResultMessage,
});
export const ReaderNoticePush = z.object({
  v,
  type: z.literal('reader.notice'),
  id: z.string(),
  readerId: z.string(),
  code: ReaderNoticeCode,
  triesLeft: z.number().int().min(0).optional(),
  message: z.string().optional(),
  /**
   * Added to v1: the reader error code of the refusal, when it tells the staff more than `code`
   * (`E-phone`: the smartphone's certificate is refused, the physical card may still work — F25).
   */
  errorCode: z.string().optional(),
});

export const TerminalToReception = z.discriminatedUnion('type', [QualificationResultPush, ReaderNoticePush]);
export type TerminalToReception = z.infer<typeof TerminalToReception>;

export const ReceptionHello = z.object({ v, type: z.literal('hello'), receptionId: z.string() });
export const ReceptionAck = z.object({ v, type: z.literal('ack'), id: z.string() });
export const ReceptionToTerminal = z.discriminatedUnion('type', [ReceptionHello, ReceptionAck]);
export type ReceptionToTerminal = z.infer<typeof ReceptionToTerminal>;
