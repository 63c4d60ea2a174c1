/** Import rules (ADR 0001): contexts are peers that know each other only through contracts. */
module.exports = {
  forbidden: [
    {
      name: 'context-imports-other-context',
      comment: 'A context imports only platform/, optimize/ and contracts/, never another context (ADR 0001).',
      severity: 'error',
      from: { path: '^src/contexts/([^/]+)/' },
      to: { path: '^src/contexts/([^/]+)/', pathNot: '^src/contexts/$1/' },
    },
    {
      name: 'context-imports-app',
      comment: 'Contexts never import the composition root, the gateway or the gRPC adapters (they are handed their APIs).',
      severity: 'error',
      from: { path: '^src/contexts/' },
      to: { path: '^src/(app|main|cli)\\.ts$|^src/(gateway|rpc)/' },
    },
    {
      name: 'platform-imports-context',
      comment: 'The platform kernel imports no context and no contract.',
      severity: 'error',
      from: { path: '^src/platform/' },
      to: { path: '^src/(contexts|contracts|gateway|rpc|app\\.ts)' },
    },
    {
      name: 'rpc-adapters-import-contracts-and-platform',
      comment: 'src/rpc/ maps contract APIs to gRPC messages (ADR 0015): it knows contracts and the platform, never a context, so a process can call a context it does not run.',
      severity: 'error',
      from: { path: '^src/rpc/' },
      to: { path: '^src/', pathNot: '^src/(platform|contracts|rpc)/' },
    },
    {
      name: 'contracts-import-only-platform',
      comment: 'contracts/ is the published language: it may import platform types and other contracts only.',
      severity: 'error',
      from: { path: '^src/contracts/' },
      to: { path: '^src/', pathNot: '^src/(platform|contracts)/' },
    },
    {
      name: 'optimize-is-pure',
      comment: 'optimize/ holds pure algorithms: no I/O, no platform, no contexts.',
      severity: 'error',
      from: { path: '^src/optimize/' },
      to: { path: '^src/(platform|contexts|contracts|gateway)|^(node:)?(fs|net|http|https|child_process|pg)$', dependencyTypes: ['local', 'npm', 'core', 'npm-dev'] },
    },
    {
      name: 'simulator-drives-from-outside',
      comment: 'paklog simulate talks to PakLog through its public API only (ADR 0038): no context, app or platform internals',
      severity: 'error',
      from: { path: '^src/simulate/' },
      to: { path: '^src/(contexts|gateway|rpc|platform|app\\.ts|main\\.ts)' },
    },
    {
      name: 'http-reaches-no-store',
      comment: "A context's routes (http.ts) call its service, use cases or queries, never its store: SQL stays behind the rules.",
      severity: 'error',
      from: { path: '^src/contexts/[^/]+/http\\.ts$' },
      to: { path: ['^src/contexts/[^/]+/store\\.ts$', '^src/contexts/[^/]+/[a-z0-9-]+-store\\.ts$'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.test\\.ts$' },
  },
};
