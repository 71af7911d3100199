import http from 'node:http';
import net from 'node:net';
import { strictJson, type Exchange, type HotRoute, type Reply } from './lean-routes.js';

export interface FastLaneOptions {
  /** The handler for `POST <path>`, or undefined when the path is not a hot one (node:http takes it). */
  route(path: string): HotRoute | undefined;
  /** Answers an error a handler threw (the same answer express's error handler gives). */
  onError(err: unknown, req: Exchange, res: Reply): void;
  /** Largest body the lane reads, in bytes; a longer one goes to node:http (express answers 413). */
  bodyLimit: number;
  /** Takes every connection the lane hands off. Never listens itself. */
  fallback: http.Server;
  /** Closes a connection idle this long between requests, as node:http's keepAliveTimeout. Default 5 s. */
  keepAliveTimeoutMs?: number;
  /**
   * A request still not whole this long after its first byte is answered 408 and its connection
   * closed, as node:http's headersTimeout does (default 60 s): a client that trickles a byte now
   * and then cannot hold a connection open forever.
   */
  requestTimeoutMs?: number;
}

export interface FastLane {
  /** Listen on this one; it owns every connection until it hands one to `fallback`. */
  server: net.Server;
  /** Stops listening and closes every connection, the lane's and those handed off. */
  close(): Promise<void>;
}

/** node:http's default limit of a request head (--max-http-header-size). */
const MAX_HEAD_BYTES = 16 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n');
/**
 * node:http's req.headers holds only the first 1,000 header lines (maxHeadersCount: 2,000 entries,
 * names and values): past them, express would not see a Content-Type or Host the lane reads. So the
 * lane reads far fewer (no real client sends a hundred).
 */
const MAX_HEADER_LINES = 100;
const REQUEST_LINE = /^POST (\/[!-~]*) HTTP\/1\.1$/;
/**
 * A header line the lane reads, from the CRLF before it: a token name, then a value of visible
 * ASCII with spaces and tabs inside (or none), optional blanks around it, up to the next CRLF or
 * the head's end. Anything else (obs-fold, bytes over 0x7e, controls, a bare CR or LF) is
 * node:http's to judge. Sticky: readHead walks the head with it, line after line.
 */
const HEADER_LINE = /\r\n([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*((?:[\x21-\x7e](?:[\x20-\x7e\t]*[\x21-\x7e])?)?)[ \t]*(?=\r\n|$)/y;
const PLAIN_JSON = /^application\/json\s*(?:;\s*charset="?utf-8"?\s*)?$/i;
const DIGITS = /^\d{1,15}$/;
/** Room for an answer's head in front of its body in the scratch space (a head is ~180 bytes). */
const HEAD_ROOM = 512;
/** Where answers are encoded (one process, one thread: never two at once). */
const scratch = Buffer.allocUnsafe(64 * 1024);

type Head = { route: HotRoute; path: string; bodyStart: number; bodyLength: number };

/**
 * The reader's hot calls (challenge, card check, qualification) served straight off the socket:
 * node:http's per-request streams, header objects and response machinery cost more than the
 * check's own work (bench/backend-http.ts). The lane reads only the plainest request — `POST`, a
 * hot path without a query, HTTP/1.1, Host, one Content-Length within the limit, Content-Type
 * application/json (utf-8), keep-alive, no Transfer-Encoding, Content-Encoding, Expect or Upgrade,
 * only visible-ASCII header values — and a body that is strict JSON. At the first request that is
 * anything else, it hands the connection, with every byte not yet answered, to node:http (and
 * express behind it) for good, so each unusual or malformed request gets node:http's and express's
 * exact answer. Pipelined requests are answered in order, one at a time.
 */
export function startFastLane(opts: FastLaneOptions): FastLane {
  const keepAliveMs = opts.keepAliveTimeoutMs ?? 5_000;
  const requestTimeoutMs = opts.requestTimeoutMs ?? 60_000;
  const keepAliveHeader = `Connection: keep-alive\r\nKeep-Alive: timeout=${Math.floor(keepAliveMs / 1000)}\r\n\r\n`;
  const open = new Set<net.Socket>();
  // node:http tracks its connections for headersTimeout/requestTimeout (and closeAllConnections)
  // only once it has emitted 'listening'; the fallback never listens itself, so without this a
  // handed-off connection could trickle a request forever.
  if (!opts.fallback.listening) opts.fallback.emit('listening');
  // Half-open, as node:http's own sockets, so that the lane decides what the client's FIN means
  // (onEnd) before the socket ends its side by itself.
  const server = net.createServer({ noDelay: true, allowHalfOpen: true }, (socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    serve(socket);
  });

  function serve(socket: net.Socket): void {
    let pending: Buffer | undefined;
    let busy = false;
    let handedOff = false;
    /** When the request not yet whole began (Date.now()), 0 when none is partial. */
    let partialSince = 0;

    const onData = (chunk: Buffer): void => {
      if (partialSince !== 0 && Date.now() - partialSince > requestTimeoutMs) {
        socket.off('data', onData);
        pending = undefined;
        socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
        return;
      }
      pending = pending === undefined ? chunk : Buffer.concat([pending, chunk]);
      // A pipelining client may run ahead of the answers; stop reading until it is caught up.
      if (busy && pending.length > MAX_HEAD_BYTES + opts.bodyLimit) socket.pause();
      if (!busy) next();
    };
    const onError = (): void => {
      socket.destroy();
    };
    /**
     * The client's FIN, met as node:http (httpAllowHalfOpen false) meets it: a request cut short is
     * node:http's to answer (400); otherwise our side ends now, whether answered or not.
     */
    const onEnd = (): void => {
      if (!busy && pending !== undefined) return handOff();
      pending = undefined;
      socket.end();
    };
    const onTimeout = (): void => {
      // Idle between requests (or stuck in a partial one): close, as node:http does. A request
      // being answered (an injected latency, say) is not cut short.
      if (!busy) socket.destroy();
    };
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('end', onEnd);
    socket.on('timeout', onTimeout);
    socket.setTimeout(keepAliveMs);

    function handOff(): void {
      handedOff = true;
      // Closed while a request was being answered: nothing left for node:http (it would keep a
      // parser for a socket whose 'close' it never sees).
      if (socket.destroyed) return;
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('end', onEnd);
      socket.off('timeout', onTimeout);
      socket.setTimeout(0);
      socket.pause();
      const rest = pending;
      pending = undefined;
      if (!socket.readableEnded) {
        if (rest !== undefined) socket.unshift(rest);
        opts.fallback.emit('connection', socket);
        socket.resume();
        return;
      }
      // The stream has ended, so nothing can be unshifted: give node:http the rest and the end as
      // the events it listens for.
      opts.fallback.emit('connection', socket);
      if (rest !== undefined) socket.emit('data', rest);
      socket.emit('end');
    }

    /** Answers the requests buffered so far, one at a time; hands off at the first foreign one. */
    function next(): void {
      while (!busy && pending !== undefined && !handedOff) {
        const head = readHead(pending, opts);
        if (head === 'incomplete') return markPartial();
        if (head === 'foreign') return handOff();
        const end = head.bodyStart + head.bodyLength;
        if (pending.length < end) return markPartial();
        partialSince = 0;
        const body = strictJson(pending.subarray(head.bodyStart, end));
        if (body === undefined) return handOff();
        pending = pending.length === end ? undefined : pending.subarray(end);
        busy = true;
        const exchange: Exchange = { method: 'POST', path: head.path, body, params: head.route.params };
        let answered = false;
        const reply: Reply = {
          status: (code) => ({
            json: (answer) => {
              if (answered) throw new Error(`central: ${head.path} answered twice`);
              answered = true;
              send(socket, code, answer);
              done();
              return undefined;
            },
          }),
        };
        head.route.handler(exchange, reply).catch((err: unknown) => {
          if (!answered) opts.onError(err, exchange, reply);
        });
      }
    }

    function markPartial(): void {
      if (partialSince === 0) partialSince = Date.now();
    }

    function done(): void {
      // A client that does not read its answers: stop reading its requests until it catches up,
      // as node:http does, rather than buffer answers without bound.
      if (socket.writableNeedDrain) {
        socket.pause();
        socket.once('drain', done);
        return;
      }
      busy = false;
      if (socket.isPaused()) socket.resume();
      // Inside next()'s loop (answered synchronously) the loop goes on by itself; later, this does.
      queueMicrotask(next);
    }
  }

  let dateSecond = -1;
  let dateText = '';
  /** The Date header, made once a second as node:http does. */
  const date = (): string => {
    const now = Date.now();
    const second = Math.floor(now / 1000);
    if (second !== dateSecond) {
      dateSecond = second;
      dateText = new Date(second * 1000).toUTCString();
    }
    return dateText;
  };

  function send(socket: net.Socket, code: number, answer: unknown): void {
    // Not after our side ended (the client's FIN came first) or the socket was destroyed.
    if (!socket.writable) return;
    const json = JSON.stringify(answer);
    const status = `HTTP/1.1 ${code} ${http.STATUS_CODES[code] ?? 'Unknown'}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: `;
    const afterLength = `\r\nDate: ${date()}\r\n${keepAliveHeader}`;
    // UTF-8 takes at most 3 bytes per UTF-16 unit. Encoded once, behind room for the head, so its
    // length is known without a second pass over the text (a qualification holds kanji: the text
    // is two-byte and each pass costs). Into the shared scratch space when it fits; the bytes are
    // then copied out, because the socket may hold on to what it is given.
    const area = json.length * 3 <= scratch.length - HEAD_ROOM ? scratch : Buffer.allocUnsafe(HEAD_ROOM + json.length * 3);
    const bodyLength = area.write(json, HEAD_ROOM, 'utf8');
    const head = `${status}${bodyLength}${afterLength}`;
    const start = HEAD_ROOM - head.length;
    area.write(head, start, 'latin1');
    const bytes = Buffer.allocUnsafe(head.length + bodyLength);
    area.copy(bytes, 0, start, HEAD_ROOM + bodyLength);
    socket.write(bytes);
  }

  return {
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of open) socket.destroy();
        // Stops node:http's connection checks (its interval) too; it never listened, so no callback.
        opts.fallback.close();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/**
 * The request head at the start of `bytes`: a hot request the lane serves, 'incomplete' (read on),
 * or 'foreign' (node:http must take the connection from here).
 */
function readHead(bytes: Buffer, opts: FastLaneOptions): Head | 'incomplete' | 'foreign' {
  const end = bytes.indexOf(HEAD_END);
  if (end < 0) {
    // A bare CR or LF: node:http refuses the request at once (400), and the lane would wait for a
    // blank line that might never come. (Only a head that came in pieces pays for this look.)
    if (bytes.length > MAX_HEAD_BYTES || hasBareCrOrLf(bytes)) return 'foreign';
    return 'incomplete';
  }
  if (end > MAX_HEAD_BYTES) return 'foreign';
  const head = bytes.toString('latin1', 0, end);
  const requestEnd = head.indexOf('\r\n');
  const request = REQUEST_LINE.exec(requestEnd < 0 ? head : head.slice(0, requestEnd));
  if (!request) return 'foreign';
  const path = request[1]!;
  const route = opts.route(path);
  if (!route) return 'foreign';
  let host = 0;
  let length: string | undefined;
  let type: string | undefined;
  // Line by line with a sticky regex (each match must start where the last ended): no split array.
  let lines = 0;
  for (let at = requestEnd < 0 ? head.length : requestEnd; at < head.length; at = HEADER_LINE.lastIndex) {
    HEADER_LINE.lastIndex = at;
    const header = HEADER_LINE.exec(head);
    if (!header || ++lines > MAX_HEADER_LINES) return 'foreign';
    const value = header[2]!;
    switch (header[1]!.toLowerCase()) {
      case 'host':
        host += 1;
        break;
      case 'content-length':
        if (length !== undefined || !DIGITS.test(value)) return 'foreign';
        length = value;
        break;
      case 'content-type':
        if (type !== undefined) return 'foreign';
        type = value;
        break;
      // llhttp reads Proxy-Connection as Connection (close, upgrade).
      case 'connection':
      case 'proxy-connection':
        if (value.toLowerCase() !== 'keep-alive') return 'foreign';
        break;
      case 'transfer-encoding':
      case 'content-encoding':
      case 'expect':
      case 'upgrade':
        return 'foreign';
    }
  }
  if (host !== 1 || length === undefined || type === undefined || !PLAIN_JSON.test(type)) return 'foreign';
  const bodyLength = Number(length);
  if (bodyLength === 0 || bodyLength > opts.bodyLimit) return 'foreign';
  return { route, path, bodyStart: end + HEAD_END.length, bodyLength };
}

/** A CR not followed by LF (one may end the bytes: its LF is still to come) or an LF without its CR. */
function hasBareCrOrLf(bytes: Buffer): boolean {
  for (let i = bytes.indexOf(13); i >= 0; i = bytes.indexOf(13, i + 1)) if (i + 1 < bytes.length && bytes[i + 1] !== 10) return true;
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) if (i === 0 || bytes[i - 1] !== 13) return true;
  return false;
}
