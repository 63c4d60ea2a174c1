/**
 * `PAKLOG_…` variables read by the launcher (bin/), the tests, benchmarks and scripts, not by PakLog itself: never said
 * at start as unknown settings (a developer's shell holds them). Exact names, or prefixes ending in `_`. Kept out of
 * src/platform/config, whose names the README must all document (docs-drift.test); these are documented where used.
 */
export const TOOLING_SETTINGS: readonly string[] = [
  'PAKLOG_FROM_SOURCE', 'PAKLOG_DIST_FRESH', 'PAKLOG_TEST_', 'PAKLOG_BENCH_', 'PAKLOG_PROF_', 'PAKLOG_CPU_PROF_',
  'PAKLOG_CHROMIUM', 'PAKLOG_KEEP_DATABASES', 'PAKLOG_KYSELY_CODEGEN', 'PAKLOG_KAFKA_', 'PAKLOG_HELM', 'PAKLOG_HELM_',
  'PAKLOG_SPLIT_', 'PAKLOG_PROP_', 'PAKLOG_RACE_SEED', 'PAKLOG_CANCEL_RACE_ORDERS', 'PAKLOG_CANCEL9_ROUNDS',
  'PAKLOG_PICK_FACE_ROUNDS', 'PAKLOG_PROBE_DATABASE_URL', 'PAKLOG_WEBHOOK_OUTAGE_S',
];

