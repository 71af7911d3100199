import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { yamlPosition, type ScenarioIssue } from './loader.js';

/**
 * A versioned suite: which scenarios each certification level requires. Modelled on the OpenID
 * conformance suite's test plans: a suite id + version names a fixed requirement set, and a
 * scenario id never changes meaning, so "passes oqs-reception 1.0.0 / basic" means the same thing
 * on every machine and in every year.
 */

const scenarioId = z.string().regex(/^[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9-]*)*$/, 'must be a scenario id such as conformance/pin-check-accepted');

export const SuiteLevel = z
  .object({
    title: z.string().min(1).optional(),
    /** Every scenario id this level requires to pass. */
    scenarios: z.array(scenarioId).min(1, 'a level requires at least one scenario'),
  })
  .strict();

export const Suite = z
  .object({
    $schema: z.string().optional(),
    suite: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case words joined by -, e.g. oqs-reception'),
    version: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a version such as 1.0.0'),
    title: z.string().min(1),
    /** Where the scenarios live: files or folders, relative to the suite file. */
    scenarios: z.array(z.string().min(1)).min(1, 'name at least one scenario file or folder'),
    /** Levels from the least to the most demanding; the last one is run when no --level is given. */
    levels: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, 'level names are lower-case words'), SuiteLevel).refine((l) => Object.keys(l).length > 0, {
      message: 'declare at least one level, e.g. basic',
    }),
  })
  .strict()
  .superRefine((s, ctx) => {
    for (const [name, level] of Object.entries(s.levels)) {
      const seen = new Set<string>();
      level.scenarios.forEach((id, i) => {
        if (seen.has(id)) ctx.addIssue({ code: 'custom', path: ['levels', name, 'scenarios', i], message: `"${id}" is listed twice in level ${name}` });
        seen.add(id);
      });
    }
    // Levels go from the least to the most demanding: each must require all the previous one does,
    // so "passes full" always implies "passes basic".
    const names = Object.keys(s.levels);
    names.slice(1).forEach((name, k) => {
      const previous = names[k]!;
      const mine = new Set(s.levels[name]!.scenarios);
      for (const id of s.levels[previous]!.scenarios) {
        if (!mine.has(id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['levels', name, 'scenarios'],
            message: `level ${name} omits "${id}", which the less demanding level ${previous} requires; a level must require every scenario of the level before it`,
          });
        }
      }
    });
  });
export type Suite = z.infer<typeof Suite>;

export interface LoadedSuite {
  suite: Suite;
  file: string;
  /** The scenario paths resolved against the suite file's folder. */
  scenarioPaths: string[];
  /** Where each `levels.<level>.scenarios[i]` is written, so a missing id is reported at its line. */
  where(level: string, index: number): { line: number; col: number };
}

export type SuiteLoad = { ok: true; loaded: LoadedSuite } | { ok: false; issues: ScenarioIssue[] };

export function parseSuiteText(text: string, file: string): SuiteLoad {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((err) => ({ file, ...lc.linePos(err.pos[0]), field: '(yaml)', message: err.message.split('\n')[0] ?? err.message })),
    };
  }
  const parsed = Suite.safeParse(doc.toJS());
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => {
        const path = issue.path.filter((k): k is string | number => typeof k === 'string' || typeof k === 'number');
        const keyPath = issue.code === 'unrecognized_keys' ? [...path, issue.keys[0]!] : path;
        const message =
          issue.code === 'unrecognized_keys' ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; a suite has suite, version, title, scenarios, levels` : issue.message;
        return { file, ...yamlPosition(lc, doc, keyPath, issue.code === 'unrecognized_keys'), field: keyPath.join('.') || '(suite)', message };
      }),
    };
  }
  const suite = parsed.data;
  return {
    ok: true,
    loaded: {
      suite,
      file,
      scenarioPaths: suite.scenarios.map((p) => resolve(dirname(file), p)),
      where: (level, index) => yamlPosition(lc, doc, ['levels', level, 'scenarios', index]),
    },
  };
}

/**
 * Issues of a parsed suite against the scenarios it can see: every required id must exist.
 * Each issue points at the id's line in the suite file.
 */
export function suiteIssues(loaded: LoadedSuite, known: ReadonlySet<string>): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  for (const [name, level] of Object.entries(loaded.suite.levels)) {
    level.scenarios.forEach((id, i) => {
      if (known.has(id)) return;
      issues.push({
        file: loaded.file,
        ...loaded.where(name, i),
        field: `levels.${name}.scenarios.${i}`,
        message: `no scenario "${id}" in ${loaded.suite.scenarios.join(', ')}; a suite may only require scenarios that exist`,
      });
    });
  }
  return issues;
}

/** A YAML text is a suite (not scenarios) when it declares top-level `suite:` and `levels:`. */
export function looksLikeSuite(text: string): boolean {
  return /^suite:/m.test(text) && /^levels:/m.test(text);
}

export async function loadSuiteFile(file: string): Promise<SuiteLoad> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, issues: [{ file, line: 1, col: 1, field: '(file)', message: code === 'ENOENT' ? 'no such suite file; check the path' : `cannot read: ${(e as Error).message}` }] };
  }
  return parseSuiteText(text, file);
}
