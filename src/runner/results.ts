/** What a run produces; the JSON report is exactly `RunResult`. */

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
  status: 'passed' | 'failed' | 'error';
  durationMs: number;
  steps: StepRecord[];
  failures: ExpectationFailure[];
  /** Set when the rig or the SUT broke, rather than an expectation. */
  error?: string;
  /** One line that runs this scenario alone with the same seed. */
  repro: string;
}

export interface RunSummary {
  total: number;
  passed: number;
  failed: number;
  errors: number;
  durationMs: number;
}

export interface RunResult {
  tool: { name: 'myna-rig'; version: string };
  startedAt: string;
  sut: string;
  seed: number;
  summary: RunSummary;
  scenarios: ScenarioResult[];
}
