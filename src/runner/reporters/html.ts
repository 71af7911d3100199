import type { ExpectationFailure, ResultFile, RunResult, ScenarioResult, StepRecord, TrafficRecord } from '../results.js';
import type { Reporter } from './reporter.js';
import { screenSnapshotHtml } from './screen-snapshot.js';
import { writeFileAtomic } from './write-atomic.js';

/**
 * A self-contained HTML report: one file, inline CSS and JS, no network, so it opens from a CI
 * artifact or an e-mail attachment offline. Failing scenarios come first, open, with the
 * failure diff, the repro line, the step timeline (reader screen and reception outcome after
 * each step) and the traffic the rig saw during each step.
 */

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const json = (v: unknown, indent?: number): string => (v === undefined ? '(absent)' : JSON.stringify(v, null, indent));

/** Display order: what needs attention first. */
const ORDER: Record<string, number> = { error: 0, failed: 1, flaky: 2, passed: 3 };

export function orderForReport(scenarios: ScenarioResult[]): ScenarioResult[] {
  const rank = (s: ScenarioResult): number => {
    if (s.baseline?.status === 'stale') return 0.5;
    if (s.baseline?.status === 'known-failure') return 2.5;
    return ORDER[s.status] ?? 4;
  };
  return scenarios
    .map((s, i) => ({ s, i }))
    .sort((a, b) => rank(a.s) - rank(b.s) || a.i - b.i)
    .map(({ s }) => s);
}

function badge(r: ScenarioResult): string {
  const label = r.baseline?.status === 'known-failure' ? `${r.status} (known)` : r.baseline?.status === 'stale' ? 'stale baseline' : r.status;
  const cls = r.baseline?.status === 'known-failure' ? 'known' : r.baseline?.status === 'stale' ? 'stale' : r.status;
  return `<span class="badge ${cls}">${esc(label)}</span>`;
}

function diff(f: ExpectationFailure): string {
  const where = f.step >= 0 ? `step ${f.step}` : 'final expect';
  return `<div class="diff"><div class="path">${esc(f.path)} <span class="dim">(${where})</span></div><div class="minus">- expected ${esc(json(f.expected))}</div><div class="plus">+ actual&nbsp;&nbsp; ${esc(json(f.actual))}</div></div>`;
}

function virtualTime(at: number): string {
  // The virtual clock in JST, HH:MM:SS.mmm: scenario times are written in JST.
  return new Date(at + 9 * 3_600_000).toISOString().slice(11, 23);
}

function trafficTable(records: TrafficRecord[]): string {
  const rows = records.map(
    (t) =>
      `<tr><td class="dim">${virtualTime(t.at)}</td><td>${esc(t.from)} → ${esc(t.to)}</td><td><details><summary>${esc(t.label)}</summary><pre>${esc(json(t.message, 2))}</pre>${
        t.response === undefined ? '' : `<div class="dim">response</div><pre>${esc(json(t.response, 2))}</pre>`
      }</details></td></tr>`,
  );
  return `<table class="traffic"><tbody>${rows.join('')}</tbody></table>`;
}

function stepRows(r: ScenarioResult): string {
  const traffic = r.traffic ?? [];
  const setup = traffic.filter((t) => t.step < 0);
  const rows: string[] = [];
  if (setup.length > 0) {
    rows.push(`<tr class="setup"><td></td><td colspan="4"><details><summary>rig setup — ${setup.length} message${setup.length === 1 ? '' : 's'}</summary>${trafficTable(setup)}</details></td></tr>`);
  }
  for (const s of r.steps) rows.push(stepRow(s, traffic.filter((t) => t.step === s.index)));
  return rows.join('');
}

/**
 * The reader screen as the reader drew it (its HTML snapshot, escaped, inline styles only); a
 * record too odd to draw falls back to its name, text and fields.
 */
function screenCell(screen: Record<string, unknown> | undefined): string {
  if (!screen) return '';
  const figure = screenSnapshotHtml(screen);
  if (figure !== undefined) return figure;
  const { screen: name, message, lines, ...rest } = screen;
  const text = Array.isArray(lines) && lines.length > 0 ? lines.map(String) : typeof message === 'string' ? [message] : [];
  const fields = Object.entries(rest).filter(([, v]) => v !== null && v !== undefined);
  return `<b>${esc(String(name ?? '?'))}</b>${text.map((l) => `<div class="lcd">${esc(l)}</div>`).join('')}${
    fields.length > 0 ? `<div class="dim kv">${fields.map(([k, v]) => `${esc(k)}=${esc(typeof v === 'string' ? v : json(v))}`).join(' ')}</div>` : ''
  }`;
}

function outcomeCell(outcome: Record<string, unknown> | undefined): string {
  if (!outcome) return '';
  const { status, ...rest } = outcome;
  return `<b>${esc(String(status ?? '?'))}</b><div class="kv">${Object.entries(rest)
    .map(([k, v]) => `<div><span class="dim">${esc(k)}</span> ${esc(typeof v === 'string' ? v : json(v))}</div>`)
    .join('')}</div>`;
}

function stepRow(s: StepRecord, traffic: TrafficRecord[]): string {
  const wire =
    traffic.length === 0
      ? ''
      : `<details class="wire"><summary>${traffic.length} message${traffic.length === 1 ? '' : 's'} on the wire</summary>${trafficTable(traffic)}</details>`;
  return `<tr class="step ${s.status}"><td>${s.index}</td><td><code>${esc(s.step)}</code>${s.error ? `<div class="err">${esc(s.error)}</div>` : ''}${wire}</td><td>${esc(s.status)}</td><td class="screen">${screenCell(s.screen)}</td><td class="outcome">${outcomeCell(s.outcome)}</td><td class="num">${s.durationMs} ms</td></tr>`;
}

/** The result XML files the terminal wrote (face/), as sent: decoded from their encoding, not re-formatted. */
function resultFilesSection(files: ResultFile[] | undefined): string {
  if (!files || files.length === 0) return '';
  const items = files.map(
    (f) =>
      `<details class="result-file"><summary><code>${esc(f.folder)}/${esc(f.name)}</code> <span class="dim">${f.bytes} bytes · ${f.encoding === 'cp932' ? 'Shift_JIS (CP932)' : 'UTF-8'} · ${f.step >= 0 ? `written during step ${f.step}` : 'written during setup'}</span></summary><pre class="xml">${esc(f.text)}</pre></details>`,
  );
  return `<div class="result-files"><div class="dim">result XML as the terminal wrote it</div>${items.join('')}</div>`;
}

function scenarioSection(r: ScenarioResult): string {
  const open = r.status !== 'passed' || r.baseline?.status === 'stale' ? ' open' : '';
  const problems: string[] = [];
  if (r.error) problems.push(`<div class="err">error: ${esc(r.error)}</div>`);
  problems.push(...r.failures.map(diff));
  if (r.baseline) problems.push(`<div class="note">baseline: ${esc(r.baseline.status)} — ${esc(r.baseline.reason)}</div>`);
  for (const a of r.attempts ?? []) problems.push(`<div class="note">attempt ${a.attempt}: ${esc(a.status)}${a.error ? ` — ${esc(a.error)}` : ''}${a.failures.map((f) => ` — ${esc(f)}`).join('')}</div>`);
  const repro = r.status === 'passed' ? '' : `<div class="repro"><span class="dim">repro</span> <code>${esc(r.repro)}</code> <button type="button" class="copy" data-copy="${esc(r.repro)}">copy</button></div>`;
  const meta = [
    `${esc(r.file)}:${r.line}`,
    `seed ${r.seed}`,
    `${r.durationMs} ms`,
    r.tags.length > 0 ? `tags: ${r.tags.map(esc).join(', ')}` : '',
    r.troubles.length > 0 ? `troubles: ${r.troubles.map(esc).join(', ')}` : '',
  ].filter(Boolean);
  return `<section class="scenario ${r.status}" data-status="${esc(r.status)}" data-id="${esc(r.id)}">
<details${open}><summary>${badge(r)} <span class="id">${esc(r.id)}</span> <span class="title">${esc(r.title)}</span></summary>
<div class="body">
<div class="meta dim">${meta.join(' · ')}</div>
${r.sources.length > 0 ? `<div class="meta dim">sources: ${r.sources.map(esc).join(' · ')}</div>` : ''}
${problems.join('\n')}
${repro}
<table class="steps"><thead><tr><th>#</th><th>step</th><th>status</th><th>reader screen after</th><th>reception outcome after</th><th>time</th></tr></thead><tbody>${stepRows(r)}</tbody></table>
${resultFilesSection(r.resultFiles)}
${r.trafficDropped ? `<div class="note">${r.trafficDropped} more messages were not kept</div>` : ''}
</div></details></section>`;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI","Hiragino Sans","Noto Sans CJK JP",sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}
header{background:#fff;border-bottom:1px solid #d8dce1;padding:16px 24px}
h1{font-size:20px;margin:0 0 8px}
.summary{display:flex;gap:24px;flex-wrap:wrap}
.summary div{min-width:90px}.summary b{display:block;font-size:22px}
.summary .failed b,.summary .errors b,.summary .stale b{color:#b42318}.summary .passed b{color:#1a7f37}.summary .flaky b,.summary .known b{color:#9a6700}
.partial{background:#fff4ce;border:1px solid #d4a72c;padding:8px 12px;margin-top:10px}
main{padding:16px 24px}
.filters{margin-bottom:12px}.filters button{margin-right:6px}
.scenario{background:#fff;border:1px solid #d8dce1;border-radius:6px;margin-bottom:10px}
.scenario.failed,.scenario.error{border-left:4px solid #b42318}.scenario.flaky{border-left:4px solid #9a6700}.scenario.passed{border-left:4px solid #1a7f37}
.scenario>details>summary{padding:10px 12px;cursor:pointer}
.body{padding:0 12px 12px}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;color:#fff;background:#57606a}
.badge.failed,.badge.error,.badge.stale{background:#b42318}.badge.passed{background:#1a7f37}.badge.flaky,.badge.known{background:#9a6700}
.id{font-family:ui-monospace,monospace;font-weight:600}.dim{color:#656d76}
.diff{font-family:ui-monospace,monospace;background:#f6f8fa;border:1px solid #d8dce1;border-radius:4px;padding:6px 8px;margin:6px 0}
.minus{color:#b42318}.plus{color:#1a7f37}.err{color:#b42318;font-family:ui-monospace,monospace;white-space:pre-wrap}
.note{color:#9a6700;margin:4px 0}
.repro{margin:8px 0}.repro code{background:#f6f8fa;padding:2px 4px}
table{border-collapse:collapse;width:100%;margin-top:8px}th,td{border-top:1px solid #eaeef2;padding:4px 6px;text-align:left;vertical-align:top}
th{font-weight:600;color:#656d76;font-size:12px}
td.num{text-align:right;white-space:nowrap}td.screen,td.outcome{font-size:12px;max-width:340px}
.lcd{background:#eef6ee;border-left:3px solid #6a9f6a;padding:1px 6px;margin:2px 0}.kv{font-size:11px;word-break:break-all}
tr.step.failed td,tr.step.error td{background:#ffebe9}
table.traffic td{font-size:12px;border:0;padding:1px 6px}pre{margin:2px 0;font-size:12px;white-space:pre-wrap;word-break:break-all;background:#f6f8fa;padding:4px}
.hidden{display:none}
`;

const JS = `
document.querySelectorAll('.filters button').forEach(function(b){b.addEventListener('click',function(){
  var want=b.getAttribute('data-filter');
  document.querySelectorAll('.scenario').forEach(function(s){
    var st=s.getAttribute('data-status');
    var show=want==='all'||(want==='problems'?st!=='passed':st===want);
    s.classList.toggle('hidden',!show);
  });
});});
document.querySelectorAll('button.copy').forEach(function(b){b.addEventListener('click',function(){
  var text=b.getAttribute('data-copy');
  if(navigator.clipboard){navigator.clipboard.writeText(text).then(function(){b.textContent='copied';},function(){});}
});});
`;

export function renderHtml(run: RunResult): string {
  const s = run.summary;
  const suites = [...new Set(run.scenarios.map((r) => r.id.split('/')[0] ?? r.id))];
  const cell = (cls: string, label: string, n: number | string): string => `<div class="${cls}"><b>${esc(String(n))}</b>${esc(label)}</div>`;
  const cells = [
    cell('total', 'scenarios', s.total),
    cell('passed', 'passed', s.passed),
    cell('failed', 'failed', s.failed),
    cell('errors', 'errors', s.errors),
  ];
  if (s.flaky) cells.push(cell('flaky', 'flaky', s.flaky));
  if (s.knownFailures) cells.push(cell('known', 'known failures', s.knownFailures));
  if (s.stale) cells.push(cell('stale', 'stale baseline', s.stale));
  cells.push(cell('time', 'seconds', (s.durationMs / 1000).toFixed(1)));
  const facts = [
    `suite: ${suites.join(', ')}`,
    `SUT: ${run.sut}`,
    `seed: ${run.seed}`,
    run.shard ? `shards: ${run.shard.total === 1 ? '1/1' : `${run.shard.current}/${run.shard.total}`}` : '',
    `started: ${run.startedAt}`,
    `${run.tool.name} ${run.tool.version}`,
  ].filter(Boolean);
  return `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>myna-rig report — ${esc(run.sut)}</title><style>${CSS}</style></head>
<body>
<header><h1>myna-rig report</h1>
<div class="dim" id="facts">${facts.map(esc).join(' · ')}</div>
<div class="summary" id="summary">${cells.join('')}</div>
${run.interrupted ? '<div class="partial" id="partial">Partial report: the run was interrupted before every scenario had run.</div>' : ''}
</header>
<main>
<div class="filters"><button type="button" data-filter="all">all</button><button type="button" data-filter="problems">problems</button><button type="button" data-filter="passed">passed</button></div>
<div id="scenarios">
${orderForReport(run.scenarios).map(scenarioSection).join('\n')}
</div>
</main>
<script>${JS}</script>
</body></html>
`;
}

export function htmlReporter(outputFile: string): Reporter {
  return {
    async onEnd(run) {
      await writeFileAtomic(outputFile, renderHtml(run));
    },
  };
}
