import type { RunResult, ScenarioResult } from '../results.js';
import type { Reporter } from './reporter.js';
import { writeFileAtomic } from './write-atomic.js';

const escapeXml = (s: string): string =>
  s
    // eslint-disable-next-line no-control-regex -- XML 1.0 forbids these characters outright.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

/**
 * The step timeline as text for <system-out>: what CI systems show under a test. Only values
 * the same seed reproduces exactly (no durations, no nonces), so a merged report of shards
 * equals the report of the whole run apart from times.
 */
function timeline(r: ScenarioResult): string {
  const lines = r.steps.map((s) => {
    const parts = [`step ${s.index} ${s.step}: ${s.status}`];
    if (s.error) parts.push(`  error: ${s.error}`);
    if (s.screen) parts.push(`  reader: ${JSON.stringify(s.screen)}`);
    if (s.outcome) parts.push(`  outcome: ${JSON.stringify(s.outcome)}`);
    return parts.join('\n');
  });
  for (const a of r.attempts ?? []) lines.push(`attempt ${a.attempt}: ${a.status}${a.error ? ` — ${a.error}` : ''}${a.failures.map((f) => ` — ${f}`).join('')}`);
  return lines.join('\n');
}

function testcase(r: ScenarioResult): string {
  const name = escapeXml(`${r.id} — ${r.title}`);
  const attrs = `name="${name}" classname="${escapeXml(r.file)}" time="${(r.durationMs / 1000).toFixed(3)}"`;
  const props = [
    `<property name="sut" value="${escapeXml(r.sut)}"/>`,
    `<property name="seed" value="${r.seed}"/>`,
    `<property name="status" value="${r.status}"/>`,
    ...r.troubles.map((t) => `<property name="trouble" value="${escapeXml(t)}"/>`),
    ...r.sources.map((s) => `<property name="source" value="${escapeXml(s)}"/>`),
    ...(r.baseline ? [`<property name="baseline" value="${r.baseline.status}: ${escapeXml(r.baseline.reason)}"/>`] : []),
  ].join('');
  const body: string[] = [`<properties>${props}</properties>`];
  const failureText = [...r.failures.map((f) => f.message), ...(r.error ? [`error: ${r.error}`] : []), '', `repro: ${r.repro}`].join('\n');
  if (r.baseline?.status === 'known-failure') {
    // Expected by the baseline: shown as skipped so CI stays green, with the failure kept below.
    body.push(`<skipped message="${escapeXml(`known failure (baseline): ${r.baseline.reason}`)}"/>`);
  } else if (r.baseline?.status === 'stale') {
    const message = `passed, but the baseline lists it as failing (${r.baseline.reason}); remove the entry or run with --update-baseline`;
    body.push(`<failure message="${escapeXml(message)}" type="stale-baseline">${escapeXml(`${message}\n\nrepro: ${r.repro}`)}</failure>`);
  } else if (r.status === 'failed') {
    body.push(`<failure message="${escapeXml(r.failures[0]?.message ?? 'failed')}" type="expectation">${escapeXml(failureText)}</failure>`);
  } else if (r.status === 'error') {
    body.push(`<error message="${escapeXml(r.error ?? 'error')}" type="rig">${escapeXml(failureText)}</error>`);
  } else if (r.status === 'flaky') {
    for (const a of r.attempts ?? []) {
      body.push(`<flakyFailure message="${escapeXml(a.error ?? a.failures[0] ?? a.status)}" type="${a.status}"/>`);
    }
  }
  const out = timeline(r);
  if (out) body.push(`<system-out>${escapeXml(out)}</system-out>`);
  return `    <testcase ${attrs}>${body.join('')}</testcase>`;
}

export function renderJunit(run: RunResult): string {
  const s = run.summary;
  const failures = s.failed + s.stale;
  const time = (s.durationMs / 1000).toFixed(3);
  const suiteName = `myna-rig scenarios (${escapeXml(run.sut)})${run.interrupted ? ' — interrupted, partial' : ''}`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="myna-rig" tests="${s.total}" failures="${failures}" errors="${s.errors}" time="${time}">`,
    `  <testsuite name="${suiteName}" tests="${s.total}" failures="${failures}" errors="${s.errors}" skipped="${s.knownFailures}" time="${time}" timestamp="${run.startedAt}">`,
    ...run.scenarios.map(testcase),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

export function junitReporter(outputFile: string): Reporter {
  return {
    async onEnd(run) {
      await writeFileAtomic(outputFile, renderJunit(run));
    },
  };
}
