/**
 * `npm run bench`: every benchmark in turn, each printing its numbers and its ratio against a
 * baseline measured in the same run. Pass names to run a subset: `npm run bench -- card reader`.
 */
import { spawnSync } from 'node:child_process';

const ALL = ['card', 'reader', 'backend-folders', 'backend-population', 'backend-http', 'runner'];
const wanted = process.argv.slice(2);
const selected = wanted.length > 0 ? ALL.filter((b) => wanted.includes(b)) : ALL;
const unknown = wanted.filter((w) => !ALL.includes(w));
if (unknown.length > 0) {
  console.error(`bench: unknown benchmark ${unknown.join(', ')}; choose from ${ALL.join(', ')}`);
  process.exit(2);
}

let failed = 0;
for (const name of selected) {
  console.log(`\n=== bench/${name}.ts ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', `bench/${name}.ts`], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed += 1;
    console.error(`bench/${name}.ts exited with ${r.status ?? r.signal}`);
  }
}
process.exit(failed > 0 ? 1 : 0);
