import express, { type Express } from 'express';
import { RevocationLists, type LoadedCrl } from './crl.js';
import type { Exchange, Reply } from './lean-routes.js';
import type { EligibilityStore } from './store.js';

/**
 * Central consuming the J-LIS CRL: `startCentral({ crl })` loads one or more at start (a CRL that
 * does not verify stops the start), `POST /admin/crl` loads a newer one while running. Revoked
 * and held certificates are then refused exactly as a state set on the store is
 * (`certificate-revoked` / `certificate-suspended`), because the store asks these lists.
 */

/** Makes the store consult CRLs; loads the start-up ones (throws naming the problem). */
export async function attachRevocationLists(store: EligibilityStore, crls: Uint8Array | readonly Uint8Array[] | undefined, trustAnchors: readonly Uint8Array[]): Promise<RevocationLists> {
  const lists = new RevocationLists();
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
