import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { createJiti } from 'jiti';
import { z } from 'zod';
import { REPORTER_NAMES } from '../reporters/index.js';

/**
 * myna-rig.config.ts (.mts, .mjs, .js) or .json: the settings a vendor keeps in their repository so that CI runs just
 * `npx myna-rig run`. Command-line flags override it. Relative paths are relative to the file.
 */
export const CONFIG_FILE = 'myna-rig.config.json';

/** Looked for in this order in the current folder when --config is not given. */
export const CONFIG_FILES = ['myna-rig.config.ts', 'myna-rig.config.mts', 'myna-rig.config.mjs', 'myna-rig.config.js', CONFIG_FILE] as const;

export function findConfigFile(dir = '.'): string | undefined {
  return CONFIG_FILES.find((f) => existsSync(join(dir, f)));
}

const posInt = 'must be a positive integer';
const nonNegInt = 'must be a non-negative integer';
const positiveInt = z.number({ error: posInt }).int({ error: posInt }).min(1, { error: posInt });
const nonNegativeInt = z.number({ error: nonNegInt }).int({ error: nonNegInt }).min(0, { error: nonNegInt });
const text = (what: string) => z.string({ error: `must be ${what}` }).min(1, { error: `must be ${what}` });

export const RigConfig = z
  .object({
    $schema: z.string().optional(),
    /** The vendor's reception system (docs/protocols/sut.md); absent = the built-in reference. */
    sut: z
      .string({ error: 'must be an http:// URL such as http://127.0.0.1:7070' })
      .refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), { error: 'must be an http:// URL such as http://127.0.0.1:7070' })
      .optional(),
    sutTimeout: nonNegativeInt.optional(),
    suite: text('a suite file path, e.g. node_modules/myna-rig/scenarios/suites/oqs-reception-v1.yaml').optional(),
    level: text('a level name of the suite, e.g. basic').optional(),
    /** Scenario files or folders, used when the command line names none. */
    scenarios: z.array(text('a scenario file or folder'), { error: 'must be a list of scenario files or folders' }).optional(),
    reporters: z
      .array(z.enum(REPORTER_NAMES, { error: `must be one of ${REPORTER_NAMES.join(', ')}` }), { error: `must be a list of reporters: ${REPORTER_NAMES.join(', ')}` })
      .optional(),
    workers: positiveInt.optional(),
    retries: nonNegativeInt.optional(),
    seed: nonNegativeInt.optional(),
    stepTimeout: nonNegativeInt.optional(),
    output: text('a folder path').optional(),
    baseline: text('a baseline file path').optional(),
  })
  .strict();
export type RigConfig = z.infer<typeof RigConfig>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

const isModule = (file: string): boolean => /\.(ts|mts|cts|mjs|cjs|js)$/.test(file);

/**
 * A module config's default export: the object, or a (possibly async) function returning it.
 * Loaded with jiti so a TypeScript config needs no build step; no module or disk cache, so an
 * edited config is read afresh by every run in a long-lived process (tests, watch mode).
 */
async function importModuleConfig(file: string): Promise<unknown> {
  const jiti = createJiti(import.meta.url, { moduleCache: false, fsCache: false, interopDefault: false });
  let mod: unknown;
  try {
    mod = ((await jiti.import(resolve(file))) as { default?: unknown }).default;
  } catch (e) {
    throw new ConfigError(`${file}: the config module failed to load: ${(e as Error).message.split('\n')[0]}; fix it, or run it with \`npx tsx ${file}\` to see the whole error`);
  }
  const value = typeof mod === 'function' ? await (mod as () => unknown)() : mod;
  if (value === undefined || value === null || typeof value !== 'object') {
    throw new ConfigError(`${file}: the config module must \`export default defineConfig({ ... })\` (an object); its default export is ${value === undefined ? 'missing' : typeof value}`);
  }
  return value;
}

/** Reads and checks a config file; relative paths in it come back resolved against its folder. */
export async function loadConfig(file: string): Promise<RigConfig> {
  if (!existsSync(file)) throw new ConfigError(`${file}: no such config file; create one with \`myna-rig init\``);
  let raw: unknown;
  if (isModule(file)) {
    raw = await importModuleConfig(file);
  } else {
    try {
      raw = JSON.parse(await readFile(file, 'utf8'));
    } catch (e) {
      throw new ConfigError(`${file}: not valid JSON (${(e as Error).message})`);
    }
  }
  const parsed = RigConfig.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        return `\`${issue.keys.join('`, `')}\` is not a config field; known fields: ${Object.keys(RigConfig.shape).filter((k) => k !== '$schema').join(', ')}`;
      }
      const field = issue.path.map(String).join('.');
      return `\`${field}\` ${issue.message}, received ${JSON.stringify(valueAt(raw, issue.path)) ?? 'undefined'}`;
    });
    throw new ConfigError(`${file}: ${lines.join(`\n${file}: `)}`);
  }
  const c = parsed.data;
  const base = dirname(resolve(file));
  const at = (p: string): string => resolve(base, p);
  return {
    ...c,
    ...(c.suite ? { suite: at(c.suite) } : {}),
    ...(c.scenarios ? { scenarios: c.scenarios.map(at) } : {}),
    ...(c.output ? { output: at(c.output) } : {}),
    ...(c.baseline ? { baseline: at(c.baseline) } : {}),
  };
}
