import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import { OqsSocketRequest, type OqsSocketResult } from '../../protocol/oqs-messages.js';
import type { OqsAnswerer } from './oqs-answer.js';
import { frameText, sendJson } from './socket-io.js';
import type { TrafficRecorder } from './traffic.js';

/**
 * The folder messages as JSON on the terminal (one codec — the trees of oqs-request.ts and
 * oqs-messages.ts — two transports): `POST /oqs/<kind>` with the request tree as the body, and
 * WebSocket `/oqs` frames `{ v: 1, id, kind, request }` → `{ v: 1, type: 'oqs.result', id, kind,
 * status, result }`. Both answer exactly what the res/ file would hold.
 */

export const OQS_HTTP_PREFIX = '/oqs/';
export const OQS_SOCKET_PATH = '/oqs';
/** Largest JSON body accepted (a 10 000-patient upload is about 3 MB). */
const MAX_JSON_BYTES = 8 * 1024 * 1024;

/** Handles `POST /oqs/<kind>`; returns false when the path is not one of ours. */
export function handleOqsHttp(req: IncomingMessage, res: ServerResponse, path: string, answer: OqsAnswerer, traffic: TrafficRecorder): boolean {
  if (!path.startsWith(OQS_HTTP_PREFIX)) return false;
  const kind = decodeURIComponent(path.slice(OQS_HTTP_PREFIX.length));
  const reply = (status: number, body: unknown): void => {
    traffic('reception', 'out', { kind, status, body });
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  if (req.method !== 'POST') {
    reply(405, { error: { code: 'method-not-allowed', message: `${req.method} ${path}: POST the request tree as JSON` } });
    return true;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_JSON_BYTES) tooLarge = true;
    else chunks.push(chunk);
  });
  req.on('end', () => {
    if (tooLarge) {
      reply(413, { error: { code: 'too-large', message: `POST ${path}: more than ${MAX_JSON_BYTES} bytes` } });
      return;
    }
    let tree: unknown;
    try {
      tree = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch (e) {
      reply(400, { error: { code: 'malformed-json', message: `POST ${path}: the body is not JSON (${(e as Error).message})` } });
      return;
    }
    traffic('reception', 'in', { kind, body: tree });
    answer(kind, tree).then(
      (a) => reply(a.status, a.result),
      (e: unknown) => reply(500, { error: { code: 'internal', message: `POST ${path}: ${(e as Error).message}` } }),
    );
  });
  return true;
}

/** One `/oqs` WebSocket connection: frames answered independently (the id correlates). */
export function acceptOqsSocket(ws: WebSocket, answer: OqsAnswerer, traffic: TrafficRecorder, track: (label: string, work: Promise<void>) => void): void {
  ws.on('message', (data) => {
    let json: unknown;
    try {
      json = JSON.parse(frameText(data));
    } catch {
      sendJson(ws, { v: 1, type: 'protocol.error', code: 'malformed-json', message: '/oqs: the frame is not JSON; send { v: 1, id, kind, request }' });
      return;
    }
    const frame = OqsSocketRequest.safeParse(json);
    if (!frame.success) {
      const issue = frame.error.issues[0];
      const field = issue && issue.path.length > 0 ? issue.path.join('.') : '(frame)';
      sendJson(ws, { v: 1, type: 'protocol.error', code: 'invalid-message', message: `/oqs: ${field}: ${issue?.message ?? 'invalid'}; send { v: 1, id, kind, request }` });
      return;
    }
    const { id, kind, request } = frame.data;
    traffic('reception', 'in', frame.data);
    track(
      `oqs ${id} ${kind}`,
      answer(kind, request).then((a) => {
        const out: OqsSocketResult = { v: 1, type: 'oqs.result', id, kind, status: a.status, result: a.result };
        if (sendJson(ws, out)) traffic('reception', 'out', out);
      }),
    );
  });
}
