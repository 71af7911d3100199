import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { main } from '../../src/runner/cli/main.js';

/**
 * Playwright-style CLI fixture: a temp dir filled from a map of file name → content, the real
 * CLI (main() is all of it but the two-line bin launcher) run there, exit code and output back.
 */
export const REPO = process.cwd();

// One worker (the test's own process) unless a test asks for more: threads from TypeScript source
// cost a second each to start, and tests/integration/workers.test.ts covers them.
process.env.MYNA_RIG_WORKERS ??= '1';
// Runs chdir into a temp dir: keep using the repository's key cache, not a fresh one there.
process.env.MYNA_RIG_CACHE_DIR ??= `${REPO}/node_modules/.cache/myna-rig/keys`;

export function builtIn(name: string, edit?: (text: string) => string): string {
  const text = readFileSync(join(REPO, 'scenarios/conformance', name), 'utf8');
  return edit ? edit(text) : text;
}

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export class CliFixture {
  readonly dir = mkdtempSync(join(tmpdir(), 'myna-rig-cli-'));

  write(files: Record<string, string>): this {
    for (const [name, content] of Object.entries(files)) {
      const path = join(this.dir, name);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, content);
    }
    return this;
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  read(name: string): string {
    return readFileSync(join(this.dir, name), 'utf8');
  }

  json<T = Record<string, unknown>>(name: string): T {
    return JSON.parse(this.read(name)) as T;
  }

  /** Runs `myna-rig …args` with the temp dir as the working directory. */
  async run(...args: string[]): Promise<CliRun> {
    const out: string[] = [];
    const err: string[] = [];
    const cwd = process.cwd();
    const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
    process.chdir(this.dir);
    try {
      const code = await main(['node', 'myna-rig', ...args]);
      return { code, out: out.join('\n'), err: err.join('\n') };
    } finally {
      process.chdir(cwd);
      log.mockRestore();
      error.mockRestore();
      stderr.mockRestore();
    }
  }
}
