import { remoteAdapter } from './remote-adapter.js';
import { referenceAdapter, type SutAdapter } from './sut-adapter.js';

/**
 * A SUT adapter described as plain data, so a worker thread can build its own: adapters hold
 * functions and sockets, which cannot cross a thread boundary.
 */
export type AdapterSpec = { kind: 'reference'; name?: string } | { kind: 'remote'; url: string; name?: string; timeoutMs?: number };

export function adapterFromSpec(spec: AdapterSpec): SutAdapter {
  if (spec.kind === 'reference') return referenceAdapter(spec.name === undefined ? {} : { name: spec.name });
  return remoteAdapter(spec);
}
