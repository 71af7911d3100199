import type { z } from 'zod';

/** Result of decoding one JSON message from a socket: never throws. */
export type Decoded<T> = { ok: true; message: T } | { ok: false; error: { code: string; message: string } };

/**
 * Decodes a WebSocket text frame against a schema. Errors name the field and the expected value,
 * so the peer's log says what to fix.
 */
export function decodeMessage<T>(schema: z.ZodType<T>, raw: string | Buffer | ArrayBuffer | Buffer[]): Decoded<T> {
  let text: string;
  try {
    text = Array.isArray(raw) ? Buffer.concat(raw).toString('utf8') : Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8');
  } catch {
    return { ok: false, error: { code: 'bad-frame', message: 'frame is not UTF-8 text' } };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: { code: 'bad-json', message: `frame is not JSON: ${(e as Error).message}` } };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(message)';
    return { ok: false, error: { code: 'bad-message', message: `${where}: ${issue?.message ?? 'invalid'}` } };
  }
  return { ok: true, message: parsed.data };
}

export const b64 = {
  encode: (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64'),
  decode: (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64')),
};
