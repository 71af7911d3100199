import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LineCounter, parse as parseYaml, parseAllDocuments, isMap, isSeq, isScalar, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { Scenario, STEP_NAMES, STEP_SCHEMAS, type StepName } from './schema.js';

/** One problem in a scenario file, with the position an editor can jump to. */
export interface ScenarioIssue {
  file: string;
  line: number;
  col: number;
  /** Dotted path of the offending field, e.g. `steps.2.enter-pin`. */
  field: string;
  message: string;
}

export function formatIssue(issue: ScenarioIssue): string {
  return `${issue.file}:${issue.line}:${issue.col}: ${issue.field}: ${issue.message}`;
}

export interface LoadedScenario {
  scenario: Scenario;
  file: string;
  /** 1-based line of the document's start (several scenarios may share a file). */
  line: number;
}

export interface LoadResult {
  scenarios: LoadedScenario[];
  issues: ScenarioIssue[];
}

type PathKey = string | number;

/** The deepest node that exists along `path`, so an error lands as close to its cause as possible. */
function nodeAt(doc: Document, path: readonly PathKey[], preferKey = false): Node | null {
  let node: unknown = doc.contents;
  let best: Node | null = (doc.contents as Node | null) ?? null;
  for (const [i, key] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
      if (!pair) break;
      node = pair.value;
      const last = i === path.length - 1;
      best = (last && preferKey ? (pair.key as Node | null) : ((pair.value as Node | null) ?? (pair.key as Node | null))) ?? best;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      if (!node) break;
      best = node as Node;
    } else break;
  }
  return best;
}

/** Line and column of the node at `path` in a parsed YAML document (for file:line:col messages). */
export function yamlPosition(lc: LineCounter, doc: Document, path: readonly PathKey[], preferKey = false): { line: number; col: number } {
  const node = nodeAt(doc, path, preferKey);
  const offset = node?.range?.[0] ?? doc.range?.[0] ?? 0;
  return lc.linePos(offset);
}

function zodIssues(file: string, lc: LineCounter, doc: Document, error: z.ZodError): ScenarioIssue[] {
  return error.issues.flatMap((issue): ScenarioIssue | ScenarioIssue[] => {
    const path = issue.path.filter((k): k is PathKey => typeof k === 'string' || typeof k === 'number');
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      message = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; check the spelling against the JSON Schema (myna-rig schema)`;
      const { line, col } = yamlPosition(lc, doc, [...path, issue.keys[0]!], true);
      return { file, line, col, field: [...path, issue.keys[0]!].join('.') || '(scenario)', message };
    }
    if (issue.code === 'invalid_union' && path[0] === 'steps' && path.length === 2) {
      const step = (doc.toJS() as { steps?: unknown[] }).steps?.[path[1] as number];
      const name = step && typeof step === 'object' ? Object.keys(step)[0] : undefined;
      if (name && (STEP_NAMES as string[]).includes(name) && Object.keys(step as object).length === 1) {
        // A known step with a bad value: report the step's own problem, not "no union member matched".
        const own = STEP_SCHEMAS[name as StepName].safeParse(step);
        if (!own.success) {
          return zodIssues(file, lc, doc, own.error).map((inner) => {
            const innerPath = [...path, ...inner.field.split('.')];
            const pos = yamlPosition(lc, doc, innerPath);
            return { ...inner, ...pos, field: innerPath.join('.') };
          });
        }
      }
      message = `not a known step; a step is a one-key map, one of: ${STEP_NAMES.join(', ')} (see docs/scenarios.md)`;
    }
    const { line, col } = yamlPosition(lc, doc, path);
    return { file, line, col, field: path.join('.') || '(scenario)', message };
  });
}

/**
 * The person ids of a `central.dataset` file (YAML or JSON, `persons[].id`), so a batch-check may
 * name them. Only the ids are read here: the dataset itself is validated by central when the rig
 * starts, with its own errors. An unreadable or malformed file gives no ids.
 */
export function datasetPersonIds(file: string): string[] {
  try {
    const raw = parseYaml(readFileSync(file, 'utf8')) as { persons?: unknown } | null;
    if (!raw || !Array.isArray(raw.persons)) return [];
    return raw.persons.flatMap((p: unknown) => (typeof p === 'object' && p !== null && typeof (p as { id?: unknown }).id === 'string' ? [(p as { id: string }).id] : []));
  } catch {
    return [];
  }
}

/** Checks that need more than one field: references between steps and personas. */
function crossIssues(file: string, lc: LineCounter, doc: Document, s: Scenario): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  const at = (path: PathKey[], message: string): void => {
    const { line, col } = yamlPosition(lc, doc, path);
    issues.push({ file, line, col, field: path.join('.'), message });
  };
  const personas = Object.keys(s.personas);
  const known = (key: string): boolean => personas.includes(key);
  const noPersona = (key: string): string => `no persona "${key}"; declared personas: ${personas.join(', ') || '(none)'}`;
  const datasetFile = s.central?.dataset !== undefined ? resolve(dirname(file), s.central.dataset) : undefined;
  if (datasetFile !== undefined && !existsSync(datasetFile)) {
    at(['central', 'dataset'], `no such file ${datasetFile}; the path is relative to the scenario file`);
  }
  // A 一括照会 may name persons of the dataset as well as personas (booked patients with no card here).
  const datasetIds = datasetFile !== undefined && existsSync(datasetFile) ? datasetPersonIds(datasetFile) : [];
  s.steps.forEach((step, i) => {
    if ('batch-check' in step) {
      step['batch-check'].patients.forEach((p, j) => {
        if (known(p) || datasetIds.includes(p)) return;
        const also = datasetFile !== undefined ? ` or person ids of ${s.central?.dataset}: ${datasetIds.join(', ') || '(none)'}` : '';
        at(['steps', i, 'batch-check', 'patients', j], `${noPersona(p)}${also}`);
      });
    }
    if ('register-reference-number' in step) {
      const p = step['register-reference-number'].patient;
      if (!known(p) && !datasetIds.includes(p)) {
        const also = datasetFile !== undefined ? ` or person ids of ${s.central?.dataset}: ${datasetIds.join(', ') || '(none)'}` : '';
        at(['steps', i, 'register-reference-number', 'patient'], `${noPersona(p)}${also}`);
      }
    }
    if ('request-medical-info' in step && step['request-medical-info'].kind === 'operation' && step['request-medical-info'].via !== 'central') {
      at(['steps', i, 'request-medical-info', 'via'], 'operation information (手術情報) has no result file (YZK/TKK); use via: central');
    }
    if ('request-medical-info' in step && !known(step['request-medical-info'].patient)) at(['steps', i, 'request-medical-info', 'patient'], noPersona(step['request-medical-info'].patient));
    if ('home-consent' in step && !known(step['home-consent'].patient)) at(['steps', i, 'home-consent', 'patient'], noPersona(step['home-consent'].patient));
    if ('revoke' in step && !known(step.revoke.patient)) at(['steps', i, 'revoke', 'patient'], noPersona(step.revoke.patient));
    if (('revoke' in step || 'load-crl' in step) && s.central?.crl === undefined) {
      at(['steps', i], `${'revoke' in step ? 'revoke' : 'load-crl'} needs the scenario's own J-LIS CRL: add "central: { crl: card-sim }"`);
    }
    if ('home-link' in step && isWithdrawal(step['home-link']) && !s.steps.slice(0, i).some((x) => 'home-link' in x && !isWithdrawal(x['home-link']))) {
      at(['steps', i, 'home-link', 'withdraw'], 'a withdrawal needs an earlier home-link step that issued the URL');
    }
    if ('home-consent-web' in step) {
      if (!known(step['home-consent-web'].patient)) at(['steps', i, 'home-consent-web', 'patient'], noPersona(step['home-consent-web'].patient));
      if (!s.steps.slice(0, i).some((x) => 'home-link' in x)) at(['steps', i], 'home-consent-web needs an earlier home-link step (the patient consents on the facility\'s URL it issues)');
    }
    if ('home-fetch' in step) {
      const p = step['home-fetch'].patient;
      if (!known(p)) at(['steps', i, 'home-fetch', 'patient'], noPersona(p));
      else if (!s.steps.slice(0, i).some((x) => 'home-consent-web' in x && x['home-consent-web'].patient === p)) {
        at(['steps', i], `home-fetch needs an earlier home-consent-web step of "${p}" (it fetches that consent's qualification)`);
      }
    }
    if ('batch-download' in step && !s.steps.slice(0, i).some((x) => 'batch-check' in x)) {
      at(['steps', i], 'batch-download needs an earlier batch-check step (it downloads with that upload\'s ReceptionNumber)');
    }
    if ('place-card' in step && !(step['place-card'] in s.personas)) {
      const { line, col } = yamlPosition(lc, doc, ['steps', i, 'place-card']);
      issues.push({
        file,
        line,
        col,
        field: `steps.${i}.place-card`,
        message: `no persona "${step['place-card']}"; declared personas: ${Object.keys(s.personas).join(', ') || '(none)'}`,
      });
    }
  });
  return issues;
}

export function parseScenarioText(text: string, file: string): LoadResult {
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const result: LoadResult = { scenarios: [], issues: [] };
  const list = Array.isArray(docs) ? docs : [];
  if (!Array.isArray(docs)) {
    // An empty stream parses to an EmptyStream.
    result.issues.push({ file, line: 1, col: 1, field: '(file)', message: 'the file holds no scenario' });
    return result;
  }
  for (const doc of list) {
    if (doc.errors.length > 0) {
      for (const err of doc.errors) {
        const { line, col } = lc.linePos(err.pos[0]);
        result.issues.push({ file, line, col, field: '(yaml)', message: err.message.split('\n')[0] ?? err.message });
      }
      continue;
    }
    if (doc.contents === null) continue;
    const parsed = Scenario.safeParse(doc.toJS());
    const start = yamlPosition(lc, doc, ['id'], true);
    if (!parsed.success) {
      result.issues.push(...zodIssues(file, lc, doc, parsed.error));
      continue;
    }
    const cross = crossIssues(file, lc, doc, parsed.data);
    if (cross.length > 0) {
      result.issues.push(...cross);
      continue;
    }
    result.scenarios.push({ scenario: parsed.data, file, line: start.line });
  }
  if (result.scenarios.length === 0 && result.issues.length === 0) {
    result.issues.push({ file, line: 1, col: 1, field: '(file)', message: 'the file holds no scenario' });
  }
  return result;
}

export async function loadScenarioFile(file: string): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      scenarios: [],
      issues: [{ file, line: 1, col: 1, field: '(file)', message: code === 'ENOENT' ? 'no such file; check the path' : `cannot read: ${(e as Error).message}` }],
    };
  }
  return parseScenarioText(text, file);
}

/** Loads several files; ids must be unique across all of them. */
export async function loadScenarioFiles(files: readonly string[]): Promise<LoadResult> {
  const all: LoadResult = { scenarios: [], issues: [] };
  for (const file of files) {
    const r = await loadScenarioFile(file);
    all.scenarios.push(...r.scenarios);
    all.issues.push(...r.issues);
  }
  const seen = new Map<string, LoadedScenario>();
  for (const s of all.scenarios) {
    const first = seen.get(s.scenario.id);
    if (first) {
      all.issues.push({
        file: s.file,
        line: s.line,
        col: 1,
        field: 'id',
        message: `duplicate scenario id "${s.scenario.id}", first defined at ${first.file}:${first.line}; ids must be unique`,
      });
    } else seen.set(s.scenario.id, s);
  }
  return all;
}

/** A `home-link` step that withdraws the facility's URL rather than issuing one. */
function isWithdrawal(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'withdraw' in value;
}
