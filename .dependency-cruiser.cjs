/**
 * The import rules of docs/architecture.md, checked on every `npm test`.
 * Paths are matched with a leading `(^|/)src/` so the same rules also apply to the fixture trees
 * in tests/architecture/, which prove that each rule fails on a forbidden import.
 */
const SIMS = ['sim-card', 'sim-reader', 'sim-backend/central', 'sim-backend/terminal'];

const simToSim = SIMS.flatMap((from) =>
  SIMS.filter((to) => to !== from && !to.startsWith(from) && !from.startsWith(to)).map((to) => ({
    name: `no-${from.replace('/', '-')}-to-${to.replace('/', '-')}`,
    comment: `A simulator never imports another simulator: ${from} and ${to} meet only through src/protocol transports.`,
    severity: 'error',
    // Tests beside the code may assemble a real rig; the rule is about product code.
    from: { path: `(^|/)src/${from}/`, pathNot: '\\.test\\.ts$' },
    to: { path: `(^|/)src/${to}/` },
  })),
);

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'src/domain imports nothing of ours: it holds the rules every role shares.',
      severity: 'error',
      from: { path: '(^|/)src/domain/' },
      to: { path: '(^|/)src/(?!domain/)[^/]+/' },
    },
    {
      name: 'protocol-only-domain',
      comment: 'src/protocol holds wire formats only and imports nothing of ours but src/domain.',
      severity: 'error',
      from: { path: '(^|/)src/protocol/' },
      to: { path: '(^|/)src/(?!protocol/|domain/)[^/]+/' },
    },
    {
      name: 'reference-clinic-is-replaceable',
      comment:
        'src/reference-clinic stands in for a vendor system: it may use src/domain and src/protocol only, never a simulator or the harness.',
      severity: 'error',
      from: { path: '(^|/)src/reference-clinic/', pathNot: '\\.test\\.ts$' },
      to: { path: '(^|/)src/(?!reference-clinic/|domain/|protocol/)[^/]+/' },
    },
    {
      name: 'only-runner-wires',
      comment: 'Only src/runner (and the package entry) may import the simulators and the reference reception together.',
      severity: 'error',
      from: { path: '(^|/)src/(domain|protocol|scenarios)/' },
      to: { path: '(^|/)src/(sim-|reference-clinic|runner)' },
    },
    ...simToSim,
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-test-code-in-src',
      comment: 'Product code never imports tests.',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.test\\.ts$' },
      to: { path: '^tests/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
    exclude: { path: '(^|/)(dist|node_modules)/' },
  },
};
