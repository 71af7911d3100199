import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { READER_LINK_SCHEMA_PATH, readerLinkJsonSchema, readerLinkJsonSchemaText, readerLinkMessageTypes } from './link-schema.js';

const root = resolve(import.meta.dirname, '..', '..');
const READER_TO_TERMINAL = ['ping', 'hello', 'challenge.request', 'auth.result', 'consent.result', 'reader.notice', 'session.ended', 'registration.request'];
const TERMINAL_TO_READER = ['hello.ack', 'challenge', 'auth.verdict', 'session.completed', 'protocol.error', 'pong', 'mode.set', 'visual.confirmed', 'reboot'];

describe('reader-link JSON Schema', () => {
  it(`the committed ${READER_LINK_SCHEMA_PATH} is in sync with the zod schemas (else run: npx tsx scripts/reader-link-schema.ts)`, () => {
    expect(readFileSync(resolve(root, READER_LINK_SCHEMA_PATH), 'utf8')).toBe(readerLinkJsonSchemaText());
  });

  it('knows every message of both directions', () => {
    expect(readerLinkMessageTypes()).toEqual({ 'reader-to-terminal': READER_TO_TERMINAL, 'terminal-to-reader': TERMINAL_TO_READER });
  });

  it('has one $defs entry per message, each an object requiring v and its literal type', () => {
    const defs = readerLinkJsonSchema().$defs as Record<string, { type: string; required: string[]; properties: Record<string, { const?: unknown }> }>;
    for (const t of [...READER_TO_TERMINAL, ...TERMINAL_TO_READER]) {
      const d = defs[t];
      expect(d, t).toBeDefined();
      expect(d!.type).toBe('object');
      expect(d!.required).toEqual(expect.arrayContaining(['v', 'type']));
      expect(d!.properties.type!.const).toBe(t);
      expect(d!.properties.v!.const).toBe(1);
    }
  });

  it('carries the fourth-revision fields: auth.verdict previousConsent, consent.result carriedOver, auth.result carrier', () => {
    const defs = readerLinkJsonSchema().$defs as Record<string, { properties: Record<string, unknown>; required: string[] }>;
    expect(defs['auth.verdict']!.properties.previousConsent).toEqual({
      type: 'object',
      properties: { diagnosis: { type: 'boolean' }, pharmacy: { type: 'boolean' }, checkup: { type: 'boolean' }, operation: { type: 'boolean' } },
      required: ['diagnosis', 'pharmacy', 'checkup', 'operation'],
    });
    expect(defs['consent.result']!.properties.carriedOver).toEqual({ type: 'boolean' });
    expect(defs['auth.result']!.properties.carrier).toEqual({ type: 'string', enum: ['card', 'android', 'iphone'] });
    expect(defs['auth.verdict']!.required).not.toContain('previousConsent');
  });

  it('docs/protocols/reader.md names every message', () => {
    const doc = readFileSync(resolve(root, 'docs/protocols/reader.md'), 'utf8');
    for (const t of [...READER_TO_TERMINAL, ...TERMINAL_TO_READER]) expect(doc, t).toContain(`| \`${t}\` |`);
  });
});
