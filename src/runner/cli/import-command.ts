import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { formatIssue, parseScenarioText } from '../../scenarios/loader.js';
import { importPcscdLog } from '../import/pcscd-log.js';
import { renderImported, type ImportedScenario } from '../import/render.js';
import { ImportError, importResultXml } from '../import/result-xml.js';
import { writeFileAtomic } from '../reporters/write-atomic.js';
import { EXIT } from './exit-codes.js';
import { nonNegativeInt } from './options.js';

/** A result XML starts with `<` (after a BOM and blanks); anything else is taken for a pcscd log. */
export function looksLikeXml(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  return bytes[i] === 0x3c;
}

/** The package's JSON Schema, relative to the written scenario (editors resolve it from there). */
function schemaRefFrom(output: string): string {
  const schema = fileURLToPath(new URL('../../../schema/scenario.schema.json', import.meta.url));
  return relative(dirname(resolve(output)), schema).split('\\').join('/');
}

export function importFile(bytes: Uint8Array, fileName: string, opts: { seed?: number; id?: string }): ImportedScenario {
  return looksLikeXml(bytes) ? importResultXml(bytes, fileName, opts) : importPcscdLog(Buffer.from(bytes).toString('utf8'), fileName, opts);
}

export function addImportCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('import')
    .description('turn a field file into a replayable scenario: a result XML from face/ or res/ (UTF-8 or Shift_JIS), or a pcscd --apdu log')
    .argument('<file>', 'the result XML or the pcscd log')
    .option('-o, --output <file>', 'write the scenario here (default: print it)')
    .option('--id <id>', 'scenario id (default: imported/<file name>)')
    .option('--seed <n>', 'seed of the generated personal data', nonNegativeInt('--seed'), 1)
    .action(async (file: string, o: { output?: string; id?: string; seed: number }) => {
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch (e) {
        console.error(`myna-rig: import: ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
        return setExit(EXIT.USAGE);
      }
      let text: string;
      try {
        text = renderImported(importFile(bytes, file, { seed: o.seed, ...(o.id ? { id: o.id } : {}) }), o.output ? schemaRefFrom(o.output) : undefined);
      } catch (e) {
        if (!(e instanceof ImportError)) throw e;
        console.error(`myna-rig: import: ${e.message}`);
        return setExit(EXIT.USAGE);
      }
      // What we write must load: check it with the real loader before anyone sees it.
      const check = parseScenarioText(text, o.output ?? '(imported)');
      if (check.issues.length > 0) {
        for (const issue of check.issues) console.error(formatIssue(issue));
        console.error('myna-rig: import: the generated scenario does not validate (a bug in myna-rig: please report it with the file)');
        return setExit(EXIT.USAGE);
      }
      if (o.output) {
        await writeFileAtomic(o.output, text);
        console.error(`myna-rig: wrote ${o.output}; fill in its expect: block (TODO) and run it with \`myna-rig run ${o.output}\``);
      } else console.log(text.trimEnd());
      setExit(EXIT.OK);
    });
}
