/**
 * Plain JavaScript for a benchmark's child processes: the entry files and every file they import
 * relatively, transpiled one by one with TypeScript (the project is `isolatedModules`, so a file
 * alone compiles exactly as `tsc` emits it into dist/). Unlike running under tsx, the code runs
 * without tsx's loader and its `__name` wrappers around every closure, so a profile or a CPU
 * figure measures the product code. No type check here: `npx tsc --noEmit -p .` does that.
 *
 * Output goes to .cache/bench-build/ (git-ignored) mirroring the repository layout, so that bare
 * imports (express, autocannon…) resolve from the project's node_modules and package.json's
 * `"type": "module"` applies.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '..');
export const BENCH_BUILD_DIR = join(ROOT, '.cache', 'bench-build');

/** Relative specifiers in static imports/exports and dynamic imports. */
const RELATIVE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

/**
 * Transpiles `entries` (paths relative to the repository root, e.g. `bench/x.ts`) and what they
 * import; returns the absolute path of each entry's .js, in order.
 */
export function compileForBench(entries: readonly string[]): string[] {
  const options: ts.CompilerOptions = { target: ts.ScriptTarget.ES2023, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: true, sourceMap: false };
  const done = new Set<string>();
  const todo = entries.map((e) => resolve(ROOT, e));
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (done.has(file)) continue;
    done.add(file);
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch (e) {
      throw new Error(`bench/compile.ts: cannot read ${relative(ROOT, file)} (${(e as Error).message}); an import names a file that does not exist`, { cause: e });
    }
    const out = ts.transpileModule(source, { compilerOptions: options, fileName: file });
    const target = join(BENCH_BUILD_DIR, relative(ROOT, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, out.outputText);
    for (const m of source.matchAll(RELATIVE_IMPORT)) {
      const spec = m[1]!;
      // `import type` lines are erased by the transpiler; following them costs a file, no harm.
      todo.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
    }
  }
  return entries.map((e) => join(BENCH_BUILD_DIR, e).replace(/\.ts$/, '.js'));
}
