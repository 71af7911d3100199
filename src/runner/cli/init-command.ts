import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { CONFIG_FILE } from './config.js';
import { EXIT } from './exit-codes.js';
import { SUT_ADAPTER_STUB } from './templates/sut-adapter-stub.js';

export const ADAPTER_STUB_FILE = 'sut-adapter.example.ts';
const SHIPPED_SUITE = 'scenarios/suites/oqs-reception-v1.yaml';

/** The package root (…/myna-rig): src/runner/cli and dist/runner/cli are both three levels down. */
const packageRoot = (): string => fileURLToPath(new URL('../../../', import.meta.url));

/** The starting config: the example adapter's URL, the shipped suite's basic level, every reporter. */
function starterConfig(dir: string): string {
  const suite = relative(resolve(dir), join(packageRoot(), SHIPPED_SUITE)).split('\\').join('/');
  const config = {
    sut: 'http://127.0.0.1:7070',
    suite,
    level: 'basic',
    reporters: ['console', 'junit', 'json', 'html'],
    workers: 2,
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

export function addInitCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('init')
    .description(`write ${CONFIG_FILE} and an adapter stub (${ADAPTER_STUB_FILE}) for your reception system; never overwrites`)
    .argument('[dir]', 'folder to write them in', '.')
    .action(async (dir: string) => {
      const files = { [CONFIG_FILE]: starterConfig(dir), [ADAPTER_STUB_FILE]: SUT_ADAPTER_STUB };
      const existing = Object.keys(files).map((f) => join(dir, f)).filter((p) => existsSync(p));
      if (existing.length > 0) {
        console.error(`myna-rig: init: ${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}; nothing was written (move or delete ${existing.length === 1 ? 'it' : 'them'} first)`);
        return setExit(EXIT.USAGE);
      }
      await mkdir(dir, { recursive: true });
      for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content, { flag: 'wx' });
      console.log(`myna-rig: wrote ${join(dir, CONFIG_FILE)} and ${join(dir, ADAPTER_STUB_FILE)}`);
      console.log('next: fill in the TODOs of the adapter, start it (`npx tsx sut-adapter.example.ts`), then `npx myna-rig run`');
      console.log('the protocol your system speaks: docs/protocols/sut.md; the config fields: docs/certification.md');
      setExit(EXIT.OK);
    });
}
