/**
 * Issue 11, acceptance (b): a property-based concurrency test of the stock rules. Each run is a fresh site where many
 * clients at once send random commands through the REST API (receive, receive at the dock and put away, move, adjust,
 * hold and release, count (with recounts and a manager's decision), order, change an order's lines (storefront),
 * expedite, hold an order and release it (ADR 0052), cancel, plan and release a wave, confirm or short a pick, pack, short units at packing, ship, put a cancelled order's units back
 * (or withdraw the return, its units written off the tote),
 * a picker failing (or rejecting, pausing) a PICK task, re-queued by a supervisor at the failure limit, an LPN reported lost and found,
 * LPNs split, consolidated and moved, receipts against an ASN (over-receipts accepted or refused, damaged units; the ASN
 * closed, its discrepancies checked against what landed, or cancelled; an ASN from the ERP's CSV with a row twice,
 * received by SKU over both lines), a putaway cancelled (its units left at the dock),
 * customer returns (authorise, receive into quarantine, inspect: restock, quarantine, scrap, return to vendor; close;
 * cancel, refused once units arrived),
 * replenishment of min/max pick faces from reserve (asked, confirmed, withdrawn), quality inspections of receipts
 * (passed or failed: the lot on HOLD) and their dispositions), some of it for a 3PL client's units and orders (an
 * owner of the run) beside the site's own. While they run, an auditor reads the
 * inventory schema in consistent snapshots; after they stop, and again once every order is driven to a final state,
 * the rules must hold: no negative on-hand, nothing reserved beyond on-hand, nothing allocated beyond the pickable
 * AVAILABLE stock, held stock never reserved, the ledger equal to the balances, every order SHIPPED or CANCELLED with
 * nothing left allocated or reserved for it, no PICK task left open, no replenishment, RMA, ASN, quality or lost-LPN hold or line change left open
 * (test/support/conservation.ts lists the rules).
 *
 * A new operation is one more entry in OPERATIONS: its random parameters (an fast-check arbitrary; choices among live
 * rows are indexes taken modulo what exists when it runs), its run over the API, and the refusals it may meet.
 *
 * Reproducible: the seed is printed and in the test name; PAKLOG_PROP_SEED=<seed> replays the same commands (the
 * interleaving itself is the scheduler's: a replay explores the same commands, not always the same race). The run is
 * not shrunk by default (shrinking a race re-runs it under another interleaving): PAKLOG_PROP_SHRINK=true shrinks.
 * PAKLOG_PROP_RUNS sets the number of runs. PAKLOG_PROP_PATH=<n - 1> replays run n of the seed alone (fast-check's
 * path: run 3 is `2`), its commands as they were drawn, to loop one failed run under load (no liveness check then).
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADJUSTMENT_REASONS, DEFAULT_OWNER_ID, HELD_STATUSES, RMA_DISPOSITIONS } from '../../src/contracts/inventory.ts';
import { DISPOSITIONS as QUALITY_DISPOSITIONS } from '../../src/contracts/quality.ts';
import { SHORT_REASONS } from '../../src/contracts/picking.ts';
import { TASK_FAILURE_REASONS } from '../../src/contracts/tasks.ts';
import type { Role } from '../../src/platform/http/roles.ts';
import { assertStockConserved, conservationDifferences, describeDifferences } from '../support/conservation.ts';
import { gtin13 } from '../support/flow-driver.ts';
import { startTestApp, type TestApp, type TestResponse } from '../support/test-app.ts';

// CI's seed: 20261209 since the putaway cancel, the RMA cancel at any stage and the ERP's ASNs with a row twice came
// (prop10): they reshuffle every draw, and 20261231 (prop9's) then met no pack in 4 runs (a liveness miss, no broken
// rule); 20261209 meets every kind within its 4 runs, sends ERP ASNs twice and receives by SKU over their lines (and
// met a split of an LPN holding a SKU for two owners, which the split now names).
const SEED = Number(process.env.PAKLOG_PROP_SEED ?? process.env.FC_SEED ?? (process.env.CI === 'true' ? 20261209 : Date.now() % 2_147_483_647));
const RUNS = Number(process.env.PAKLOG_PROP_RUNS ?? 4);
const SHRINK = process.env.PAKLOG_PROP_SHRINK === 'true';
const PATH = process.env.PAKLOG_PROP_PATH;
/** Runs added, one at a time, while some kind of command has not succeeded once (see the liveness check at the end). */
const EXTRA_RUNS = 4;
const CLIENTS = 8;
const SKUS = 3;

let t: TestApp;
const ERP_DIR = mkdtempSync(join(tmpdir(), 'paklog-prop-erp-'));

beforeAll(async () => {
  // A task fails twice before it waits for a supervisor (default 3): runs reach the limit, and the re-queue.
  // The ERP's inbox is only POSTed to (its poll is off in effect): ASNs with a row twice come from it (prop10).
  t = await startTestApp({ env: { PAKLOG_TASK_MAX_FAILURES: '2', PAKLOG_ERP: 'file-drop', PAKLOG_ERP_DIR: ERP_DIR, PAKLOG_ERP_POLL_MS: '600000' } });
});
afterAll(async () => {
  await t?.close();
  rmSync(ERP_DIR, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------- the world of one run

interface Location { readonly id: string; readonly code: string; readonly type: string }

/** One run's site and what its clients created so far (shared by all clients: they race on it). */
interface World {
  readonly run: number;
  readonly siteId: string;
  readonly skus: readonly { sku: string; gtin: string }[];
  /** Every location stock may be put to: pick faces, reserve and storage slots, and the receiving dock (not pickable). */
  readonly locations: readonly Location[];
  readonly orders: string[];
  readonly waves: string[];
  nextExternalId: number;
  /** A 3PL client of the site (ADR 0028): some receipts, orders and RMAs are its own, kept apart from the site's stock. */
  readonly ownerId: string;
  /** The pick face of each SKU with a min/max (replenishment from reserve). */
  readonly faces: readonly Location[];
  /** The storefront order id of each order (`orders/updated` changes its lines), by PakLog order id. */
  readonly storefrontIds: Map<string, number>;
  readonly rmas: string[];
  /** The run's advance shipping notices (received against, closed or cancelled; the drain closes what is left). */
  readonly asns: string[];
}

/** A refusal a client may legitimately meet in a race (status and code); anything else fails the run. */
type Refusal = readonly [status: number, code: string];

/** What a command did: `ok`, `skip` (nothing to act on yet) or the refusal's code. */
type Outcome = string;

class UnexpectedAnswer extends Error {}

async function send(role: Role, method: 'GET' | 'POST' | 'PUT', url: string, body: unknown, ok: readonly number[], refusals: readonly Refusal[]): Promise<TestResponse & { outcome: Outcome }> {
  const res = await t.request(method, url, { role, ...(body === undefined ? {} : { body }) });
  if (ok.includes(res.status)) return { ...res, outcome: 'ok' };
  const code = (res.body as { code?: string } | undefined)?.code ?? '';
  if (refusals.some(([s, c]) => s === res.status && c === code)) return { ...res, outcome: code };
  throw new UnexpectedAnswer(`${method} ${url} ${JSON.stringify(body)} → ${res.status} ${JSON.stringify(res.body)}`);
}

const get = async <T>(url: string): Promise<T> => (await send('viewer', 'GET', url, undefined, [200], [])).body as T;
const pickOne = <T>(items: readonly T[], index: number): T | undefined => (items.length === 0 ? undefined : items[index % items.length]);

interface Balance { sku: string; ownerId: string; locationId: string; status: string; onHand: number; reserved: number; available: number }
interface PickLine { id: string; sku: string; locationCode: string | null; locationId: string; expectedBarcode: string | null; quantity: number; picked: number; status: string }
interface PickList { id: string; status: string; lines: PickLine[] }
interface ReturnView { id: string; open: number; suggestedLocationId: string }

/** The site's balances of a SKU at real locations with units free to move or remove. */
async function freeBalances(w: World, sku: string): Promise<Balance[]> {
  const items = (await get<{ items: Balance[] }>(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${encodeURIComponent(sku)}&limit=500`)).items;
  return items.filter((b) => !b.locationId.startsWith('IN_PROCESS:') && b.status === 'AVAILABLE' && b.available > 0);
}

/**
 * Where a floor command aims: mostly at what is ready for it now (`ready`), sometimes (aim ≥ 8 of 0–9) at anything the
 * run created, ready or not: the stale screen of a handheld, a command racing the one before it.
 */
const aim = fc.nat({ max: 9 });
async function target<T>(p: { aim: number; pick: number }, ready: () => Promise<readonly T[]>, any: readonly T[]): Promise<T | undefined> {
  return pickOne(p.aim >= 8 ? any : await ready(), p.pick);
}

async function ordersIn(w: World, status: string): Promise<string[]> {
  return (await get<{ items: { id: string }[] }>(`/api/v1/orders?siteId=${w.siteId}&status=${status}&limit=500`)).items.map((o) => o.id);
}

async function wavesIn(w: World, statuses: readonly string[]): Promise<string[]> {
  const items = (await get<{ items: { id: string; status: string }[] }>(`/api/v1/waves?siteId=${w.siteId}&limit=500`)).items;
  return items.filter((x) => statuses.includes(x.status)).map((x) => x.id);
}

/** The pending pick lines of the run's released waves (of every wave it planned, when aiming at anything). */
async function pendingLine(w: World, p: { aim: number; pick: number }): Promise<{ list: PickList; line: PickLine } | undefined> {
  const waves = p.aim >= 8 ? w.waves : await wavesIn(w, ['RELEASED', 'IN_PROGRESS']);
  const lists = (await Promise.all(waves.map(async (id) => (await get<{ items: PickList[] }>(`/api/v1/pick-lists?waveId=${id}&limit=200`)).items))).flat();
  const lines = lists.flatMap((list) => list.lines.filter((l) => l.status === 'PENDING').map((line) => ({ list, line })));
  return pickOne(lines, p.pick);
}

interface RmaView {
  id: string; status: string;
  lines: { lineId: string; sku: string; authorised: number; received: number; awaitingInspection: number; receivedLocationId: string | null }[];
}

async function rmaViews(w: World, status: string): Promise<RmaView[]> {
  return (await get<{ items: RmaView[] }>(`/api/v1/rmas?siteId=${w.siteId}&status=${status}&limit=500`)).items;
}

async function rmasIn(w: World, statuses: readonly string[]): Promise<string[]> {
  return (await Promise.all(statuses.map((s) => rmaViews(w, s)))).flat().map((r) => r.id);
}

interface ReplenishmentView { id: string; sku: string; toLocationId: string; quantity: number; status: string }

async function replenishmentsOf(w: World, status?: string): Promise<ReplenishmentView[]> {
  return (await get<{ items: ReplenishmentView[] }>(`/api/v1/replenishments?siteId=${w.siteId}${status === undefined ? '' : `&status=${status}`}&limit=500`)).items;
}

interface TaskView { id: string; type: string; status: string; workerId: string | null }

interface LpnView {
  id: string; status: string; type: string; locationId: string | null; version: number;
  contents: { sku: string; lot: string | null; owner: string | null; orderId: string | null; quantity: number }[];
}

/** Units per SKU, lot and owner of LPNs (their direct contents). */
function unitsBySku(lpns: readonly LpnView[]): Record<string, number> {
  const units: Record<string, number> = {};
  for (const c of lpns.flatMap((l) => l.contents)) {
    const key = `${c.sku}/${c.lot ?? ''}/${c.owner ?? ''}`;
    units[key] = (units[key] ?? 0) + c.quantity;
  }
  return units;
}

interface AsnView {
  id: string; status: string;
  lines: { lineNo: number; sku: string; expected: number; received: number; damaged: number; open: number }[];
  discrepancies: { lineNo: number; kind: string; expected: number; received: number; damaged: number; quantity: number }[];
}

async function asnsIn(w: World, status: string): Promise<AsnView[]> {
  return (await get<{ items: AsnView[] }>(`/api/v1/inventory/asns?siteId=${w.siteId}&status=${status}&limit=500`)).items
    .filter((a) => w.asns.includes(a.id));
}

/**
 * A closed ASN accounts for every unit: each line received what its receipts landed at the dock (their RECEIPT
 * movements, damaged ones on the DAMAGED balance; a putaway's own quantity shrinks when its units are held), and its
 * discrepancies are the over, under and damaged units of the line, nothing else.
 */
async function expectAsnBalanced(w: World, asn: AsnView): Promise<void> {
  const putaways = (await get<{ items: { lineNo: number | null; receiptMovementId: string }[] }>(
    `/api/v1/inventory/putaways?siteId=${w.siteId}&asnId=${asn.id}&limit=500`)).items;
  // No API lists a receipt's movement by id: the ledger is read.
  const receipts = await t.app.db.query<{ id: string; quantity: number; status: string }>(
    `SELECT id, delta_on_hand AS quantity, status FROM inventory.movements WHERE id = ANY($1::text[])`, [putaways.map((x) => x.receiptMovementId)]);
  for (const line of asn.lines) {
    // A scan by SKU over lines announcing it twice fills them in turn; its putaway names the first line it filled: the
    // lines of a SKU together received what their putaways' receipts landed.
    const lines = asn.lines.filter((l) => l.sku === line.sku);
    const movements = new Set(putaways.filter((x) => lines.some((l) => l.lineNo === x.lineNo)).map((x) => x.receiptMovementId));
    const landed = receipts.filter((r) => movements.has(r.id));
    expect({ received: lines.reduce((n, l) => n + l.received, 0), damaged: lines.reduce((n, l) => n + l.damaged, 0) },
      `ASN ${asn.id} lines ${lines.map((l) => l.lineNo).join(', ')}: ${JSON.stringify(landed)}`).toEqual({
      received: landed.reduce((n, x) => n + Number(x.quantity), 0), damaged: landed.filter((x) => x.status === 'DAMAGED').reduce((n, x) => n + Number(x.quantity), 0),
    });
    const expected = [
      ...line.received > line.expected ? [{ kind: 'OVER', quantity: line.received - line.expected }] : [],
      ...line.received < line.expected ? [{ kind: 'UNDER', quantity: line.expected - line.received }] : [],
      ...line.damaged > 0 ? [{ kind: 'DAMAGED', quantity: line.damaged }] : [],
    ];
    const recorded = asn.discrepancies.filter((d) => d.lineNo === line.lineNo).map((d) => ({ kind: d.kind, quantity: d.quantity }));
    expect(recorded.sort((a, b) => a.kind.localeCompare(b.kind)), `ASN ${asn.id} line ${line.lineNo} discrepancies`)
      .toEqual(expected.sort((a, b) => a.kind.localeCompare(b.kind)));
  }
}

async function lpnsIn(w: World, status: string): Promise<LpnView[]> {
  return (await get<{ items: LpnView[] }>(`/api/v1/lpns?siteId=${w.siteId}&status=${status}&limit=500`)).items;
}

interface InspectionView { id: string; status: string; holdStatus: string }

async function inspectionsOf(w: World, filter: string): Promise<InspectionView[]> {
  return (await get<{ items: InspectionView[] }>(`/api/v1/inspections?siteId=${w.siteId}&${filter}&limit=500`)).items;
}

/** A signed storefront webhook for the run's order `id` (integrations' Shopify-style intake). */
async function storefront(w: World, topic: string, id: number, lines: readonly { sku: string; quantity: number }[]): Promise<TestResponse & { outcome: Outcome }> {
  const raw = JSON.stringify({
    id, name: `#${id}`, line_items: lines.map((l) => ({ ...l, requires_shipping: true })),
    shipping_address: { name: SHIP_TO.name, address1: SHIP_TO.line1, city: SHIP_TO.city, zip: SHIP_TO.postalCode, country_code: SHIP_TO.country },
  });
  const res = await t.request('POST', '/api/v1/integrations/storefront/orders', {
    role: null, body: raw, headers: {
      'content-type': 'application/json', 'x-shopify-shop-domain': shopDomain(w), 'x-shopify-topic': topic,
      'x-shopify-hmac-sha256': createHmac('sha256', SHOP_SECRET).update(raw).digest('base64'),
    },
  });
  if (res.status === 200 || res.status === 201) return { ...res, outcome: 'ok' };
  const code = (res.body as { code?: string } | undefined)?.code ?? '';
  // ORDER_ON_HOLD: a line change of a held order is refused (ADR 0052); 'hold or release an order' holds it in the
  // meantime (seeds 8017–8019 met it once the task and LPN commands shifted the draws).
  if (res.status === 409 && ['ORDER_IN_FULFILMENT', 'ORDER_ON_HOLD', 'ORDER_CANCELLED', 'ORDER_SHIPPED'].includes(code)) return { ...res, outcome: code };
  throw new UnexpectedAnswer(`storefront ${topic} ${raw} → ${res.status} ${JSON.stringify(res.body)}`);
}

interface CountView { id: string; status: string; attempt: number | null; sku: string; ownerId: string; locationId: string; lot: string | null }

/** Units held (HOLD, QUARANTINE, DAMAGED) of a SKU at real locations. */
async function heldBalances(w: World, sku: string): Promise<Balance[]> {
  const items = (await get<{ items: Balance[] }>(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${encodeURIComponent(sku)}&limit=500`)).items;
  return items.filter((b) => !b.locationId.startsWith('IN_PROCESS:') && b.status !== 'AVAILABLE' && b.onHand > 0);
}

/**
 * The units the ledger holds for a count's owner, SKU and lot at its location, whatever their status, but for a lost
 * LPN's (not on the shelf): what an honest counter finds (held units look like the others; ADR 0031 addendum).
 */
async function onShelf(w: World, c: CountView): Promise<number> {
  const items = (await get<{ items: (Balance & { lot: string | null })[] }>(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${encodeURIComponent(c.sku)}&limit=500`)).items;
  const onBooks = items.filter((b) => b.locationId === c.locationId && b.ownerId === c.ownerId && (b.lot ?? null) === (c.lot ?? null))
    .reduce((n, b) => n + b.onHand, 0);
  // The floor knows which LPN went missing: no API lists lost LPNs' holds per location, so the schema is read.
  const [lost] = await t.app.db.query<{ n: number; hold: number }>(
    `SELECT (SELECT coalesce(sum(held), 0)::int FROM inventory.lpn_holds
             WHERE site_id = $1 AND owner_id = $2 AND sku = $3 AND location_id = $4 AND lot = $5 AND status = 'HELD') AS n,
            (SELECT coalesce(sum(on_hand), 0)::int FROM inventory.balances
             WHERE site_id = $1 AND owner_id = $2 AND sku = $3 AND location_id = $4 AND lot = $5 AND status = 'HOLD') AS hold`,
    [w.siteId, c.ownerId, c.sku, c.locationId, c.lot ?? '']);
  return onBooks - Math.min(lost?.n ?? 0, lost?.hold ?? 0);
}

/**
 * Drives a count to a close: each attempt submits the shelf's quantity off by the next variance (a recount by another
 * counter), a recount beyond tolerance is approved or rejected. A submission refused (a loss below what is reserved or
 * promised there, another client's count of the same units) is answered by counting the shelf exactly, which always
 * closes it. Answers `ok` or the first refusal met.
 */
async function closeCount(w: World, id: string, variances: readonly number[], approve: boolean): Promise<Outcome> {
  let outcome: Outcome = 'ok';
  const steps: string[] = [];
  for (let step = 0; step < 10; step++) {
    const c = await get<CountView>(`/api/v1/inventory/counts/${id}`);
    if (c.status === 'COMPLETED' || c.status === 'REJECTED') return outcome;
    if (c.status === 'AWAITING_APPROVAL') {
      const decided = await send('manager', 'POST', `/api/v1/inventory/counts/${id}/${approve ? 'approve' : 'reject'}`, { reason: 'property test' }, [200],
        [[409, 'INSUFFICIENT_STOCK'], [409, 'ILLEGAL_TRANSITION']]);
      steps.push(`${approve ? 'approve' : 'reject'}: ${decided.outcome}`);
      if (decided.outcome === 'INSUFFICIENT_STOCK') approve = false;
      if (decided.outcome !== 'ok' && outcome === 'ok') outcome = decided.outcome;
      continue;
    }
    const attempt = c.attempt ?? 1;
    const variance = outcome === 'ok' ? (variances[attempt - 1] ?? 0) : 0;
    const quantity = Math.max(0, (await onShelf(w, c)) + variance);
    const submitted = await send('operator', 'POST', `/api/v1/inventory/counts/${id}/submit`, {
      attempt, quantity, workerId: `counter-${attempt}`,
    }, [200], [[409, 'INSUFFICIENT_STOCK'], [409, 'COUNT_ATTEMPT_MISMATCH'], [409, 'ILLEGAL_TRANSITION']]);
    steps.push(`${c.status} attempt ${attempt}: ${quantity} → ${submitted.outcome}${submitted.outcome === 'ok' ? '' : ` ${JSON.stringify(submitted.body)}`}`);
    if (submitted.outcome !== 'ok' && outcome === 'ok') outcome = submitted.outcome;
  }
  const seen = await send('manager', 'GET', `/api/v1/inventory/counts/${id}`, undefined, [200], []);
  throw new UnexpectedAnswer(`count ${id} did not close:\n  ${steps.join('\n  ')}\n  the count now: ${JSON.stringify(seen.body)}`);
}

// ------------------------------------------------------------------------------------------------------ operations

/** One kind of command: random parameters, and how a client runs it over the API. */
interface Operation<P> {
  readonly name: string;
  /**
   * How often it is drawn, relative to the others. The stock and floor commands weigh 2 to 10, the returns,
   * replenishment, quality and order-change commands (added later) 1 or 2: the floor flow (orders waved, picked,
   * cancelled midway, their units put back) keeps most of the draws, as before they came.
   */
  readonly weight: number;
  readonly params: fc.Arbitrary<P>;
  run(w: World, p: P): Promise<Outcome>;
}

/** Method parameters are bivariant: an operation on its own parameters is an operation on unknown ones. */
/** A choice among live rows (SKUs, balances, orders, lines…), taken modulo how many there are when the command runs. */
const index = fc.nat({ max: 999 });
const SKU_INDEX = fc.nat({ max: SKUS - 1 });

const op = <P>(o: Operation<P>): Operation<unknown> => o;

/** Whose units or order: mostly the site's own (the default owner), one time in four the run's 3PL client. */
const OWNED = fc.nat({ max: 3 });
const ownerOf = (w: World, owned: number): { ownerId?: string } => (owned === 0 ? { ownerId: w.ownerId } : {});
const SHIP_TO = { name: 'A Customer', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' };
/** The run's storefront: orders it sends are `<prefix><storefront id>` (integrations' storefront mapping). */
const shopDomain = (w: World): string => `pr${w.run}.myshopify.com`;
const shopPrefix = (w: World): string => `PR${w.run}-`;
const SHOP_SECRET = 'shpss_property_test_secret';

/** Refusals of the floor when a cancel, a short or another client got there first. */
const LOST_RACE: readonly Refusal[] = [[409, 'ORDER_CANCELLED'], [409, 'ILLEGAL_TRANSITION'], [409, 'CONFLICT']];
/** Pack & ship learns of an order from its events: until then (or for an order never released) it knows no such order. */
const NOT_ON_THE_FLOOR: Refusal = [404, 'NOT_FOUND'];

const OPERATIONS: readonly Operation<unknown>[] = [
  op({
    name: 'wait', weight: 4,
    params: fc.record({ ms: fc.integer({ min: 1, max: 40 }), untilIdle: fc.boolean() }),
    async run(_w, p) {
      // A client busy elsewhere, or waiting for the floor to catch up: events (allocations, pick lists) land meanwhile.
      await (p.untilIdle ? t.settle() : new Promise((r) => setTimeout(r, p.ms)));
      return 'ok';
    },
  }),
  op({
    name: 'receive', weight: 4,
    params: fc.record({ sku: index, location: index, quantity: fc.integer({ min: 1, max: 12 }), owner: OWNED }),
    async run(w, p) {
      const sku = pickOne(w.skus, p.sku)!.sku;
      const location = pickOne(w.locations, p.location)!;
      return (await send('operator', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, ...ownerOf(w, p.owner), sku, locationId: location.id, quantity: p.quantity },
        [201], [])).outcome;
    },
  }),
  op({
    name: 'move', weight: 2,
    params: fc.record({ sku: index, from: index, to: index, quantity: fc.integer({ min: 1, max: 10 }) }),
    async run(w, p) {
      const sku = pickOne(w.skus, p.sku)!.sku;
      const from = pickOne(await freeBalances(w, sku), p.from);
      if (from === undefined) return 'skip';
      const to = pickOne(w.locations.filter((l) => l.id !== from.locationId), p.to)!;
      return (await send('operator', 'POST', '/api/v1/inventory/moves', {
        siteId: w.siteId, ownerId: from.ownerId, sku, fromLocationId: from.locationId, toLocationId: to.id, quantity: Math.min(p.quantity, from.available),
      }, [200, 201], [[409, 'INSUFFICIENT_STOCK'], [409, 'LOCATION_UNDER_COUNT']])).outcome;
    },
  }),
  op({
    name: 'adjust', weight: 2,
    params: fc.record({
      sku: index, balance: index, location: index, up: fc.boolean(), quantity: fc.integer({ min: 1, max: 6 }),
      reason: fc.constantFrom(...ADJUSTMENT_REASONS), owner: OWNED,
    }),
    async run(w, p) {
      const sku = pickOne(w.skus, p.sku)!.sku;
      let locationId = pickOne(w.locations, p.location)!.id;
      let delta = p.quantity;
      let ownerId = ownerOf(w, p.owner).ownerId;
      if (!p.up) {
        const b = pickOne(await freeBalances(w, sku), p.balance);
        if (b === undefined) return 'skip';
        locationId = b.locationId;
        ownerId = b.ownerId;
        delta = -Math.min(p.quantity, b.available);
      }
      return (await send('manager', 'POST', '/api/v1/inventory/adjustments', { siteId: w.siteId, ownerId, sku, locationId, delta, reason: p.reason },
        [200, 201], [[409, 'INSUFFICIENT_STOCK'], [422, 'INSUFFICIENT_STOCK']])).outcome;
    },
  }),
  op({
    name: 'order', weight: 4,
    params: fc.record({
      lines: fc.uniqueArray(fc.record({ sku: SKU_INDEX, quantity: fc.integer({ min: 1, max: 6 }) }), { selector: (l) => l.sku, minLength: 1, maxLength: SKUS }),
      shipComplete: fc.boolean(), owner: OWNED,
    }),
    async run(w, p) {
      // The externalId is the one the run's storefront channel gives its order `n` (see 'change an order's lines').
      const n = w.nextExternalId++;
      const res = await send('integration', 'POST', '/api/v1/orders', {
        externalId: `${shopPrefix(w)}${n}`, siteId: w.siteId, ...ownerOf(w, p.owner), carrier: 'OWN_FLEET', shipComplete: p.shipComplete, shipTo: SHIP_TO,
        lines: p.lines.map((l) => ({ sku: w.skus[l.sku]!.sku, quantity: l.quantity })),
      }, [201], []);
      const id = (res.body as { id: string }).id;
      w.orders.push(id);
      w.storefrontIds.set(id, n);
      return res.outcome;
    },
  }),
  op({
    name: 'cancel order', weight: 2,
    params: fc.record({ aim, pick: index }),
    async run(w, p) {
      // Mostly an order with units picked (their return to stock is the hard case), else any order of the run.
      const order = await target(p, async () => (await Promise.all(['PICKING', 'PICKED', 'PACKED'].map((s) => ordersIn(w, s)))).flat(), w.orders);
      if (order === undefined) return 'skip';
      return (await send('manager', 'POST', `/api/v1/orders/${order}/cancel`, { reason: 'property test' }, [200], [[409, 'ORDER_SHIPPED']])).outcome;
    },
  }),
  op({
    name: 'plan a wave', weight: 4,
    params: fc.record({ maxOrders: fc.integer({ min: 1, max: 6 }) }),
    async run(w, p) {
      const planned = await send('manager', 'POST', '/api/v1/waves', { siteId: w.siteId, maxOrders: p.maxOrders }, [201],
        [[422, 'NOTHING_TO_PLAN'], [409, 'CONFLICT']]);
      if (planned.outcome === 'ok') w.waves.push((planned.body as { id: string }).id);
      return planned.outcome;
    },
  }),
  op({
    name: 'release a wave', weight: 4,
    params: fc.record({ aim, pick: index }),
    async run(w, p) {
      const wave = await target(p, () => wavesIn(w, ['PLANNED']), w.waves);
      if (wave === undefined) return 'skip';
      return (await send('manager', 'POST', `/api/v1/waves/${wave}/release`, undefined, [200], LOST_RACE)).outcome;
    },
  }),
  op({
    name: 'confirm a pick', weight: 10,
    params: fc.record({ aim, pick: index, all: fc.boolean(), wholeList: fc.boolean() }),
    async run(w, p) {
      const found = await pendingLine(w, p);
      if (found === undefined) return 'skip';
      // One line (all of it or one unit), or every pending line of its list from there on, as a picker works a list.
      const { list } = found;
      const lines = p.wholeList ? list.lines.filter((l) => l.status === 'PENDING') : [found.line];
      let outcome: Outcome = 'skip';
      for (const line of lines) {
        const open = line.quantity - line.picked;
        outcome = (await send('operator', 'POST', `/api/v1/pick-lists/${list.id}/lines/${line.id}/confirm`, {
          locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity: p.all || p.wholeList ? open : 1,
          toteId: `T-${list.id}`,
        }, [200], [...LOST_RACE, [409, 'QUANTITY_EXCEEDS_OPEN'], [422, 'QUANTITY_EXCEEDS_OPEN']])).outcome;
        if (outcome !== 'ok') break;
      }
      return outcome;
    },
  }),
  op({
    name: 'short a pick', weight: 2,
    params: fc.record({ aim, pick: index, reason: fc.constantFrom(...SHORT_REASONS) }),
    async run(w, p) {
      const found = await pendingLine(w, p);
      if (found === undefined) return 'skip';
      return (await send('operator', 'POST', `/api/v1/pick-lists/${found.list.id}/lines/${found.line.id}/short`, { reason: p.reason }, [200],
        LOST_RACE)).outcome;
    },
  }),
  op({
    name: 'pack', weight: 6,
    params: fc.record({ aim, pick: index }),
    async run(w, p) {
      const order = await target(p, () => ordersIn(w, 'PICKED'), w.orders);
      if (order === undefined) return 'skip';
      return (await send('operator', 'POST', '/api/v1/packages', { orderId: order }, [201], [...LOST_RACE, NOT_ON_THE_FLOOR, [409, 'NOTHING_TO_PACK']])).outcome;
    },
  }),
  op({
    name: 'short at packing', weight: 3,
    params: fc.record({ aim, pick: index, line: index, quantity: fc.integer({ min: 1, max: 2 }), reason: fc.constantFrom('MISSING', 'DAMAGED') }),
    async run(w, p) {
      // A unit missing from the tote or damaged at the pack station: written off the order's in-process stock, while
      // cancels, packs and returns race on the same tote. Mostly a picked order that may ship partial with units
      // waiting to be packed (any order, one time in five).
      type Line = { id: string; picked: number; packed: number; shortAtPack: number };
      const candidates = p.aim >= 8 ? w.orders : await ordersIn(w, 'PICKED');
      let chosen: { order: string; line: Line } | undefined;
      for (let k = 0; k < Math.min(candidates.length, 6) && chosen === undefined; k++) {
        const order = pickOne(candidates, p.pick + k)!;
        const view = await get<{ shipComplete: boolean; lines: Line[] }>(`/api/v1/orders/${order}`);
        const open = view.lines.filter((l) => l.picked - l.packed - l.shortAtPack > 0);
        const line = pickOne(open, p.line);
        if (line !== undefined && (p.aim >= 8 || !view.shipComplete)) chosen = { order, line };
      }
      if (chosen === undefined) return 'skip';
      return (await send('operator', 'POST', '/api/v1/pack-station/shorts', { orderId: chosen.order, lineId: chosen.line.id, quantity: p.quantity, reason: p.reason }, [200],
        [...LOST_RACE, NOT_ON_THE_FLOOR, [409, 'NOTHING_TO_PACK'], [409, 'SHORT_EXCEEDS_OPEN_UNITS'], [409, 'SHORT_EMPTIES_ORDER'], [409, 'ORDER_SHIPS_COMPLETE'],
          [422, 'UNPROCESSABLE']])).outcome;
    },
  }),
  op({
    name: 'ship', weight: 6,
    params: fc.record({ aim, pick: index, dispatch: fc.boolean() }),
    async run(w, p) {
      const order = await target(p, () => ordersIn(w, 'PACKED'), w.orders);
      if (order === undefined) return 'skip';
      const shipment = await send('operator', 'POST', '/api/v1/shipments', { orderId: order }, [201],
        [...LOST_RACE, NOT_ON_THE_FLOOR, [409, 'UNITS_NOT_PACKED'], [409, 'NOTHING_TO_SHIP']]);
      if (shipment.outcome !== 'ok' || !p.dispatch) return shipment.outcome;
      return (await send('operator', 'POST', `/api/v1/shipments/${(shipment.body as { id: string }).id}/dispatch`, undefined, [200], LOST_RACE)).outcome;
    },
  }),
  op({
    name: 'put back a cancelled order\'s units', weight: 4,
    params: fc.record({ ret: index, location: index, all: fc.boolean() }),
    async run(w, p) {
      const open = (await get<{ items: ReturnView[] }>(`/api/v1/inventory/returns?siteId=${w.siteId}&status=OPEN&limit=200`)).items;
      const r = pickOne(open, p.ret);
      if (r === undefined) return 'skip';
      const location = pickOne(w.locations, p.location)!;
      return (await send('operator', 'POST', `/api/v1/inventory/returns/${r.id}/confirm`, { locationId: location.id, quantity: p.all ? r.open : 1 },
        [200, 201], [[422, 'QUANTITY_EXCEEDS_OPEN'], [409, 'QUANTITY_EXCEEDS_OPEN'], [409, 'ILLEGAL_TRANSITION'], [409, 'CONFLICT'], [409, 'LOCATION_UNDER_COUNT']])).outcome;
    },
  }),
  op({
    name: 'withdraw a return to stock', weight: 1,
    params: fc.record({ aim, pick: index }),
    async run(w, p) {
      // A manager withdraws a cancelled order's return nobody will confirm (its tote lost, race12): the units it still
      // covered are written off the tote (ADJUST, reason LOST), its MOVE task withdrawn; a stale screen withdraws one
      // confirmed or withdrawn already (409 ILLEGAL_TRANSITION), or while a put back of it lands.
      const returns = async (status: string): Promise<ReturnView[]> =>
        (await get<{ items: ReturnView[] }>(`/api/v1/inventory/returns?siteId=${w.siteId}${status === '' ? '' : `&status=${status}`}&limit=200`)).items;
      const r = await target(p, () => returns('OPEN'), p.aim >= 8 ? await returns('') : []);
      if (r === undefined) return 'skip';
      return (await send('manager', 'POST', `/api/v1/inventory/returns/${r.id}/cancel`, { reason: 'property test: tote lost' }, [200],
        [[409, 'ILLEGAL_TRANSITION'], [409, 'INSUFFICIENT_STOCK']])).outcome;
    },
  }),
  op({
    name: 'receive at the dock', weight: 2,
    params: fc.record({ sku: index, quantity: fc.integer({ min: 1, max: 8 }) }),
    async run(w, p) {
      const dock = w.locations.find((l) => l.type === 'RECEIVING')!;
      return (await send('operator', 'POST', '/api/v1/inventory/inbound-receipts', { siteId: w.siteId, sku: pickOne(w.skus, p.sku)!.sku, quantity: p.quantity, locationCode: dock.code },
        [201], [])).outcome;
    },
  }),
  op({
    name: 'put away', weight: 2,
    params: fc.record({ putaway: index, location: index, all: fc.boolean() }),
    async run(w, p) {
      const open = (await get<{ items: { id: string; open?: number }[] }>(`/api/v1/inventory/putaways?siteId=${w.siteId}&status=OPEN&limit=200`)).items;
      const putaway = pickOne(open, p.putaway);
      if (putaway === undefined) return 'skip';
      const to = pickOne(w.locations.filter((l) => l.type !== 'RECEIVING'), p.location)!;
      return (await send('operator', 'POST', `/api/v1/inventory/putaways/${putaway.id}/confirm`, { locationId: to.id, ...(p.all ? {} : { quantity: 1 }) }, [200],
        // A DAMAGED receipt against an ASN goes to a QUARANTINE location only: the run's layout has none (ADR 0025, docs/operations/inbound.md).
        [[422, 'QUANTITY_EXCEEDS_OPEN'], [409, 'INSUFFICIENT_STOCK'], [409, 'ILLEGAL_TRANSITION'], [409, 'CONFLICT'], [409, 'LOCATION_UNDER_COUNT'],
          [422, 'PUTAWAY_TARGET_NOT_ALLOWED']])).outcome;
    },
  }),
  op({
    name: 'cancel a putaway', weight: 1,
    params: fc.record({ aim, pick: index }),
    async run(w, p) {
      // A dock lead withdraws a putaway nobody will finish (prop10): nothing moves, the units it still covered stay at the
      // dock on the books, not promised, free to be moved or put away by another putaway; a stale screen cancels one
      // finished or cancelled already (409 ILLEGAL_TRANSITION).
      const putaways = async (status: string): Promise<{ id: string }[]> =>
        (await get<{ items: { id: string }[] }>(`/api/v1/inventory/putaways?siteId=${w.siteId}${status === '' ? '' : `&status=${status}`}&limit=200`)).items;
      const putaway = await target(p, () => putaways('OPEN'), p.aim >= 8 ? await putaways('') : []);
      if (putaway === undefined) return 'skip';
      return (await send('manager', 'POST', `/api/v1/inventory/putaways/${putaway.id}/cancel`, { reason: 'property test' }, [200],
        [[409, 'ILLEGAL_TRANSITION']])).outcome;
    },
  }),
  op({
    name: 'hold', weight: 2,
    params: fc.record({ sku: index, balance: index, quantity: fc.integer({ min: 1, max: 5 }), status: fc.constantFrom(...HELD_STATUSES) }),
    async run(w, p) {
      const sku = pickOne(w.skus, p.sku)!.sku;
      const b = pickOne(await freeBalances(w, sku), p.balance);
      if (b === undefined) return 'skip';
      return (await send('manager', 'POST', '/api/v1/inventory/holds', {
        siteId: w.siteId, ownerId: b.ownerId, sku, locationId: b.locationId, quantity: Math.min(p.quantity, b.available), status: p.status, reason: 'property test',
      }, [201], [[409, 'INSUFFICIENT_STOCK'], [409, 'STOCK_RESERVED'], [409, 'STOCK_ALLOCATED']])).outcome;
    },
  }),
  op({
    name: 'release a hold', weight: 2,
    params: fc.record({ sku: index, balance: index, quantity: fc.integer({ min: 1, max: 5 }) }),
    async run(w, p) {
      const b = pickOne(await heldBalances(w, pickOne(w.skus, p.sku)!.sku), p.balance);
      if (b === undefined) return 'skip';
      return (await send('manager', 'POST', '/api/v1/inventory/hold-releases', {
        siteId: w.siteId, ownerId: b.ownerId, sku: b.sku, locationId: b.locationId, quantity: Math.min(p.quantity, b.onHand), fromStatus: b.status, reason: 'property test',
        // A failed inspection's HOLD units wait for its disposition (ADR 0031 addendum; seed 8031 released into them).
      }, [201], [[409, 'INSUFFICIENT_STOCK'], [409, 'HELD_BY_INSPECTION']])).outcome;
    },
  }),
  op({
    name: 'count', weight: 2,
    params: fc.record({ sku: index, location: index, variance: fc.integer({ min: -4, max: 4 }), recountVariance: fc.integer({ min: -4, max: 4 }), approve: fc.boolean() }),
    async run(w, p) {
      // A manager opens a blind count of a SKU at a location; counters find the expected quantity off by `variance`,
      // a second counter recounts when that is beyond tolerance, and the manager decides. Every count is closed before
      // the command ends, so a location is never left locked.
      const sku = pickOne(w.skus, p.sku)!.sku;
      const location = pickOne(w.locations, p.location)!;
      const opened = await send('manager', 'POST', '/api/v1/inventory/counts', { siteId: w.siteId, sku, locationIds: [location.id], toleranceUnits: 1 }, [201], []);
      let outcome: Outcome = 'ok';
      for (const c of (opened.body as { items: CountView[] }).items) {
        const result = await closeCount(w, c.id, [p.variance, p.recountVariance], p.approve);
        if (result !== 'ok') outcome = result;
      }
      return outcome;
    },
  }),
  op({
    name: 'authorise a return', weight: 1,
    params: fc.record({
      lines: fc.uniqueArray(fc.record({ sku: SKU_INDEX, quantity: fc.integer({ min: 1, max: 4 }) }), { selector: (l) => l.sku, minLength: 1, maxLength: 2 }),
      owner: OWNED,
    }),
    async run(w, p) {
      // A customer return (RMA) of the site's own or the 3PL client's units: nothing moves until they arrive.
      const res = await send('manager', 'POST', '/api/v1/rmas', {
        siteId: w.siteId, ...ownerOf(w, p.owner), customerRef: `CUST-${w.run}`,
        lines: p.lines.map((l) => ({ sku: w.skus[l.sku]!.sku, quantity: l.quantity, reason: 'property test' })),
      }, [201], []);
      w.rmas.push((res.body as { id: string }).id);
      return res.outcome;
    },
  }),
  op({
    name: 'receive a return', weight: 1,
    params: fc.record({ aim, pick: index, line: index, location: index, all: fc.boolean() }),
    async run(w, p) {
      // Units arrive against an RMA, into QUARANTINE where they land (each line's units wait at one place): all that is
      // still authorised, or one unit; a stale screen sends them against an RMA already received in full or closed.
      const id = await target(p, () => rmasIn(w, ['AUTHORISED', 'RECEIVED', 'INSPECTED']), w.rmas);
      if (id === undefined) return 'skip';
      const rma = await get<RmaView>(`/api/v1/rmas/${id}`);
      const open = rma.lines.filter((l) => l.received < l.authorised);
      const first = pickOne(p.aim >= 8 || open.length === 0 ? rma.lines : open, p.line)!;
      const locationId = first.receivedLocationId ?? pickOne(w.locations, p.location)!.id;
      const lines = (p.all ? open : [first]).filter((l) => (l.receivedLocationId ?? locationId) === locationId);
      if (lines.length === 0) lines.push(first);
      return (await send('operator', 'POST', `/api/v1/rmas/${id}/receive`, {
        locationId, lines: lines.map((l) => ({ lineId: l.lineId, quantity: p.all ? Math.max(1, l.authorised - l.received) : 1 })),
      // Another client's receipt of the same line may have landed elsewhere first (422: the rest goes where it did).
      }, [200], [[409, 'OVER_RECEIPT'], [409, 'ILLEGAL_TRANSITION'], [422, 'UNPROCESSABLE']])).outcome;
    },
  }),
  op({
    name: 'inspect a returned line', weight: 2,
    params: fc.record({ pick: index, line: index, location: index, all: fc.boolean(), disposition: fc.constantFrom(...RMA_DISPOSITIONS) }),
    async run(w, p) {
      // The inspector disposes of received units: restocked AVAILABLE at a location scanned (a pick face, reserve, the
      // dock), left in quarantine, scrapped or sent back to the vendor. The held units may have been released by hand
      // meanwhile (409 INSUFFICIENT_STOCK); a restock into a location a count has frozen waits for it (409
      // LOCATION_UNDER_COUNT, as every other put into a location is).
      const rma = pickOne(await rmaViews(w, 'RECEIVED'), p.pick);
      const line = rma === undefined ? undefined : pickOne(rma.lines.filter((l) => l.awaitingInspection > 0), p.line);
      if (rma === undefined || line === undefined) return 'skip';
      return (await send('operator', 'POST', `/api/v1/rmas/${rma.id}/lines/${line.lineId}/inspect`, {
        disposition: p.disposition, quantity: p.all ? line.awaitingInspection : 1, condition: 'property test',
        ...(p.disposition === 'RESTOCK' ? { locationId: pickOne(w.locations, p.location)!.id } : {}),
      }, [200], [[409, 'INSUFFICIENT_STOCK'], [409, 'ILLEGAL_TRANSITION'], [422, 'QUANTITY_EXCEEDS_OPEN'], [409, 'QUANTITY_EXCEEDS_OPEN'], [409, 'LOCATION_UNDER_COUNT']])).outcome;
    },
  }),
  op({
    name: 'close a return', weight: 1,
    params: fc.record({ aim, pick: index }),
    async run(w, p) {
      // An inspected RMA is closed, one nothing arrived against is cancelled (the customer kept the goods).
      const id = await target(p, () => rmasIn(w, ['INSPECTED', 'AUTHORISED']), w.rmas);
      if (id === undefined) return 'skip';
      const rma = await get<RmaView>(`/api/v1/rmas/${id}`);
      // A stale screen (aim 9) cancels the RMA whatever its stage (prop10): refused once anything arrived against it,
      // and a cancel that lands leaves nothing received against it, ever.
      if (rma.status === 'AUTHORISED' || p.aim === 9) {
        const cancelled = await send('manager', 'POST', `/api/v1/rmas/${id}/cancel`, { reason: 'property test' }, [200], [[409, 'ILLEGAL_TRANSITION']]);
        if (cancelled.outcome === 'ok') {
          const after = cancelled.body as RmaView;
          expect({ status: after.status, received: after.lines.map((l) => l.received) }, `RMA ${id} cancelled`)
            .toEqual({ status: 'CANCELLED', received: after.lines.map(() => 0) });
        }
        return cancelled.outcome;
      }
      return (await send('manager', 'POST', `/api/v1/rmas/${id}/close`, undefined, [200], [[409, 'ILLEGAL_TRANSITION']])).outcome;
    },
  }),
  op({
    name: 'ask for a replenishment', weight: 1,
    params: fc.record({ sku: SKU_INDEX, quantity: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }), owner: OWNED }),
    async run(w, p) {
      // A planner asks for the face's min/max top-up (or a quantity) from reserve; the face's open one is answered if any.
      return (await send('manager', 'POST', '/api/v1/replenishments', {
        siteId: w.siteId, ...ownerOf(w, p.owner), sku: w.skus[p.sku]!.sku, locationId: w.faces[p.sku]!.id, ...(p.quantity === undefined ? {} : { quantity: p.quantity }),
      // Refused when no reserve holds free units, or (no quantity given) when the face is at its max already.
      }, [201], [[409, 'NO_REPLENISHMENT_SOURCE'], [400, 'VALIDATION_FAILED']])).outcome;
    },
  }),
  op({
    name: 'confirm a replenishment', weight: 2,
    params: fc.record({ aim, pick: index, fewer: fc.nat({ max: 3 }), withdraw: fc.nat({ max: 4 }) }),
    async run(w, p) {
      // The worker brings the units (or fewer: what was found) and scans the face; now and then a planner withdraws it.
      const open = async (): Promise<ReplenishmentView[]> => replenishmentsOf(w, 'OPEN');
      const r = await target(p, open, p.aim >= 8 ? await replenishmentsOf(w) : []);
      if (r === undefined) return 'skip';
      if (p.withdraw === 0) {
        return (await send('manager', 'POST', `/api/v1/replenishments/${r.id}/cancel`, { reason: 'property test' }, [200], [[409, 'ILLEGAL_TRANSITION']])).outcome;
      }
      return (await send('operator', 'POST', `/api/v1/replenishments/${r.id}/confirm`, { locationId: r.toLocationId, quantity: Math.max(1, r.quantity - p.fewer) },
        [200], [[409, 'INSUFFICIENT_STOCK'], [409, 'ILLEGAL_TRANSITION'], [409, 'LOCATION_UNDER_COUNT']])).outcome;
    },
  }),
  op({
    name: 'record an inspection', weight: 1,
    params: fc.record({ pick: index, pass: fc.boolean() }),
    async run(w, p) {
      // Quality samples receipts (the run's RECEIVING plan): a failed lot goes on HOLD where it was received, as much
      // of it as the hold rules allow by then.
      const inspection = pickOne(await inspectionsOf(w, 'status=OPEN'), p.pick);
      if (inspection === undefined) return 'skip';
      return (await send('operator', 'POST', `/api/v1/inspections/${inspection.id}/results`, {
        inspector: 'ines', items: [{ code: 'LABEL', passed: p.pass }],
      }, [200], [[409, 'ILLEGAL_TRANSITION']])).outcome;
    },
  }),
  op({
    name: 'dispose of an inspection', weight: 1,
    params: fc.record({ pick: index, disposition: fc.constantFrom(...QUALITY_DISPOSITIONS) }),
    async run(w, p) {
      const inspection = pickOne(await inspectionsOf(w, 'holdStatus=HELD'), p.pick);
      if (inspection === undefined) return 'skip';
      return (await send('manager', 'POST', `/api/v1/inspections/${inspection.id}/disposition`, { disposition: p.disposition }, [200],
        [[409, 'INSPECTION_NOT_HELD']])).outcome;
    },
  }),
  op({
    name: 'change an order\'s lines', weight: 1,
    params: fc.record({
      aim, pick: index,
      lines: fc.uniqueArray(fc.record({ sku: SKU_INDEX, quantity: fc.integer({ min: 1, max: 6 }) }), { selector: (l) => l.sku, minLength: 1, maxLength: SKUS }),
    }),
    async run(w, p) {
      // The storefront sends the order again with other lines (orders/updated, ADR 0046): it lands while no wave has
      // the order, else 409 ORDER_IN_FULFILMENT.
      const order = await target(p, async () => (await Promise.all(['RECEIVED', 'BACKORDERED', 'ALLOCATED'].map((s) => ordersIn(w, s)))).flat(), w.orders);
      // (An order listed before the client that sent it heard its id back is not known here yet.)
      const storefrontId = order === undefined ? undefined : w.storefrontIds.get(order);
      if (storefrontId === undefined) return 'skip';
      return (await storefront(w, 'orders/updated', storefrontId, p.lines.map((l) => ({ sku: w.skus[l.sku]!.sku, quantity: l.quantity }))))
        .outcome;
    },
  }),
  op({
    name: 'expedite an order', weight: 1,
    params: fc.record({ pick: index, priority: fc.integer({ min: 1, max: 9 }) }),
    async run(w, p) {
      const order = pickOne(w.orders, p.pick);
      if (order === undefined) return 'skip';
      return (await send('manager', 'POST', `/api/v1/orders/${order}/reprioritise`, { priority: p.priority }, [200],
        [[409, 'ORDER_SHIPPED'], [409, 'ORDER_CANCELLED']])).outcome;
    },
  }),
  op({
    name: 'hold or release an order', weight: 1,
    params: fc.record({ aim, pick: index, release: fc.boolean() }),
    async run(w, p) {
      // ADR 0052: a hold before a wave takes the order (else 409 ORDER_IN_FULFILMENT: a planner had it first), and the
      // release of a held one, which takes it back to where allocation left it while it was held.
      const held = p.release ? await ordersIn(w, 'ON_HOLD') : [];
      if (held.length > 0) {
        return (await send('manager', 'POST', `/api/v1/orders/${pickOne(held, p.pick)}/release-hold`, undefined, [200],
          [[409, 'ORDER_NOT_ON_HOLD'], [409, 'CONFLICT']])).outcome;
      }
      const order = await target(p, async () => (await Promise.all(['RECEIVED', 'BACKORDERED', 'ALLOCATED'].map((s) => ordersIn(w, s)))).flat(), w.orders);
      if (order === undefined) return 'skip';
      return (await send('integration', 'POST', `/api/v1/orders/${order}/hold`, { reason: 'property test' }, [200],
        [[409, 'ORDER_IN_FULFILMENT'], [409, 'ORDER_CANCELLED'], [409, 'ORDER_SHIPPED'], [409, 'CONFLICT']])).outcome;
    },
  }),
  op({
    name: 'fail a started pick task', weight: 1,
    params: fc.record({
      worker: fc.nat({ max: 5 }), reject: fc.nat({ max: 4 }), pause: fc.boolean(), reason: fc.constantFrom(...TASK_FAILURE_REASONS), requeue: fc.boolean(),
    }),
    async run(w, p) {
      // A picker claims the next PICK task and starts it (or, one time in five, rejects it), maybe pauses it, then
      // reports that it cannot be done: below PAKLOG_TASK_MAX_FAILURES (2 here) it is QUEUED again at once, at the
      // limit it stays FAILED and a supervisor re-queues it. Meanwhile the list's lines are confirmed or shorted by
      // other clients, its order cancelled: the task is finished or withdrawn under the picker (409 ILLEGAL_TRANSITION).
      const workerId = `picker-${w.run}-${p.worker}`;
      const refused: readonly Refusal[] = [[409, 'ILLEGAL_TRANSITION'], [409, 'TASK_NOT_ASSIGNED_TO_WORKER']];
      const claim = async (): Promise<TaskView | undefined> => {
        const claimed = await send('operator', 'POST', '/api/v1/tasks/next', { workerId, siteId: w.siteId, types: ['PICK'] }, [200, 204], []);
        return claimed.status === 200 ? claimed.body as TaskView : undefined;
      };
      // No PICK task queued yet: the floor may not have heard of a wave's release; the picker waits for it once (most
      // draws of this command met no task: seed 8002 needed all four extra runs for one to succeed).
      let task = await claim();
      if (task === undefined) {
        await t.settle();
        task = await claim();
      }
      if (task === undefined || task.type !== 'PICK') return 'skip';
      const url = `/api/v1/tasks/${task.id}`;
      if (task.status === 'ASSIGNED') {
        if (p.reject === 0) {
          const rejected = await send('operator', 'POST', `${url}/reject`, { workerId, reason: 'property test' }, [200], refused);
          return rejected.outcome === 'ok' ? 'rejected' : rejected.outcome;
        }
        const started = await send('operator', 'POST', `${url}/start`, { workerId }, [200], refused);
        if (started.outcome !== 'ok') return started.outcome;
      }
      if (p.pause) {
        const paused = await send('operator', 'POST', `${url}/pause`, { workerId }, [200], refused);
        if (paused.outcome !== 'ok') return paused.outcome;
      }
      const failed = await send('operator', 'POST', `${url}/fail`, { workerId, reason: p.reason, note: 'property test' }, [200], refused);
      if (failed.outcome !== 'ok' || (failed.body as TaskView).status !== 'FAILED' || !p.requeue) return failed.outcome;
      return (await send('manager', 'POST', `${url}/requeue`, { note: 'property test' }, [200], [[409, 'ILLEGAL_TRANSITION']])).outcome;
    },
  }),
  op({
    name: 'mark an LPN lost or found', weight: 1,
    params: fc.record({ find: fc.boolean(), pick: index, location: index, sku: index, balance: index, quantity: fc.integer({ min: 1, max: 6 }) }),
    async run(w, p) {
      // A pallet is built over free units (or a live LPN of the run, a picked tote too) and reported lost: its units
      // at its last location go on HOLD as far as nothing is reserved or promised from them (ADR 0029 addendum); a
      // lost one is found at any location: its held units follow it there and are released.
      const lost = await lpnsIn(w, 'LOST');
      if (p.find && lost.length > 0) {
        const lpn = pickOne(lost, p.pick)!;
        return (await send('operator', 'POST', `/api/v1/lpns/${lpn.id}/found`, { location: pickOne(w.locations, p.location)!.code }, [200],
          // Found at a location a count holds: refused until the count closes (ADR 0029 addendum; seed 8031 met it).
          [[409, 'ILLEGAL_TRANSITION'], [409, 'LPN_CODE_TAKEN'], [409, 'LOCATION_UNDER_COUNT']])).outcome;
      }
      let lpn = pickOne([...await lpnsIn(w, 'OPEN'), ...await lpnsIn(w, 'CLOSED')], p.pick);
      if (lpn === undefined || p.find) {
        const sku = pickOne(w.skus, p.sku)!.sku;
        const b = pickOne(await freeBalances(w, sku), p.balance);
        if (b === undefined) return 'skip';
        lpn = (await send('operator', 'POST', '/api/v1/lpns', {
          siteId: w.siteId, type: 'PALLET', locationId: b.locationId,
          contents: [{ sku, quantity: Math.min(p.quantity, b.available), ...(b.ownerId === w.ownerId ? { owner: w.ownerId } : {}) }],
        }, [201], [])).body as LpnView;
      }
      return (await send('manager', 'POST', `/api/v1/lpns/${lpn.id}/lost`, { reason: 'property test' }, [200], [[409, 'ILLEGAL_TRANSITION']])).outcome;
    },
  }),
  op({
    name: 'receive against an ASN', weight: 1,
    params: fc.record({
      fresh: fc.boolean(), pick: index, sku: index, expected: fc.integer({ min: 1, max: 6 }), quantity: fc.integer({ min: 1, max: 8 }),
      acceptOver: fc.boolean(), damaged: fc.nat({ max: 4 }), owner: OWNED, then: fc.nat({ max: 3 }),
    }),
    async run(w, p) {
      // A supplier announces units (the site's or the 3PL client's); the dock receives scans against a line, more than
      // it expects only when told (acceptOver), some damaged; the ASN is then closed (its over, under and damaged
      // units recorded) or, nothing received yet, cancelled. Every unit received lands at the dock with a putaway.
      const open = [...await asnsIn(w, 'OPEN'), ...await asnsIn(w, 'RECEIVING')];
      let asn = p.fresh ? undefined : pickOne(open, p.pick);
      if (asn === undefined && p.expected % 3 === 0) {
        // The ERP's CSV file with a row twice (prop10): one ASN announcing the line twice; sending the file again
        // changes nothing.
        const sku = pickOne(w.skus, p.sku)!.sku;
        const asnNumber = `PR${w.run}-ERP-${w.nextExternalId++}`;
        const row = `${asnNumber},${w.siteId},Property ERP,${sku},${p.expected / 3 + 1},${ownerOf(w, p.owner).ownerId ?? ''}`;
        const csv = `asnNumber,siteId,supplier,sku,quantity,ownerId\n${row}\n${row}\n`;
        for (let k = 0; k < (p.acceptOver ? 2 : 1); k++) {
          const res = await t.request('POST', '/api/v1/integrations/erp/inbound/asns', { role: 'integration', body: csv, headers: { 'content-type': 'text/csv' } });
          if (res.status !== 200) throw new UnexpectedAnswer(`ERP ASNs ${csv} → ${res.status} ${JSON.stringify(res.body)}`);
          expect((res.body as { summary: unknown }).summary, `ERP ASNs sent ${k + 1} time(s)`).toEqual({ created: k === 0 ? 1 : 0, unchanged: k });
        }
        asn = (await get<{ items: (AsnView & { reference: string | null })[] }>(`/api/v1/inventory/asns?siteId=${w.siteId}&status=OPEN&limit=500`)).items
          .find((a) => a.reference === asnNumber);
        if (asn === undefined) throw new UnexpectedAnswer(`the ERP's ASN ${asnNumber} was not made`);
        expect(asn.lines.map((l) => [l.sku, l.expected]), `ERP ASN ${asnNumber}`).toEqual([[sku, p.expected / 3 + 1], [sku, p.expected / 3 + 1]]);
        w.asns.push(asn.id);
        count('(ERP ASN with a row twice)', p.acceptOver ? 'sent twice' : 'sent once');
      }
      if (asn === undefined) {
        asn = (await send('integration', 'POST', '/api/v1/inventory/asns', {
          siteId: w.siteId, ...ownerOf(w, p.owner), supplier: 'Property supplier', lines: [{ sku: pickOne(w.skus, p.sku)!.sku, quantity: p.expected }],
        }, [201], [])).body as AsnView;
        w.asns.push(asn.id);
      }
      const line = pickOne(asn.lines, p.sku)!;
      const dock = w.locations.find((l) => l.type === 'RECEIVING')!;
      // A line announced twice is mostly received by SKU: the scan fills the first line, then the next.
      const bySku = asn.lines.filter((l) => l.sku === line.sku).length > 1 && p.pick % 4 !== 0;
      const received = await send('operator', 'POST', `/api/v1/inventory/asns/${asn.id}/receipts`, {
        sku: line.sku, ...(bySku ? {} : { lineNo: line.lineNo }), quantity: p.quantity, locationCode: dock.code, ...(p.damaged === 0 ? { status: 'DAMAGED' } : {}),
        ...(p.acceptOver ? { acceptOver: true } : {}),
      }, [201], [[409, 'OVER_RECEIPT'], [409, 'ILLEGAL_TRANSITION']]);
      if (bySku) count('(receipt by SKU over a line announced twice)', received.outcome);
      if (received.outcome === 'OVER_RECEIPT' && p.acceptOver) throw new UnexpectedAnswer(`an over-receipt accepted was refused: ${JSON.stringify(received.body)}`);
      if (p.then === 0) {
        const closed = await send('manager', 'POST', `/api/v1/inventory/asns/${asn.id}/close`, {}, [200], [[409, 'ILLEGAL_TRANSITION']]);
        if (closed.outcome === 'ok') await expectAsnBalanced(w, closed.body as AsnView);
      } else if (p.then === 1) {
        // Only an ASN nothing was received against is cancelled (409 ILLEGAL_TRANSITION otherwise).
        await send('manager', 'POST', `/api/v1/inventory/asns/${asn.id}/cancel`, { reason: 'property test' }, [200], [[409, 'ILLEGAL_TRANSITION']]);
      }
      return received.outcome;
    },
  }),
  op({
    name: 'split, consolidate or move an LPN', weight: 1,
    params: fc.record({ kind: fc.nat({ max: 2 }), pick: index, into: index, location: index, quantity: fc.integer({ min: 1, max: 4 }), sku: index, balance: index }),
    async run(w, p) {
      // Pallets and cases of the run (not totes holding picked units): units split off into a new case, an LPN
      // consolidated into another, an LPN carried elsewhere (the physical record only; a LOST one moved is found).
      // What LPNs hold of a SKU changes place between them, never in total; lost ones keep their holds balanced.
      const live = [...await lpnsIn(w, 'OPEN'), ...await lpnsIn(w, 'CLOSED')].filter((l) => ['PALLET', 'CASE'].includes(l.type) && l.contents.every((c) => c.orderId === null));
      let lpn = pickOne(live, p.pick);
      if (lpn === undefined) {
        const sku = pickOne(w.skus, p.sku)!.sku;
        const b = pickOne(await freeBalances(w, sku), p.balance);
        if (b === undefined) return 'skip';
        lpn = (await send('operator', 'POST', '/api/v1/lpns', {
          siteId: w.siteId, type: 'PALLET', locationId: b.locationId,
          contents: [{ sku, quantity: Math.min(p.quantity + 1, b.available), ...(b.ownerId === w.ownerId ? { owner: w.ownerId } : {}) }],
        }, [201], [])).body as LpnView;
      }
      const gone: readonly Refusal[] = [[409, 'ILLEGAL_TRANSITION'], [409, 'LPN_LOST'], [409, 'LPN_CONSUMED'], [409, 'LPN_SHIPPED']];
      if (p.kind === 0) {
        const c = lpn.contents[0];
        if (c === undefined) return 'skip';
        const quantity = Math.min(p.quantity, c.quantity);
        // An LPN holding the SKU for two owners (consolidated from both) is split naming whose units go, the site's own
        // too (422 UNPROCESSABLE otherwise; seed 20261209 met it).
        const owners = new Set(lpn.contents.filter((x) => x.sku === c.sku).map((x) => x.owner ?? DEFAULT_OWNER_ID));
        const owner = c.owner ?? (owners.size > 1 ? DEFAULT_OWNER_ID : null);
        const split = await send('operator', 'POST', `/api/v1/lpns/${lpn.id}/split`, {
          lines: [{ sku: c.sku, quantity, ...(c.lot === null ? {} : { lot: c.lot }), ...(owner === null ? {} : { owner }) }], newLpn: { type: 'CASE' },
        }, [201], [...gone, [409, 'INSUFFICIENT_CONTENTS']]);
        if (split.outcome === 'ok') {
          const { target } = split.body as { source: LpnView; target: LpnView };
          expect(target.contents.filter((x) => x.sku === c.sku).reduce((n, x) => n + x.quantity, 0), `split ${JSON.stringify(split.body)}`).toBe(quantity);
        }
        return split.outcome;
      }
      if (p.kind === 1) {
        const into = pickOne((await lpnsIn(w, 'OPEN')).filter((l) => l.id !== lpn.id && ['PALLET', 'CASE'].includes(l.type) && l.contents.every((c) => c.orderId === null)), p.into);
        if (into === undefined) return 'skip';
        const before = unitsBySku([lpn, into]);
        const merged = await send('operator', 'POST', `/api/v1/lpns/${lpn.id}/consolidate`, { into: into.id }, [200],
          [...gone, [409, 'NESTING_TOO_DEEP'], [409, 'NESTING_CYCLE']]);
        if (merged.outcome === 'ok') {
          const after = await get<LpnView>(`/api/v1/lpns/${lpn.id}`);
          expect(after.status, 'a consolidated LPN is consumed').toBe('CONSUMED');
          expect(after.contents, 'a consumed LPN holds nothing').toEqual([]);
          // (Other clients may change the target meanwhile: only a target nobody touched is compared.)
          const target = merged.body as LpnView;
          if (target.version === into.version + 1 && after.version === lpn.version + 1) expect(unitsBySku([target]), `consolidate ${lpn.id} into ${into.id}`).toEqual(before);
        }
        return merged.outcome;
      }
      const to = pickOne(w.locations, p.location)!;
      return (await send('operator', 'POST', `/api/v1/lpns/${lpn.id}/move`, { locationId: to.id }, [200],
        [...gone, [409, 'LOCATION_UNDER_COUNT'], [409, 'LPN_CODE_TAKEN']])).outcome;
    },
  }),
];

/** Open returns the drains met so far, over the runs (every other one is withdrawn). */
let drainedReturns = 0;

/** Kinds of command the drain also does (see drain): its successes count for their liveness. */
const DRAINED = new Set(['ship', 'short at packing', 'dispose of an inspection', 'inspect a returned line', 'close a return', 'confirm a replenishment',
  // A cancelled order's return is open for a client to draw only between its cancel and the drain: seed 7015 drew it
  // 103 times in 12 runs and always found none open (its drain put 11 back).
  'put back a cancelled order\'s units', 'withdraw a return to stock']);

interface Command { readonly operation: Operation<unknown>; readonly params: unknown }

const command: fc.Arbitrary<Command> = fc.oneof(...OPERATIONS.map((operation) => ({
  weight: operation.weight,
  arbitrary: operation.params.map((params): Command => ({
    operation, params,
    [fc.toStringMethod]: () => `${operation.name} ${JSON.stringify(params)}`,
  } as Command)),
})));

/**
 * A run is a few rounds; in each, per client, the commands it sends one after the other, the clients side by side.
 * Between rounds the events settle: an order's flow (allocated, waved, released, picked, packed, shipped) needs its
 * reactions to land, and commands alone outrun them (the auditor keeps reading between rounds too).
 */
const ROUNDS = 4;
const rounds = fc.array(fc.array(fc.array(command, { minLength: 3, maxLength: 9 }), { minLength: CLIENTS, maxLength: CLIENTS }),
  { minLength: ROUNDS, maxLength: ROUNDS });

// ----------------------------------------------------------------------------------------------------------- a run

let runs = 0;
/** Outcomes per operation over every run: proof that the commands did something, printed at the end. */
const outcomes = new Map<string, Map<Outcome, number>>();
const count = (name: string, outcome: Outcome): void => {
  const per = outcomes.get(name) ?? new Map<Outcome, number>();
  per.set(outcome, (per.get(outcome) ?? 0) + 1);
  outcomes.set(name, per);
};

async function newWorld(run: number): Promise<World> {
  const code = `PR${run}`;
  const site = await send('admin', 'POST', '/api/v1/sites', { code, name: `Property run ${run}` }, [201], []);
  const siteId = (site.body as { id: string }).id;
  await send('admin', 'POST', `/api/v1/sites/${siteId}/layout`, { aisles: 1, bays: 3, levels: 2, packStations: 1 }, [201], []);
  const all = await t.getAll<Location>(`/api/v1/sites/${siteId}/locations`);
  const locations = all.filter((l) => ['PICK_FACE', 'RESERVE', 'STORAGE', 'RECEIVING'].includes(l.type));
  const skus: { sku: string; gtin: string }[] = [];
  for (let i = 0; i < SKUS; i++) {
    const sku = `${code}-SKU-${i + 1}`;
    const gtin = gtin13(900_000 + run * 100 + i);
    await send('admin', 'POST', '/api/v1/products', { sku, description: `Property product ${i + 1}`, gtin, uom: 'EA', lengthMm: 100, widthMm: 80, heightMm: 50, weightG: 300 }, [201], []);
    skus.push({ sku, gtin });
  }
  const owner = await send('admin', 'POST', '/api/v1/owners', { code: `OWN${run}`, name: `3PL client of run ${run}` }, [201], []);
  const faces = locations.filter((l) => l.type === 'PICK_FACE');
  const w: World = {
    run, siteId, skus, locations, orders: [], waves: [], nextExternalId: 0, ownerId: (owner.body as { id: string }).id,
    faces: skus.map((_, i) => faces[i % faces.length]!), storefrontIds: new Map(), rmas: [], asns: [],
  };
  // Some stock to start from, at pickable locations, the site's and the 3PL client's.
  const pickable = locations.filter((l) => l.type !== 'RECEIVING');
  for (const [i, s] of skus.entries()) {
    await send('operator', 'POST', '/api/v1/inventory/receipts', { siteId, sku: s.sku, locationId: pickable[i % pickable.length]!.id, quantity: 10 }, [201], []);
    await send('operator', 'POST', '/api/v1/inventory/receipts', { siteId, ownerId: w.ownerId, sku: s.sku, locationId: pickable[(i + 1) % pickable.length]!.id, quantity: 6 },
      [201], []);
  }
  // Each SKU's face is topped up from reserve below 3 free units; quality inspects every fourth receipt; the run's
  // storefront may send its orders again with other lines.
  for (const [i, s] of skus.entries()) {
    await send('manager', 'PUT', '/api/v1/replenishment-settings', { siteId, sku: s.sku, locationId: w.faces[i]!.id, min: 3, max: 12 }, [200], []);
  }
  await send('manager', 'POST', '/api/v1/inspection-plans', {
    siteId, name: 'Receipts', stage: 'RECEIVING', sampling: { kind: 'EVERY_NTH', n: 4 }, checklist: [{ code: 'LABEL', label: 'Label readable', kind: 'PASS_FAIL' }],
  }, [201], []);
  await send('integration', 'POST', '/api/v1/integrations/storefront-channels', { shopDomain: shopDomain(w), siteId, secret: SHOP_SECRET }, [201], []);
  return w;
}

/**
 * What a broken snapshot's report adds, to find the race from one CI log: the first SKU's ledger, the site's count,
 * hold and pickability events and its counts in time order (a movement's time is its transaction's start), and every
 * location's pickability now.
 */
async function timelineOf(siteId: string, differences: readonly { rows: readonly Record<string, unknown>[] }[]): Promise<string> {
  const sku = differences[0]?.rows[0]?.['sku'];
  if (typeof sku !== 'string') return '';
  const rows = await t.app.db.query<{ at: string; k: string; what: string }>(
    `SELECT * FROM (
       SELECT m.seq::text AS k, to_char(m.created_at, 'MI:SS.US') AS at, concat_ws(' ', m.type, m.reason, m.reference, m.location_id, m.status,
              'on-hand ' || m.delta_on_hand, 'allocated ' || m.delta_allocated, 'reserved ' || m.delta_reserved) AS what
         FROM inventory.movements m WHERE m.site_id = $1 AND m.sku = $2
       UNION ALL SELECT 'event ' || e.seq, to_char(e.time, 'MI:SS.US'), concat_ws(' ', e.type, e.subject, left((e.envelope->'data')::text, 200))
         FROM platform.events e WHERE e.site_id = $1 AND (e.type LIKE '%pickability%' OR e.type LIKE 'inventory.count.%' OR e.type LIKE '%held%'
           OR e.type LIKE '%short%' OR e.type LIKE 'orders.order.cancelled%' OR e.type LIKE 'orders.order.lines-changed%'
           OR e.type LIKE 'inventory.rma.%' OR e.type LIKE 'inventory.replenishment.%' OR e.type LIKE 'quality.hold.%')
       UNION ALL SELECT 'count', to_char(c.created_at, 'MI:SS.US'), concat_ws(' ', c.id, c.location_id, c.status, 'closed', to_char(c.closed_at, 'MI:SS.US'), 'applied', c.applied)
         FROM inventory.counts c WHERE c.site_id = $1 AND c.sku = $2) x ORDER BY at, k`,
    [siteId, sku]);
  const locations = await t.app.db.query(`SELECT location_id, type, status, pickable, count_locks FROM inventory.locations WHERE site_id = $1 ORDER BY 1`, [siteId]);
  return [`timeline of ${sku}:`, ...rows.map((r) => `  ${r.at} ${r.k} ${r.what}`), 'locations now:', ...locations.map((l) => `  ${JSON.stringify(l)}`)].join('\n');
}

/** Reads the site's stock rules in snapshots, again and again, until stopped; answers the first broken snapshot. */
function audit(w: World): { stop(): Promise<string | undefined> } {
  let stopped = false;
  let broken: string | undefined;
  const loop = (async () => {
    while (!stopped && broken === undefined) {
      const differences = await conservationDifferences(t.databaseUrl, { siteId: w.siteId, strictAtp: true });
      if (differences.length > 0) broken = `${describeDifferences(differences)}\n${await timelineOf(w.siteId, differences)}`;
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  return { stop: async () => { stopped = true; await loop; return broken; } };
}

interface OrderView { id: string; status: string }

/**
 * A picked order that may ship partial, with two units or more waiting to be packed: one unit is shorted at packing
 * (random draws rarely meet such an order). Then it ships whole, or (`cancel`) it is cancelled at the same moment as
 * the short: the cancel's returns to stock and the short's write-off race on the tote. True when it cancelled it.
 */
async function shortAtPackingInDrain(orderId: string, cancel: boolean): Promise<boolean> {
  type Line = { id: string; picked: number; packed: number; shortAtPack: number };
  const view = await get<{ shipComplete: boolean; lines: Line[] }>(`/api/v1/orders/${orderId}`);
  const open = view.lines.filter((l) => l.picked - l.packed - l.shortAtPack > 0);
  if (view.shipComplete || open.reduce((n, l) => n + l.picked - l.packed - l.shortAtPack, 0) < 2) return false;
  const short = send('operator', 'POST', '/api/v1/pack-station/shorts', { orderId, lineId: open[0]!.id, quantity: 1, reason: 'MISSING' }, [200],
    [...LOST_RACE, NOT_ON_THE_FLOOR, [409, 'NOTHING_TO_PACK']]);
  if (!cancel) {
    count('(drain) short at packing', (await short).outcome);
    return false;
  }
  const [shorted] = await Promise.all([short, send('manager', 'POST', `/api/v1/orders/${orderId}/cancel`, { reason: 'end of the property run' }, [200], [])]);
  count('(drain) short at packing', shorted.outcome);
  return true;
}

/**
 * The end of the day: quality releases what it holds, every returned unit gets a disposition (restocked where the
 * held units are still there, else left in quarantine) and every RMA is closed or cancelled, every order that has not
 * shipped is cancelled, every cancelled order's units are put back, and every open replenishment is done (or withdrawn
 * when its source no longer has the units). What the drain does for a kind of command counts for its liveness.
 */
async function drain(w: World): Promise<void> {
  // Every lost LPN turns up where it was last seen (at the first storage slot, one lost while carried): its held units
  // are released. One whose label a live LPN took meanwhile (a tote label picked into again: 409 LPN_CODE_TAKEN) is
  // found once the day's totes are emptied, at the end of the drain.
  const findLost = async (refusals: readonly Refusal[]): Promise<void> => {
    for (const lpn of await lpnsIn(w, 'LOST')) {
      const location = lpn.locationId ?? w.locations.find((l) => l.type !== 'RECEIVING')!.id;
      count('(drain) mark an LPN lost or found', (await send('operator', 'POST', `/api/v1/lpns/${lpn.id}/found`, { location }, [200], refusals)).outcome);
    }
  };
  await findLost([[409, 'LPN_CODE_TAKEN']]);
  for (const i of await inspectionsOf(w, 'holdStatus=HELD')) {
    count('(drain) dispose of an inspection', (await send('manager', 'POST', `/api/v1/inspections/${i.id}/disposition`, { disposition: 'RELEASE' }, [200], [])).outcome);
  }
  await t.settle();
  for (const rma of await rmaViews(w, 'RECEIVED')) {
    for (const line of rma.lines.filter((l) => l.awaitingInspection > 0)) {
      const url = `/api/v1/rmas/${rma.id}/lines/${line.lineId}/inspect`;
      const restocked = await send('operator', 'POST', url, { disposition: 'RESTOCK', locationId: w.faces[0]!.id }, [200], [[409, 'INSUFFICIENT_STOCK']]);
      count('(drain) inspect a returned line', restocked.outcome);
      if (restocked.outcome !== 'ok') await send('operator', 'POST', url, { disposition: 'QUARANTINE' }, [200], []);
    }
  }
  for (const rma of [...await rmaViews(w, 'INSPECTED'), ...await rmaViews(w, 'AUTHORISED')]) {
    const closed = rma.status === 'AUTHORISED'
      ? await send('manager', 'POST', `/api/v1/rmas/${rma.id}/cancel`, { reason: 'end of the property run' }, [200], [])
      : await send('manager', 'POST', `/api/v1/rmas/${rma.id}/close`, undefined, [200], []);
    count('(drain) close a return', closed.outcome);
  }
  await t.settle();
  let drained = 0;
  for (const id of w.orders) {
    const o = await get<OrderView>(`/api/v1/orders/${id}`);
    count('(order status before the drain)', o.status);
    // A picked or packed order goes out, as the dock would send it (few random runs get an order that far and then
    // draw a ship for it: the drain makes sure the whole path, shipment and dispatch, is walked every run).
    if (o.status === 'PICKED' && await shortAtPackingInDrain(id, drained++ % 2 === 1)) continue;
    if ((o.status === 'PICKED' || o.status === 'PACKED') && (await shipWhole(id))) continue;
    if (o.status !== 'SHIPPED' && o.status !== 'CANCELLED') {
      await send('manager', 'POST', `/api/v1/orders/${id}/cancel`, { reason: 'end of the property run' }, [200], []);
    }
  }
  await t.settle();
  const open = (await get<{ items: ReturnView[] }>(`/api/v1/inventory/returns?siteId=${w.siteId}&status=OPEN&limit=500`)).items;
  for (const r of open) {
    // Every other one (over the runs: a run's drain finds one or none open) had its tote lost (race12): withdrawn, its
    // units written off the tote; the day closes all the same.
    if (drainedReturns++ % 2 === 1) {
      count('(drain) withdraw a return to stock', (await send('manager', 'POST', `/api/v1/inventory/returns/${r.id}/cancel`, { reason: 'end of the property run: tote lost' },
        [200], [])).outcome);
      continue;
    }
    count('(drain) put back a cancelled order\'s units', (await send('operator', 'POST', `/api/v1/inventory/returns/${r.id}/confirm`,
      { locationId: r.suggestedLocationId, quantity: r.open }, [200, 201], [])).outcome);
  }
  await t.settle();
  for (const r of await replenishmentsOf(w, 'OPEN')) {
    const confirmed = await send('operator', 'POST', `/api/v1/replenishments/${r.id}/confirm`, { locationId: r.toLocationId }, [200], [[409, 'INSUFFICIENT_STOCK']]);
    count('(drain) confirm a replenishment', confirmed.outcome);
    if (confirmed.outcome !== 'ok') await send('manager', 'POST', `/api/v1/replenishments/${r.id}/cancel`, { reason: 'end of the property run' }, [200], []);
  }
  await t.settle();
  await findLost([]);
  // Every ASN the run announced is closed (each unit received accounted for) or, nothing received, cancelled.
  for (const asn of [...await asnsIn(w, 'OPEN'), ...await asnsIn(w, 'RECEIVING')]) {
    if (asn.status === 'OPEN' && asn.lines.every((l) => l.received === 0)) {
      await send('manager', 'POST', `/api/v1/inventory/asns/${asn.id}/cancel`, { reason: 'end of the property run' }, [200], []);
    } else {
      await expectAsnBalanced(w, (await send('manager', 'POST', `/api/v1/inventory/asns/${asn.id}/close`, {}, [200], [])).body as AsnView);
    }
  }
  await t.settle();
}

/** Packs what is left of a picked order and ships it whole (counted as the drain's ship); false when it cannot go. */
async function shipWhole(orderId: string): Promise<boolean> {
  await send('operator', 'POST', '/api/v1/packages', { orderId }, [201], [[409, 'NOTHING_TO_PACK']]);
  // 409 CONFLICT: a shipComplete order whose unit missing at packing is picked again reads PICKED while its re-pick
  // list is open (ADR 0024 addendum 2026-12-07): nobody picks in the drain, so it is cancelled.
  const shipment = await send('operator', 'POST', '/api/v1/shipments', { orderId }, [201], [[409, 'NOTHING_TO_SHIP'], [409, 'CONFLICT']]);
  count('(drain) ship', shipment.outcome);
  if (shipment.outcome !== 'ok') return false;
  await send('operator', 'POST', `/api/v1/shipments/${(shipment.body as { id: string }).id}/dispatch`, undefined, [200], []);
  return true;
}

/**
 * What is left open at the day's close, for one CI log to find the race (seed 20261201 run 3 once ended with a PICK
 * task, a reservation and an allocation open for an order already final): the open PICK tasks and their pick lists,
 * the open reservations and allocations, the orders they are for (status, history) and every event about those orders,
 * lists, waves and tasks, in time order.
 */
async function whatIsStillOpen(siteId: string): Promise<string> {
  const db = t.app.db;
  const json = (r: unknown): string => `  ${JSON.stringify(r)}`;
  const tasks = await db.query<{ id: string; reference: string; wave_id: string | null }>(
    `SELECT t.id, t.status, t.reference, t.wave_id, t.worker_id, t.failures, to_char(t.created_at, 'HH24:MI:SS.US') AS created,
            to_char(t.updated_at, 'HH24:MI:SS.US') AS updated, l.status AS list_status, l.order_ids, l.open_lines
       FROM tasks.tasks t LEFT JOIN picking.pick_lists l ON l.id = t.reference
      WHERE t.site_id = $1 AND t.type = 'PICK' AND t.status NOT IN ('COMPLETED', 'CANCELLED') ORDER BY t.created_at`, [siteId]);
  const reservations = await db.query<{ order_id: string; wave_id: string }>(
    `SELECT id, order_id, line_id, wave_id, location_id, sku, quantity, picked, shorted, status, to_char(created_at, 'HH24:MI:SS.US') AS created,
            to_char(updated_at, 'HH24:MI:SS.US') AS updated
       FROM inventory.reservations WHERE site_id = $1 AND status = 'OPEN' ORDER BY created_at`, [siteId]);
  const allocations = await db.query<{ order_id: string }>(
    `SELECT order_id, line_id, sku, requested, allocated, shipped, status, to_char(updated_at, 'HH24:MI:SS.US') AS updated
       FROM inventory.allocations WHERE site_id = $1 AND allocated <> 0 ORDER BY order_id, line_id`, [siteId]);
  const lines = await db.query<{ order_id: string; pick_list_id: string }>(
    `SELECT pick_list_id, id, order_id, sku, quantity, picked, short_quantity, status, reservation_id, to_char(updated_at, 'HH24:MI:SS.US') AS updated
       FROM picking.pick_lines WHERE site_id = $1 AND pick_list_id = ANY($2::text[]) ORDER BY pick_list_id, seq`, [siteId, tasks.map((x) => x.reference)]);
  const orderIds = [...new Set([...tasks.flatMap((x) => (x as { order_ids?: string[] | null }).order_ids ?? []), ...reservations.map((r) => r.order_id),
    ...allocations.map((a) => a.order_id), ...lines.map((l) => l.order_id)])];
  const orders = await db.query(
    `SELECT id, status, wave_id, priority, held_from, resume_status, cancel_reason, version, to_char(updated_at, 'HH24:MI:SS.US') AS updated
       FROM orders.orders WHERE id = ANY($1::text[])`, [orderIds]);
  const history = await db.query(
    `SELECT order_id, to_char(at, 'HH24:MI:SS.US') AS at, from_status, to_status, cause FROM orders.status_history WHERE order_id = ANY($1::text[]) ORDER BY at, seq`,
    [orderIds]);
  const subjects = [...orderIds, ...tasks.map((x) => x.id), ...tasks.map((x) => x.reference), ...reservations.map((r) => r.wave_id),
    ...tasks.flatMap((x) => (x.wave_id === null ? [] : [x.wave_id]))];
  const events = await db.query<{ seq: string; at: string; type: string; subject: string; data: string }>(
    `SELECT seq::text, to_char(time, 'HH24:MI:SS.US') AS at, type, subject, left((envelope->'data')::text, 400) AS data
       FROM platform.events
      WHERE site_id = $1 AND (subject = ANY($2::text[]) OR envelope->'data'->>'orderId' = ANY($3::text[])
        OR (jsonb_typeof(envelope->'data'->'orderIds') = 'array' AND envelope->'data'->'orderIds' ?| $3::text[]))
      ORDER BY seq LIMIT 400`, [siteId, subjects, orderIds]);
  // Every order of the site that is not final, the run's or not (the day's close asks only about the run's).
  const notFinal = await db.query(
    `SELECT id, external_id, status, wave_id, to_char(updated_at, 'HH24:MI:SS.US') AS updated FROM orders.orders
      WHERE site_id = $1 AND status NOT IN ('SHIPPED', 'CANCELLED') ORDER BY created_at`, [siteId]);
  // An event a context gave up on (dead-lettered) leaves its work undone: the site's, whoever they are about.
  const deadLetters = await db.query(
    `SELECT consumer, type, envelope->>'subject' AS subject, attempts, left(last_error, 300) AS error, to_char(created_at, 'HH24:MI:SS.US') AS at
       FROM platform.dead_letters WHERE envelope->>'siteid' = $1 ORDER BY created_at`, [siteId]);
  return [
    'still open at the close of the day:',
    'events dead-lettered at the site:', ...deadLetters.map(json),
    'orders of the site not SHIPPED or CANCELLED:', ...notFinal.map(json),
    'open PICK tasks (with their pick list):', ...tasks.map(json),
    'their pick lines:', ...lines.map(json),
    'open reservations:', ...reservations.map(json),
    'allocations held:', ...allocations.map(json),
    'the orders:', ...orders.map(json),
    'their status history:', ...history.map(json),
    'events about them (orders, lists, waves, tasks), in order:', ...events.map((e) => `  #${e.seq} ${e.at} ${e.type} ${e.subject} ${e.data}`),
  ].join('\n');
}

/** Once every order is final: nothing allocated, reserved or waiting in a tote at the site, and every order SHIPPED or CANCELLED. */
async function expectDayClosed(w: World): Promise<void> {
  const statuses = await Promise.all(w.orders.map(async (id) => ({ id, status: (await get<OrderView>(`/api/v1/orders/${id}`)).status })));
  expect(statuses.filter((o) => o.status !== 'SHIPPED' && o.status !== 'CANCELLED'), 'orders not final').toEqual([]);
  const rows = await t.app.db.query<{ what: string; n: string }>(
    `SELECT 'allocated' AS what, COALESCE(sum(allocated), 0)::text AS n FROM inventory.sku_stock WHERE site_id = $1
     UNION ALL SELECT 'reserved', COALESCE(sum(reserved), 0)::text FROM inventory.balances WHERE site_id = $1
     UNION ALL SELECT 'units in totes', COALESCE(sum(on_hand), 0)::text FROM inventory.balances WHERE site_id = $1 AND location_id LIKE 'IN\\_PROCESS:%'
     UNION ALL SELECT 'open reservations', count(*)::text FROM inventory.reservations WHERE site_id = $1 AND status = 'OPEN'
     UNION ALL SELECT 'open returns', count(*)::text FROM inventory.returns WHERE site_id = $1 AND status = 'OPEN'
     UNION ALL SELECT 'lines holding allocation', count(*)::text FROM inventory.allocations WHERE site_id = $1 AND allocated <> 0
     UNION ALL SELECT 'open replenishments', count(*)::text FROM inventory.replenishments WHERE site_id = $1 AND status = 'OPEN'
     UNION ALL SELECT 'open REPLENISH tasks', count(*)::text FROM tasks.tasks WHERE site_id = $1 AND type = 'REPLENISH' AND reference LIKE 'rpl\\_%'
       AND status NOT IN ('COMPLETED', 'CANCELLED', 'FAILED')
     UNION ALL SELECT 'open PICK tasks', count(*)::text FROM tasks.tasks WHERE site_id = $1 AND type = 'PICK' AND status NOT IN ('COMPLETED', 'CANCELLED')
     UNION ALL SELECT 'stock held for lost LPNs', count(*)::text FROM inventory.lpn_holds WHERE site_id = $1 AND status = 'HELD'
     UNION ALL SELECT 'ASNs not closed', count(*)::text FROM inventory.asns WHERE site_id = $1 AND status NOT IN ('CLOSED', 'CANCELLED')
     UNION ALL SELECT 'RMAs not closed', count(*)::text FROM inventory.rmas WHERE site_id = $1 AND status NOT IN ('CLOSED', 'CANCELLED')
     UNION ALL SELECT 'stock held by quality', count(*)::text FROM inventory.quality_holds WHERE site_id = $1 AND status = 'HELD'
     UNION ALL SELECT 'orders held out of planning', count(*)::text FROM waves.order_pool WHERE site_id = $1 AND held_for IS NOT NULL
     UNION ALL SELECT 'pending line changes', count(*)::text FROM orders.pending_changes c JOIN orders.orders o ON o.id = c.order_id WHERE o.site_id = $1
     UNION ALL SELECT 'pending holds', count(*)::text FROM orders.pending_holds h JOIN orders.orders o ON o.id = h.order_id WHERE o.site_id = $1`,
    [w.siteId],
  );
  // (A short that no replenishment can answer asks for a REPLENISH to-do of its own, `<location>:<sku>:<pick line>`,
  // that a person closes (ADR 0024): only the tasks of replenishments must be done by now.)
  const tasks = await t.app.db.query(
    `SELECT t.id, t.status, t.reference, t.created_at, t.updated_at, r.status AS replenishment, r.created_at AS asked_at, r.confirmed_at, r.updated_at AS replenishment_updated
       FROM tasks.tasks t LEFT JOIN inventory.replenishments r ON r.id = t.reference
      WHERE t.site_id = $1 AND t.type = 'REPLENISH' AND t.reference LIKE 'rpl\\_%' AND t.status NOT IN ('COMPLETED', 'CANCELLED', 'FAILED')`, [w.siteId]);
  if (tasks.length > 0) console.log(`open REPLENISH tasks: ${JSON.stringify(tasks)}`);
  const counts = Object.fromEntries(rows.map((r) => [r.what, Number(r.n)]));
  if (['allocated', 'reserved', 'open reservations', 'lines holding allocation', 'open PICK tasks', 'units in totes'].some((k) => counts[k] !== 0)) {
    console.log(await whatIsStillOpen(w.siteId));
  }
  expect(counts).toEqual({
    allocated: 0, reserved: 0, 'units in totes': 0, 'open reservations': 0, 'open returns': 0, 'lines holding allocation': 0,
    'open replenishments': 0, 'open REPLENISH tasks': 0, 'open PICK tasks': 0, 'stock held for lost LPNs': 0, 'ASNs not closed': 0, 'RMAs not closed': 0, 'stock held by quality': 0, 'orders held out of planning': 0,
    'pending line changes': 0, 'pending holds': 0,
  });
}

async function runClients(perRound: readonly (readonly (readonly Command[])[])[]): Promise<void> {
  const started = Date.now();
  const w = await newWorld(++runs);
  const auditor = audit(w);
  let failure: Error | undefined;
  for (const perClient of perRound) {
    await Promise.all(perClient.map(async (commands) => {
      for (const c of commands) {
        if (failure !== undefined) return;
        try {
          count(c.operation.name, await c.operation.run(w, c.params));
        } catch (e) {
          failure ??= e instanceof Error ? e : new Error(String(e));
        }
      }
    }));
    await t.settle();
  }
  const broken = await auditor.stop();
  if (failure !== undefined) throw failure;
  if (broken !== undefined) throw new Error(`a snapshot taken while the clients ran broke the stock rules:\n${broken}`);
  await t.settle();
  await assertStockConserved(t.databaseUrl, { siteId: w.siteId, strictAtp: true, when: 'once the clients stopped and every event was handled' });
  await drain(w);
  await assertStockConserved(t.databaseUrl, { siteId: w.siteId, strictAtp: true, when: 'once every order was shipped or cancelled' });
  await expectDayClosed(w);
  // A run's time, for a file that times out under load: how far it got, and whether one run was stuck.
  console.log(`inventory properties: run ${w.run} closed in ${Date.now() - started} ms`);
}

it(`${CLIENTS} clients (${ROUNDS} rounds) sending random stock, order and floor commands at once never break a stock rule (seed ${SEED}, ${RUNS} runs)`, async () => {
  console.log(`inventory properties: seed ${SEED}, ${RUNS} runs (replay: PAKLOG_PROP_SEED=${SEED})`);
  await fc.assert(fc.asyncProperty(rounds, runClients), { seed: SEED, numRuns: PATH === undefined ? RUNS : 1, endOnFailure: !SHRINK, ...(PATH === undefined ? {} : { path: PATH }) });
  if (PATH !== undefined) return;
  // Every kind of command must have done its work at least once, or the runs proved less than they claim. Random
  // draws meet a rare state (a pending line to short, a packed order to ship) only most of the time: while a kind has
  // not, up to EXTRA_RUNS more runs (seeds following SEED) explore further, under the same rules. A shipment is rarely
  // drawn for one of the few orders a run packs, a held lot or a returned line is often disposed of by the drain: what
  // the drain does counts for those kinds (DRAINED).
  const ok = (name: string): number => outcomes.get(name)?.get('ok') ?? 0;
  const idle = (): string[] => OPERATIONS.map((o) => o.name).filter((name) => ok(name) + (DRAINED.has(name) ? ok(`(drain) ${name}`) : 0) === 0);
  for (let extra = 1; extra <= EXTRA_RUNS && idle().length > 0; extra++) {
    console.log(`inventory properties: ${idle().join(', ')} never succeeded yet; one more run (seed ${SEED + extra})`);
    await fc.assert(fc.asyncProperty(rounds, runClients), { seed: SEED + extra, numRuns: 1, endOnFailure: !SHRINK });
  }
  console.log([...outcomes].map(([name, per]) => `  ${name}: ${[...per].map(([o, n]) => `${o} ${n}`).join(', ')}`).join('\n'));
  expect(idle(), 'kinds of command that never succeeded').toEqual([]);
}, 180_000);
