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
  const mark = (r: ScenarioResult): string =>
    r.status === 'passed' ? c.green('✓') : r.status === 'failed' ? c.red('✗') : c.red('!');
  return {
    onBegin({ total, sut, seed }) {
      write(c.bold(`myna-rig: ${total} scenario${total === 1 ? '' : 's'} against ${sut} (seed ${seed})`));
    },
    onScenarioEnd(r) {
      write(`  ${mark(r)} ${r.id} ${c.dim(`— ${r.title}`)} ${c.dim(`(${r.durationMs} ms)`)}`);
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
      write('');
      write(`${parts.join(', ')} ${c.dim(`(${(s.durationMs / 1000).toFixed(1)} s)`)}`);
    },
  };
}
