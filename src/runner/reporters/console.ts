import { Chalk, type ChalkInstance } from 'chalk';
import type { ScenarioResult } from '../results.js';
import type { Reporter } from './reporter.js';

export interface ConsoleOptions {
  /** Colour: on for a TTY unless NO_COLOR is set (chalk's own detection), or forced. */
  color?: boolean;
  write?: (line: string) => void;
}

function colorWanted(): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined) return process.env.FORCE_COLOR !== '0';
  return Boolean(process.stdout.isTTY);
}

export function consoleReporter(opts: ConsoleOptions = {}): Reporter {
  const c: ChalkInstance = new Chalk({ level: (opts.color ?? colorWanted()) ? 1 : 0 });
  const write = opts.write ?? ((line: string) => console.log(line));
  const mark = (r: ScenarioResult): string => {
    if (r.baseline?.status === 'known-failure') return c.yellow('○');
    if (r.baseline?.status === 'stale') return c.red('✗');
    return r.status === 'passed' ? c.green('✓') : r.status === 'flaky' ? c.yellow('~') : r.status === 'failed' ? c.red('✗') : c.red('!');
  };
  return {
    onBegin({ total, sut, seed }) {
      write(c.bold(`myna-rig: ${total} scenario${total === 1 ? '' : 's'} against ${sut} (seed ${seed})`));
    },
    onScenarioEnd(r) {
      const suffix = r.status === 'flaky' ? c.yellow(' flaky') : r.baseline?.status === 'known-failure' ? c.yellow(' known failure') : '';
      write(`  ${mark(r)} ${r.id} ${c.dim(`— ${r.title}`)} ${c.dim(`(${r.durationMs} ms)`)}${suffix}`);
      if (r.baseline?.status === 'stale') {
        write(`      ${c.red(`stale baseline entry: passed, but listed as failing (${r.baseline.reason}); remove it or run with --update-baseline`)}`);
      } else if (r.baseline?.status === 'known-failure') {
        write(`      ${c.dim(`baseline: ${r.baseline.reason}`)}`);
      }
      for (const a of r.attempts ?? []) {
        write(`      ${c.dim(`attempt ${a.attempt}: ${a.status}${a.error ? ` — ${a.error}` : ''}${a.failures.map((f) => ` — ${f}`).join('')}`)}`);
      }
      if (r.status === 'failed') {
        for (const f of r.failures) write(`      ${c.red(f.message)}${f.step >= 0 ? c.dim(` [step ${f.step}]`) : ''}`);
      } else if (r.status === 'error') {
        write(`      ${c.red(`error: ${r.error ?? 'unknown'}`)}`);
      }
      if (r.status !== 'passed') write(`      ${c.dim('repro:')} ${r.repro}`);
    },
    onEnd(run) {
      const s = run.summary;
      const parts = [c.green(`${s.passed} passed`), s.failed > 0 ? c.red(`${s.failed} failed`) : `${s.failed} failed`];
      if (s.errors > 0) parts.push(c.red(`${s.errors} errors`));
      if (s.flaky > 0) parts.push(c.yellow(`${s.flaky} flaky`));
      if (s.knownFailures > 0) parts.push(c.yellow(`${s.knownFailures} known failures`));
      if (s.stale > 0) parts.push(c.red(`${s.stale} stale`));
      write('');
      if (run.interrupted) write(c.red('interrupted: not every scenario ran; the reports are partial'));
      write(`${parts.join(', ')} ${c.dim(`(${(s.durationMs / 1000).toFixed(1)} s)`)}`);
    },
  };
}
