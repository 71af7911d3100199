/**
 * The issue's property at full size: 10,000 malformed (and some valid) request files dropped into
 * req/ at once → each answered in res/ or moved to req/error/, none lost, the watcher alive.
 * Prints files/s for the folder gateway beside a baseline measured in the same run: the same
 * files merely read and written back by a plain loop (no watcher, no decoding). Exits 1 if any
 * file is unaccounted for.
 *
 *   npx tsx bench/backend-folders.ts [count=10000] [seed=42]
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../src/domain/clock.js';
import type { OqsResultDocument } from '../src/protocol/oqs-request.js';
import { startFolderGateway } from '../src/sim-backend/terminal/folders.js';
import { accountFor, dropFiles, sampleRequestFiles } from '../src/sim-backend/terminal/test-malformed-requests.js';

const count = Number(process.argv[2] ?? 10_000);
const seed = Number(process.argv[3] ?? 42);
const files = sampleRequestFiles(count, seed);
const kinds = new Map<string, number>();
for (const f of files) kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);

const root = await mkdtemp(join(tmpdir(), 'myna-bench-folders-'));
try {
  // Baseline: read every file and write a same-named file elsewhere, sequentially.
  const baseIn = join(root, 'base-in');
  const baseOut = join(root, 'base-out');
  await import('node:fs/promises').then((fs) => Promise.all([fs.mkdir(baseIn), fs.mkdir(baseOut)]));
  await dropFiles(baseIn, files);
  const b0 = performance.now();
  for (const name of await readdir(baseIn)) await writeFile(join(baseOut, name), await readFile(join(baseIn, name)));
  const baselineMs = performance.now() - b0;

  const gw = await startFolderGateway({
    root: join(root, 'oqs'),
    encoding: 'cp932',
    clock: new VirtualClock('2025-04-01T09:30:00+09:00'),
    medicalInstitutionCode: '1310000000',
    checkQualification: async (r) => {
      const value: OqsResultDocument = {
        XmlMsg: {
          MessageHeader: {
            ProcessExecutionTime: '20250401093000',
            CharacterCodeIdentifier: '0',
            SegmentOfResult: '1',
            QualificationConfirmationDate: r.XmlMsg.MessageHeader.QualificationConfirmationDate,
            ReferenceClassification: '2',
            MedicalInstitutionCode: r.XmlMsg.MessageHeader.MedicalInstitutionCode,
          },
          MessageBody: { QualificationConfirmSearchInfo: r.XmlMsg.MessageBody.QualificationConfirmSearchInfo, ProcessingResultStatus: '1', QualificationValidity: '4' },
        },
      };
      return { ok: true, value };
    },
  });
  const t0 = performance.now();
  await dropFiles(gw.paths.req, files);
  await gw.whenIdle(600_000);
  const gatewayMs = performance.now() - t0;
  const accounting = await accountFor(gw, files);
  // Still alive: one more file after the storm.
  await writeFile(join(gw.paths.req, 'OQSsiquc01req_after.xml'), '<XmlMsg/>');
  await gw.whenIdle(10_000);
  const alive = (await readdir(gw.paths.res)).includes('OQSsiquc01res_after.xml');
  await gw.close();

  console.log(`files: ${count} (${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')})`);
  console.log(`gateway: ${gatewayMs.toFixed(0)} ms incl. writing the files, ${((count / gatewayMs) * 1000).toFixed(0)} files/s`);
  console.log(`baseline (read + write back, no decoding): ${baselineMs.toFixed(0)} ms, ${((count / baselineMs) * 1000).toFixed(0)} files/s`);
  console.log(`ratio gateway/baseline time: ${(gatewayMs / baselineMs).toFixed(2)}`);
  console.log(`answered ${accounting.answered}, refused ${accounting.refused}, moved aside ${accounting.movedAside}, problems ${accounting.problems.length}, watcher alive ${alive}`);
  for (const p of accounting.problems.slice(0, 10)) console.log(`  ${p}`);
  if (accounting.problems.length > 0 || !alive || accounting.answered + accounting.refused + accounting.movedAside !== count) process.exitCode = 1;
} finally {
  await rm(root, { recursive: true, force: true });
}
