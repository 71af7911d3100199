import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { formatIssue, loadScenarioFiles, type LoadResult } from '../../scenarios/loader.js';

export const DEFAULT_DIR = 'scenarios';

/** Every YAML file under `paths`; suite folders (scenarios/suites/) only when `withSuites` or named. */
export async function collectFiles(paths: string[], { withSuites = false }: { withSuites?: boolean } = {}): Promise<string[]> {
  const out: string[] = [];
  const walk = async (p: string): Promise<void> => {
    const s = await stat(p).catch(() => undefined);
    if (!s) {
      out.push(p); // the loader reports it as missing, with its name
      return;
    }
    if (s.isDirectory()) {
      // Suite files (scenarios/suites/) list scenarios; they are not scenarios themselves.
      if (!withSuites && !paths.includes(p) && /(^|[\\/])suites$/.test(p)) return;
      const entries = (await readdir(p)).sort();
      for (const e of entries) await walk(join(p, e));
    } else if (/\.ya?ml$/.test(p) || paths.includes(p)) {
      out.push(p);
    }
  };
  for (const p of paths) await walk(p);
  return out.map((f) => relative(process.cwd(), resolve(f)) || f);
}

/** Loads scenario files; prints every problem as file:line:col and returns undefined if there is one. */
export async function loadOrReport(paths: string[]): Promise<LoadResult | undefined> {
  const files = await collectFiles(paths.length > 0 ? paths : [DEFAULT_DIR]);
  if (files.length === 0) {
    console.error(`myna-rig: no scenario files (*.yaml) under ${paths.join(', ') || DEFAULT_DIR}`);
    return undefined;
  }
  const loaded = await loadScenarioFiles(files);
  if (loaded.issues.length > 0) {
    for (const issue of loaded.issues) console.error(formatIssue(issue));
    console.error(`myna-rig: ${loaded.issues.length} problem${loaded.issues.length === 1 ? '' : 's'} in scenario files; nothing was run`);
    return undefined;
  }
  return loaded;
}
