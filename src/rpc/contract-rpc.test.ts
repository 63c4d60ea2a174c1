/**
 * The gRPC transport of the contract APIs with fake implementations (no database): errors cross as the same AppError,
 * deadlines end in UNAVAILABLE, a server that comes up late is reached by the retries, reflection and health answer.
 */
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { service as healthService } from 'grpc-health-check';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { CatalogApi, Product } from '../contracts/catalog.ts';
import type { InventoryApi, TaskWorkState } from '../contracts/inventory.ts';
import type { PackShipApi } from '../contracts/pack-ship.ts';
import type { PickingApi } from '../contracts/picking.ts';
import { AppError, reject } from '../platform/errors.ts';
import { rpcChannel } from '../platform/rpc/rpc-client.ts';
import type { RpcServer } from '../platform/rpc/rpc-server.ts';
import { rpcClients, serveRpc } from './contract-rpc.ts';

const log = pino({ level: 'silent' });
const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function serve(apis: Parameters<typeof serveRpc>[0]['apis'], port = 0): Promise<RpcServer> {
  const server = await serveRpc({ host: '127.0.0.1', port, apis, log });
  open.push({ close: () => server.close(0) });
  return server;
}

function clients(port: number, deadlineMs?: number): ReturnType<typeof rpcClients> {
  const c = rpcClients(`127.0.0.1:${port}`, deadlineMs === undefined ? {} : { deadlineMs });
  open.push(c);
  return c;
}

const product: Product = {
  id: 'prd_1', sku: 'SKU-1', description: 'Tea — 50 g', gtin: null, uom: 'EA', lengthMm: 100.5, widthMm: 80, heightMm: 50, weightG: 250,
  lotControlled: false, expiryControlled: true, serialControlled: true, createdAt: '2026-01-02T03:04:05.000Z', active: false,
};
const catalog = (getBySkus: CatalogApi['getBySkus']): CatalogApi => ({ getBySkus });

/** A port nothing listens on: bound by the OS, then released. */
async function freePort(): Promise<number> {
  const probe = await serveRpc({ host: '127.0.0.1', port: 0, apis: {}, log });
  await probe.close(0);
  return probe.port;
}

describe('errors across gRPC', () => {
  it("an implementation's AppError is re-thrown with the same code, message, field errors and retryable flag", async () => {
    const server = await serve({
      catalog: catalog(async () => {
        throw new AppError('UNKNOWN_SKU', 'No SKU “ÜBER-1”', { errors: [{ field: '/lines/0/sku', message: 'is not a product' }] });
      }),
      packShip: {
        bookableCarriers: async () => { throw new AppError('BUSY', 'Too busy', { retryable: true }); },
        stopShipping: async () => ({ stopped: true }),
        announceStop: async () => undefined, reserveStop: async () => ({ reserved: true }), dropStop: async () => undefined,
        packWorkState: async () => undefined,
        openPackWork: async () => undefined,
        stoppedOrders: async () => [],
        claimDockShip: async () => ({ stopped: [], unready: [], stopping: [] }),
        settleDockShip: async () => undefined,
        packageSsccs: async () => [],
      },
    });
    const c = clients(server.port);
    const error: unknown = await c.catalog.getBySkus(['ÜBER-1']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'UNKNOWN_SKU', message: 'No SKU “ÜBER-1”', errors: [{ field: '/lines/0/sku', message: 'is not a product' }], retryable: false, status: 422 });
    await expect(c.packShip.bookableCarriers()).rejects.toMatchObject({ code: 'BUSY', retryable: true, status: 503 });
  });

  it('a fault that is not an AppError crosses as INTERNAL without its message', async () => {
    const server = await serve({ catalog: catalog(async () => { throw new Error('connection string postgres://secret'); }) });
    const error = await clients(server.port).catalog.getBySkus(['A']).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INTERNAL', message: 'An unexpected error occurred; it has been logged' });
    expect((error as Error).message).not.toContain('secret');
  });

  it('a service this server does not run answers INTERNAL (UNIMPLEMENTED), not UNAVAILABLE', async () => {
    const server = await serve({ catalog: catalog(async () => new Map()) });
    await expect(clients(server.port).inventory.atp('site', ['A'])).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('UNIMPLEMENTED') });
  });
});

describe('deadlines and retries', () => {
  it('a call the remote does not answer within the deadline fails with UNAVAILABLE', async () => {
    // The remote answers after a second; the caller gives up at its 150 ms deadline, before the remote has answered
    // (the two timers run in this one process, so the order is certain however loaded the machine is).
    let answered = false;
    const server = await serve({ catalog: catalog(async () => { await sleep(1_000); answered = true; return new Map(); }) });
    await expect(clients(server.port, 150).catalog.getBySkus(['A'])).rejects.toMatchObject({ code: 'UNAVAILABLE', status: 503, retryable: true });
    expect(answered).toBe(false);
  });

  it('a remote that stays down fails with UNAVAILABLE once the deadline has passed, after retrying', async () => {
    const port = await freePort();
    const t0 = Date.now();
    const error = await clients(port, 400).catalog.getBySkus(['A']).catch((e: unknown) => e);
    const elapsed = Date.now() - t0;
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/did not answer within 400 ms \(\d+ attempts/) });
    expect(Number(/\((\d+) attempts/.exec((error as Error).message)?.[1])).toBeGreaterThan(1);
    expect(elapsed).toBeGreaterThanOrEqual(350);
    expect(elapsed).toBeLessThan(2_000);
  });

  it('a server started after the first attempt answers the same call, thanks to the retries', async () => {
    const port = await freePort();
    const c = clients(port, 5_000);
    const answer = c.catalog.getBySkus(['SKU-1']);
    await sleep(400);
    await serve({ catalog: catalog(async (skus) => new Map(skus.map((s) => [s, { ...product, sku: s }]))) }, port);
    expect(await answer).toEqual(new Map([['SKU-1', product]]));
  });

  it('a restarted server is reached again by the same clients', async () => {
    const port = await freePort();
    const api = catalog(async () => new Map([['SKU-1', product]]));
    const first = await serveRpc({ host: '127.0.0.1', port, apis: { catalog: api }, log });
    const c = clients(port, 5_000);
    expect((await c.catalog.getBySkus(['SKU-1'])).size).toBe(1);
    await first.close(0);
    const during = c.catalog.getBySkus(['SKU-1']);
    await sleep(300);
    await serve({ catalog: api }, port);
    expect((await during).get('SKU-1')).toEqual(product);
  });

  it('stopShipping carries its EventMeta and every answer of the union; a SHIP scan\'s claim and its settlement go across', async () => {
    const seen: unknown[] = [];
    const packShip: PackShipApi = {
      bookableCarriers: async () => ['OWN_FLEET'],
      async stopShipping(input, meta) {
        seen.push({ input, meta });
        if (input.orderId === 'ord_docked') return { stopped: false, dockShip: 'IN_FLIGHT' };
        return input.orderId === 'ord_gone' ? { stopped: false, shipmentId: 'shp_1' } : { stopped: true };
      },
      async announceStop(orderId, meta) {
        seen.push({ announce: orderId, meta });
      },
      async claimDockShip(input) {
        seen.push({ claim: input });
        return { stopped: input.orderIds.filter((o) => o === 'ord_cancelled'), unready: input.orderIds.filter((o) => o === 'ord_picked'), stopping: input.orderIds.filter((o) => o === 'ord_cancelling') };
      },
      async reserveStop(input) {
        seen.push({ reserve: input });
        if (input.orderId === 'ord_docked') return { stopped: false, dockShip: 'SHIPPED' };
        if (input.orderId === 'ord_gone') return { stopped: false, shipmentId: 'shp_1' };
        return input.orderId === 'ord_cancelled' ? { stopped: true } : { reserved: true };
      },
      async dropStop(input) {
        seen.push({ drop: input });
      },
      async settleDockShip(input) {
        seen.push({ settle: input });
      },
      openPackWork: async (orderId) => (orderId === 'ord_open' ? { orderId, unitsPicked: 5, unitsToPack: 3, unitsToPickAgain: 1, openPackageIds: ['pkg_1'] } : undefined),
      packWorkState: async (orderId) => ({ ord_open: 'OPEN', ord_packed: 'DONE', ord_cancelled: 'WITHDRAWN' } as const)[orderId as 'ord_open'],
      stoppedOrders: async (orderIds) => orderIds.filter((o) => o === 'ord_cancelled'),
      packageSsccs: async (packageIds) => packageIds.filter((p) => p === 'pkg_sealed').map((packageId) => ({ packageId, sscc: '006141411234567890' })),
    };
    const c = clients((await serve({ packShip })).port);
    expect(await c.packShip.openPackWork('ord_open')).toEqual({ orderId: 'ord_open', unitsPicked: 5, unitsToPack: 3, unitsToPickAgain: 1, openPackageIds: ['pkg_1'] });
    expect(await c.packShip.openPackWork('ord_packed')).toBeUndefined();
    expect(await Promise.all(['ord_open', 'ord_packed', 'ord_cancelled', 'ord_nope'].map((o) => c.packShip.packWorkState(o))))
      .toEqual(['OPEN', 'DONE', 'WITHDRAWN', undefined]);
    expect(await c.packShip.stoppedOrders(['ord_open', 'ord_cancelled'])).toEqual(['ord_cancelled']);
    expect(await c.packShip.stoppedOrders([])).toEqual([]);
    expect(await c.packShip.packageSsccs(['pkg_open', 'pkg_sealed'])).toEqual([{ packageId: 'pkg_sealed', sscc: '006141411234567890' }]);
    expect(await c.packShip.packageSsccs([])).toEqual([]);
    expect(await c.packShip.stopShipping({ orderId: 'ord_1', siteId: 'sit_1', reason: null }, { correlationId: 'req-1', causationId: 'evt-1', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' })).toEqual({ stopped: true });
    expect(await c.packShip.stopShipping({ orderId: 'ord_gone', siteId: 'sit_1', reason: 'customer' }, {})).toEqual({ stopped: false, shipmentId: 'shp_1' });
    expect(await c.packShip.stopShipping({ orderId: 'ord_docked', siteId: 'sit_1', reason: null }, {})).toEqual({ stopped: false, dockShip: 'IN_FLIGHT' });
    expect(await c.packShip.stopShipping({ orderId: 'ord_2', siteId: 'sit_1', reason: null, announce: false }, {})).toEqual({ stopped: true });
    await c.packShip.announceStop('ord_2', { correlationId: 'req-2' });
    expect(await c.packShip.claimDockShip({ claimId: 'dsc_1', siteId: 'sit_1', orderIds: ['ord_open', 'ord_cancelled'], packageIds: ['pkg_1'] })).toEqual({ stopped: ['ord_cancelled'], unready: [], stopping: [] });
    await c.packShip.settleDockShip({ claimId: 'dsc_1', shipped: true });
    expect(await c.packShip.claimDockShip({ claimId: 'dsc_2', siteId: 'sit_1', orderIds: ['ord_picked'] })).toEqual({ stopped: [], unready: ['ord_picked'], stopping: [] });
    expect(await c.packShip.claimDockShip({ claimId: 'dsc_3', siteId: 'sit_1', orderIds: ['ord_cancelling'] })).toEqual({ stopped: [], unready: [], stopping: ['ord_cancelling'] });
    // A cancel's two-phase stop (ADR 0011 addendum 2026-12-07 quater): every answer of the union, and the drop.
    const reserved: unknown[] = [];
    for (const orderId of ['ord_3', 'ord_cancelled', 'ord_gone', 'ord_docked']) reserved.push(await c.packShip.reserveStop({ orderId, siteId: 'sit_1', stopId: `stp_${orderId}` }));
    expect(reserved).toEqual([{ reserved: true }, { stopped: true }, { stopped: false, shipmentId: 'shp_1' }, { stopped: false, dockShip: 'SHIPPED' }]);
    await c.packShip.dropStop({ orderId: 'ord_3', stopId: 'stp_ord_3' });
    expect(seen).toEqual([
      { input: { orderId: 'ord_1', siteId: 'sit_1', reason: null, announce: true }, meta: { correlationId: 'req-1', causationId: 'evt-1', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } },
      { input: { orderId: 'ord_gone', siteId: 'sit_1', reason: 'customer', announce: true }, meta: {} },
      { input: { orderId: 'ord_docked', siteId: 'sit_1', reason: null, announce: true }, meta: {} },
      { input: { orderId: 'ord_2', siteId: 'sit_1', reason: null, announce: false }, meta: {} },
      { announce: 'ord_2', meta: { correlationId: 'req-2' } },
      // The cartons the scan takes out go across (none from a caller that names none).
      { claim: { claimId: 'dsc_1', siteId: 'sit_1', orderIds: ['ord_open', 'ord_cancelled'], packageIds: ['pkg_1'] } },
      { settle: { claimId: 'dsc_1', shipped: true } },
      { claim: { claimId: 'dsc_2', siteId: 'sit_1', orderIds: ['ord_picked'], packageIds: [] } },
      { claim: { claimId: 'dsc_3', siteId: 'sit_1', orderIds: ['ord_cancelling'], packageIds: [] } },
      ...['ord_3', 'ord_cancelled', 'ord_gone', 'ord_docked'].map((orderId) => ({ reserve: { orderId, siteId: 'sit_1', stopId: `stp_${orderId}` } })),
      { drop: { orderId: 'ord_3', stopId: 'stp_ord_3' } },
    ]);
  });
});

describe('inventory across gRPC', () => {
  it('openCountsAt answers the open counts per location as the implementation does, none as an empty list', async () => {
    const asked: unknown[] = [];
    const inventory: InventoryApi = {
      atp: async () => new Map(), candidateLocations: async () => new Map(), getOwner: async () => undefined, locationBalances: async () => [], admitAsnLpnArrival: async () => [], withdrawAsnLpnArrival: async () => undefined,
      openTaskWork: async () => undefined, taskWorkState: async () => undefined,
      async openCountsAt(siteId, locationIds) {
        asked.push([siteId, locationIds]);
        return locationIds.includes('loc_a') ? [{ locationId: 'loc_a', countId: 'cnt_1' }, { locationId: 'loc_a', countId: 'cnt_2' }] : [];
      },
    };
    const c = clients((await serve({ inventory })).port);
    expect(await c.inventory.openCountsAt('sit_1', ['loc_a', 'loc_b'])).toEqual([{ locationId: 'loc_a', countId: 'cnt_1' }, { locationId: 'loc_a', countId: 'cnt_2' }]);
    expect(await c.inventory.openCountsAt('sit_1', ['loc_b'])).toEqual([]);
    expect(asked).toEqual([['sit_1', ['loc_a', 'loc_b']], ['sit_1', ['loc_b']]]);
  });
});

describe('an ASN pallet\'s arrival across gRPC', () => {
  it('admitAsnLpnArrival passes the scan\'s ASNs, label, LPN and location (none: null) and answers the ASNs that took it', async () => {
    const asked: unknown[] = [];
    const inventory: InventoryApi = {
      atp: async () => new Map(), candidateLocations: async () => new Map(), getOwner: async () => undefined, locationBalances: async () => [],
      openCountsAt: async () => [], openTaskWork: async () => undefined, taskWorkState: async () => undefined,
      async admitAsnLpnArrival(a) {
        asked.push(a);
        return a.asnIds.filter((id) => id !== 'asn_closed');
      },
      withdrawAsnLpnArrival: async () => undefined,
    };
    const c = clients((await serve({ inventory })).port);
    const base = { siteId: 'sit_1', code: '106141411234567897', lpnId: 'lpn_1' };
    expect(await c.inventory.admitAsnLpnArrival({ ...base, asnIds: ['asn_a', 'asn_closed'], locationId: 'loc_dock' })).toEqual(['asn_a']);
    expect(await c.inventory.admitAsnLpnArrival({ ...base, asnIds: ['asn_closed'], locationId: null })).toEqual([]);
    expect(asked).toEqual([{ ...base, asnIds: ['asn_a', 'asn_closed'], locationId: 'loc_dock' }, { ...base, asnIds: ['asn_closed'], locationId: null }]);
  });

  it('withdrawAsnLpnArrival passes the site and the LPN id of a scan that did not commit', async () => {
    const withdrawn: unknown[] = [];
    const inventory: InventoryApi = {
      atp: async () => new Map(), candidateLocations: async () => new Map(), getOwner: async () => undefined, locationBalances: async () => [],
      openCountsAt: async () => [], openTaskWork: async () => undefined, taskWorkState: async () => undefined, admitAsnLpnArrival: async () => [],
      async withdrawAsnLpnArrival(w) {
        withdrawn.push(w);
      },
    };
    const c = clients((await serve({ inventory })).port);
    await c.inventory.withdrawAsnLpnArrival({ siteId: 'sit_1', lpnId: 'lpn_1' });
    expect(withdrawn).toEqual([{ siteId: 'sit_1', lpnId: 'lpn_1' }]);
  });
});

describe('inventory work across gRPC', () => {
  it('openTaskWork answers the open work as the implementation does (no remaining for a count), undefined when none', async () => {
    const inventory: InventoryApi = {
      atp: async () => new Map(), candidateLocations: async () => new Map(), getOwner: async () => undefined, locationBalances: async () => [], admitAsnLpnArrival: async () => [], withdrawAsnLpnArrival: async () => undefined,
      openCountsAt: async () => [],
      async openTaskWork(type, reference) {
        if (type === 'PUTAWAY' && reference === 'put_1') return { kind: 'PUTAWAY', id: 'put_1', status: 'OPEN', remaining: 4 };
        if (type === 'COUNT' && reference === 'cnt_1:recount') return { kind: 'COUNT', id: 'cnt_1', status: 'RECOUNT', remaining: null };
        return undefined;
      },
      taskWorkState: async () => undefined,
    };
    const c = clients((await serve({ inventory })).port);
    expect(await c.inventory.openTaskWork('PUTAWAY', 'put_1')).toEqual({ kind: 'PUTAWAY', id: 'put_1', status: 'OPEN', remaining: 4 });
    expect(await c.inventory.openTaskWork('COUNT', 'cnt_1:recount')).toEqual({ kind: 'COUNT', id: 'cnt_1', status: 'RECOUNT', remaining: null });
    expect(await c.inventory.openTaskWork('MOVE', 'ret_1')).toBeUndefined();
  });

  it('taskWorkState answers OPEN, DONE or WITHDRAWN as the implementation does, undefined for no such work', async () => {
    const asked: unknown[] = [];
    const states: Record<string, TaskWorkState> = { put_1: 'OPEN', rpl_1: 'DONE', 'cnt_1:recount': 'WITHDRAWN' };
    const inventory: InventoryApi = {
      atp: async () => new Map(), candidateLocations: async () => new Map(), getOwner: async () => undefined, locationBalances: async () => [], admitAsnLpnArrival: async () => [], withdrawAsnLpnArrival: async () => undefined,
      openCountsAt: async () => [], openTaskWork: async () => undefined,
      async taskWorkState(type, reference) {
        asked.push([type, reference]);
        return states[reference];
      },
    };
    const c = clients((await serve({ inventory })).port);
    expect(await c.inventory.taskWorkState('PUTAWAY', 'put_1')).toBe('OPEN');
    expect(await c.inventory.taskWorkState('REPLENISH', 'rpl_1')).toBe('DONE');
    expect(await c.inventory.taskWorkState('COUNT', 'cnt_1:recount')).toBe('WITHDRAWN');
    expect(await c.inventory.taskWorkState('MOVE', 'rtn_nope')).toBeUndefined();
    expect(asked).toEqual([['PUTAWAY', 'put_1'], ['REPLENISH', 'rpl_1'], ['COUNT', 'cnt_1:recount'], ['MOVE', 'rtn_nope']]);
  });
});

describe('picking across gRPC', () => {
  it('pickListProgress answers the list as the implementation does, undefined for an unknown list', async () => {
    const picking: PickingApi = {
      pickListProgress: async (id) => (id === 'pkl_1' ? { pickListId: 'pkl_1', status: 'IN_PROGRESS', openLines: 2, lines: 3 } : undefined),
      stopPicking: async () => undefined,
    };
    const c = clients((await serve({ picking })).port);
    expect(await c.picking.pickListProgress('pkl_1')).toEqual({ pickListId: 'pkl_1', status: 'IN_PROGRESS', openLines: 2, lines: 3 });
    expect(await c.picking.pickListProgress('pkl_2')).toBeUndefined();
  });

  it('stopPicking reaches the implementation with the order and the cancel\'s meta (its actor too)', async () => {
    const stopped: unknown[] = [];
    const picking: PickingApi = {
      pickListProgress: async () => undefined,
      stopPicking: async (orderId, meta) => { stopped.push({ orderId, meta }); },
    };
    const c = clients((await serve({ picking })).port);
    const meta = { correlationId: 'cor_1', actor: { kind: 'user' as const, id: 'usr_1', role: 'manager' } };
    await c.picking.stopPicking('ord_1', meta);
    expect(stopped).toEqual([{ orderId: 'ord_1', meta }]);
  });
});

describe('pack & ship commands across gRPC', () => {
  // A carrier's trouble is the command's answer, not the remote's fault: CARRIER_ANSWER_UNRECORDABLE (a 502: the label
  // booked cannot be recorded) and CARRIER_UNAVAILABLE (a 503) come back as the same refusal the in-process command
  // returns, so a supervisor's retry in the flow service reads the carrier's reason, not 500 INTERNAL or a retry storm.
  it('retryBooking and retryLabelVoid: a carrier\'s 502 and 503 come back as the same refusals, each asked once', async () => {
    const asked: string[] = [];
    const packShipCommands = {
      retryBooking: async (id: string) => {
        asked.push(`book ${id}`);
        return reject('CARRIER_ANSWER_UNRECORDABLE', `The carrier booked a label for ${id} whose tracking number is another shipment's`);
      },
      retryLabelVoid: async (id: string) => {
        asked.push(`void ${id}`);
        return reject('CARRIER_UNAVAILABLE', `The carrier did not answer the void of ${id}`);
      },
    };
    const c = clients((await serve({ packShipCommands })).port);
    expect(await c.packShipCommands.retryBooking('shp_1')).toEqual(await packShipCommands.retryBooking('shp_1'));
    expect(await c.packShipCommands.retryLabelVoid('shp_2')).toEqual(await packShipCommands.retryLabelVoid('shp_2'));
    expect(asked).toEqual(['book shp_1', 'book shp_1', 'void shp_2', 'void shp_2']);
  });

  it('any other 5xx of the remote stays an error (the caller answers it as a fault), not a refusal', async () => {
    const packShipCommands = {
      retryBooking: async (): Promise<never> => { throw new AppError('INTERNAL', 'boom'); },
      retryLabelVoid: async (): Promise<never> => { throw new Error('not an AppError'); },
    };
    const c = clients((await serve({ packShipCommands })).port);
    await expect(c.packShipCommands.retryBooking('shp_1')).rejects.toMatchObject({ code: 'INTERNAL' });
    await expect(c.packShipCommands.retryLabelVoid('shp_1')).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});

describe('discovery', () => {
  it('server reflection lists the services this server runs', async () => {
    const server = await serve({ catalog: catalog(async () => new Map()), packShip: { bookableCarriers: async () => [], stopShipping: async () => ({ stopped: true }), announceStop: async () => undefined, reserveStop: async () => ({ reserved: true }), dropStop: async () => undefined, openPackWork: async () => undefined, packWorkState: async () => undefined, stoppedOrders: async () => [], claimDockShip: async () => ({ stopped: [], unready: [], stopping: [] }), settleDockShip: async () => undefined, packageSsccs: async () => [] } });
    const reflectionProto = createRequire(import.meta.url).resolve('@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto');
    const pkg: any = grpc.loadPackageDefinition(loadSync(reflectionProto, { keepCase: true }));
    const client = new pkg.grpc.reflection.v1.ServerReflection(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
    open.push(client);
    const ask = (request: object): Promise<any> => new Promise((resolve, reject) => {
      const stream = client.ServerReflectionInfo();
      stream.on('data', (m: unknown) => { resolve(m); stream.end(); });
      stream.on('error', reject);
      stream.write(request);
    });
    const listed = await ask({ list_services: '*' });
    expect(listed.list_services_response.service.map((s: { name: string }) => s.name).sort()).toEqual(['paklog.catalog.v1.CatalogService', 'paklog.pack_ship.v1.PackShipService']);
    // What grpcurl's `describe` reads: the file declaring the service, as descriptors.
    const described = await ask({ file_containing_symbol: 'paklog.catalog.v1.CatalogService' });
    expect(described.file_descriptor_response.file_descriptor_proto.length).toBeGreaterThan(0);
    expect(Buffer.from(described.file_descriptor_response.file_descriptor_proto[0]).toString('latin1')).toContain('GetBySkus');
  });

  it('the standard health service answers SERVING for the server and each service it runs', async () => {
    const server = await serve({ catalog: catalog(async () => new Map()) });
    const channel = rpcChannel(`127.0.0.1:${server.port}`);
    open.push(channel);
    expect(await channel.call(healthService.Check!, { service: '' })).toMatchObject({ status: 'SERVING' });
    expect(await channel.call(healthService.Check!, { service: 'paklog.catalog.v1.CatalogService' })).toMatchObject({ status: 'SERVING' });
  });
});
