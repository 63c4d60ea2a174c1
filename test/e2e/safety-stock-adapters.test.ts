/**
 * Safety stock (ADR 0057) over GraphQL and gRPC: it had REST only (PUT, DELETE, GET of a SKU at a site and the list),
 * though ATP showed it on all three; gRPC then lacked the list (ListSafetyStocks). Each adapter runs REST's operation with the caller's own credentials, so the roles
 * (admin and manager set and clear it, a manager of some sites at those; every role reads it), the owner scoping of
 * ADR 0028 and the error codes are REST's; every refusal changes nothing.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paklogServices } from '../../src/rpc/protos.ts';
import { newProduct, newSite, unique } from '../../src/contexts/inventory/test-fixtures.ts';
import { tableFingerprint } from '../support/fingerprint.ts';
import { gqlClient, must, type Gql } from '../support/graphql-client.ts';
import { credentialsMetadata, grpcRefusal, startGrpcTestApp, type GrpcTestApp } from '../support/grpc-floor.ts';

let g: GrpcTestApp;
let site: { id: string; code: string };
let other: { id: string; code: string };
let managerOfOther: string;
let ownerKey: string;
let ownerId: string;

beforeAll(async () => {
  g = await startGrpcTestApp();
  site = await newSite(g.t);
  other = await newSite(g.t);
  managerOfOther = (await g.t.post('/api/v1/api-keys', { name: 'manager of another site', role: 'manager', siteIds: [other.id] })).body.key as string;
  const owner = await g.t.post('/api/v1/owners', { code: unique('SSA').slice(0, 20), name: 'Adapter owner' });
  expect(owner.status).toBe(201);
  ownerId = owner.body.id as string;
  ownerKey = (await g.t.post('/api/v1/api-keys', { name: 'owner key', role: 'integration', ownerId })).body.key as string;
}, 60_000);
afterAll(async () => {
  await g.close();
});

const restOf = async (sku: string, owner?: string): Promise<number> =>
  (await g.t.get(`/api/v1/inventory/safety-stock/${site.id}/${sku}${owner === undefined ? '' : `?owner=${owner}`}`)).body.quantity as number;
const unchanged = async (run: () => Promise<void>): Promise<void> => {
  await g.t.settle();
  const before = await tableFingerprint(g.t.app.db);
  await run();
  await g.t.settle();
  expect(await tableFingerprint(g.t.app.db)).toEqual(before);
};

const RESULT = '__typename ... on SafetyStock { siteId ownerId sku quantity updatedAt } ... on BusinessError { code httpStatus fieldErrors { field message } }';
const SET = `mutation($s: String!, $k: String!, $q: Int!, $o: ID) { setSafetyStock(siteId: $s, sku: $k, quantity: $q, ownerId: $o) { ${RESULT} } }`;
const CLEAR = `mutation($s: String!, $k: String!, $o: ID) { clearSafetyStock(siteId: $s, sku: $k, ownerId: $o) { ${RESULT} } }`;

describe('safety stock over GraphQL', () => {
  it('a manager sets it (site id or code), a viewer reads it and lists it with its product, a manager clears it: REST\'s answers', async () => {
    const sku = await newProduct(g.t);
    const manager = gqlClient(g.t.app, g.t.keys.manager);
    const set = await must(manager, SET, { s: site.code, k: sku, q: 4 });
    expect(set.setSafetyStock).toMatchObject({ __typename: 'SafetyStock', siteId: site.id, ownerId: 'own_default', sku, quantity: 4, updatedAt: expect.any(String) });
    expect(await restOf(sku)).toBe(4);

    const viewer = gqlClient(g.t.app, g.t.keys.viewer);
    const one = await must(viewer, 'query($s: String!, $k: String!) { safetyStock(siteId: $s, sku: $k) { sku quantity ownerId } }', { s: site.id, k: sku });
    expect(one.safetyStock).toEqual({ sku, quantity: 4, ownerId: 'own_default' });
    const listed = await must(viewer, 'query($s: String!, $k: String) { safetyStocks(siteId: $s, sku: $k) { nodes { sku quantity product { sku } } pageInfo { hasNextPage } } }', { s: site.code, k: sku });
    expect(listed.safetyStocks).toEqual({ nodes: [{ sku, quantity: 4, product: { sku } }], pageInfo: { hasNextPage: false } });

    const cleared = await must(manager, CLEAR, { s: site.id, k: sku });
    expect(cleared.clearSafetyStock).toMatchObject({ __typename: 'SafetyStock', quantity: 0 });
    expect(await restOf(sku)).toBe(0);
    // Never set: quantity 0, no time.
    const never = await newProduct(g.t);
    expect((await must(viewer, 'query($s: String!, $k: String!) { safetyStock(siteId: $s, sku: $k) { quantity updatedAt } }', { s: site.id, k: never })).safetyStock)
      .toEqual({ quantity: 0, updatedAt: null });
  });

  it('refuses as REST does, changing nothing: a viewer and an operator (Forbidden), a manager of another site (FORBIDDEN_AT_SITE), a bad quantity, an unknown SKU, site or owner, and an owner-scoped key', async () => {
    const sku = await newProduct(g.t);
    expect((await must(gqlClient(g.t.app, g.t.keys.manager), SET, { s: site.id, k: sku, q: 3 })).setSafetyStock.quantity).toBe(3);
    const as = (key: string): Gql => gqlClient(g.t.app, key);
    await unchanged(async () => {
      for (const key of [g.t.keys.viewer, g.t.keys.operator]) {
        expect((await must(as(key), SET, { s: site.id, k: sku, q: 9 })).setSafetyStock).toMatchObject({ __typename: 'Forbidden', code: 'FORBIDDEN' });
        expect((await must(as(key), CLEAR, { s: site.id, k: sku })).clearSafetyStock).toMatchObject({ __typename: 'Forbidden', code: 'FORBIDDEN' });
      }
      expect((await must(as(managerOfOther), SET, { s: site.id, k: sku, q: 9 })).setSafetyStock).toMatchObject({ __typename: 'Forbidden', code: 'FORBIDDEN_AT_SITE' });
      expect((await must(as(managerOfOther), CLEAR, { s: site.id, k: sku })).clearSafetyStock).toMatchObject({ __typename: 'Forbidden', code: 'FORBIDDEN_AT_SITE' });
      const manager = as(g.t.keys.manager);
      for (const q of [-1, 1_000_001]) {
        expect((await must(manager, SET, { s: site.id, k: sku, q })).setSafetyStock).toMatchObject({
          __typename: 'ValidationFailed', code: 'VALIDATION_FAILED', fieldErrors: [expect.objectContaining({ field: '/quantity' })],
        });
      }
      expect((await must(manager, SET, { s: site.id, k: 'NO-SUCH-SKU', q: 1 })).setSafetyStock).toMatchObject({ __typename: 'ValidationFailed', code: 'UNKNOWN_SKU' });
      expect((await must(manager, SET, { s: 'NOWHERE', k: sku, q: 1 })).setSafetyStock).toMatchObject({ __typename: 'ValidationFailed', code: 'UNKNOWN_SITE' });
      expect((await must(manager, SET, { s: site.id, k: sku, q: 1, o: 'own_nobody' })).setSafetyStock).toMatchObject({ __typename: 'ValidationFailed', code: 'UNKNOWN_OWNER' });
      expect((await must(manager, CLEAR, { s: site.id, k: sku, o: 'own_nobody' })).clearSafetyStock).toMatchObject({ __typename: 'ValidationFailed', code: 'UNKNOWN_OWNER' });
      // A dot segment would route to another operation: refused, nothing run.
      expect((await must(manager, SET, { s: site.id, k: '..', q: 1 })).setSafetyStock).toMatchObject({ __typename: 'ValidationFailed', code: 'VALIDATION_FAILED' });
      // An owner-scoped key sets and clears none, and reads its own owner's only.
      const owner = as(ownerKey);
      expect((await must(owner, SET, { s: site.id, k: sku, q: 0 })).setSafetyStock).toMatchObject({ __typename: 'Forbidden' });
      expect((await must(owner, CLEAR, { s: site.id, k: sku })).clearSafetyStock).toMatchObject({ __typename: 'Forbidden' });
      expect((await must(owner, 'query($s: String!, $k: String!) { safetyStock(siteId: $s, sku: $k) { ownerId quantity } }', { s: site.id, k: sku })).safetyStock)
        .toEqual({ ownerId, quantity: 0 });
      const other = await owner('query($s: String!, $k: String!) { safetyStock(siteId: $s, sku: $k, owner: "own_default") { quantity } }', { s: site.id, k: sku });
      expect(other.errors?.[0]?.extensions?.code).toBe('OWNER_NOT_ALLOWED');
      const unknown = await as(g.t.keys.viewer)('query($s: String!) { safetyStocks(siteId: $s, sku: "NO-SUCH-SKU") { nodes { sku } } }', { s: site.id });
      expect(unknown.errors?.[0]?.extensions?.code).toBe('UNKNOWN_SKU');
    });
    expect(await restOf(sku)).toBe(3);
  });
});

describe('safety stock over gRPC', () => {
  const manager = () => credentialsMetadata({ apiKey: g.t.keys.manager });
  const viewer = () => credentialsMetadata({ apiKey: g.t.keys.viewer });

  it('SetSafetyStock, GetSafetyStock and ClearSafetyStock are REST\'s PUT, GET and DELETE', async () => {
    const sku = await newProduct(g.t);
    const set = await g.rpc.setSafetyStock({ siteId: site.code, sku, quantity: 6 }, manager());
    expect(set).toMatchObject({ siteId: site.id, ownerId: 'own_default', sku, quantity: 6 });
    expect(typeof set.updatedAt).toBe('string');
    expect(await restOf(sku)).toBe(6);
    expect(await g.rpc.getSafetyStock({ siteId: site.id, sku }, viewer())).toMatchObject({ sku, quantity: 6 });
    // ATP over gRPC is net of it (it showed it before).
    expect((await g.rpc.getAtp({ siteId: site.id, sku }, viewer())).items[0]).toMatchObject({ sku, safetyStock: 6 });
    expect(await g.rpc.clearSafetyStock({ siteId: site.id, sku }, manager())).toMatchObject({ sku, quantity: 0 });
    expect(await restOf(sku)).toBe(0);
    const never = await g.rpc.getSafetyStock({ siteId: site.id, sku: await newProduct(g.t) }, viewer());
    expect(never.quantity).toBe(0);
    expect(never.updatedAt ?? null).toBeNull();
  });

  it('refuses as REST does, changing nothing: roles, another site, a bad quantity, unknown SKU/site/owner, an empty SKU, an owner-scoped key', async () => {
    const sku = await newProduct(g.t);
    await g.rpc.setSafetyStock({ siteId: site.id, sku, quantity: 2 }, manager());
    await unchanged(async () => {
      for (const key of [g.t.keys.viewer, g.t.keys.operator]) {
        const m = () => credentialsMetadata({ apiKey: key });
        expect(await grpcRefusal(g.rpc.setSafetyStock({ siteId: site.id, sku, quantity: 9 }, m()))).toMatchObject({ status: 'PERMISSION_DENIED', code: 'FORBIDDEN' });
        expect(await grpcRefusal(g.rpc.clearSafetyStock({ siteId: site.id, sku }, m()))).toMatchObject({ status: 'PERMISSION_DENIED', code: 'FORBIDDEN' });
      }
      const elsewhere = credentialsMetadata({ apiKey: managerOfOther });
      expect(await grpcRefusal(g.rpc.setSafetyStock({ siteId: site.id, sku, quantity: 9 }, elsewhere))).toMatchObject({ status: 'PERMISSION_DENIED', code: 'FORBIDDEN_AT_SITE' });
      expect(await grpcRefusal(g.rpc.clearSafetyStock({ siteId: site.id, sku }, credentialsMetadata({ apiKey: managerOfOther })))).toMatchObject({ status: 'PERMISSION_DENIED', code: 'FORBIDDEN_AT_SITE' });
      for (const quantity of [-1, 1_000_001]) {
        expect(await grpcRefusal(g.rpc.setSafetyStock({ siteId: site.id, sku, quantity }, manager()))).toMatchObject({ status: 'INVALID_ARGUMENT', code: 'VALIDATION_FAILED', fields: ['/quantity'] });
      }
      expect(await grpcRefusal(g.rpc.setSafetyStock({ siteId: site.id, sku: 'NO-SUCH-SKU', quantity: 1 }, manager()))).toMatchObject({ status: 'INVALID_ARGUMENT', code: 'UNKNOWN_SKU' });
      expect(await grpcRefusal(g.rpc.setSafetyStock({ siteId: 'NOWHERE', sku, quantity: 1 }, manager()))).toMatchObject({ status: 'INVALID_ARGUMENT', code: 'UNKNOWN_SITE' });
      expect(await grpcRefusal(g.rpc.setSafetyStock({ siteId: site.id, sku, quantity: 1, ownerId: 'own_nobody' }, manager()))).toMatchObject({ status: 'INVALID_ARGUMENT', code: 'UNKNOWN_OWNER' });
      expect(await grpcRefusal(g.rpc.clearSafetyStock({ siteId: site.id, sku, ownerId: 'own_nobody' }, manager()))).toMatchObject({ status: 'INVALID_ARGUMENT', code: 'UNKNOWN_OWNER' });
      expect(await grpcRefusal(g.rpc.setSafetyStock({ siteId: site.id, sku: '', quantity: 1 }, manager()))).toMatchObject({ status: 'INVALID_ARGUMENT', code: 'VALIDATION_FAILED', fields: ['/sku'] });
      // The caller is checked first: an operator's empty SKU is PERMISSION_DENIED, as over REST.
      expect(await grpcRefusal(g.rpc.clearSafetyStock({ siteId: site.id, sku: '..' }, g.operator()))).toMatchObject({ status: 'PERMISSION_DENIED' });
      const owner = () => credentialsMetadata({ apiKey: ownerKey });
      expect(await grpcRefusal(g.rpc.setSafetyStock({ siteId: site.id, sku, quantity: 0 }, owner()))).toMatchObject({ status: 'PERMISSION_DENIED' });
      expect(await grpcRefusal(g.rpc.clearSafetyStock({ siteId: site.id, sku }, owner()))).toMatchObject({ status: 'PERMISSION_DENIED' });
      expect(await g.rpc.getSafetyStock({ siteId: site.id, sku }, owner())).toMatchObject({ ownerId, quantity: 0 });
      expect(await grpcRefusal(g.rpc.getSafetyStock({ siteId: site.id, sku, owner: 'own_default' }, owner()))).toMatchObject({ status: 'PERMISSION_DENIED', code: 'OWNER_NOT_ALLOWED' });
    });
    expect(await restOf(sku)).toBe(2);
  });
});

describe('safety stock listed over gRPC (ListSafetyStocks: it had Set, Clear and Get only, though REST and GraphQL list them)', () => {
  const viewer = () => credentialsMetadata({ apiKey: g.t.keys.viewer });
  const restList = async (key: string, q: string): Promise<{ status: number; body: { items?: unknown[]; nextCursor?: string | null; code?: string } }> => {
    const res = await g.t.app.http.inject({ method: 'GET', url: `/api/v1/inventory/safety-stock?${q}`, headers: { 'x-api-key': key } });
    return { status: res.statusCode, body: JSON.parse(res.body) as { items?: unknown[]; nextCursor?: string | null; code?: string } };
  };
  /** A gRPC page as REST answers it (an unset optional field is REST's null; proto-loader's `_field` oneof names dropped). */
  const asRest = (page: { items: { updatedAt?: string | null }[]; nextCursor?: string | null }) => ({
    items: page.items.map((i) => ({ ...Object.fromEntries(Object.entries(i).filter(([k]) => !k.startsWith('_'))), updatedAt: i.updatedAt ?? null })),
    nextCursor: page.nextCursor ?? null,
  });

  it('pages REST\'s list by limit and cursor with its filters (owner, SKU), site by id or code, any role; an owner-scoped key lists its own owner\'s only', async () => {
    const listed = await newSite(g.t);
    const manager = credentialsMetadata({ apiKey: g.t.keys.manager });
    const skus = [await newProduct(g.t), await newProduct(g.t), await newProduct(g.t)];
    for (const [n, sku] of skus.entries()) await g.rpc.setSafetyStock({ siteId: listed.id, sku, quantity: n + 1 }, manager);
    await g.rpc.setSafetyStock({ siteId: listed.id, sku: skus[0]!, quantity: 8, ownerId }, credentialsMetadata({ apiKey: g.t.keys.manager }));
    // Cleared: not listed.
    const cleared = await newProduct(g.t);
    await g.rpc.setSafetyStock({ siteId: listed.id, sku: cleared, quantity: 2 }, credentialsMetadata({ apiKey: g.t.keys.manager }));
    await g.rpc.clearSafetyStock({ siteId: listed.id, sku: cleared }, credentialsMetadata({ apiKey: g.t.keys.manager }));

    const all = await g.rpc.listSafetyStocks({ siteId: listed.code }, viewer());
    expect(asRest(all)).toEqual((await restList(g.t.keys.viewer, `siteId=${listed.id}`)).body);
    expect(all.items).toHaveLength(4);
    expect(all.items.map((i) => i.sku)).not.toContain(cleared);
    expect(all.nextCursor ?? null).toBeNull();

    // Two by two, as REST pages: the same pages, the same cursors, every row once.
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await g.rpc.listSafetyStocks({ siteId: listed.id, limit: 2, ...(cursor === undefined ? {} : { cursor }) }, viewer());
      expect(asRest(page)).toEqual((await restList(g.t.keys.viewer, `siteId=${listed.id}&limit=2${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`)).body);
      seen.push(...page.items.map((i) => `${i.sku}/${i.ownerId}`));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor !== undefined && pages < 10);
    expect(seen).toEqual(all.items.map((i) => `${i.sku}/${i.ownerId}`));
    expect(pages).toBeGreaterThan(1);

    // Filters: one SKU (both owners), one owner.
    expect((await g.rpc.listSafetyStocks({ siteId: listed.id, sku: skus[0]! }, viewer())).items.map((i) => [i.ownerId, i.quantity]).sort())
      .toEqual([[ownerId, 8], ['own_default', 1]].sort());
    expect((await g.rpc.listSafetyStocks({ siteId: listed.id, owner: ownerId }, g.operator())).items).toEqual([
      expect.objectContaining({ siteId: listed.id, ownerId, sku: skus[0], quantity: 8 }),
    ]);
    // An owner-scoped key: its own owner's rows only.
    const own = await g.rpc.listSafetyStocks({ siteId: listed.id }, credentialsMetadata({ apiKey: ownerKey }));
    expect(own.items.map((i) => [i.ownerId, i.sku])).toEqual([[ownerId, skus[0]]]);
  });

  it('refuses as REST\'s list does, changing nothing: another site\'s caller, unknown site/SKU/owner, a bad limit or cursor, another owner for an owner-scoped key, no credential', async () => {
    const viewerOfOther = (await g.t.post('/api/v1/api-keys', { name: 'list viewer of another site', role: 'viewer', siteIds: [other.id] })).body.key as string;
    await unchanged(async () => {
      const list = (request: Parameters<typeof g.rpc.listSafetyStocks>[0], key = g.t.keys.viewer) => grpcRefusal(g.rpc.listSafetyStocks(request, credentialsMetadata({ apiKey: key })));
      expect(await list({ siteId: site.code }, viewerOfOther)).toMatchObject({ status: 'PERMISSION_DENIED', code: 'FORBIDDEN_AT_SITE' });
      expect(await list({ siteId: site.id }, viewerOfOther)).toMatchObject({ status: 'PERMISSION_DENIED', code: 'FORBIDDEN_AT_SITE' });
      expect(await list({ siteId: 'NOWHERE' })).toMatchObject({ status: 'INVALID_ARGUMENT', code: 'UNKNOWN_SITE' });
      expect(await list({ siteId: site.id, sku: 'NO-SUCH-SKU' })).toMatchObject({ status: 'INVALID_ARGUMENT', code: 'UNKNOWN_SKU' });
      expect(await list({ siteId: site.id, owner: 'own_nobody' })).toMatchObject({ status: 'INVALID_ARGUMENT', code: 'UNKNOWN_OWNER' });
      for (const limit of [0, 1001]) {
        expect(await list({ siteId: site.id, limit })).toMatchObject({ status: 'INVALID_ARGUMENT', code: 'VALIDATION_FAILED' });
      }
      const badCursor = await restList(g.t.keys.viewer, `siteId=${site.id}&cursor=not-a-cursor`);
      expect(badCursor.status).toBe(400);
      expect(await list({ siteId: site.id, cursor: 'not-a-cursor' })).toMatchObject({ status: 'INVALID_ARGUMENT', code: badCursor.body.code });
      expect(await list({ siteId: site.id, owner: 'own_default' }, ownerKey)).toMatchObject({ status: 'PERMISSION_DENIED', code: 'OWNER_NOT_ALLOWED' });
      expect(await grpcRefusal(g.rpc.listSafetyStocks({ siteId: site.id }, new grpc.Metadata()))).toMatchObject({ status: 'UNAUTHENTICATED' });
    });
  });
});

describe('safety stock: missing fields, odd input, and what the public gRPC port does not serve', () => {
  const manager = () => credentialsMetadata({ apiKey: g.t.keys.manager });

  it('SetSafetyStock without a quantity is INVALID_ARGUMENT VALIDATION_FAILED /quantity, as REST\'s PUT without one: it never clears the figure', async () => {
    const sku = await newProduct(g.t);
    await g.rpc.setSafetyStock({ siteId: site.id, sku, quantity: 5 }, manager());
    await unchanged(async () => {
      const put = await g.t.app.http.inject({ method: 'PUT', url: `/api/v1/inventory/safety-stock/${site.id}/${sku}`, headers: { 'x-api-key': g.t.keys.manager }, payload: {} });
      expect({ status: put.statusCode, code: JSON.parse(put.body).code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
      expect(await grpcRefusal(g.rpc.setSafetyStock({ siteId: site.id, sku }, manager())))
        .toMatchObject({ status: 'INVALID_ARGUMENT', code: 'VALIDATION_FAILED', fields: ['/quantity'] });
    });
    expect(await restOf(sku)).toBe(5);
    // An explicit 0 still clears it (as REST's PUT of 0).
    expect(await g.rpc.setSafetyStock({ siteId: site.id, sku, quantity: 0 }, manager())).toMatchObject({ sku, quantity: 0 });
    expect(await restOf(sku)).toBe(0);
  });

  it('odd SKUs and sizes are refused with a code on all three, nothing changed', async () => {
    const sku = await newProduct(g.t);
    const gql = gqlClient(g.t.app, g.t.keys.manager);
    await unchanged(async () => {
      for (const odd of ['Ω≠€😀', 'x'.repeat(500), 'a/b', ' ', '\u0000']) {
        const r = await gql(SET, { s: site.id, k: odd, q: 1 });
        const member = r.data?.setSafetyStock as { __typename?: string; code?: string } | undefined;
        expect(member?.code ?? r.errors?.[0]?.extensions?.code, `GraphQL ${JSON.stringify(odd)}`).toMatch(/^[A-Z_]+$/);
        const refusal = await grpcRefusal(g.rpc.setSafetyStock({ siteId: site.id, sku: odd, quantity: 1 }, manager()));
        expect(refusal.code, `gRPC ${JSON.stringify(odd)}`).toMatch(/^[A-Z_]+$/);
        const put = await g.t.app.http.inject({ method: 'PUT', url: `/api/v1/inventory/safety-stock/${site.id}/${encodeURIComponent(odd)}`, headers: { 'x-api-key': g.t.keys.manager }, payload: { quantity: 1 } });
        expect(put.statusCode, `REST ${JSON.stringify(odd)}`).toBeGreaterThanOrEqual(400);
        expect(put.statusCode).toBeLessThan(500);
      }
      const big = await gql(SET, { s: site.id, k: sku, q: 2 ** 31 });
      expect(big.errors?.[0]?.extensions?.code).toMatch(/^[A-Z_]+$/);
      const str = await gql(SET, { s: site.id, k: sku, q: '5' });
      expect(str.errors?.[0]?.extensions?.code).toMatch(/^[A-Z_]+$/);
      const page = await gql('query($s: String!) { safetyStocks(siteId: $s, first: 0) { nodes { sku } } }', { s: site.id });
      expect(page.errors?.[0]?.extensions?.code).toMatch(/^[A-Z_]+$/);
      const cursor = await gql('query($s: String!) { safetyStocks(siteId: $s, after: "not-a-cursor") { nodes { sku } } }', { s: site.id });
      expect(cursor.errors?.[0]?.extensions?.code).toMatch(/^[A-Z_]+$/);
    });
  });

  it('the public gRPC port serves no contract API: InventoryService/WithdrawAsnLpnArrival (and its admit) is UNIMPLEMENTED there, with or without a key', async () => {
    const client = new grpc.Client(`127.0.0.1:${g.server.port}`, grpc.credentials.createInsecure());
    const inventory = paklogServices().inventory;
    try {
      await unchanged(async () => {
        for (const def of [inventory.WithdrawAsnLpnArrival, inventory.AdmitAsnLpnArrival]) {
          for (const metadata of [new grpc.Metadata(), credentialsMetadata({ apiKey: g.t.keys.admin })]) {
            const status = await new Promise<grpc.status | undefined>((resolve) => {
              client.makeUnaryRequest(def.path, def.requestSerialize, def.responseDeserialize, { siteId: site.id, lpnId: 'lpn_x' } as never, metadata,
                (err) => resolve(err?.code));
            });
            expect(status, def.path).toBe(grpc.status.UNIMPLEMENTED);
          }
        }
      });
    } finally {
      client.close();
    }
  });
});

describe('safety stock: a caller of some sites only, naming the site by its code', () => {
  it('a manager of another site neither sets, clears nor (as a viewer of it) reads it by the site\'s code: FORBIDDEN_AT_SITE on all three, nothing changed', async () => {
    const sku = await newProduct(g.t);
    await g.rpc.setSafetyStock({ siteId: site.id, sku, quantity: 7 }, credentialsMetadata({ apiKey: g.t.keys.manager }));
    const viewerOfOther = (await g.t.post('/api/v1/api-keys', { name: 'viewer of another site', role: 'viewer', siteIds: [other.id] })).body.key as string;
    await unchanged(async () => {
      const rest = async (key: string, method: 'PUT' | 'DELETE' | 'GET', payload?: object) => {
        const res = await g.t.app.http.inject({ method, url: `/api/v1/inventory/safety-stock/${site.code}/${sku}`, headers: { 'x-api-key': key }, ...(payload === undefined ? {} : { payload }) });
        return { status: res.statusCode, code: (JSON.parse(res.body) as { code?: string }).code };
      };
      expect(await rest(managerOfOther, 'PUT', { quantity: 1 })).toEqual({ status: 403, code: 'FORBIDDEN_AT_SITE' });
      expect(await rest(managerOfOther, 'DELETE')).toEqual({ status: 403, code: 'FORBIDDEN_AT_SITE' });
      expect(await rest(viewerOfOther, 'GET')).toEqual({ status: 403, code: 'FORBIDDEN_AT_SITE' });
      const list = await g.t.app.http.inject({ method: 'GET', url: `/api/v1/inventory/safety-stock?siteId=${site.code}`, headers: { 'x-api-key': viewerOfOther } });
      expect({ status: list.statusCode, code: (JSON.parse(list.body) as { code?: string }).code }).toEqual({ status: 403, code: 'FORBIDDEN_AT_SITE' });
      expect((await must(gqlClient(g.t.app, managerOfOther), SET, { s: site.code, k: sku, q: 1 })).setSafetyStock).toMatchObject({ __typename: 'Forbidden', code: 'FORBIDDEN_AT_SITE' });
      expect((await must(gqlClient(g.t.app, managerOfOther), CLEAR, { s: site.code, k: sku })).clearSafetyStock).toMatchObject({ __typename: 'Forbidden', code: 'FORBIDDEN_AT_SITE' });
      const read = await gqlClient(g.t.app, viewerOfOther)('query($s: String!, $k: String!) { safetyStock(siteId: $s, sku: $k) { quantity } }', { s: site.code, k: sku });
      expect(read.errors?.[0]?.extensions?.code).toBe('FORBIDDEN_AT_SITE');
      expect(await grpcRefusal(g.rpc.setSafetyStock({ siteId: site.code, sku, quantity: 1 }, credentialsMetadata({ apiKey: managerOfOther })))).toMatchObject({ status: 'PERMISSION_DENIED', code: 'FORBIDDEN_AT_SITE' });
      expect(await grpcRefusal(g.rpc.clearSafetyStock({ siteId: site.code, sku }, credentialsMetadata({ apiKey: managerOfOther })))).toMatchObject({ status: 'PERMISSION_DENIED', code: 'FORBIDDEN_AT_SITE' });
      expect(await grpcRefusal(g.rpc.getSafetyStock({ siteId: site.code, sku }, credentialsMetadata({ apiKey: viewerOfOther })))).toMatchObject({ status: 'PERMISSION_DENIED', code: 'FORBIDDEN_AT_SITE' });
    });
    expect(await restOf(sku)).toBe(7);
  });
});
