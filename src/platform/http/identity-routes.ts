import { Type } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import type { AuditAppend, Identity, UserView } from '../identity/identity.ts';
import { PASSWORD_MAX, PASSWORD_MIN } from '../identity/passwords.ts';
import type { AuthFailureGuard } from './auth.ts';
import type { IdempotencyKeys } from './idempotency.ts';
import { ALL_SITES, CAN, ROLES, type Role } from './roles.ts';
import type { HttpApp } from './server.ts';
import { noContent, problems, type Tag } from './openapi.ts';
import { DateTime, Enum, EXAMPLES, Identifier, IdParam, List, Nullable, Text, WorkerId } from './schemas.ts';

export interface IdentityRouteDeps {
  readonly identity: Identity;
  /** Failed sign-ins count against the client address, like refused keys (rate-limit.ts). */
  readonly failures?: AuthFailureGuard | undefined;
  /** A site code or id → the site's id (grants are kept by id); undefined for no such site. */
  readonly resolveSite?: ((ref: string) => Promise<string | undefined>) | undefined;
  /** `Idempotency-Key` of POST /users (a retry must not make a second user) and of an admin's password reset. */
  readonly idempotency: IdempotencyKeys;
  /** Records a request's admin action (users made, disabled, re-granted, passwords reset) for GET /audit, in its transaction. */
  readonly audit?: ((request: FastifyRequest) => AuditAppend) | undefined;
}

const tags: Tag[] = ['Identity'];
const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));
const Username = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9._@-]+$', examples: [EXAMPLES.user.username] });
const Password = Type.String({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, examples: [EXAMPLES.user.password] });
/** A password being set by a change or a reset: a weak one is 422 WEAK_PASSWORD (blank: 400 VALIDATION_FAILED). */
const NewPassword = Type.String({ minLength: 1, maxLength: PASSWORD_MAX, description: `At least ${PASSWORD_MIN} characters, hard to guess` });
const SiteOrAll = Identifier(100, { description: 'A site id or code, or * for every site', examples: ['DEMO', '*'] });
const Grant = Type.Object({ siteId: SiteOrAll, role: RoleSchema }, { additionalProperties: false });
const RefreshBody = Type.Object({
  refreshToken: Type.String({ minLength: 1, maxLength: 200, description: 'The refreshToken POST /auth/login or /auth/refresh returned' }),
}, { additionalProperties: false, examples: [{ refreshToken: EXAMPLES.ids.refreshToken }] });
const UserParams = Type.Object({ id: IdParam('user', 'POST /users') });

const Session = Type.Object({
  tokenType: Type.Literal('Bearer'),
  accessToken: Type.String({ description: 'A JWT; send it as Authorization: Bearer <accessToken>' }),
  expiresIn: Type.Integer({ description: 'Seconds the access token is valid' }),
  refreshToken: Type.String({ description: 'Good once, at POST /auth/refresh; keep it secret' }),
  refreshExpiresAt: DateTime,
});
const SignedIn = Type.Object({ ...Session.properties, userId: Type.String() });
const Sites = Type.Unsafe<Record<string, Role>>({
  type: 'object', additionalProperties: Enum(ROLES), description: 'The role at each site id (* = every site)',
});
const Me = Type.Object({
  kind: Enum(['user', 'key', 'internal'] as const, { description: 'A person, an API key, or the app\'s own calls' }),
  id: Type.String({ description: 'The user id (usr_…) or the key id (key_…)' }),
  name: Type.String(),
  role: Enum(ROLES, { description: 'The role where no site is in question' }),
  sites: Sites,
  workerId: Nullable(Type.String({ description: 'Who a person acts as on the floor; null for keys' })),
  ownerId: Nullable(Type.String({ description: 'The owner (3PL client, ADR 0028) a key is scoped to; null for every other caller' })),
});
const User = Type.Object({
  id: Type.String(), username: Type.String(), displayName: Type.String(),
  workerId: Type.String({ description: 'Who the person acts as on the floor' }),
  oidcSubject: Nullable(Type.String({ description: 'The identity provider\'s subject (sub) linked to this user' })),
  grants: List(Type.Object({ siteId: Type.String({ description: 'A site id, or *' }), role: Enum(ROLES) })),
  createdAt: DateTime,
  disabledAt: Nullable(DateTime),
}, { description: 'A user (never its password)' });

/** Sign-in, sessions and user administration (ADR 0019). */
export async function identityRoutes(app: HttpApp, deps: IdentityRouteDeps): Promise<void> {
  const { identity } = deps;
  const siteIdOf = async (ref: string, field: string): Promise<string> => {
    if (ref === ALL_SITES || deps.resolveSite === undefined) return ref;
    const id = await deps.resolveSite(ref);
    if (id === undefined) throw new AppError('VALIDATION_FAILED', `No site ${ref}`, { errors: [{ field, message: 'is not the id or code of a site' }] });
    return id;
  };
  /**
   * A new user's grants by site id. One role per site: a site named again with another role (by its code and its id, say)
   * is 400 naming the later grant, not the last role silently kept; the same grant twice is one.
   */
  const grantsOf = async (grants: readonly { siteId: string; role: Role }[] | undefined): Promise<{ siteId: string; role: Role }[]> => {
    const resolved = await Promise.all((grants ?? []).map(async (g, i) => ({ siteId: await siteIdOf(g.siteId, `/grants/${i}/siteId`), role: g.role })));
    const first = new Map<string, number>();
    resolved.forEach((g, i) => {
      const earlier = first.get(g.siteId);
      if (earlier === undefined) first.set(g.siteId, i);
      else if (resolved[earlier]!.role !== g.role) {
        throw new AppError('VALIDATION_FAILED', `Grants ${earlier} and ${i} give site ${g.siteId} two roles (${resolved[earlier]!.role}, ${g.role}): a user has one role at a site`, {
          errors: [{ field: `/grants/${i}/siteId`, message: `names a site grant ${earlier} names with another role` }],
        });
      }
    });
    return [...first.values()].map((i) => resolved[i]!);
  };
  const found = (user: UserView | undefined, id: string): UserView => {
    if (user === undefined) throw new AppError('NOT_FOUND', `No user ${id}`);
    return user;
  };
  const failed = async (req: FastifyRequest, error: AppError): Promise<never> => {
    await deps.failures?.recordAuthFailure(req);
    throw error;
  };

  app.post('/api/v1/auth/login', {
    config: { public: true },
    schema: {
      tags, summary: 'Sign in with a username and password', operationId: 'login', security: [],
      description: 'Answers a short-lived access token (send it as `Authorization: Bearer`) and a refresh token. Failed attempts count '
        + 'against the client address like refused API keys (429 with Retry-After when too many).',
      body: Type.Object({ username: Username, password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX }) }, {
        additionalProperties: false, examples: [{ username: EXAMPLES.user.username, password: EXAMPLES.user.password }],
      }),
      response: { 200: SignedIn, ...problems('INVALID_CREDENTIALS', 'USER_DISABLED', 'FORBIDDEN', 'RATE_LIMITED', 'INTERNAL') },
    },
  }, async (req, reply) => {
    await deps.failures?.checkAuthFailures(req, reply);
    const checked = await identity.checkPassword(req.body.username, req.body.password);
    if (checked === undefined) return failed(req, new AppError('INVALID_CREDENTIALS', 'The username or the password is wrong'));
    if (!checked.ok) {
      return failed(req, checked.reason === 'disabled'
        ? new AppError('USER_DISABLED', 'The user is disabled')
        : new AppError('FORBIDDEN', 'The user has no role at any site yet; an admin grants one'));
    }
    // The hash checked: a password changed while it was being checked makes this sign-in's password wrong (401).
    try {
      return { ...(await identity.startSession(checked.principal.id, checked.passwordHash)), userId: checked.principal.id };
    } catch (e) {
      if (e instanceof AppError && e.code === 'INVALID_CREDENTIALS') return failed(req, e);
      throw e;
    }
  });

  app.post('/api/v1/auth/refresh', {
    config: { public: true },
    schema: {
      tags, summary: 'Exchange a refresh token for a new access and refresh token', operationId: 'refreshSession', security: [],
      description: 'A refresh token is good once. Presenting a used one again revokes its whole session (401 REFRESH_TOKEN_REUSED), '
        + 'unless it is the retry of a refresh whose answer was lost: within PAKLOG_JWT_REFRESH_REUSE_GRACE_S (30 s) of its use and before '
        + 'the token it was exchanged for is used, it answers a new pair and revokes that unused token; '
        + 'an expired one is 401 TOKEN_EXPIRED. Failed attempts count against the client address like failed sign-ins.',
      body: RefreshBody,
      response: {
        200: Session,
        ...problems('REFRESH_TOKEN_REUSED', 'TOKEN_EXPIRED', 'USER_DISABLED', 'UNAUTHENTICATED', 'RATE_LIMITED', 'INTERNAL'),
      },
    },
  }, async (req, reply) => {
    await deps.failures?.checkAuthFailures(req, reply);
    const outcome = await identity.refresh(req.body.refreshToken);
    if (outcome.ok) return outcome.session;
    switch (outcome.reason) {
      case 'reused': return failed(req, new AppError('REFRESH_TOKEN_REUSED', 'The refresh token was used already: every token of this session is revoked'));
      case 'expired': return failed(req, new AppError('TOKEN_EXPIRED', 'The refresh token has expired; sign in again'));
      case 'disabled': return failed(req, new AppError('USER_DISABLED', 'The user is disabled'));
      case 'invalid': return failed(req, new AppError('UNAUTHENTICATED', 'The refresh token is not valid or was revoked'));
      default: {
        const never: never = outcome.reason;
        throw new Error(`unknown refresh outcome ${String(never)}`);
      }
    }
  });

  app.post('/api/v1/auth/logout', {
    config: { public: true },
    schema: {
      tags, summary: 'End a session (revoke its refresh and access tokens)', operationId: 'logout', security: [],
      description: 'Always 204, whether the token was known or not. The session\'s access tokens end at once too (401 UNAUTHENTICATED on '
        + 'REST, GraphQL and gRPC; its open GraphQL subscriptions and /live streams end at their next event); the person\'s other sessions go on.',
      body: RefreshBody,
      response: { 204: noContent('The session is over'), ...problems('INTERNAL') },
    },
  }, async (req, reply) => {
    await identity.logout(req.body.refreshToken);
    return reply.status(204).send(null);
  });

  app.get('/api/v1/auth/me', {
    // A key scoped to an owner may ask who it is (GraphQL subscriptions do, ADR 0028): the answer is its own.
    config: { roles: CAN.read, owners: true },
    schema: {
      tags, summary: 'Who the credentials name: kind, role, role per site, worker id', operationId: 'whoAmI',
      description: 'The caller as PakLog sees it: a person signed in (password or identity provider token) or an API key, its role '
        + 'where no site is in question and its role at each site (an unscoped key: * for every site).',
      response: { 200: Me },
    },
  }, async (req) => {
    const p = req.principal!;
    return { kind: p.kind, id: p.id, name: p.name, role: p.role, sites: p.sites, workerId: p.workerId ?? null, ownerId: p.ownerId ?? null };
  });

  app.post('/api/v1/auth/password', {
    config: { roles: CAN.read },
    schema: {
      tags, summary: 'Change your own password', operationId: 'changePassword',
      description: 'A signed-in person gives the current password and a new one. Every session of the person ends: refresh tokens are '
        + 'revoked and access tokens issued before the change are refused; the answer is a new session for the caller (use its tokens from '
        + 'now on). 422 WRONG_PASSWORD when the current password is wrong (counted against the client address like a failed sign-in: '
        + '429 when too many); 422 WEAK_PASSWORD when the new one is too easy to guess (shorter than 12 characters, the username in it, '
        + 'a few characters repeated, a well-known password, or the current one again); 400 VALIDATION_FAILED when it is blank; 409 '
        + 'NO_PASSWORD for an API key or a person who signs in through the identity provider only. An admin sets another user\'s '
        + 'password with POST /users/{id}/password. A retry of a change that was made is 401 UNAUTHENTICATED (the change ended the '
        + 'session it was sent with, to the millisecond): sign in with the new password; no Idempotency-Key is needed or kept, since the '
        + 'answer\'s tokens are secrets PakLog does not store.',
      body: Type.Object({
        currentPassword: Type.String({ minLength: 1, maxLength: PASSWORD_MAX }),
        newPassword: NewPassword,
      }, { additionalProperties: false, examples: [{ currentPassword: EXAMPLES.user.password, newPassword: 'a new passphrase nobody guesses' }] }),
      response: { 200: Session, ...problems('WRONG_PASSWORD', 'WEAK_PASSWORD', 'NO_PASSWORD') },
    },
  }, async (req, reply) => {
    await deps.failures?.checkAuthFailures(req, reply);
    const p = req.principal!;
    if (p.kind !== 'user') throw new AppError('NO_PASSWORD', 'An API key has no password; revoke it and create another instead');
    const changed = await identity.changePassword(p.id, req.body.currentPassword, req.body.newPassword);
    if (changed.ok) return changed.session;
    if (changed.reason === 'no-password') throw new AppError('NO_PASSWORD', 'This user signs in through the identity provider and has no PakLog password');
    return failed(req, new AppError('WRONG_PASSWORD', 'The current password is wrong', { errors: [{ field: '/currentPassword', message: 'is wrong' }] }));
  });

  app.get('/api/v1/users', {
    config: { roles: CAN.admin },
    schema: {
      tags, summary: 'List users (never their passwords)', operationId: 'listUsers',
      description: 'Every user, disabled ones included, oldest first, with their roles per site.',
      response: { 200: Type.Object({ items: List(User) }) },
    },
  }, async () => ({ items: await identity.list() }));

  app.post('/api/v1/users', {
    config: { roles: CAN.admin, idempotent: true },
    schema: {
      tags, summary: 'Create a user', operationId: 'createUser',
      description: 'A person signs in with the password, or through the identity provider whose token names `oidcSubject`. '
        + '`workerId` is who the person acts as on the floor (the username by default). Grants name sites by id or code (400 '
        + 'VALIDATION_FAILED when there is no such site, or when two grants give one site two roles; the same grant twice is kept once); 409 DUPLICATE when the username or the subject is taken, or when the worker id (the username '
        + 'when none is given) is another user\'s, disabled users included: two people never act as one worker (the problem\'s `errors` name '
        + 'the field, `/workerId` or `/username`); 422 WEAK_PASSWORD when '
        + 'the password is too easy to guess (the username in it, a few characters repeated, a well-known password). A retry with the '
        + 'same Idempotency-Key gets the first answer again (the password is left out of the comparison of the two requests: PakLog '
        + 'keeps no fast hash of it).',
      body: Type.Object({
        username: Username,
        displayName: Type.Optional(Text(200)),
        password: Type.Optional(Password),
        oidcSubject: Type.Optional(Identifier(255)),
        workerId: Type.Optional(WorkerId()),
        grants: Type.Optional(Type.Array(Grant, { maxItems: 100 })),
      }, {
        additionalProperties: false,
        examples: [{ ...EXAMPLES.user, grants: [{ siteId: EXAMPLES.site, role: 'operator' }] }],
      }),
      response: { 201: User, ...problems('DUPLICATE', 'WEAK_PASSWORD') },
    },
  }, async (req, reply) => {
    const b = req.body;
    const user = await deps.idempotency.run(req, reply, 201, async () => identity.create({ ...b, grants: await grantsOf(b.grants) }, deps.audit?.(req)), {
      // A password is never kept, not even as a fast hash of the request a guesser could test candidates against.
      fingerprint: ({ password: _password, ...rest }) => rest,
    });
    return reply.header('location', `/api/v1/users/${user.id}`).send(user);
  });

  app.get('/api/v1/users/:id', {
    config: { roles: CAN.admin },
    schema: {
      tags, summary: 'One user', operationId: 'getUser',
      description: 'A user by id, with its roles per site (404 NOT_FOUND when there is none).',
      params: UserParams, response: { 200: User, ...problems('NOT_FOUND') },
    },
  }, async (req) => found(await identity.get(req.params.id), req.params.id));

  app.post('/api/v1/users/:id/disable', {
    config: { roles: CAN.admin },
    schema: {
      tags, summary: 'Disable a user: its sessions end, it can no longer sign in', operationId: 'disableUser',
      description: 'Its refresh tokens are revoked at once and its access tokens stop working within seconds. Disabling a disabled '
        + 'user changes nothing. 404 NOT_FOUND when there is no such user; 409 LAST_ADMIN for the last active user with the admin role at every '
        + 'site (someone must still be able to administer PakLog: make another user an admin of every site first).',
      params: UserParams, response: { 200: User, ...problems('NOT_FOUND', 'LAST_ADMIN') },
    },
  }, async (req) => found(await identity.disable(req.params.id, deps.audit?.(req)), req.params.id));

  app.post('/api/v1/users/:id/password', {
    config: { roles: CAN.admin, idempotent: true },
    schema: {
      tags, summary: 'Set another user\'s password (an admin\'s reset)', operationId: 'resetPassword',
      description: 'For a person who forgot the password: an admin of every site sets a new one and tells the person. Every session of '
        + 'the user ends (refresh tokens revoked, access tokens issued before refused). A person changes its own with POST /auth/password. '
        + '422 WEAK_PASSWORD when the password is too easy to guess; 404 NOT_FOUND when there is no such user. Send an Idempotency-Key: '
        + 'a retry with it gets the first answer again and ends no session the user started since (without one, a retry sets the password '
        + 'again and ends them); the password is left out of the comparison of the two requests, as on POST /users.',
      params: UserParams,
      body: Type.Object({ password: NewPassword }, { additionalProperties: false, examples: [{ password: 'a new passphrase nobody guesses' }] }),
      response: { 200: User, ...problems('NOT_FOUND', 'WEAK_PASSWORD') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => found(await identity.resetPassword(req.params.id, req.body.password, deps.audit?.(req)), req.params.id), {
    fingerprint: ({ password: _password, ...rest }) => rest,
  }));

  app.post('/api/v1/users/:id/grants', {
    config: { roles: CAN.admin },
    schema: {
      tags, summary: 'Give a user a role at a site (or * for every site); replaces its role there', operationId: 'grantRole',
      description: 'The site by id or code (400 VALIDATION_FAILED when there is no such site), or * for every site. The user acts with '
        + 'the new role within seconds. 404 NOT_FOUND when there is no such user. The example makes the user a manager of the POST '
        + '/sites example\'s site. 409 LAST_ADMIN when it would make the last active admin of every site something else at *.',
      params: UserParams,
      body: { ...Grant, examples: [{ siteId: EXAMPLES.newSite, role: 'manager' }] },
      response: { 200: User, ...problems('NOT_FOUND', 'LAST_ADMIN') },
    },
  }, async (req) => found(await identity.grant(req.params.id, await siteIdOf(req.body.siteId, '/siteId'), req.body.role, deps.audit?.(req)), req.params.id));

  app.delete('/api/v1/users/:id/grants/:site', {
    config: { roles: CAN.admin },
    schema: {
      tags, summary: 'Take a user\'s role at a site (or * for its every-site role) away', operationId: 'revokeRole',
      description: 'The site by id or code, or *. 404 NOT_FOUND when there is no such user or it has no role there. The example takes back '
        + 'the role the POST /users/{id}/grants example gave. 409 LAST_ADMIN for the * grant of the last active admin of every site.',
      params: Type.Object({ id: IdParam('user', 'POST /users'), site: { ...SiteOrAll, examples: [EXAMPLES.newSite] } }),
      response: { 200: User, ...problems('NOT_FOUND', 'LAST_ADMIN') },
    },
  }, async (req) => {
    if (!(await identity.revokeGrant(req.params.id, await siteIdOf(req.params.site, '/site'), deps.audit?.(req)))) {
      throw new AppError('NOT_FOUND', `User ${req.params.id} has no role at ${req.params.site}`);
    }
    return found(await identity.get(req.params.id), req.params.id);
  });
}
