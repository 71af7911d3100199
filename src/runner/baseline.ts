import { readFile } from 'node:fs/promises';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import type { ScenarioResult } from './results.js';
import { writeFileAtomic } from './reporters/write-atomic.js';

/**
 * The expected-failures baseline (MCP conformance style): a YAML list of scenario ids with the
 * reason each is known to fail. Listed failures do not fail the run; a listed id that passes is
 * 'stale' and does fail it, so a fixed gap cannot hide a later regression.
 *
 *   - id: conformance/pin-locked-offer-face
 *     reason: face authentication not offered yet (ticket ACME-123)
 */
export interface Baseline {
  file: string;
  /** id → reason, in file order. */
  entries: Map<string, string>;
}

const Entry = z.object({ id: z.string().min(1, 'must be a scenario id'), reason: z.string().min(1, 'must say why the scenario is expected to fail') }).strict();
const BaselineFile = z.array(Entry).nullable();

export class BaselineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BaselineError';
  }
}

export async function loadBaseline(file: string, opts: { allowMissing?: boolean } = {}): Promise<Baseline> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' && opts.allowMissing) return { file, entries: new Map() };
    throw new BaselineError(`${file}: cannot read the baseline (${(e as Error).message}); create it with --update-baseline`);
  }
  let data: unknown;
  try {
    data = parse(text);
  } catch (e) {
    throw new BaselineError(`${file}: not valid YAML: ${(e as Error).message}`);
  }
  const parsed = BaselineFile.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const [index, ...field] = issue?.path ?? [];
    const where = typeof index === 'number' ? `entry ${index + 1}${field.length > 0 ? `: ${field.join('.')}` : ''}` : '(file)';
    throw new BaselineError(`${file}: ${where}: ${issue?.message ?? 'invalid'}; expected a list of { id, reason }`);
  }
  const entries = new Map<string, string>();
  for (const [i, e] of (parsed.data ?? []).entries()) {
    if (entries.has(e.id)) throw new BaselineError(`${file}: entry ${i + 1}: id "${e.id}" is listed twice`);
    entries.set(e.id, e.reason);
  }
  return { file, entries };
}

/** Marks a result known-failure or stale when the baseline lists it. */
export function applyBaseline(result: ScenarioResult, baseline: Baseline): void {
  const reason = baseline.entries.get(result.id);
  if (reason === undefined) return;
  const failed = result.status === 'failed' || result.status === 'error';
  result.baseline = { status: failed ? 'known-failure' : 'stale', reason };
}

/**
 * The baseline after a run: ids that failed now are listed (keeping their reason, or the first
 * failure message for a new one), ids that passed are dropped, ids not run are kept as they were.
 */
export function updatedEntries(baseline: Baseline, results: ScenarioResult[]): Map<string, string> {
  const ran = new Map(results.map((r) => [r.id, r]));
  const out = new Map<string, string>();
  for (const [id, reason] of baseline.entries) {
    const r = ran.get(id);
    if (!r || r.status === 'failed' || r.status === 'error') out.set(id, reason);
  }
  for (const r of results) {
    if ((r.status === 'failed' || r.status === 'error') && !out.has(r.id)) {
      out.set(r.id, r.error ?? r.failures[0]?.message ?? r.status);
    }
  }
  return out;
}

export async function writeBaseline(file: string, entries: Map<string, string>): Promise<void> {
  const list = [...entries].map(([id, reason]) => ({ id, reason }));
  const header = '# myna-rig expected failures: listed scenarios may fail without failing the run.\n# A listed scenario that passes is stale and fails the run. Rewrite with: myna-rig run --update-baseline\n';
  await writeFileAtomic(file, `${header}${list.length > 0 ? stringify(list) : '[]\n'}`);
}
