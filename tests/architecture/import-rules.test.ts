import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const FIXTURES = 'tests/architecture/fixtures';

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

/**
 * Runs the project's real dependency-cruiser rules (the same config `npm test` uses on src/)
 * once over every fixture tree; each fixture holds one forbidden import, or none.
 */
let violations: Violation[] = [];
let exitCode = 0;

async function depcruise(target: string, outputType: string): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run('npx', ['depcruise', target, '--config', '.dependency-cruiser.cjs', '--output-type', outputType], {
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout };
  } catch (e) {
    const err = e as { code?: number; stdout?: string };
    return { code: err.code ?? 1, stdout: err.stdout ?? '' };
  }
}

beforeAll(async () => {
  // The JSON run gives every violation; the `err` run (the output type `npm run depcheck` uses)
  // shows that a violation fails the command.
  const [json, err] = await Promise.all([
    depcruise(FIXTURES, 'json'),
    depcruise(`${FIXTURES}/reference-clinic-imports-simulator`, 'err'),
  ]);
  violations = (JSON.parse(json.stdout) as { summary: { violations: Violation[] } }).summary.violations;
  exitCode = err.code;
}, 60_000);

const inFixture = (fixture: string): Violation[] => violations.filter((v) => v.from.startsWith(`${FIXTURES}/${fixture}/`));

describe('architecture import rules (dependency-cruiser, as run by npm test)', () => {
  it('fails the run when any rule is broken', () => {
    expect(exitCode).not.toBe(0);
  });

  it.each([
    ['reference-clinic-imports-simulator', 'reference-clinic-is-replaceable'],
    ['simulator-imports-simulator', 'no-sim-reader-to-sim-card'],
    ['terminal-imports-central', 'no-sim-backend-terminal-to-sim-backend-central'],
    ['domain-imports-protocol', 'domain-is-pure'],
  ])('%s is refused by rule %s', (fixture, rule) => {
    expect(inFixture(fixture).map((v) => v.rule.name)).toEqual([rule]);
  });

  it('accepts a reception that uses only domain and protocol', () => {
    expect(inFixture('allowed-imports')).toEqual([]);
  });
});
