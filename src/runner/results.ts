/** What a run produces; the JSON report is exactly `RunResult`. */
import type { Suite } from '../scenarios/suite.js';

export interface ExpectationFailure {
  /** e.g. `outcome.copayRatio`, `reader.screen`. */
  path: string;
  expected: unknown;
  actual: unknown;
  message: string;
  /** Index of the `expect` step, or -1 for the scenario's final `expect`. */
  step: number;
}

export interface StepRecord {
  index: number;
  /** The step as written, with PINs masked. */
  step: string;
  status: 'passed' | 'failed' | 'error' | 'skipped';
  durationMs: number;
  /** Reader screen after the step. */
  screen?: Record<string, unknown>;
  /** Reception outcome after the step. */
  outcome?: Record<string, unknown>;
  error?: string;
}

/** One message the rig saw on the wire (see traffic-log.ts); secrets masked. */
export interface TrafficRecord {
  /** Virtual clock, epoch ms. */
  at: number;
  /** Index of the step during which it happened; -1 while the rig was being assembled. */
  step: number;
  from: 'reader' | 'terminal' | 'reception' | 'central' | 'card';
  to: 'reader' | 'terminal' | 'reception' | 'central' | 'card';
  /** Message type, `METHOD /path → status` for a central exchange, `COMMAND → SW` for an APDU. */
  label: string;
  message: unknown;
  /** The answer, for an HTTP exchange. */
  response?: unknown;
}

/** A result file the terminal wrote into its shared folder (face/), exactly as written. */
export interface ResultFile {
  folder: 'face' | 'res';
  name: string;
  /** Size on disk. */
  bytes: number;
  encoding: 'utf8' | 'cp932';
  /** The file decoded from its encoding; the XML as sent. */
  text: string;
  /** Index of the step during which it was written; -1 while the rig was being assembled. */
  step: number;
}

export interface ScenarioResult {
  id: string;
  title: string;
  file: string;
  line: number;
  tags: string[];
  troubles: string[];
  sources: string[];
  sut: string;
  seed: number;
  /** flaky: failed at first, passed on a retry (does not fail the run). */
  status: 'passed' | 'flaky' | 'failed' | 'error';
  durationMs: number;
  steps: StepRecord[];
  failures: ExpectationFailure[];
  /** Set when the rig or the SUT broke, rather than an expectation. */
  error?: string;
  /** The reception's outcome at the end (what the final `expect` was checked against). */
  outcome?: Record<string, unknown>;
  /** One line that runs this scenario alone with the same seed. */
  repro: string;
  /** What crossed the wire, in order (absent when the rig never came up). */
  traffic?: TrafficRecord[];
  /** Result XML files the terminal wrote (face/), in order. */
  resultFiles?: ResultFile[];
  /** Traffic records left out because the scenario produced too many. */
  trafficDropped?: number;
  /** Earlier attempts that did not pass (with --retries); the fields above are the last attempt. */
  attempts?: AttemptSummary[];
  /** Set when the scenario is listed in the expected-failures baseline. */
  baseline?: BaselineMark;
}

export interface AttemptSummary {
  /** 1-based. */
  attempt: number;
  status: 'failed' | 'error';
  error?: string;
  failures: string[];
  durationMs: number;
}

/**
 * known-failure: failed as the baseline expects (does not fail the run);
 * stale: listed in the baseline but passed now (fails the run until the entry is removed).
 */
export interface BaselineMark {
  status: 'known-failure' | 'stale';
  reason: string;
}

export interface CertificationContext {
  /** The suite as loaded (so the merge needs no suite file). */
  suite: Suite;
  level: string;
  sut: { name: string; url?: string; info?: Record<string, unknown> };
}

export interface RunSummary {
  total: number;
  passed: number;
  failed: number;
  errors: number;
  flaky: number;
  /** Failures (or errors) the baseline expects. */
  knownFailures: number;
  /** Baseline entries whose scenario passed. */
  stale: number;
  durationMs: number;
}

export interface RunResult {
  tool: { name: 'myna-rig'; version: string };
  startedAt: string;
  sut: string;
  seed: number;
  /** Set when this run is one shard of a larger one (--shard i/n). */
  shard?: { current: number; total: number };
  /** Set when the run was stopped (Ctrl-C) before every scenario ran: a partial report. */
  interrupted?: boolean;
  /**
   * Set for `run --suite`: what a certification summary needs besides the results, so that
   * merge-reports can certify the merged shards exactly as one run would.
   */
  certification?: CertificationContext;
  summary: RunSummary;
  scenarios: ScenarioResult[];
}

/** Counts for a list of results; `durationMs` is the caller's. */
export function summarize(scenarios: ScenarioResult[], durationMs: number): RunSummary {
  const count = (f: (s: ScenarioResult) => boolean): number => scenarios.filter(f).length;
  return {
    total: scenarios.length,
    passed: count((s) => s.status === 'passed' && s.baseline?.status !== 'stale'),
    failed: count((s) => s.status === 'failed' && s.baseline?.status !== 'known-failure'),
    errors: count((s) => s.status === 'error' && s.baseline?.status !== 'known-failure'),
    flaky: count((s) => s.status === 'flaky' && s.baseline?.status !== 'stale'),
    knownFailures: count((s) => s.baseline?.status === 'known-failure'),
    stale: count((s) => s.baseline?.status === 'stale'),
    durationMs,
  };
}

/** Whether a run fails CI: a new failure or error, a stale baseline entry, or an interruption. */
export function runFailed(run: RunResult): boolean {
  return run.summary.failed + run.summary.errors + run.summary.stale > 0 || run.interrupted === true;
}
