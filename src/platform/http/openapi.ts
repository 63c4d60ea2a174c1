import { Type, type TSchema } from '@fastify/type-provider-typebox';
import type { RouteOptions } from 'fastify';
import { errorSpec, type ErrorCode } from '../errors.ts';
import { takesIfMatch } from './if-match.ts';
import { WORKER_FIELDS } from './roles.ts';
import { stableSchema } from './validation.ts';

/**
 * The pieces of the OpenAPI document every route shares: tags by warehouse process, problem+json responses with the
 * codes a route can answer, the Idempotency-Key header. Routes declare what is theirs (`problems(...)` with their
 * business codes, `config.idempotent`); `describeRoute` adds, when the route is registered, what follows from the
 * platform (auth, validation, body limits, rate limits, idempotency), so the document says every status the route
 * can answer without each route repeating it.
 */

/** Tags by warehouse process, in the order `/docs` shows them. */
export const TAGS = [
  { name: 'Master data', description: 'Products (SKUs with GS1 GTINs), sites, locations, generated layouts, slotting' },
  { name: 'Inbound', description: 'Receiving stock into the warehouse' },
  { name: 'Inventory', description: 'Stock ledger, balances, moves, adjustments, available to promise' },
  { name: 'Orders', description: 'Order intake (idempotent), status, cancellation' },
  { name: 'Waves', description: 'Planning allocated orders into waves and releasing them to the floor' },
  { name: 'Tasks', description: 'Floor work claimed by operators: next task, start, complete, reject' },
  { name: 'Picking', description: 'Pick lists in walking order; scan-verified confirmations and shorts' },
  { name: 'Pack & ship', description: 'Cartons, packing with 3D carton suggestions, shipments and dispatch' },
  { name: 'Quality', description: 'Inspection plans and sampling (ISO 2859-1 AQL), inspections with checklists, quality holds and dispositions, non-conformances, KPIs' },
  { name: 'Physical tracking', description: 'Handling units (LPNs: pallets, cases, totes, cartons; SSCC labels), every scan with who, where and when, timelines, physical vs logical stock' },
  { name: 'Location tracking', description: 'Where workers, equipment and LPNs are now (RTLS and scans), zone occupancy and dwell, location alerts' },
  { name: 'Orchestration', description: 'Sagas across contexts (order fulfilment), the supervisors\' exception queue and its actions, carrier cut-offs' },
  { name: 'Workload', description: 'Labour standards, worker performance, the forecast of work, rosters and the staffing plan with cut-off risk and what-ifs' },
  { name: 'Integrations', description: 'Outbound webhooks (subscriptions, signed deliveries, retries, replay) and inbound storefront order webhooks' },
  { name: 'Identity', description: 'Signing in (password or identity provider), sessions, users and their roles per site' },
  { name: 'Platform', description: 'Health, metrics, the event store, the audit trail, dead letters, API keys' },
] as const;
export type Tag = (typeof TAGS)[number]['name'];

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/** RFC 9457 problem details as PakLog answers every error (problem.ts); `code` is one of `codes` when given. */
export function problemSchema(codes?: readonly string[]): TSchema {
  return Type.Object({
    type: Type.String({ description: 'A URI naming the kind of problem' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: codes === undefined ? Type.String() : Type.String({ enum: [...new Set(codes)].sort() }),
    errors: Type.Optional(Type.Array(Type.Object({
      field: Type.String({ description: 'JSON pointer of the offending field, e.g. /lines/0/quantity or /querystring/limit' }),
      message: Type.String(),
    }), { description: 'One entry per bad field' })),
    traceId: Type.String({ description: 'The request id (X-Request-Id), also in the logs' }),
  }, { additionalProperties: false });
}

/** The Problem schema as a component of the document, for readers (each response inlines it with its own codes). */
export const PROBLEM_COMPONENT = problemSchema();

interface ProblemResponse {
  description: string;
  content: Record<string, { schema: TSchema }>;
  [PROBLEM_CODES]: readonly string[];
}
const PROBLEM_CODES = 'x-problem-codes';

/**
 * The problem schema of each set of codes, built once per process: some 700 routes ask for a few dozen sets, and
 * building the TypeBox schema anew for each was a sixth of an app's start (its CPU profile, 2026-12-05). Frozen once
 * built (fastify and the document only read them), and keyed by their codes in the compiled serializers' cache.
 */
const problemSchemas = new Map<string, TSchema>();

function problemResponse(status: number, codes: readonly string[]): ProblemResponse {
  const unique = [...new Set(codes)].sort();
  const description = `${unique.map((c) => `\`${c}\`: ${errorSpec(c).title}`).join('; ')} (application/problem+json)`;
  const key = unique.join(' ');
  let schema = problemSchemas.get(key);
  if (schema === undefined) problemSchemas.set(key, schema = stableSchema(problemSchema(unique), `problem ${key}`));
  return { description, content: { [PROBLEM_MEDIA_TYPE]: { schema } }, [PROBLEM_CODES]: unique };
}

/** Problem responses of these codes, grouped by their status (`...problems('NOT_FOUND', 'ORDER_SHIPPED')` in `response`). */
export function problems(...codes: ErrorCode[]): Record<number, ProblemResponse> {
  const byStatus = new Map<number, string[]>();
  for (const code of codes) {
    const status = errorSpec(code).status;
    // A context's codes are known once the app registered the contracts: build routes' schemas inside the route function.
    if (status === 500 && code !== 'INTERNAL') throw new Error(`error code ${code} is not registered: call problems() when the routes are registered`);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries([...byStatus].map(([status, list]) => [status, problemResponse(status, list)]));
}

/** A 204 with no body (fastify sends none; the document shows no content). */
export const noContent = (description: string): { description: string; type: 'null' } => ({ description, type: 'null' });

/** The success schema with a description (shown as the response's description in `/docs`). */
export const described = <T extends TSchema>(schema: T, description: string): T => ({ ...schema, description });

const SUCCESS: Readonly<Record<string, string>> = { 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No content' };

const IDEMPOTENCY_KEY = Type.Optional(Type.String({
  description: 'A key of your own, new for each command and the same on each retry of it (at most 200 characters). A retry gets the '
    + 'first answer again (header idempotent-replayed: true) and the command runs once; the same key with another request is 422 '
    + 'IDEMPOTENCY_KEY_REUSED (the same JSON with its fields in another order is the same request). A refused command (4xx) keeps no key; '
    + 'a blank or empty key, or one with characters beyond printable ASCII, is 400 VALIDATION_FAILED.',
  examples: ['3f1c9a52-7d4e-4b8a-9e21-5c0d8f6b2a47'],
}));

type Schema = Record<string, unknown>;
const isObject = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether an object schema names `name` among its properties. */
const hasProperty = (schema: unknown, name: string): boolean =>
  isObject(schema) && isObject(schema.properties) && Object.hasOwn(schema.properties, name);

/** Adds problem responses of `codes` to `response`, merging with a problem response already declared for that status. */
function addProblems(response: Schema, codes: readonly ErrorCode[]): void {
  for (const [status, added] of Object.entries(problems(...codes))) {
    const existing = response[status];
    const known = isObject(existing) && Array.isArray(existing[PROBLEM_CODES]) ? (existing[PROBLEM_CODES] as string[]) : undefined;
    if (existing !== undefined && known === undefined) continue; // the route answers this status with something else
    response[status] = problemResponse(Number(status), [...(known ?? []), ...added[PROBLEM_CODES]]);
  }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route runs through IdempotencyKeys: the document declares the Idempotency-Key header and its problems. */
    idempotent?: boolean;
  }
}

/**
 * The schema a route is registered with, completed: security (none on public routes), the problem responses the
 * platform can answer for it, the Idempotency-Key header on idempotent commands. Called from the app's onRoute hook.
 */
export function describeRoute(route: RouteOptions): void {
  if (route.method === 'OPTIONS' || route.method === 'HEAD') return;
  const schema: Schema = { ...(route.schema ?? {}) };
  if (schema.hide === true) return;
  const config = route.config ?? {};
  // Data every site shares (auth.ts siteGuard): the document says who may change it.
  if (config.network === true && typeof schema.description === 'string') {
    schema.description = `${schema.description} Data every site shares: a caller with a role at some sites only (a site-scoped key or grant) is 403 FORBIDDEN.`;
  }
  const response: Schema = { ...(isObject(schema.response) ? schema.response : {}) };
  const codes: ErrorCode[] = [];
  if (config.public === true) schema.security = [];
  else {
    // What the auth hooks (auth.ts) can answer before the handler runs: a refused key or token (an expired one, a
    // disabled user), a role not allowed here or at the request's site, an identity provider subject no user is linked
    // to, the provider's keys out of reach (503), and the rate limits.
    codes.push('UNAUTHENTICATED', 'TOKEN_EXPIRED', 'USER_DISABLED', 'FORBIDDEN', 'FORBIDDEN_AT_SITE', 'UNKNOWN_OIDC_SUBJECT',
      'RATE_LIMITED', 'INTERNAL', 'UNAVAILABLE');
    // A caller with roles at some sites only must name one in a list that filters by site (siteGuard).
    if (hasProperty(schema.querystring, 'siteId')) codes.push('SITE_REQUIRED');
    // A signed-in person acts on the floor as its own worker (actingWorkerHook), on work no other person holds (heldTaskGuard).
    if (WORKER_FIELDS.some((f) => hasProperty(schema.body, f)) || config.heldWork !== undefined) codes.push('ACTING_AS_ANOTHER_WORKER');
    // A key scoped to an owner reaches only the routes that keep owners apart (ADR 0028).
    if (config.owners !== true) codes.push('OWNER_SCOPED_KEY');
  }
  // A query parameter the route does not take is refused (400 naming it), as the lists refuse theirs, rather than
  // ignored: `GET /orders/{id}?siteId=A` or `POST /sites?dryRun=true` would otherwise answer as if it had been read.
  if (schema.querystring === undefined && config.public !== true && route.url.startsWith('/api/')) {
    schema.querystring = Type.Object({}, { additionalProperties: false });
  }
  const takesInput = schema.body !== undefined || schema.querystring !== undefined || schema.params !== undefined || schema.headers !== undefined;
  if (takesInput) codes.push('VALIDATION_FAILED');
  // If-Match on a route with no version to compare it with is refused (if-match.ts, ifMatchPolicyHook).
  if (!takesIfMatch(schema)) codes.push('PRECONDITION_NOT_SUPPORTED');
  if (schema.body !== undefined) codes.push('PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE');
  if (config.rateClass === 'heavy') codes.push('BUSY');
  if (config.idempotent === true) {
    codes.push('VALIDATION_FAILED', 'IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_IN_PROGRESS', 'IDEMPOTENCY_OUTCOME_UNKNOWN');
    const headers = isObject(schema.headers) ? schema.headers : Type.Object({});
    const properties = isObject(headers.properties) ? headers.properties : {};
    schema.headers = { ...headers, properties: { ...properties, 'idempotency-key': IDEMPOTENCY_KEY } };
  }
  addProblems(response, codes);
  // A success without its own description says what its status means (swagger would write "Default Response").
  for (const [status, schema] of Object.entries(response)) {
    if (/^2\d\d$/.test(status) && isObject(schema) && typeof schema.description !== 'string') response[status] = { ...schema, description: SUCCESS[status] ?? 'Success' };
  }
  schema.response = response;
  route.schema = schema;
}
