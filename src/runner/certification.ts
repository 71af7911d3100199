import { join } from 'node:path';
import type { Suite } from '../scenarios/suite.js';
import type { CertificationContext, RunResult, ScenarioResult } from './results.js';
import { writeFileAtomic } from './reporters/write-atomic.js';

/**
 * The certification summary a vendor hands to a customer: which suite version, which system,
 * which level, and every required scenario with its result. Written next to the run's reports as
 * certification.json (exactly `Certification`) and certification.html (self-contained, offline).
 */

export interface SutIdentity {
  /** As shown in reports, e.g. "ACME レセコン 5.2" or "reference-reception". */
  name: string;
  /** remote SUTs: the base URL and its answer to GET / (docs/protocols/sut.md). */
  url?: string;
  info?: Record<string, unknown>;
}

export type LevelVerdict = 'pass' | 'fail' | 'not-run';

export interface LevelResult {
  level: string;
  title?: string;
  /** pass: every required scenario passed; fail: one did not; not-run: some were not run. */
  verdict: LevelVerdict;
  required: number;
  passed: number;
  scenarios: Array<{ id: string; status: ScenarioResult['status'] | 'not-run' }>;
}

export interface Certification {
  kind: 'myna-rig-certification';
  suite: { id: string; version: string; title: string };
  sut: SutIdentity;
  /** The level asked for (--level, else the suite's last). */
  level: string;
  verdict: LevelVerdict;
  levels: LevelResult[];
  /** When the run started (ISO 8601, real time) and the seed it used. */
  date: string;
  seed: number;
  tool: { name: 'myna-rig'; version: string };
  /** Set when the run was interrupted: the certificate then certifies nothing. */
  interrupted?: boolean;
}

/** Flaky (passed on a retry) counts as passed, as it does for the run's exit code. */
const passedStatus = (s: ScenarioResult['status']): boolean => s === 'passed' || s === 'flaky';

export function certify(suite: Suite, level: string, run: RunResult, sut: SutIdentity): Certification {
  const byId = new Map(run.scenarios.map((s) => [s.id, s]));
  const levels = Object.entries(suite.levels).map(([name, l]): LevelResult => {
    const scenarios = l.scenarios.map((id) => ({ id, status: byId.get(id)?.status ?? ('not-run' as const) }));
    const passed = scenarios.filter((s) => s.status !== 'not-run' && passedStatus(s.status)).length;
    const notRun = scenarios.some((s) => s.status === 'not-run');
    const verdict: LevelVerdict = passed === scenarios.length ? 'pass' : notRun ? 'not-run' : 'fail';
    return { level: name, ...(l.title ? { title: l.title } : {}), verdict, required: scenarios.length, passed, scenarios };
  });
  const asked = levels.find((l) => l.level === level);
  if (!asked) throw new RangeError(`certify: suite ${suite.suite} has no level "${level}"`);
  return {
    kind: 'myna-rig-certification',
    suite: { id: suite.suite, version: suite.version, title: suite.title },
    sut,
    level,
    verdict: run.interrupted ? 'not-run' : asked.verdict,
    levels,
    date: run.startedAt,
    seed: run.seed,
    tool: run.tool,
    ...(run.interrupted ? { interrupted: true } : {}),
  };
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const VERDICT_TEXT: Record<LevelVerdict, string> = { pass: 'PASS 合格', fail: 'FAIL 不合格', 'not-run': 'NOT RUN 未実施' };

export function certificationHtml(c: Certification): string {
  const levelRows = c.levels
    .map((l) => `<tr class="${l.verdict}"><th>${esc(l.level)}</th><td>${esc(l.title ?? '')}</td><td>${l.passed} / ${l.required}</td><td class="verdict">${VERDICT_TEXT[l.verdict]}</td></tr>`)
    .join('\n');
  const asked = c.levels.find((l) => l.level === c.level)!;
  const scenarioRows = asked.scenarios.map((s) => `<tr class="${s.status}"><td><code>${esc(s.id)}</code></td><td>${esc(s.status)}</td></tr>`).join('\n');
  const info = c.sut.info ? `<pre>${esc(JSON.stringify(c.sut.info, null, 2))}</pre>` : '';
  return `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>${esc(c.suite.id)} ${esc(c.suite.version)} — ${esc(c.sut.name)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#111}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
.pass .verdict,.passed,.flaky{color:#066}.fail .verdict,.failed,.error{color:#a00;font-weight:bold}.not-run{color:#666}
.big{font-size:1.6rem;font-weight:bold}
</style></head><body>
<h1>Certification — ${esc(c.suite.title)}</h1>
<p class="big ${c.verdict}">${esc(c.suite.id)} ${esc(c.suite.version)} / level <code>${esc(c.level)}</code>: <span class="verdict">${VERDICT_TEXT[c.verdict]}</span></p>
${c.interrupted ? '<p class="fail"><strong>The run was interrupted: this summary is partial and certifies nothing.</strong></p>' : ''}
<dl>
<dt>System under test</dt><dd>${esc(c.sut.name)}${c.sut.url ? ` — <code>${esc(c.sut.url)}</code>` : ''}${info}</dd>
<dt>Date</dt><dd>${esc(c.date)}</dd>
<dt>Seed</dt><dd>${c.seed}</dd>
<dt>Tool</dt><dd>${esc(c.tool.name)} ${esc(c.tool.version)}</dd>
</dl>
<h2>Levels</h2>
<table><thead><tr><th>Level</th><th>Scope</th><th>Passed / required</th><th>Verdict</th></tr></thead><tbody>
${levelRows}
</tbody></table>
<h2>Scenarios required by <code>${esc(c.level)}</code></h2>
<table><thead><tr><th>Scenario id</th><th>Result</th></tr></thead><tbody>
${scenarioRows}
</tbody></table>
<p>Reproduce: <code>myna-rig run --suite &lt;suite file&gt; --level ${esc(c.level)} --seed ${c.seed}</code></p>
</body></html>
`;
}

export const CERTIFICATION_FILES = { json: 'certification.json', html: 'certification.html' } as const;

export async function writeCertification(outputDir: string, c: Certification): Promise<void> {
  await writeFileAtomic(join(outputDir, CERTIFICATION_FILES.json), `${JSON.stringify(c, null, 2)}\n`);
  await writeFileAtomic(join(outputDir, CERTIFICATION_FILES.html), certificationHtml(c));
}

/** Certifies a finished run (or merged shards) and writes both files; returns the verdict line to print. */
export async function certifyAndWrite(run: RunResult, context: CertificationContext, outputDir: string): Promise<{ certification: Certification; line: string }> {
  const cert = certify(context.suite, context.level, run, context.sut);
  await writeCertification(outputDir, cert);
  const l = cert.levels.find((x) => x.level === cert.level)!;
  const line = `myna-rig: certification ${cert.suite.id} ${cert.suite.version} / ${cert.level}: ${cert.verdict.toUpperCase()} (${l.passed}/${l.required} required scenarios passed) → ${join(outputDir, CERTIFICATION_FILES.html)}`;
  return { certification: cert, line };
}
