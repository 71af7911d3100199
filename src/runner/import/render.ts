import { stringify } from 'yaml';

/**
 * An imported scenario as YAML: a header saying where it came from and what was changed, the
 * scenario itself, and `expect: {}` followed by the TODO comments the developer turns into
 * expectations (written from the rules, not copied from the field file: the field file is what
 * the system did, which may be the bug).
 */
export interface ImportedScenario {
  /** Comment lines above the scenario (without `# `). */
  header: string[];
  /** The scenario without `expect` (added last, with the TODO comments). */
  scenario: Record<string, unknown>;
  /** Comment lines under `expect: {}` (without `# `). */
  expectTodo: string[];
}

const comment = (lines: string[], indent = ''): string => lines.map((l) => `${indent}#${l ? ` ${l}` : ''}`).join('\n');

export function renderImported(imported: ImportedScenario, schemaRef?: string): string {
  const body = stringify(imported.scenario, { lineWidth: 0, flowCollectionPadding: true }).trimEnd();
  return `${schemaRef ? `# yaml-language-server: $schema=${schemaRef}\n` : ''}${comment(imported.header)}
${body}
expect: {}
${comment(imported.expectTodo, '  ')}
`;
}
