/**
 * The lines a reader uses to greet the patient by name, per vendor layout (profiles/schema.ts
 * NameLayout). Input is the name as the screen draws it (● already applied). Family and given
 * name are separated by a space (U+3000 as OQS sends names, or U+0020).
 */
import type { NameLayout } from './profiles/schema.js';

const SPACES = /[\u3000 ]+/;

export function nameLines(name: string, layout: NameLayout, honorific: string): string[] {
  const trimmed = name.trim();
  if (trimmed.length === 0) return [];
  switch (layout) {
    case 'one-line':
      return [`${trimmed}\u3000${honorific}`];
    case 'two-line': {
      const [family, ...rest] = trimmed.split(SPACES);
      return rest.length === 0 ? [`${family}\u3000${honorific}`] : [family ?? '', `${rest.join('\u3000')}\u3000${honorific}`];
    }
    case 'split-honorific': {
      // troubles T32: the name is cut in the middle and each half glued to "～さま".
      const chars = [...trimmed.replace(new RegExp(SPACES.source, 'g'), '')];
      const cut = Math.ceil(chars.length / 2);
      return [`～${honorific}${chars.slice(0, cut).join('')}`, `${chars.slice(cut).join('')}～${honorific}`];
    }
  }
}
