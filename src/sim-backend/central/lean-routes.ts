import http from 'node:http';

/** What a route handler reads of a request: an express Request satisfies it, and so does the lean path's. */
export interface Exchange {
  method: string;
  /** URL path without the query string. */
  path: string;
  body: unknown;
  params: Record<string, string | string[]>;
}

/** How a route handler answers: an express Response satisfies it (status(…).json(…)). */
export interface Reply {
  status(code: number): { json(body: unknown): unknown };
}

export type RouteHandler = (req: Exchange, res: Reply) => Promise<void>;

export interface LeanRouteOptions {
  challenge: RouteHandler;
  cardCheck: RouteHandler;
  qualification: RouteHandler;
  /** The same error answer express's error handler gives. */
  onError: (err: unknown, req: Exchange, res: Reply) => void;
  bodyLimit: number;
  /** Where a request the lean path does not take goes (the express app), with its body replayed. */
  fallback: (req: http.IncomingMessage, res: http.ServerResponse) => void;
}

const QUALIFICATION_PATH = /^\/v1\/card-checks\/([A-Za-z0-9_-]+)\/qualification$/;
const PLAIN_JSON = /^application\/json\s*(?:;\s*charset="?utf-8"?\s*)?$/i;
/** body-parser's strict mode: the first non-blank character must open an object or array. */
const STRICT_START = /^[ \t\n\r]*[{[]/;

/**
 * The reader's three hot calls (challenge, card check, qualification) without express's router,
 * body-parser and res.json. Only a plain request takes this path: POST, the exact route, no query,
 * `application/json` (utf-8), a Content-Length within the limit, no Content-Encoding. Anything
 * else — and any body that is not strict JSON — goes to express unchanged (the body replayed),
 * so every error keeps express's exact answer. Returns false when express must take the request.
 */
export function leanRoutes(opts: LeanRouteOptions): (req: http.IncomingMessage, res: http.ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'POST' || req.url === undefined) return false;
    const path = req.url;
    let handler: RouteHandler;
    const params: Record<string, string | string[]> = {};
    if (path === '/v1/challenges') handler = opts.challenge;
    else if (path === '/v1/card-checks') handler = opts.cardCheck;
    else {
      const m = QUALIFICATION_PATH.exec(path);
      if (!m) return false;
      params.checkId = m[1]!;
      handler = opts.qualification;
    }
    const h = req.headers;
    const length = h['content-length'];
    if (!PLAIN_JSON.test(h['content-type'] ?? '') || h['content-encoding'] !== undefined || h['transfer-encoding'] !== undefined) return false;
    if (length === undefined || !/^\d+$/.test(length) || Number(length) === 0 || Number(length) > opts.bodyLimit) return false;

    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => res.destroy());
    req.on('end', () => {
      // A card check's body (~1.6 KB) nearly always arrives in one chunk: no copy then.
      const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      const body = strictJson(raw);
      if (body === undefined) {
        replayToExpress(req, res, raw);
        return;
      }
      const exchange: Exchange = { method: 'POST', path, body, params };
      const reply = jsonReply(res);
      handler(exchange, reply).catch((err: unknown) => {
        if (!res.headersSent) opts.onError(err, exchange, reply);
      });
    });
    return true;

    function replayToExpress(original: http.IncomingMessage, response: http.ServerResponse, raw: Buffer): void {
      const copy = new http.IncomingMessage(original.socket);
      copy.method = original.method;
      copy.url = original.url;
      copy.headers = original.headers;
      copy.rawHeaders = original.rawHeaders;
      copy.httpVersion = original.httpVersion;
      copy.httpVersionMajor = original.httpVersionMajor;
      copy.httpVersionMinor = original.httpVersionMinor;
      copy.push(raw);
      copy.push(null);
      opts.fallback(copy, response);
    }
  };
}

/** The parsed body when it is strict JSON in valid UTF-8 without a BOM; undefined otherwise. */
function strictJson(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  if (!STRICT_START.test(text) || text.includes('\uFFFD')) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** express's res.status(code).json(body), minus the ETag (the reader never revalidates). */
function jsonReply(res: http.ServerResponse): Reply {
  return {
    status: (code) => ({
      json: (body) => {
        // Encoded once: its length is then known, and the socket writes the bytes as they are.
        const bytes = Buffer.from(JSON.stringify(body), 'utf8');
        res.writeHead(code, ['content-type', 'application/json; charset=utf-8', 'content-length', String(bytes.length)]);
        res.end(bytes);
        return undefined;
      },
    }),
  };
}
