/**
 * The adapter stub `myna-rig init` writes as sut-adapter.example.ts: the text of a minimal server
 * for the remote SUT protocol, kept as a string so the built CLI needs no template files.
 * tests/cli/init.test.ts runs it with tsx and talks to it.
 */
export const SUT_ADAPTER_STUB = `/**
 * sut-adapter.example.ts — a starting point for connecting YOUR reception system (レセコン /
 * 電子カルテ) to myna-rig, written by \`myna-rig init\`.
 *
 * myna-rig drives your system over a small HTTP JSON API that you serve (docs/protocols/sut.md
 * in the myna-rig package). This file implements that API with Node's own http module and keeps
 * one record per reception; the places to call your system are marked TODO.
 *
 *   Run it:     npx tsx sut-adapter.example.ts            (PORT=7070 by default)
 *   Then:       npx myna-rig run                          (reads myna-rig.config.json)
 *
 * The contract, in short:
 *   GET    /                          → { protocol: "myna-rig-sut", v: 1, name, version }
 *   POST   /v1/receptions             ← { v: 1, scenarioId, seed, receptionUrl, terminalUrl }
 *                                     → 201 { receptionId }
 *   GET    /v1/receptions/:id/outcome → { outcome: null | { status, copayRatio, … } }
 *   DELETE /v1/receptions/:id         → 204
 * Errors: any 4xx/5xx with { error: { code, message } } — the message lands in the report.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

const PORT = Number(process.env.PORT ?? 7070);
// Loopback only: the harness runs on the same machine, and nothing else should reach this.
const HOST = '127.0.0.1';

/** What your system decided for the patient (src/protocol/reception-outcome.ts in myna-rig). */
interface Outcome {
  /** accepted | fallback | pending | refused */
  status: string;
  qualificationValidity?: string;
  copayRatio?: number;
  limitCategory?: string;
  displayedName?: string;
  reason?: string;
}

/** One reception = one scenario. Never share state between receptions: they run in parallel. */
interface Reception {
  scenarioId: string;
  /** ws://127.0.0.1:PORT/reception of THIS scenario's emulated 資格確認端末. */
  receptionUrl: string;
  outcome: Outcome | null;
  close(): void;
}

const receptions = new Map<string, Reception>();
let nextId = 1;

function send(res: ServerResponse, status: number, body?: unknown): void {
  res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

function fail(res: ServerResponse, status: number, code: string, message: string): void {
  send(res, status, { error: { code, message } });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/**
 * TODO: connect YOUR reception system to the terminal at \`receptionUrl\` (a WebSocket,
 * docs/protocols/reception.md): send \`hello\`, then for every message the terminal pushes
 * (資格確認結果, errors, …) let your system decide and \`ack\` it, and update \`outcome\`.
 * With the \`ws\` package it starts like this:
 *
 *   const socket = new WebSocket(receptionUrl);
 *   socket.on('message', (data) => { … reception.outcome = yourSystem.decide(JSON.parse(String(data))); … });
 *   return { …, close: () => socket.close() };
 */
function startReception(scenarioId: string, receptionUrl: string): Reception {
  const reception: Reception = {
    scenarioId,
    receptionUrl,
    outcome: null,
    close: () => {
      // TODO: disconnect from the terminal and forget this patient.
    },
  };
  return reception;
}

const server = createServer((req, res) => {
  void (async () => {
    const path = new URL(req.url ?? '/', 'http://sut.invalid').pathname;
    const match = /^\\/v1\\/receptions\\/([A-Za-z0-9._-]+)(\\/outcome)?$/.exec(path);
    if (req.method === 'GET' && path === '/') {
      // TODO: your product's name and version: they appear in every report and certificate.
      return send(res, 200, { protocol: 'myna-rig-sut', v: 1, name: 'Example reception', version: '0.0.1' });
    }
    if (req.method === 'POST' && path === '/v1/receptions') {
      let body: { v?: unknown; scenarioId?: unknown; receptionUrl?: unknown };
      try {
        body = (await readJson(req)) as typeof body;
      } catch {
        return fail(res, 400, 'bad-json', 'the body is not JSON');
      }
      if (body.v !== 1 || typeof body.receptionUrl !== 'string') {
        return fail(res, 400, 'bad-request', 'expected { v: 1, scenarioId, seed, receptionUrl, terminalUrl }');
      }
      const id = \`r\${nextId++}\`;
      receptions.set(id, startReception(String(body.scenarioId ?? ''), body.receptionUrl));
      return send(res, 201, { receptionId: id });
    }
    const reception = match ? receptions.get(match[1]!) : undefined;
    if (match && !reception) return fail(res, 404, 'unknown-reception', \`no reception "\${match[1]}"\`);
    if (reception && req.method === 'GET' && match?.[2]) return send(res, 200, { outcome: reception.outcome });
    if (reception && req.method === 'DELETE' && !match?.[2]) {
      reception.close();
      receptions.delete(match![1]!);
      return send(res, 204);
    }
    fail(res, 404, 'not-found', \`\${req.method} \${path} is not part of the myna-rig SUT protocol\`);
  })().catch((e: unknown) => fail(res, 500, 'internal', String(e)));
});

server.listen(PORT, HOST, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : PORT;
  // The first line is what scripts (and myna-rig's own tests) read the URL from.
  console.log(\`example SUT adapter listening on http://\${HOST}:\${port}\`);
});
process.on('SIGINT', () => server.close(() => process.exit(0)));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;
