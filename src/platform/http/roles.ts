/** The five roles of ADR 0005; each route declares which of them may call it. */
export const ROLES = ['admin', 'manager', 'operator', 'integration', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Common role sets, named by what the caller does. */
export const CAN = {
  /** Anyone authenticated may read. */
  read: ROLES,
  /** Master data and planning: products, locations, waves, cancellations. */
  plan: ['admin', 'manager'],
  /** Master data that an ERP also syncs (item master, locations). */
  masterData: ['admin', 'manager', 'integration'],
  /** Order intake and stock receipts: people at the office and integrations. */
  intake: ['admin', 'manager', 'integration'],
  /** Receiving at the dock: managers, operators and integrations (ASN-driven receipts). */
  receive: ['admin', 'manager', 'operator', 'integration'],
  /** Floor work: tasks, picks, packing, shipping. */
  floor: ['admin', 'manager', 'operator'],
  /** Integrations: webhook subscriptions, their deliveries, storefront channels (ADR 0034). */
  integrations: ['admin', 'integration'],
  /** Platform administration: keys, dead letters. */
  admin: ['admin'],
} as const satisfies Record<string, readonly Role[]>;

/** Body fields that name the worker doing floor work: `workerId`, and the `inspector` of quality's inspection results. */
export const WORKER_FIELDS = ['workerId', 'inspector'] as const;

/** Every site: a grant or key scope that is not limited to one site. */
export const ALL_SITES = '*';

/**
 * Who is calling, once authenticated (ADR 0019): a person (`user`, password or OIDC), an API key (`key`), or the app's
 * own in-process calls (`internal`). `sites` maps a site id (or `*`) to the role there; `role` is the role where no
 * site is in question: the `*` grant, else the best of its sites' roles.
 */
export interface Principal {
  readonly kind: 'user' | 'key' | 'internal';
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly sites: Readonly<Record<string, Role>>;
  /** The worker a person acts as on the floor (users only). */
  readonly workerId?: string;
  /** The owner (3PL client) an owner-scoped API key acts for; absent: every owner (ADR 0028). */
  readonly ownerId?: string;
}

/** The role of `principal` at a site: that site's grant, else its `*` grant; undefined = no access there. */
export function roleAt(principal: Pick<Principal, 'sites'>, siteId: string): Role | undefined {
  return Object.hasOwn(principal.sites, siteId) ? principal.sites[siteId] : principal.sites[ALL_SITES];
}

/** Whether the principal has the same role at every site (its role alone decides; no site needs resolving). */
export function actsEverywhereAlike(principal: Pick<Principal, 'role' | 'sites'>): boolean {
  const entries = Object.entries(principal.sites);
  return entries.length === 1 && entries[0]?.[0] === ALL_SITES && entries[0][1] === principal.role;
}

/** The role where no site is in question: the `*` grant, else the highest one (ROLES order: admin first). */
export function overallRole(sites: Readonly<Record<string, Role>>): Role | undefined {
  const all = sites[ALL_SITES];
  if (all !== undefined) return all;
  const held = new Set(Object.values(sites));
  return ROLES.find((r) => held.has(r));
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles allowed to call the route; absent means admin only. Ignored when `public`. */
    roles?: readonly Role[];
    /** Health, metrics and docs are open. */
    public?: boolean;
    /**
     * The route keeps owners (3PL clients) apart itself, so an owner-scoped key may call it (ADR 0028). Absent: such a
     * key gets 403 OWNER_SCOPED_KEY, so a route that forgets owners never leaks another owner's data.
     */
    owners?: boolean;
    /**
     * The gateway forwards the route to the service that owns it, which checks roles and sites against the signed
     * principal; the gateway's own site guard leaves it alone (one check, where the route is declared).
     */
    forwarded?: boolean;
    /**
     * The resource (its id: a live task's reference) whose task a signed-in person must hold, or no one, to call the
     * route (auth.ts heldTaskGuard; 403 ACTING_AS_ANOTHER_WORKER). Absent: the path's `id` on routes whose body names
     * the worker. For routes that name the work otherwise, such as the pack station's (a PACK task's reference is its
     * order, the route names the order or one of its packages), or an LPN's (the orders whose units it holds: each is
     * checked).
     */
    heldWork?: (request: FastifyRequest) => Promise<string | readonly string[] | undefined>;
    /**
     * The route records who did its work (a pick list's scan): heldTaskGuard asks for the holder of its `heldWork` on a
     * key's call too (a key names no one), and leaves what tasks answered in `request.workHolder` for the handler.
     */
    namesHolder?: boolean;
    /**
     * The route changes data every site shares (the catalog's products, cartons, the list of sites): a caller needs the
     * route's role at every site (`*`), not at some sites only (auth.ts siteGuard; 403 FORBIDDEN). A function decides
     * by the request where only some of a route's requests do (`POST /imports/products`, not `…/locations`).
     */
    network?: boolean | ((request: FastifyRequest) => boolean);
  }
  interface FastifyRequest {
    principal?: Principal;
    /**
     * The worker whose live task holds the route's one `heldWork`, as tasks answered it before the handler (heldTaskGuard):
     * the caller itself for a person, the holder for a key on a `namesHolder` route. Undefined when no one holds it, or
     * tasks does not run in this process.
     */
    workHolder?: string;
  }
}
