import { Chalk, type ChalkInstance } from 'chalk';
import type { ScenarioResult } from '../results.js';
import type { Reporter } from './reporter.js';

export interface ConsoleOptions {
  /** Colour: on for a TTY unless NO_COLOR is set (chalk's own detection), or forced. */
  color?: boolean;
  write?: (line: string) => void;
  /** Where the progress bar is drawn; default process.stdout. */
  stream?: ProgressStream;
  /** Default: on when `stream` is a TTY and the environment is not CI (see progressWanted). */
  progress?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** The part of a tty.WriteStream the progress bar uses. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): boolean;
}

/** A bar only makes sense where a person watches a terminal: a TTY, and not a CI log (CI=true). */
export function progressWanted(stream: ProgressStream, env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI.toLowerCase() !== 'false';
  return Boolean(stream.isTTY) && !ci && env.TERM !== 'dumb';
}

const BAR_WIDTH = 24;

/** `[██████░░░░░░] 3/12  ✓ 2  ✗ 1`, fitted to the terminal's width. */
export function progressLine(done: number, total: number, passed: number, failed: number, columns = 80): string {
  const filled = total === 0 ? BAR_WIDTH : Math.round((done / total) * BAR_WIDTH);
  const line = `[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${done}/${total}  ✓ ${passed}  ✗ ${failed}`;
  return line.length > columns - 1 ? line.slice(0, Math.max(0, columns - 1)) : line;
}

function colorWanted(): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined) return process.env.FORCE_COLOR !== '0';
  return Boolean(process.stdout.isTTY);
}

export function consoleReporter(opts: ConsoleOptions = {}): Reporter {
  const c: ChalkInstance = new Chalk({ level: (opts.color ?? colorWanted()) ? 1 : 0 });
  const writeLine = opts.write ?? ((line: string) => console.log(line));
  const stream = opts.stream ?? process.stdout;
  const showBar = opts.progress ?? progressWanted(stream, opts.env);
  const bar = { total: 0, done: 0, passed: 0, failed: 0, drawn: false };
  const clearBar = (): void => {
    if (bar.drawn) stream.write('\r\x1b[2K');
    bar.drawn = false;
  };
  const drawBar = (): void => {
    if (!showBar) return;
    stream.write(`\r\x1b[2K${c.cyan(progressLine(bar.done, bar.total, bar.passed, bar.failed, stream.columns ?? 80))}`);
    bar.drawn = true;
  };
  // Lines go above the bar: clear it, write, draw it again (onScenarioEnd redraws once at the end).
  const write = (line: string): void => {
    clearBar();
    writeLine(line);
  };
  const mark = (r: ScenarioResult): string => {
    if (r.baseline?.status === 'known-failure') return c.yellow('○');
    if (r.baseline?.status === 'stale') return c.red('✗');
    return r.status === 'passed' ? c.green('✓') : r.status === 'flaky' ? c.yellow('~') : r.status === 'failed' ? c.red('✗') : c.red('!');
  };
  return {
    onBegin({ total, sut, seed }) {
      write(c.bold(`myna-rig: ${total} scenario${total === 1 ? '' : 's'} against ${sut} (seed ${seed})`));
      bar.total = total;
      drawBar();
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
      bar.done += 1;
      if (r.baseline?.status === 'known-failure' || ((r.status === 'passed' || r.status === 'flaky') && r.baseline?.status !== 'stale')) bar.passed += 1;
      else bar.failed += 1;
      drawBar();
    },
    onEnd(run) {
      clearBar();
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
