/** What a route handler reads of a request: an express Request satisfies it, and so does the fast lane's. */
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

/** A hot request the fast lane serves (http-fast-lane.ts): its handler and route parameters. */
export interface HotRoute {
  handler: RouteHandler;
  params: Record<string, string>;
}

export interface HotHandlers {
  challenge: RouteHandler;
  cardCheck: RouteHandler;
  qualification: RouteHandler;
}

const QUALIFICATION_PATH = /^\/v1\/card-checks\/([A-Za-z0-9_-]+)\/qualification$/;

/**
 * The reader's three hot calls by exact path (a query string, or any other path, is not hot): the
 * same handlers express routes to, so an answer does not depend on which way a request came.
 */
export function hotRoutes(handlers: HotHandlers): (path: string) => HotRoute | undefined {
  const none = Object.freeze({}) as Record<string, string>;
  const challenge: HotRoute = { handler: handlers.challenge, params: none };
  const cardCheck: HotRoute = { handler: handlers.cardCheck, params: none };
  return (path) => {
    if (path === '/v1/card-checks') return cardCheck;
    if (path === '/v1/challenges') return challenge;
    const m = QUALIFICATION_PATH.exec(path);
    return m ? { handler: handlers.qualification, params: { checkId: m[1]! } } : undefined;
  };
}

/** body-parser's strict mode: the first non-blank character must open an object or array. */
const STRICT_START = /^[ \t\n\r]*[{[]/;

/**
 * The parsed body when it is strict JSON (as body-parser's strict mode reads it) in valid UTF-8
 * without a BOM; undefined otherwise, and express then answers the request with its own error.
 */
export function strictJson(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  if (!STRICT_START.test(text) || text.includes('\uFFFD')) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
