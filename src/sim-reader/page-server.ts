/**
 * A web page served by the reader, for a person reproducing a field bug by hand: it shows the
 * current screen as the patient sees it and lets them place a card (choose a persona), present
 * a face, type a PIN on a keypad, answer the consent screens and remove the card.
 *
 *   GET  /              the page (page-html.ts)
 *   GET  /api/state     the current snapshot (JSON)
 *   POST /api/actions   one patient action (JSON, see PageAction); answers the snapshot once the
 *                       reader has settled, or 400 / 409 with { error: { code, message } }
 *   WS   /ws            pushes a snapshot on connect and on every screen change
 *
 * Binds 127.0.0.1 and an ephemeral port unless told otherwise. PINs are never logged.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { listenOn, refuseUpgrade } from '../protocol/loopback.js';
import type { Duplex } from 'node:stream';
import express, { type Request, type Response } from 'express';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import type { CardTransport } from '../protocol/card-transport.js';
import { FACE_QUALITIES, faceEmbedding } from './face-model.js';
import type { ReaderScreen } from './machine.js';
import { READER_PAGE_HTML } from './page-html.js';
import type { ProfileQuirks } from './profiles/schema.js';
import type { PatientEvent, SimReader } from './reader.js';

export interface PagePersona {
  /** Shown in the persona list. */
  label: string;
  /** Hands over the persona's card when it is placed. */
  card: () => CardTransport;
  /** 氏名 as on the card face: what the reader shows after 本人確認 (● where its font lacks a glyph). */
  name?: string;
}

export interface ReaderPageOptions {
  reader: SimReader;
  personas: Record<string, PagePersona>;
  host?: string;
  port?: number;
  /** How long an action may take to settle (real ms). Default 5000. */
  settleTimeoutMs?: number;
}

export interface ReaderPage {
  /** http://127.0.0.1:PORT/ */
  url: string;
  close(): Promise<void>;
}

/** What the page shows; also what GET /api/state answers. */
export interface PageSnapshot {
  screen: ReaderScreen;
  /** How many of `screen.lines` are the greeting with the name. */
  nameLineCount: number;
  /** Persona id of the card on the reader, or null. */
  cardOn: string | null;
  profile: { id: string; label: string; quirks: ProfileQuirks };
  personas: Array<{ id: string; label: string }>;
}

export const PageAction = z.discriminatedUnion('type', [
  z.object({ type: z.literal('place-card'), persona: z.string().min(1) }),
  z.object({ type: z.literal('remove-card') }),
  z.object({ type: z.literal('choose'), method: z.enum(['pin', 'face']) }),
  z.object({ type: z.literal('pin'), pin: z.string().max(16) }),
  z.object({ type: z.literal('face'), match: z.boolean(), score: z.number().min(0).max(1).optional() }),
  /** The face model: who stands at the camera (persona key) and how the frame came out (F8). */
  z.object({ type: z.literal('present-face'), persona: z.string().min(1), quality: z.enum(FACE_QUALITIES).optional() }),
  /** A face-frame problem only (guidance, not counted). */
  z.object({ type: z.literal('face-quality'), quality: z.enum(FACE_QUALITIES) }),
  z.object({ type: z.literal('register'), yes: z.boolean() }),
  z.object({ type: z.literal('ack') }),
  z.object({ type: z.literal('consent-all') }),
  z.object({ type: z.literal('consent-individually') }),
  z.object({ type: z.literal('consent-item'), agree: z.boolean() }),
  /** K0 (since 2025-02): «前回と同じ» (carry the previous choices over) or «選択しなおす». */
  z.object({ type: z.literal('consent-carry-over') }),
  z.object({ type: z.literal('consent-reselect') }),
  z.object({ type: z.literal('cancel') }),
  /** Smartphone flow (P1–P3): choose the phone, its OS, then hold the persona's phone on the general-purpose reader. */
  z.object({ type: z.literal('choose-phone') }),
  z.object({ type: z.literal('choose-os'), os: z.enum(['android', 'iphone']) }),
  z.object({ type: z.literal('tap-phone'), persona: z.string().min(1) }),
]);
export type PageAction = z.infer<typeof PageAction>;

const DEFAULT_SETTLE_MS = 5000;

/** Lines before the screen text: the smallest prefix after which the lines spell the message. */
function nameLineCount(screen: ReaderScreen): number {
  if (screen.name === undefined) return 0;
  for (let i = 0; i < screen.lines.length; i++) if (screen.lines.slice(i).join('') === screen.message) return i;
  return 0;
}

export async function startReaderPage(opts: ReaderPageOptions): Promise<ReaderPage> {
  const { reader, personas } = opts;
  const host = opts.host ?? '127.0.0.1';
  const settleMs = opts.settleTimeoutMs ?? DEFAULT_SETTLE_MS;
  const where = `reader page for ${reader.readerId}`;
  let cardOn: string | null = null;

  const snapshot = (): PageSnapshot => {
    const screen = reader.screen();
    const p = reader.profile;
    return {
      screen,
      nameLineCount: nameLineCount(screen),
      cardOn,
      profile: { id: p.id, label: p.label, quirks: p.quirks },
      personas: Object.entries(personas).map(([id, persona]) => ({ id, label: persona.label })),
    };
  };

  const toEvent = (action: PageAction): PatientEvent | { error: string } => {
    switch (action.type) {
      case 'place-card': {
        const persona = personas[action.persona];
        if (persona === undefined) return { error: `no persona "${action.persona}"; known: ${Object.keys(personas).join(', ')}` };
        return {
          type: 'card.placed',
          card: persona.card(),
          // The card's photo is the persona's synthetic face (face-model.ts), keyed like the persona.
          holderFace: faceEmbedding(action.persona),
          ...(persona.name !== undefined ? { holderName: persona.name } : {}),
        };
      }
      case 'remove-card':
        return { type: 'card.removed' };
      case 'choose':
        return { type: action.method === 'pin' ? 'choose.pin' : 'choose.face' };
      case 'pin':
        return { type: 'pin.entered', pin: action.pin };
      case 'face':
        return { type: 'face.presented', match: action.match, score: action.score ?? (action.match ? 0.95 : 0.2) };
      case 'present-face':
        return { type: 'face.presented', persona: action.persona, ...(action.quality !== undefined ? { quality: action.quality } : {}) };
      case 'face-quality':
        return { type: 'face.presented', quality: action.quality };
      case 'register':
        return { type: action.yes ? 'register.yes' : 'register.no' };
      case 'ack':
        return { type: 'ack' };
      case 'consent-all':
        return { type: 'consent.agree-all' };
      case 'consent-carry-over':
        return { type: 'consent.carry-over' };
      case 'consent-reselect':
        return { type: 'consent.reselect' };
      case 'consent-individually':
        return { type: 'consent.individually' };
      case 'consent-item':
        return { type: 'consent.item', agree: action.agree };
      case 'cancel':
        return { type: 'cancel' };
      case 'choose-phone':
        return { type: 'choose.phone' };
      case 'choose-os':
        return { type: 'choose.os', os: action.os };
      case 'tap-phone': {
        const persona = personas[action.persona];
        if (persona === undefined) return { error: `no persona "${action.persona}"; known: ${Object.keys(personas).join(', ')}` };
        return { type: 'phone.tapped', phone: persona.card(), ...(persona.name !== undefined ? { holderName: persona.name } : {}) };
      }
    }
  };

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '16kb' }));
  app.get('/', (_req: Request, res: Response) => {
    res.type('html').send(READER_PAGE_HTML);
  });
  app.get('/api/state', (_req: Request, res: Response) => {
    res.json(snapshot());
  });
  /** The last screens as text and self-contained HTML (snapshot.ts), oldest first. */
  app.get('/api/snapshots', (_req: Request, res: Response) => {
    res.json(reader.snapshots());
  });
  app.post('/api/actions', async (req: Request, res: Response) => {
    const parsed = PageAction.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      res.status(400).json({ error: { code: 'bad-action', message: `${issue?.path.join('.') || 'type'}: ${issue?.message ?? 'invalid'}` } });
      return;
    }
    const action = parsed.data;
    if (action.type === 'place-card' && cardOn !== null) {
      res.status(409).json({ error: { code: 'card-present', message: `a card (${cardOn}) is already on the reader; remove it first` } });
      return;
    }
    const event = toEvent(action);
    if ('error' in event) {
      res.status(400).json({ error: { code: 'unknown-persona', message: event.error } });
      return;
    }
    try {
      // The page tracks the card the person put down, as a person would: it lies there until removed.
      if (action.type === 'place-card') cardOn = action.persona;
      if (action.type === 'remove-card') cardOn = null;
      if (action.type === 'tap-phone') cardOn = action.persona;
      await reader.dispatch(event);
      await reader.whenIdle(settleMs);
      res.json(snapshot());
      broadcast();
    } catch (e) {
      res.status(500).json({ error: { code: 'reader-busy', message: `${where}: ${(e as Error).message}` } });
    }
  });
  app.use((req: Request, res: Response) => {
    res.status(404).json({ error: { code: 'not-found', message: `${req.method} ${req.path}: the reader page serves /, /api/state, /api/snapshots, /api/actions and /ws` } });
  });

  const server = createServer(app);
  const wss = new WebSocketServer({ noServer: true });
  const clients = new Set<WebSocket>();
  const broadcast = (): void => {
    const text = JSON.stringify(snapshot());
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(text);
  };
  wss.on('connection', (ws: WebSocket) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    ws.on('error', () => clients.delete(ws));
    ws.send(JSON.stringify(snapshot()));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://page.invalid').pathname;
    if (path !== '/ws') {
      refuseUpgrade(socket);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  const unsubscribe = reader.onScreen(() => broadcast());

  const authority = await listenOn(server, host, opts.port ?? 0, where);

  let closed: Promise<void> | undefined;
  return {
    url: `http://${authority}/`,
    close: () => {
      closed ??= (async () => {
        unsubscribe();
        for (const ws of clients) ws.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closed;
    },
  };
}
