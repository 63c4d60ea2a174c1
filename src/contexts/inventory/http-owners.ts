import { Type } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { resolveOwnerId, type InventoryApi } from '../../contracts/inventory.ts';
import { AppError, unwrap } from '../../platform/errors.ts';
import { ownerScopeOf } from '../../platform/http/auth.ts';
import { CURSOR_SHAPES, cursorKey, nextCursor } from '../../platform/http/paging.ts';
import { problems, type Tag } from '../../platform/http/openapi.ts';
import { Cursor, DateTime, Identifier, Limit, Page, Text } from '../../platform/http/schemas.ts';
import { CAN } from '../../platform/http/roles.ts';
import type { HttpApp } from '../../platform/http/server.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import * as owners from './owners-store.ts';
import { createOwnerHandler } from './use-cases/create-owner/handler.ts';

const tags: Tag[] = ['Inventory'];

/** The owner a stock request acts for: optional in bodies (absent: the default owner, or the caller's own when scoped). */
export const OwnerRef = Type.Optional(Identifier(100, {
  description: 'The owner (3PL client, `own_…`) whose units these are (ADR 0028). Absent: the default owner '
    + '`own_default`, or the owner of an owner-scoped key. Unknown: 422 UNKNOWN_OWNER; another owner than a scoped key\'s: 403 OWNER_NOT_ALLOWED.',
}));

/** Filter of a stock read by owner (query `owner`); an owner-scoped key always reads its own owner's only. */
export const OwnerFilter = Type.Optional(Identifier(100, { description: 'Only this owner\'s stock (`own_…`, ADR 0028)' }));

export const OwnerSchema = Type.Object({ id: Type.String(), code: Type.String(), name: Type.String(), createdAt: DateTime });
const ownerView = (o: owners.OwnerRow) => ({ id: o.id, code: o.code, name: o.name, createdAt: o.created_at.toISOString() });

/** The owner lookup contracts' `resolveOwnerId` needs, on inventory's own table. */
export const ownerLookup = (deps: PlatformDeps): Pick<InventoryApi, 'getOwner'> => ({
  async getOwner(id) {
    const o = await owners.getOwner(deps.db, id);
    return o === undefined ? undefined : { id: o.id, code: o.code, name: o.name };
  },
});

/**
 * The owner id a request acts for (ADR 0028): the one it names, else the caller's (owner-scoped key), else the default
 * owner. Throws 403 OWNER_NOT_ALLOWED / 422 UNKNOWN_OWNER before anything is written.
 */
export function ownerOfRequest(deps: PlatformDeps) {
  const lookup = ownerLookup(deps);
  return async (req: FastifyRequest, requested: string | undefined, field = '/ownerId'): Promise<string> =>
    unwrap(await resolveOwnerId(lookup, requested, ownerScopeOf(req), field));
}

/**
 * The owner filter of a stock read: an owner-scoped key reads its own owner's stock only (another owner asked for is
 * 403 OWNER_NOT_ALLOWED); others read the owner asked for (unknown: 422 UNKNOWN_OWNER), or every owner.
 */
export function ownerFilterOf(deps: PlatformDeps) {
  const resolve = ownerOfRequest(deps);
  return async (req: FastifyRequest, requested: string | undefined): Promise<string | undefined> =>
    requested === undefined && ownerScopeOf(req) === null ? undefined : resolve(req, requested, '/querystring/owner');
}

/** The owner master (3PL clients, ADR 0028): create, list, get. */
export async function ownerRoutes(app: HttpApp, deps: PlatformDeps): Promise<void> {
  const createOwner = createOwnerHandler(deps);

  app.post('/owners', {
    config: { roles: CAN.admin, idempotent: true },
    schema: {
      operationId: 'createOwner', tags, summary: 'Create an owner (3PL client) whose stock and orders are kept apart',
      description: 'A code (upper case, digits, `-` and `_`, unique: 409 OWNER_CODE_TAKEN) and a name. Stock received, orders taken and API '
        + 'keys can then name the owner (`ownerId`); requests that name none act for the default owner `own_default` (ADR 0028).',
      body: Type.Object({
        code: Type.String({ pattern: '^[A-Z0-9][A-Z0-9_-]{0,39}$', description: 'Short code, e.g. ACME' }),
        name: Text(200),
      }, { additionalProperties: false, examples: [{ code: 'ACME', name: 'Acme Outdoor' }] }),
      response: { 201: OwnerSchema, ...problems('VALIDATION_FAILED', 'OWNER_CODE_TAKEN') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 201, async () => ownerView(unwrap(await createOwner(req.body)))));

  app.get('/owners', {
    config: { roles: CAN.read, owners: true },
    schema: {
      operationId: 'listOwners', tags, summary: 'Owners (3PL clients) in code order',
      description: 'Paged by `limit` and `cursor`. An owner-scoped key sees its own owner only.',
      querystring: Type.Object({ limit: Limit(500, 100), cursor: Cursor }, { additionalProperties: false }),
      response: { 200: Page(OwnerSchema) },
    },
  }, async (req) => {
    const scope = ownerScopeOf(req);
    if (scope !== null) {
      const own = await owners.getOwner(deps.db, scope);
      return { items: own === undefined ? [] : [ownerView(own)], nextCursor: null };
    }
    const after = unwrap(cursorKey(req.query.cursor, CURSOR_SHAPES.text));
    const rows = await owners.listOwners(deps.db, { limit: req.query.limit, after });
    return { items: rows.map(ownerView), nextCursor: nextCursor(rows, req.query.limit, (o) => o.code) };
  });

  app.get('/owners/:id', {
    config: { roles: CAN.read, owners: true },
    schema: {
      operationId: 'getOwner', tags, summary: 'One owner (3PL client)',
      description: 'By id (404 NOT_FOUND when there is none; an owner-scoped key finds its own owner only).',
      params: Type.Object({ id: Identifier(100, { examples: ['own_default'] }) }, { additionalProperties: false }),
      response: { 200: OwnerSchema, ...problems('NOT_FOUND') },
    },
  }, async (req) => {
    const scope = ownerScopeOf(req);
    const o = scope !== null && scope !== req.params.id ? undefined : await owners.getOwner(deps.db, req.params.id);
    if (o === undefined) throw new AppError('NOT_FOUND', `No owner ${req.params.id}`);
    return ownerView(o);
  });
}
