import express, { type Express, type Request, type Response } from 'express';
import type { Clock } from '../../domain/index.js';
import type { RevocationLists } from './crl.js';
import type { CertificateStateEntry } from './store.js';
import type { Exchange, Reply } from './lean-routes.js';
import { answerOcspRequest, importOcspSigner, type OcspResult, type OcspSigner } from './ocsp.js';

/**
 * HTTP face of the OCSP responder (ocsp.ts), RFC 6960 Appendix A:
 * - `POST /ocsp`, body the DER OCSPRequest (content-type application/ocsp-request);
 * - `GET /ocsp/<base64 of the DER, URL-encoded>`;
 * both answer HTTP 200 with content-type application/ocsp-response (errors are OCSP statuses, not
 * HTTP ones), plus `x-ocsp-problem: <what went wrong>` on any status but successful.
 * - `PUT /admin/ocsp-signer` JSON `{ certificate: <base64 DER>, privateKey: <base64 PKCS#8 DER> }`
 *   installs the signer for its CA (TEST ONLY keys); `GET /admin/ocsp-signer` lists them.
 * Until a signer is installed for a CA, requests about its certificates get `unauthorized`.
 */

export interface OcspResponder {
  /** Installs a signer (checked like PUT /admin/ocsp-signer); rejects naming the problem. */
  useSigner(certificateDer: Uint8Array, privateKeyPkcs8Der: Uint8Array): Promise<void>;
  /** Answers as POST /ocsp does, without HTTP. */
  answer(der: Uint8Array): Promise<OcspResult>;
}

export interface OcspRouteDeps {
  clock: Clock;
  lists: RevocationLists;
  /** States set on the store (lost card, 一時停止) win over the CRLs, as in card checks; their instant is the revocationTime. */
  store?: { certificateStateEntryBySerial(issuerNameHex: string, serialHex: string): CertificateStateEntry | undefined };
  trustAnchors: readonly Uint8Array[];
  send(req: Exchange, res: Reply, status: number, body: unknown): void;
  sendError(req: Exchange, res: Reply, status: number, code: string, message: string, field?: string): void;
}

const BODY_LIMIT = '64kb';
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

export function registerOcspRoutes(app: Express, deps: OcspRouteDeps): OcspResponder {
  const signers = new Map<string, OcspSigner>();
  const answer = (der: Uint8Array): Promise<OcspResult> =>
    answerOcspRequest(der, { trustAnchors: deps.trustAnchors, signers, now: deps.clock.now(), lookup: (issuerKey, serial, now) => {
        const set = deps.store?.certificateStateEntryBySerial(issuerKey, serial);
        if (set !== undefined) {
          // A hold is certificateHold (6), as the simulated CA writes it in its CRL; a revocation gives no reason.
          // Without a known instant (a store without a clock), ocsp.ts falls back to the answer time.
          return {
            state: set.state,
            ...(set.setAt !== undefined ? { revokedAt: new Date(set.setAt) } : {}),
            ...(set.state === 'suspended' ? { reasonCode: 6 } : {}),
          };
        }
        return deps.lists.statusBySerial(issuerKey, serial, now);
      },
    });
  const reply = async (res: Response, der: Uint8Array): Promise<void> => {
    const result = await answer(der);
    res.status(200).type('application/ocsp-response');
    if (result.status !== 'successful') res.setHeader('x-ocsp-problem', `${result.status}: ${result.problem}`.replace(/[^\x20-\x7e]/g, '?'));
    res.send(Buffer.from(result.der));
  };

  // Any content type: some clients send none; the bytes decide.
  app.post('/ocsp', express.raw({ type: () => true, limit: BODY_LIMIT }), async (req: Request, res: Response) => {
    await reply(res, Buffer.isBuffer(req.body) ? new Uint8Array(req.body) : new Uint8Array(0));
  });
  // The path carries base64 with "/" in it (RFC 6960 A.1), so it is read from the raw URL, not a param.
  app.get(/^\/ocsp\/(.+)$/, async (req: Request, res: Response) => {
    let text: string;
    try {
      text = decodeURIComponent(req.path.slice('/ocsp/'.length));
    } catch {
      text = '!';
    }
    await reply(res, BASE64.test(text) ? new Uint8Array(Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64')) : new Uint8Array(0));
  });

  const useSigner = async (certificateDer: Uint8Array, privateKeyPkcs8Der: Uint8Array): Promise<OcspSigner> => {
    const imported = await importOcspSigner(certificateDer, privateKeyPkcs8Der, deps.trustAnchors);
    if (!imported.ok) throw Object.assign(new Error(`OCSP signer: ${imported.field}: ${imported.message}`), { field: imported.field });
    signers.set(imported.signer.issuerKey, imported.signer);
    return imported.signer;
  };
  const summary = (s: OcspSigner) => ({
    subject: s.certificate.subject.typesAndValues.map((tv) => `${tv.type}=${String(tv.value.valueBlock.value)}`).join(', '),
    serialNumber: Buffer.from(s.certificate.serialNumber.valueBlock.valueHexView).toString('hex'),
    delegated: s.delegated,
  });
  app.put('/admin/ocsp-signer', async (req, res) => {
    const body = req.body as { certificate?: unknown; privateKey?: unknown } | undefined;
    for (const field of ['certificate', 'privateKey'] as const) {
      const value = body?.[field];
      if (typeof value !== 'string' || value.length === 0 || !BASE64.test(value)) {
        deps.sendError(req, res, 400, 'invalid-request', `PUT /admin/ocsp-signer: ${field} must be base64 DER (${field === 'certificate' ? 'the signer certificate' : 'its PKCS#8 private key'})`, field);
        return;
      }
    }
    try {
      const signer = await useSigner(new Uint8Array(Buffer.from(body!.certificate as string, 'base64')), new Uint8Array(Buffer.from(body!.privateKey as string, 'base64')));
      deps.send(req, res, 200, { signer: summary(signer) });
    } catch (e) {
      deps.sendError(req, res, 400, 'ocsp-signer-invalid', `PUT /admin/ocsp-signer: ${(e as Error).message}`, (e as { field?: string }).field);
    }
  });
  app.get('/admin/ocsp-signer', (req, res) => deps.send(req, res, 200, { signers: [...signers.values()].map(summary) }));

  return {
    async useSigner(certificateDer, privateKeyPkcs8Der) {
      await useSigner(certificateDer, privateKeyPkcs8Der);
    },
    answer,
  };
}
