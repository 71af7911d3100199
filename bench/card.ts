/**
 * Card throughput: signatures per second through `80 2A 00 80` (one card; two cards on two
 * worker threads) against `openssl speed -seconds 3 -multi 1 rsa2048` measured in the same run,
 * and READ BINARY APDUs per second. Targets (issue 4): one card ≥ 0.9 × openssl's single-core
 * sign rate; two cards ≥ 1.7 × it. Prints the numbers and exits 0 (a benchmark reports, it does
 * not fail the build). Run: npx tsx bench/card.ts [--seconds 3]
 */
import { execFile } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { createSimulatedJlis } from '../src/sim-card/jlis-ca.js';
import { MyNumberCard } from '../src/sim-card/jpki-card.js';
import { getRsaKeyPair } from '../src/sim-card/key-cache.js';
import { readLoop, signLoop, type LoopResult } from './card-loops.js';

const secondsArg = process.argv.indexOf('--seconds');
const SECONDS = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 3;

function opensslSignRate(): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile('openssl', ['speed', '-seconds', String(SECONDS), '-multi', '1', 'rsa2048'], { timeout: (SECONDS * 4 + 30) * 1000 }, (error, stdout) => {
      if (error) return reject(new Error(`bench: openssl speed failed (${error.message}); is openssl installed?`));
      // "rsa 2048 bits 0.001270s 0.000044s    787.3  22706.7" → sign/s is the third number.
      const line = /^rsa\s+2048 bits\s+\S+\s+\S+\s+([\d.]+)\s+([\d.]+)/m.exec(stdout);
      if (!line) return reject(new Error(`bench: could not find the "rsa 2048 bits" line in openssl speed output:\n${stdout}`));
      resolve(Number(line[1]));
    });
  });
}

const TSX_API = import.meta.resolve('tsx/esm/api');
const WORKER_URL = new URL('./card-worker.ts', import.meta.url).href;

const rate = (r: LoopResult): number => r.ops / r.seconds;
const fmt = (n: number): string => n.toFixed(1);

async function main(): Promise<void> {
  const jlis = await createSimulatedJlis();
  const keys = await getRsaKeyPair('bench-card');
  const certDer = await jlis.issueAuthCertificate({ publicKey: keys.publicKey, notBefore: '2025-04-01', notAfter: '2030-03-31', serialNumber: '01' });
  const materials = { certDer, caDer: jlis.authCaCertificateDer, keyPem: keys.privateKeyPem, seconds: SECONDS };
  const newCard = (): MyNumberCard =>
    new MyNumberCard({ authCertificateDer: certDer, authCaCertificateDer: jlis.authCaCertificateDer, authPrivateKey: keys.privateKey, authPin: '1234' });

  const openssl = await opensslSignRate();
  const one = rate(signLoop(newCard(), SECONDS));
  const two = await Promise.all(
    [0, 1].map(
      () =>
        new Promise<number>((resolve, reject) => {
          // Workers do not inherit tsx's loader: the worker registers it, then imports the .ts file.
          const bootstrap = `import(${JSON.stringify(TSX_API)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL)}); })`;
          const w = new Worker(bootstrap, { eval: true, workerData: materials });
          w.once('message', (r: LoopResult) => resolve(rate(r)));
          w.once('error', reject);
        }),
    ),
  );
  const twoTotal = two[0]! + two[1]!;
  const reads = rate(readLoop(newCard(), Math.min(SECONDS, 2)));

  console.log(`openssl speed rsa2048 (1 core)     ${fmt(openssl)} sign/s`);
  console.log(`one card, 80 2A 00 80              ${fmt(one)} sign/s   ratio ${(one / openssl).toFixed(2)} (target ≥ 0.90)`);
  console.log(`two cards on two worker threads    ${fmt(twoTotal)} sign/s   ratio ${(twoTotal / openssl).toFixed(2)} (target ≥ 1.70)  [${two.map(fmt).join(' + ')}]`);
  console.log(`READ BINARY 256 bytes (000A)       ${fmt(reads)} APDU/s`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
