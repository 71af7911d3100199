import type { z } from 'zod';
import type { Exchange, Reply } from './lean-routes.js';

export type SendError = (req: Exchange, res: Reply, status: number, code: string, message: string, field?: string) => void;

/**
 * A request body decoded with its contract schema; on failure answers 400 `invalid-request` naming
 * the first offending field (dotted path) and where the contract is written, and gives undefined.
 */
export function decodeBody<T>(req: Exchange, res: Reply, schema: z.ZodType<T>, sendError: SendError, contract = 'src/protocol/central-api.ts'): T | undefined {
  const parsed = schema.safeParse(req.body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '';
  sendError(req, res, 400, 'invalid-request', `${req.method} ${req.path}: ${field || 'the body'}: ${issue?.message ?? 'invalid'} (see ${contract})`, field || undefined);
  return undefined;
}
