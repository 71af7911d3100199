/**
 * A PC/SC environment for interop tests: pcscd with vsmartcard's vpcd driver (started here in the
 * foreground and stopped by its PID, or an already running one reused), and helpers to run
 * external programs with a timeout. Debian packages: pcscd vsmartcard-vpcd opensc pcsc-tools.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const VPCD_PORT = 35963;
export const OPENSC_PKCS11 = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';
const REQUIRED = ['/usr/sbin/pcscd', '/usr/bin/opensc-tool', '/usr/bin/pkcs15-tool', '/usr/bin/pkcs11-tool', OPENSC_PKCS11, '/usr/lib/pcsc/drivers/serial/libifdvpcd.so'];

export function missingPrograms(): string[] {
  return REQUIRED.filter((p) => !existsSync(p));
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program with a timeout; never rejects for a non-zero exit (the code is in the result). */
export function run(file: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env: { ...process.env, ...opts.env }, timeout: opts.timeoutMs ?? 15_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException & { killed?: boolean }).killed) {
        reject(new Error(`${file} ${args.join(' ')} timed out after ${opts.timeoutMs ?? 15_000} ms; stderr: ${stderr}`));
        return;
      }
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`interop: ${what} did not happen within ${timeoutMs} ms`);
}

export interface Pcscd {
  /** Whether this test started pcscd (and will stop it). */
  started: boolean;
  stop(): Promise<void>;
}

/**
 * Uses a pcscd whose vpcd already listens, or starts `pcscd --foreground`. A stale /run/pcscd
 * (pid file of a dead pcscd) would make pcscd refuse to start, so it is removed first.
 */
export async function ensurePcscd(): Promise<Pcscd> {
  if (await portOpen(VPCD_PORT)) return { started: false, stop: async () => {} };
  removeStalePcscdRunDir();
  const child: ChildProcess = spawn('/usr/sbin/pcscd', ['--foreground'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitFor('pcscd listening on vpcd port 35963', async () => {
      if (child.exitCode !== null) throw new Error(`interop: pcscd exited with ${child.exitCode} at start: ${stderr}`);
      return portOpen(VPCD_PORT);
    }, 10_000);
  } catch (error) {
    child.kill('SIGTERM');
    throw error;
  }
  return {
    started: true,
    async stop(): Promise<void> {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function removeStalePcscdRunDir(): void {
  const pidFile = '/run/pcscd/pcscd.pid';
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) {
    throw new Error(
      `interop: pcscd (pid ${pid}) runs without the vsmartcard-vpcd driver listening on ${VPCD_PORT}; install vsmartcard-vpcd and restart pcscd, or stop it`,
    );
  }
  rmSync('/run/pcscd', { recursive: true, force: true });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * One interop test file at a time may own pcscd (vitest runs files on two workers; there is one
 * pcscd and one vpcd port pair). Takes an exclusive lock file holding this process's PID, waiting
 * for another live holder; a lock left by a dead process is taken over. Returns the release.
 */
export async function acquirePcscLock(timeoutMs = 180_000): Promise<() => void> {
  const path = join(tmpdir(), 'myna-rig-interop-pcscd.lock');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return () => {
        try {
          if (readFileSync(path, 'utf8') === String(process.pid)) rmSync(path, { force: true });
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(readFileSync(path, 'utf8').trim() || '0');
    if (!(Number.isInteger(holder) && holder > 0 && processAlive(holder))) {
      rmSync(path, { force: true }); // left by a test run that died
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`interop: another test process (pid ${holder}) has held ${path} for over ${timeoutMs} ms; wait for it or remove the file if that process is not a test`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
