import express, { type Express } from 'express';
import type { Clock } from '../../domain/index.js';
import { isCrlStale, RevocationLists, type CrlStalePolicy, type LoadedCrl } from './crl.js';
import type { Exchange, Reply } from './lean-routes.js';
import type { EligibilityStore } from './store.js';

/**
 * Central consuming the J-LIS CRL: `startCentral({ crl })` loads one or more at start (a CRL that
 * does not verify stops the start), `POST /admin/crl` loads a newer one while running. Revoked
 * and held certificates are then refused exactly as a state set on the store is
 * (`certificate-revoked` / `certificate-suspended`), because the store asks these lists.
 */

/** Makes the store consult CRLs; loads the start-up ones (throws naming the problem). */
export async function attachRevocationLists(
  store: EligibilityStore,
  crls: Uint8Array | readonly Uint8Array[] | undefined,
  trustAnchors: readonly Uint8Array[],
  opts: { clock?: Clock; stalePolicy?: CrlStalePolicy } = {},
): Promise<RevocationLists> {
  const lists = new RevocationLists(opts);
  store.useRevocationSource(lists);
  const all = crls === undefined ? [] : crls instanceof Uint8Array ? [crls] : crls;
  for (const [i, der] of all.entries()) {
    const loaded = await lists.load(der, trustAnchors);
    if (!loaded.ok) throw new Error(`startCentral: crl[${i}]: ${loaded.code}: ${loaded.message}`);
  }
  return lists;
}

const summary = (crl: LoadedCrl) => ({
  issuer: crl.issuer,
  thisUpdate: crl.thisUpdate.toISOString(),
  ...(crl.nextUpdate ? { nextUpdate: crl.nextUpdate.toISOString() } : {}),
  entries: crl.entries.size,
});

export function registerCrlRoutes(
  app: Express,
  deps: {
    lists: RevocationLists;
    trustAnchors: readonly Uint8Array[];
    send(req: Exchange, res: Reply, status: number, body: unknown): void;
    sendError(req: Exchange, res: Reply, status: number, code: string, message: string, field?: string): void;
  },
): void {
  const raw = express.raw({ type: ['application/pkix-crl', 'application/octet-stream'], limit: '32mb' });
  // Body: the DER itself (application/pkix-crl), or JSON { "crl": "<base64 DER>" }.
  app.post('/admin/crl', raw, async (req, res) => {
    let der: Uint8Array | undefined;
    if (Buffer.isBuffer(req.body)) der = new Uint8Array(req.body);
    else {
      const b64 = (req.body as { crl?: unknown } | undefined)?.crl;
      if (typeof b64 === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(b64)) der = new Uint8Array(Buffer.from(b64, 'base64'));
    }
    if (!der || der.length === 0) {
      deps.sendError(req, res, 400, 'invalid-request', 'POST /admin/crl: send the CRL as DER (content-type application/pkix-crl) or JSON { "crl": "<base64 DER>" }', 'crl');
      return;
    }
    const loaded = await deps.lists.load(der, deps.trustAnchors);
    if (!loaded.ok) {
      deps.sendError(req, res, loaded.code === 'crl-stale' ? 409 : 400, loaded.code, `POST /admin/crl: ${loaded.message}`);
      return;
    }
    deps.send(req, res, 200, { loaded: summary(loaded.crl), replaced: loaded.replaced });
  });
  app.get('/admin/crl', (req, res) => deps.send(req, res, 200, { crls: deps.lists.loaded().map(summary) }));
}

/**
 * CRL freshness (crl.ts, option `crl_stale_policy`): gives the lists the virtual clock and serves
 * `GET /admin/crl-policy` → `{ policy, now, stale: [summary…], warnings: [StaleCrlWarning…] }` and
 * `PUT /admin/crl-policy` `{ "policy": "refuse" | "warn" }` → the same.
 */
export function registerCrlFreshnessRoutes(
  app: Express,
  deps: {
    lists: RevocationLists;
    clock: Clock;
    stalePolicy?: CrlStalePolicy | undefined;
    send(req: Exchange, res: Reply, status: number, body: unknown): void;
    sendError(req: Exchange, res: Reply, status: number, code: string, message: string, field?: string): void;
  },
): void {
  deps.lists.useClock(deps.clock);
  if (deps.stalePolicy !== undefined) deps.lists.setStalePolicy(deps.stalePolicy);
  const view = () => {
    const now = deps.clock.now();
    return {
      policy: deps.lists.stalePolicy,
      now: new Date(now).toISOString(),
      stale: deps.lists.loaded().filter((crl) => isCrlStale(crl, now)).map(summary),
      warnings: deps.lists.warnings().map((w) => ({ ...w, at: new Date(w.at).toISOString() })),
    };
  };
  app.get('/admin/crl-policy', (req, res) => deps.send(req, res, 200, view()));
  app.put('/admin/crl-policy', (req, res) => {
    const policy = (req.body as { policy?: unknown } | undefined)?.policy;
    if (policy !== 'refuse' && policy !== 'warn') {
      deps.sendError(req, res, 400, 'invalid-request', `PUT /admin/crl-policy: policy must be "refuse" or "warn", received ${JSON.stringify(policy) ?? 'nothing'}`, 'policy');
      return;
    }
    deps.lists.setStalePolicy(policy);
    deps.send(req, res, 200, view());
  });
}
