import type { KeyObject } from 'node:crypto';
import type { SimulatedJlis } from '../sim-card/index.js';

/**
 * The process's shared J-LIS with its certificate issuance remembered: a persona card built with
 * the same key, validity (and holder) as in an earlier scenario of this process (worker) gets the
 * same certificates instead of a fresh X.509 signing each time. Profiling `run` showed issuing
 * (ASN.1 building + an RSA signature per certificate, two per card) as the largest share of rig
 * assembly, and central then parses an already-seen DER from its own cache too.
 *
 * Only for the shared J-LIS, which nobody revokes in (a scenario that revokes gets its own J-LIS,
 * rig.ts): a real card shows the same certificate at every clinic, so reusing one across
 * scenarios changes nothing a scenario can observe. The serial number, random per issuance
 * anyway, is then the same for that card in every scenario of the process.
 */
export function rememberingIssuer(jlis: SimulatedJlis): SimulatedJlis {
  const keyIds = new WeakMap<KeyObject, number>();
  let keys = 0;
  const issued = new Map<string, Promise<Uint8Array>>();
  // Keys come from the key cache: one KeyObject per label for the life of the process.
  const keyId = (key: KeyObject): number => {
    let id = keyIds.get(key);
    if (id === undefined) {
      keys += 1;
      id = keys;
      keyIds.set(key, id);
    }
    return id;
  };
  const remember = <O extends { publicKey: KeyObject }>(kind: string, issue: (opts: O) => Promise<Uint8Array>) => (opts: O): Promise<Uint8Array> => {
    const { publicKey, ...rest } = opts;
    const key = `${kind}|${keyId(publicKey)}|${JSON.stringify(rest)}`;
    let der = issued.get(key);
    if (!der) {
      der = issue(opts);
      // A failed issuance must not stick: the same options fail again with the real error.
      der.catch(() => issued.delete(key));
      issued.set(key, der);
    }
    // A copy: a caller that changes its bytes must not change the next scenario's certificate.
    return der.then((bytes) => bytes.slice());
  };
  return {
    ...jlis,
    issueAuthCertificate: remember('auth', jlis.issueAuthCertificate.bind(jlis)),
    issueSignCertificate: remember('sign', jlis.issueSignCertificate.bind(jlis)),
  };
}
