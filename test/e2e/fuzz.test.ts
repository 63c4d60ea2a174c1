/**
 * Issue 18, scope 7 and acceptance (d), the fuzz half: requests generated from the OpenAPI document, the GraphQL
 * schema and the public `.proto` files (test/support/fuzz/, ADR 0044), ≥ 5,000 across the three surfaces: no 5xx, no
 * gRPC INTERNAL/UNKNOWN, no GraphQL error without a PakLog code, every REST refusal a problem with `code` and
 * `detail`, and no watched table changed by any refused mutating request. `FUZZ_SEED` replays another seed;
 * `npm run bench -- fuzz` runs 100k.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase } from '../support/test-database.ts';
import { describeFailures, describeReport, runFuzz, startFuzzApp, type FuzzApp } from '../support/fuzz/fuzz.ts';

const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 5_000);
const SEED = Number(process.env.FUZZ_SEED ?? 18);

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let f: FuzzApp;
beforeAll(async () => {
  // Every context runs in the fuzzed app: the run's migrated template (a clone), not the migrations at its start.
  db = await createTestDatabase({ migrated: true });
  f = await startFuzzApp(db.url);
});
afterAll(async () => {
  await f?.close();
  await db?.drop();
});

it(`${REQUESTS} generated requests over REST, GraphQL and gRPC: no 5xx, every refusal coded, nothing written by a refusal`, { timeout: 120_000 }, async () => {
  const report = await runFuzz(f, { requests: REQUESTS, seed: SEED });
  console.log(describeReport(report));
  expect(report.surfaces.rest.requests + report.surfaces.graphql.requests + report.surfaces.grpc.requests).toBe(REQUESTS);
  for (const s of Object.values(report.surfaces)) expect(s.requests).toBeGreaterThan(REQUESTS / 10);
  expect(report.operations.rest).toBeGreaterThanOrEqual(50);
  // The newest operations are fuzzed on every surface (safety stock, ADR 0057: REST's, GraphQL's and gRPC's own).
  expect([...report.exercised.rest]).toEqual(expect.arrayContaining([
    'PUT /api/v1/inventory/safety-stock/{siteId}/{sku}', 'DELETE /api/v1/inventory/safety-stock/{siteId}/{sku}',
    'GET /api/v1/inventory/safety-stock/{siteId}/{sku}', 'GET /api/v1/inventory/safety-stock',
  ]));
  expect([...report.exercised.graphql]).toEqual(expect.arrayContaining(['safetyStock', 'safetyStocks', 'setSafetyStock', 'clearSafetyStock']));
  expect([...report.exercised.grpc]).toEqual(expect.arrayContaining(['SetSafetyStock', 'ClearSafetyStock', 'GetSafetyStock', 'ListSafetyStocks']));
  expect(report.failures, describeFailures(report.failures)).toEqual([]);
  expect(report.serverErrors).toBe(0);
  expect(report.stateChangesOnRejection).toBe(0);
});
