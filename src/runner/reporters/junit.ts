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

function testcase(r: ScenarioResult): string {
  const name = escapeXml(`${r.id} — ${r.title}`);
  const attrs = `name="${name}" classname="${escapeXml(r.file)}" time="${(r.durationMs / 1000).toFixed(3)}"`;
  const props = [
    `<property name="sut" value="${escapeXml(r.sut)}"/>`,
    `<property name="seed" value="${r.seed}"/>`,
    ...r.troubles.map((t) => `<property name="trouble" value="${escapeXml(t)}"/>`),
    ...r.sources.map((s) => `<property name="source" value="${escapeXml(s)}"/>`),
  ].join('');
  const body: string[] = [`<properties>${props}</properties>`];
  if (r.status === 'failed') {
    const text = [...r.failures.map((f) => f.message), '', `repro: ${r.repro}`].join('\n');
    body.push(`<failure message="${escapeXml(r.failures[0]?.message ?? 'failed')}" type="expectation">${escapeXml(text)}</failure>`);
  } else if (r.status === 'error') {
    body.push(`<error message="${escapeXml(r.error ?? 'error')}" type="rig">${escapeXml(`${r.error ?? ''}\n\nrepro: ${r.repro}`)}</error>`);
  }
  return `    <testcase ${attrs}>${body.join('')}</testcase>`;
}

export function renderJunit(run: RunResult): string {
  const s = run.summary;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="myna-rig" tests="${s.total}" failures="${s.failed}" errors="${s.errors}" time="${(s.durationMs / 1000).toFixed(3)}">`,
    `  <testsuite name="myna-rig scenarios (${escapeXml(run.sut)})" tests="${s.total}" failures="${s.failed}" errors="${s.errors}" skipped="0" time="${(s.durationMs / 1000).toFixed(3)}" timestamp="${run.startedAt}">`,
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
