/**
 * Writes the JSON Schema of every reader ↔ terminal message (generated from the zod schemas) to
 * docs/protocols/reader-link.schema.json. With --check it writes nothing and exits 1 when the
 * committed file differs from the zod schemas.
 * Run: npx tsx scripts/reader-link-schema.ts [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { READER_LINK_SCHEMA_PATH, readerLinkJsonSchemaText } from '../src/sim-reader/link-schema.js';

const path = resolve(import.meta.dirname, '..', READER_LINK_SCHEMA_PATH);
const text = readerLinkJsonSchemaText();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    // a missing file is simply out of date
  }
  if (current !== text) {
    console.error(`${READER_LINK_SCHEMA_PATH} is out of date with src/protocol/reader-link.ts; run: npx tsx scripts/reader-link-schema.ts`);
    process.exit(1);
  }
  console.log(`${READER_LINK_SCHEMA_PATH} is up to date`);
} else {
  writeFileSync(path, text);
  console.log(`wrote ${READER_LINK_SCHEMA_PATH} (${text.length} characters)`);
}
