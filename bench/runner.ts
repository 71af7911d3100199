/**
 * Scenarios per second with the in-process reference reception: 1 worker (the main process,
 * one scenario at a time) against 2 worker threads (each one scenario at a time, its own rigs).
 * The 1-worker figure is the baseline measured in the same run; the ratio is 2 workers / 1.
 *
 *   npx tsx bench/runner.ts [rounds]     (default 3 rounds of the built-in scenarios)
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runScenarios } from '../src/runner/run.js';
import { referenceAdapter } from '../src/runner/sut-adapter.js';
import { createWorkerPool } from '../src/runner/worker-pool.js';
import { loadScenarioFiles, type LoadedScenario } from '../src/scenarios/loader.js';

const DIR = 'scenarios/conformance';
const rounds = Number(process.argv[2] ?? 3);

const loaded = await loadScenarioFiles(readdirSync(DIR).filter((f) => f.endsWith('.yaml')).map((f) => join(DIR, f)));
if (loaded.issues.length > 0) throw new Error(`bench: scenario files have problems: ${loaded.issues.map((i) => i.message).join('; ')}`);
const batch: LoadedScenario[] = Array.from({ length: rounds }, () => loaded.scenarios).flat();
const adapter = referenceAdapter();

async function timed(label: string, run: () => Promise<{ summary: { passed: number; total: number } }>): Promise<number> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const result = await run();
  const seconds = (performance.now() - t0) / 1000;
  // CPU of every thread of this process: cores kept busy = CPU seconds / wall seconds.
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  if (result.summary.passed !== result.summary.total) throw new Error(`bench: ${label}: ${result.summary.total - result.summary.passed} scenarios did not pass`);
  const rate = result.summary.total / seconds;
  console.log(
    `${label.padEnd(34)} ${String(result.summary.total).padStart(3)} scenarios in ${seconds.toFixed(2)} s = ${rate.toFixed(2)} scenarios/s; CPU ${cpuSeconds.toFixed(2)} s (${(cpuSeconds / seconds).toFixed(2)} cores busy, ${((cpuSeconds * 1000) / result.summary.total).toFixed(1)} ms CPU per scenario)`,
  );
  return rate;
}

/**
 * How much a second thread gains on this machine at this moment: SHA-256 rounds for 1 s on one
 * worker thread, then on two at once. On a shared 2-core VM this is often far below 2, and the
 * runner's ratio should be read against it.
 */
async function machineCeiling(): Promise<number> {
  const { Worker } = await import('node:worker_threads');
  const code = `const { parentPort } = require('node:worker_threads'); const { createHash } = require('node:crypto');
    let n = 0; let b = Buffer.alloc(64); const end = Date.now() + 1000;
    while (Date.now() < end) { b = createHash('sha256').update(b).digest(); n++; }
    parentPort.postMessage(n);`;
  const spin = async (threads: number): Promise<number> => {
    const counts = await Promise.all(Array.from({ length: threads }, () => new Promise<number>((resolve) => new Worker(code, { eval: true }).once('message', resolve))));
    return counts.reduce((a, b) => a + b, 0);
  };
  const single = await spin(1);
  return (await spin(2)) / single;
}

// Warm-up in the main process: key cache, module loading, JIT.
await runScenarios(loaded.scenarios, { adapter, seed: 1, reporters: [], concurrency: 1 });
const one = await timed('1 worker (main process)', () => runScenarios(batch, { adapter, seed: 1, reporters: [], concurrency: 1 }));

const t0 = performance.now();
const pool = createWorkerPool({ workers: 2, adapter: { kind: 'reference' }, seed: 1 }, adapter.name);
try {
  // Warm-up: one round, so each thread has loaded its modules and built its J-LIS.
  await runScenarios(loaded.scenarios, { adapter, seed: 1, reporters: [], concurrency: 2, executor: pool.execute });
  console.log(`2 worker threads: start-up + warm-up round took ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  const two = await timed('2 worker threads', () => runScenarios(batch, { adapter, seed: 1, reporters: [], concurrency: 2, executor: pool.execute }));
  console.log(`ratio 2 workers / 1 worker: ${(two / one).toFixed(2)}x (cores: ${(await import('node:os')).availableParallelism()})`);
  const ceiling = await machineCeiling();
  console.log(`machine ceiling now: pure CPU work on 2 threads / 1 thread = ${ceiling.toFixed(2)}x (what 2 workers could at best gain; under 2 when other processes share the cores)`);
} finally {
  await pool.close();
}
