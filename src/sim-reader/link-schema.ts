/**
 * JSON Schema (draft 2020-12) for every reader ↔ terminal message, generated from the zod
 * schemas in src/protocol/reader-link.ts with zod 4's z.toJSONSchema. The committed copy lives
 * at docs/protocols/reader-link.schema.json (written by scripts/reader-link-schema.ts); a test
 * keeps the two in sync, so the zod schemas stay the single source.
 */
import { z } from 'zod';
import { READER_PROTOCOL_VERSION, ReaderToTerminal, TerminalToReader } from '../protocol/reader-link.js';

/** Where the committed schema lives, relative to the repository root. */
export const READER_LINK_SCHEMA_PATH = 'docs/protocols/reader-link.schema.json';

type Direction = 'reader-to-terminal' | 'terminal-to-reader';

/** Message `type` values per direction, in the order of the zod unions. */
export function readerLinkMessageTypes(): Record<Direction, string[]> {
  return {
    'reader-to-terminal': ReaderToTerminal.options.map((o) => o.shape.type.value),
    'terminal-to-reader': TerminalToReader.options.map((o) => o.shape.type.value),
  };
}

/**
 * As the receiver accepts it (`io: 'input'`): the decoders ignore unknown fields, which is how
 * fields were added to v1 without a version bump, so the schemas do not forbid them either.
 */
function messageSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dropped, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  return rest;
}

/**
 * One schema document: `$defs` holds one schema per message, named by its `type`; the root
 * accepts any message of either direction, and `$defs/reader-to-terminal` /
 * `$defs/terminal-to-reader` one direction.
 */
export function readerLinkJsonSchema(): Record<string, unknown> {
  const defs: Record<string, unknown> = {};
  const refs: Record<Direction, Array<{ $ref: string }>> = { 'reader-to-terminal': [], 'terminal-to-reader': [] };
  const add = (direction: Direction, members: readonly z.ZodObject[]): void => {
    for (const m of members) {
      const type = (m.shape.type as z.ZodLiteral<string>).value;
      if (type in defs) throw new Error(`reader-link schema: message type "${type}" appears twice; message types must be unique across both directions`);
      defs[type] = { description: `${direction}: ${type}`, ...messageSchema(m) };
      refs[direction].push({ $ref: `#/$defs/${type}` });
    }
  };
  add('reader-to-terminal', ReaderToTerminal.options);
  add('terminal-to-reader', TerminalToReader.options);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://myna-rig.invalid/schema/reader-link-v${READER_PROTOCOL_VERSION}.json`,
    title: `myna-rig reader ↔ terminal link, v${READER_PROTOCOL_VERSION}`,
    description: 'Generated from src/protocol/reader-link.ts by scripts/reader-link-schema.ts; do not edit by hand.',
    oneOf: [{ $ref: '#/$defs/reader-to-terminal' }, { $ref: '#/$defs/terminal-to-reader' }],
    $defs: {
      'reader-to-terminal': { oneOf: refs['reader-to-terminal'] },
      'terminal-to-reader': { oneOf: refs['terminal-to-reader'] },
      ...defs,
    },
  };
}

/** The file's exact text: 2-space JSON and a final newline. */
export function readerLinkJsonSchemaText(): string {
  return `${JSON.stringify(readerLinkJsonSchema(), null, 2)}\n`;
}
