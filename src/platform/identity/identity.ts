import type { Clock } from '../clock.ts';
import type { NewEvent } from '../bus/envelope.ts';
import type { Database, Executor, Tx } from '../db/database.ts';
import { PlatformEvents } from './admin-events.ts';
import { AppError } from '../errors.ts';
import type { IdGenerator } from '../ids.ts';
import { ALL_SITES, overallRole, type Principal, type Role } from '../http/roles.ts';
import { hashPassword, needsRehash, passwordWeakness, verifyAgainstDecoy, verifyPassword } from './passwords.ts';
import { credentialsEnded } from './revocations.ts';
import { generateJwtSecret, generateRefreshToken, hashToken, signAccessToken } from './tokens.ts';

/**
 * Records an admin action's events (admin-events.ts) in the transaction of its change: the route's bus and
 * request meta, so the admin is their actor and GET /audit shows them (ADR 0019 addendum). Absent: nothing recorded.
 */
export type AuditAppend = (tx: Tx, events: readonly NewEvent[]) => Promise<unknown>;

/** A user as the API shows it (never the password hash). */
export interface UserView {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  /** The worker id this person acts as on the floor. */
  readonly workerId: string;
  readonly oidcSubject: string | null;
  readonly grants: readonly { siteId: string; role: Role }[];
  readonly createdAt: string;
  readonly disabledAt: string | null;
}

export interface NewUser {
  readonly username: string;
  readonly displayName?: string | undefined;
  readonly password?: string | undefined;
  readonly oidcSubject?: string | undefined;
  readonly workerId?: string | undefined;
  readonly grants?: readonly { siteId: string; role: Role }[] | undefined;
}

/** What a sign-in or a refresh hands back. */
export interface Session {
  readonly tokenType: 'Bearer';
  readonly accessToken: string;
  /** Seconds the access token is valid. */
  readonly expiresIn: number;
  readonly refreshToken: string;
  readonly refreshExpiresAt: string;
}

/**
 * Why a user cannot act: unknown to PakLog, disabled, or without any role. `sessionsValidFrom` (milliseconds since the
 * epoch): access tokens issued before this instant (a password change or reset) are no longer good.
 */
export type UserLookup = { ok: true; principal: Principal; sessionsValidFrom?: number } | { ok: false; reason: 'unknown' | 'disabled' | 'no-role' };

/** A self-service password change: the new session of the caller, or why not. */
export type PasswordChange = { ok: true; session: Session } | { ok: false; reason: 'wrong-password' | 'no-password' };

export type RefreshOutcome = { ok: true; session: Session } | { ok: false; reason: 'invalid' | 'expired' | 'reused' | 'disabled' };

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  password_hash: string | null;
  oidc_subject: string | null;
  worker_id: string | null;
  created_at: Date;
  disabled_at: Date | null;
  sessions_valid_from: Date | null;
  grants: { site_id: string; role: Role }[];
}

const USER_SELECT = `SELECT u.id, u.username, u.display_name, u.password_hash, u.oidc_subject, u.worker_id, u.created_at, u.disabled_at,
    u.sessions_valid_from, COALESCE((SELECT json_agg(json_build_object('site_id', g.site_id, 'role', g.role) ORDER BY g.site_id)
              FROM platform.user_grants g WHERE g.user_id = u.id), '[]'::json) AS grants
  FROM platform.users u`;

const view = (u: UserRow): UserView => ({
  id: u.id, username: u.username, displayName: u.display_name, workerId: u.worker_id ?? u.username, oidcSubject: u.oidc_subject,
  grants: u.grants.map((g) => ({ siteId: g.site_id, role: g.role })),
  createdAt: u.created_at.toISOString(), disabledAt: u.disabled_at?.toISOString() ?? null,
});

function lookup(u: UserRow | undefined): UserLookup {
  if (u === undefined) return { ok: false, reason: 'unknown' };
  if (u.disabled_at !== null) return { ok: false, reason: 'disabled' };
  const sites: Record<string, Role> = {};
  for (const g of u.grants) sites[g.site_id] = g.role;
  const role = overallRole(sites);
  if (role === undefined) return { ok: false, reason: 'no-role' };
  const principal: Principal = { kind: 'user', id: u.id, name: u.display_name, role, sites, workerId: u.worker_id ?? u.username };
  return u.sessions_valid_from === null ? { ok: true, principal } : { ok: true, principal, sessionsValidFrom: u.sessions_valid_from.getTime() };
}

/**
 * People (ADR 0019): users, their role per site, and their sessions (access JWT + rotated refresh token). Lookups of
 * a user by id or OIDC subject are cached for a few seconds, like API keys, so a disabled user or a revoked grant
 * stops working quickly without a query per request; this process forgets at once what it changed itself.
 */
export class Identity {
  private readonly cache = new Map<string, { found: UserLookup; at: number }>();
  /** Sessions (refresh-token families) by id: live for a few seconds (re-read after), ended for good. */
  private readonly sessions = new Map<string, { live: boolean; at: number }>();
  /** Per user, when its last session ended (ms; null: none did), for access tokens that name no session (no `sid`). */
  private readonly sessionsEnded = new Map<string, { endedAt: number | null; at: number }>();
  private secret: string | undefined;

  constructor(
    private readonly db: Database,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly options: { accessTokenTtlS: number; refreshTokenTtlS: number; refreshReuseGraceS: number },
  ) {}

  /**
   * The HS256 secret: the configured one, else the one generated at first start and kept in `platform.settings`, so
   * sessions survive a restart of the quick start (production sets PAKLOG_JWT_SECRET; see the README).
   */
  async ensureJwtSecret(configured: string | undefined): Promise<void> {
    if (configured !== undefined) {
      this.secret = configured;
      return;
    }
    await this.db.query(`INSERT INTO platform.settings (name, value) VALUES ('jwt_secret', $1) ON CONFLICT (name) DO NOTHING`, [generateJwtSecret()]);
    const rows = await this.db.query<{ value: string }>(`SELECT value FROM platform.settings WHERE name = 'jwt_secret'`);
    this.secret = rows[0]?.value;
  }

  get jwtSecret(): string {
    if (this.secret === undefined) throw new Error('Identity.ensureJwtSecret was not called');
    return this.secret;
  }

  async create(u: NewUser, audit?: AuditAppend): Promise<UserView> {
    const id = this.ids.next('usr');
    if (u.password !== undefined) refuseWeak(u.password, '/password', { username: u.username });
    const hash = u.password === undefined ? null : await hashPassword(u.password);
    await this.db.tx(async (tx) => {
      const inserted = await tx.query(
        `INSERT INTO platform.users (id, username, display_name, password_hash, oidc_subject, worker_id) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT DO NOTHING RETURNING 1`,
        [id, u.username, u.displayName ?? u.username, hash, u.oidcSubject ?? null, u.workerId ?? null],
      );
      if (inserted.length === 0) throw await this.whyTaken(tx, u);
      for (const g of u.grants ?? []) await this.upsertGrant(tx, id, g.siteId, g.role);
      await audit?.(tx, [{ type: PlatformEvents.userCreated, subject: id, data: {
        userId: id, username: u.username, workerId: u.workerId ?? u.username, grants: (u.grants ?? []).map((g) => ({ siteId: g.siteId, role: g.role })),
      } }]);
    });
    return (await this.get(id))!;
  }

  /**
   * Why a new user was not inserted: its username, its OIDC subject, or its worker id (the username when none is given)
   * is another user's. Worker ids are unique (migration 008): two people acting as one worker would hold each other's
   * tasks and blur the audit trail.
   */
  private async whyTaken(tx: Executor, u: NewUser): Promise<AppError> {
    const taken = (field: string, message: string, detail: string): AppError =>
      new AppError('DUPLICATE', detail, { errors: [{ field, message }] });
    if ((await tx.query(`SELECT 1 FROM platform.users WHERE username = $1`, [u.username])).length > 0) {
      return taken('/username', 'is taken', 'A user with this username exists already');
    }
    if (u.oidcSubject !== undefined && (await tx.query(`SELECT 1 FROM platform.users WHERE oidc_subject = $1`, [u.oidcSubject])).length > 0) {
      return taken('/oidcSubject', 'is taken', 'A user with this oidcSubject exists already');
    }
    const workerId = u.workerId ?? u.username;
    const holder = (await tx.query<{ username: string; worker_id: string }>(
      `SELECT username, COALESCE(worker_id, username) AS worker_id FROM platform.users WHERE lower(COALESCE(worker_id, username)) = lower($1)
       ORDER BY shares_worker_id, created_at, id LIMIT 1`, [workerId],
    ))[0];
    const field = u.workerId === undefined ? '/username' : '/workerId';
    const message = u.workerId === undefined ? `is the worker id of user ${holder?.username ?? 'another user'}: give this user another workerId` : 'is taken';
    // Worker ids ignore letter case (migration 009): "w1" is taken by the user acting as "W1".
    const held = holder?.worker_id ?? workerId;
    return taken(field, message, `Worker id ${workerId} is taken: user ${holder?.username ?? 'another user'} acts as ${held} on the floor, and two people `
      + `may not act as one worker${held === workerId ? '' : ' (worker ids ignore letter case)'}`);
  }

  /** The worker id of the user a typed worker id names ignoring letter case (migration 009), as it was given; undefined: none. */
  async workerNamed(typed: string): Promise<string | undefined> {
    const rows = await this.db.query<{ worker_id: string }>(
      `SELECT COALESCE(worker_id, username) AS worker_id FROM platform.users WHERE lower(COALESCE(worker_id, username)) = lower($1) AND NOT shares_worker_id LIMIT 1`,
      [typed],
    );
    return rows[0]?.worker_id;
  }

  async list(): Promise<UserView[]> {
    return (await this.db.query<UserRow>(`${USER_SELECT} ORDER BY u.created_at, u.id`)).map(view);
  }

  async get(id: string): Promise<UserView | undefined> {
    const row = (await this.db.query<UserRow>(`${USER_SELECT} WHERE u.id = $1`, [id]))[0];
    return row === undefined ? undefined : view(row);
  }

  /**
   * Disables a user and revokes every refresh token it holds; its access tokens stop working within seconds. Refused
   * (409 LAST_ADMIN) for the last active user with the admin role at every site.
   */
  async disable(id: string, audit?: AuditAppend): Promise<UserView | undefined> {
    const found = await this.keepingAnAdmin(id, async (tx) => {
      // The user's row as it was: disabling a disabled user changes nothing and records nothing.
      const before = (await tx.query<{ username: string; disabled_at: Date | null }>(`SELECT username, disabled_at FROM platform.users WHERE id = $1 FOR UPDATE`, [id]))[0];
      const rows = await tx.query(`UPDATE platform.users SET disabled_at = COALESCE(disabled_at, now()) WHERE id = $1 RETURNING 1`, [id]);
      await tx.query(`UPDATE platform.refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [id]);
      if (before !== undefined && before.disabled_at === null) {
        await audit?.(tx, [{ type: PlatformEvents.userDisabled, subject: id, data: { userId: id, username: before.username } }]);
      }
      return rows.length > 0;
    });
    this.forgetSessions();
    return found ? this.get(id) : undefined;
  }

  /** Gives a role at a site (or `*`); a role other than admin at `*` for the last every-site admin is refused (LAST_ADMIN). */
  async grant(userId: string, siteId: string, role: Role, audit?: AuditAppend): Promise<UserView | undefined> {
    if ((await this.get(userId)) === undefined) return undefined;
    const change = async (tx: Tx): Promise<void> => {
      await this.upsertGrant(tx, userId, siteId, role);
      await audit?.(tx, [{ type: PlatformEvents.grantChanged, subject: userId, data: { userId, siteId, role }, ...(siteId === ALL_SITES ? {} : { siteId }) }]);
    };
    if (siteId === ALL_SITES && role !== 'admin') await this.keepingAnAdmin(userId, change);
    else await this.db.tx(change);
    this.forgetSessions();
    return this.get(userId);
  }

  /** Removes the user's grant at `siteId` (`*`: its every-site grant); false when there was none. The last every-site admin's `*` grant stays (LAST_ADMIN). */
  async revokeGrant(userId: string, siteId: string, audit?: AuditAppend): Promise<boolean> {
    const remove = async (tx: Tx): Promise<boolean> => {
      const removed = (await tx.query(`DELETE FROM platform.user_grants WHERE user_id = $1 AND site_id = $2 RETURNING 1`, [userId, siteId])).length > 0;
      if (removed) {
        await audit?.(tx, [{ type: PlatformEvents.grantChanged, subject: userId, data: { userId, siteId, role: null }, ...(siteId === ALL_SITES ? {} : { siteId }) }]);
      }
      return removed;
    };
    const removed = siteId === ALL_SITES ? await this.keepingAnAdmin(userId, remove) : await this.db.tx(remove);
    this.forgetSessions();
    return removed;
  }

  /**
   * A signed-in user changes its own password: the current one must match (`wrong-password` otherwise; `no-password`
   * for a user who signs in through the identity provider only), the new one must not be weak (WEAK_PASSWORD). Every
   * session of the user ends (refresh tokens revoked, earlier access tokens refused) and the caller gets a new one.
   */
  async changePassword(userId: string, current: string, next: string): Promise<PasswordChange> {
    const row = (await this.db.query<UserRow>(`${USER_SELECT} WHERE u.id = $1`, [userId]))[0];
    if (row?.password_hash === undefined || row.password_hash === null) return { ok: false, reason: 'no-password' };
    const stored = row.password_hash;
    if (!(await verifyPassword(stored, current))) return { ok: false, reason: 'wrong-password' };
    refuseWeak(next, '/newPassword', { username: row.username, current });
    const hash = await hashPassword(next);
    const session = await this.db.tx(async (tx) => {
      // Only over the hash that was checked: a change that won a race meanwhile makes this one's current password wrong.
      if (!(await this.replacePassword(tx, userId, hash, stored))) return undefined;
      return this.issue(tx, userId, this.ids.next('rft'));
    });
    this.forgetSessions();
    return session === undefined ? { ok: false, reason: 'wrong-password' } : { ok: true, session };
  }

  /** An admin sets another user's password (WEAK_PASSWORD when weak); every session of that user ends. Undefined: no such user. */
  async resetPassword(userId: string, password: string, audit?: AuditAppend): Promise<UserView | undefined> {
    const user = await this.get(userId);
    if (user === undefined) return undefined;
    refuseWeak(password, '/password', { username: user.username });
    const hash = await hashPassword(password);
    const found = await this.db.tx(async (tx) => {
      const replaced = await this.replacePassword(tx, userId, hash, undefined);
      if (replaced) await audit?.(tx, [{ type: PlatformEvents.passwordReset, subject: userId, data: { userId } }]);
      return replaced;
    });
    this.forgetSessions();
    return found ? this.get(userId) : undefined;
  }

  /** The principal of the user an access token names. */
  byId(id: string): Promise<UserLookup> {
    return this.cached(`id:${id}`, `${USER_SELECT} WHERE u.id = $1`, id);
  }

  /** The principal of the user an external provider's token names (its `oidc_subject`). */
  bySubject(subject: string): Promise<UserLookup> {
    return this.cached(`sub:${subject}`, `${USER_SELECT} WHERE u.oidc_subject = $1`, subject);
  }

  /**
   * Checks a username and password: the user's principal, or undefined for any mismatch (unknown user, wrong password,
   * no password) so a caller cannot tell which. A disabled user or one without a role is told why.
   */
  async checkPassword(username: string, password: string): Promise<(UserLookup & { passwordHash?: string }) | undefined> {
    const row = (await this.db.query<UserRow>(`${USER_SELECT} WHERE u.username = $1`, [username]))[0];
    if (row?.password_hash === undefined || row.password_hash === null) return verifyAgainstDecoy(password).then(() => undefined);
    if (!(await verifyPassword(row.password_hash, password))) return undefined;
    let passwordHash = row.password_hash;
    if (needsRehash(passwordHash)) {
      // Over the hash that was checked only: a password changed meanwhile is not put back by a sign-in with the old one.
      const rehashed = await hashPassword(password);
      const stored = await this.db.query(`UPDATE platform.users SET password_hash = $2 WHERE id = $1 AND password_hash = $3 RETURNING 1`, [row.id, rehashed, passwordHash]);
      if (stored.length > 0) passwordHash = rehashed;
    }
    return { ...lookup(row), passwordHash };
  }

  /**
   * A new session for a user: an access token and the first refresh token of a new family. `verifiedHash`: the password
   * hash a sign-in checked; a password changed or reset since (while the sign-in verified the old one) leaves it wrong,
   * 401 INVALID_CREDENTIALS, so no session of the old password outlives the change (a change waits for the session's
   * issue, then ends it; one issued after it would not have been).
   */
  async startSession(userId: string, verifiedHash?: string): Promise<Session> {
    return this.db.tx(async (tx) => {
      const user = await this.lockUser(tx, userId);
      if (verifiedHash !== undefined && user?.password_hash !== verifiedHash) {
        throw new AppError('INVALID_CREDENTIALS', 'The username or the password is wrong');
      }
      return this.issue(tx, userId, this.ids.next('rft'));
    });
  }

  /**
   * Locks the user's row against a password change or reset until the transaction ends (FOR SHARE: sessions of one user
   * are still issued side by side). Session issues take it before any refresh token row, and changes take it (FOR UPDATE)
   * before revoking the refresh tokens, so a change either waits for an issue and then ends its session, or comes first
   * and the issue sees it: a session issued with a change in flight never outlives it.
   */
  private async lockUser(tx: Executor, userId: string): Promise<{ password_hash: string | null; disabled_at: Date | null } | undefined> {
    return (await tx.query<{ password_hash: string | null; disabled_at: Date | null }>(
      `SELECT password_hash, disabled_at FROM platform.users WHERE id = $1 FOR SHARE`, [userId],
    ))[0];
  }

  /**
   * Exchanges a refresh token for a new session of the same family. A token is good once: presenting a used (or
   * revoked) one again means two parties hold it, so the whole family is revoked and the caller must sign in again.
   * But a refresh whose answer was lost (a reload, a handheld's dropped Wi-Fi) is retried with the same token: within
   * `refreshReuseGraceS` of its use, while the token it was exchanged for is still unused (nobody went on with the
   * session), that unused successor is revoked and a new one issued instead (ADR 0019 addendum). A thief who replays it
   * in that window gets a session that ends at the legitimate holder's next refresh, which revokes the family.
   */
  async refresh(token: string): Promise<RefreshOutcome> {
    const now = this.clock.now();
    const outcome = await this.db.tx(async (tx): Promise<RefreshOutcome> => {
      // The user's row first (lockUser), then the token's: a password change or reset in flight either ends the session
      // this refresh issues, or revoked the token before it is read here.
      const owner = (await tx.query<{ user_id: string }>(`SELECT user_id FROM platform.refresh_tokens WHERE token_hash = $1`, [hashToken(token)]))[0];
      if (owner === undefined) return { ok: false, reason: 'invalid' };
      const user = await this.lockUser(tx, owner.user_id);
      const rows = await tx.query<{ id: string; family_id: string; user_id: string; expires_at: Date; used_at: Date | null; revoked_at: Date | null }>(
        `SELECT id, family_id, user_id, expires_at, used_at, revoked_at FROM platform.refresh_tokens WHERE token_hash = $1 FOR UPDATE`,
        [hashToken(token)],
      );
      const t = rows[0];
      if (t === undefined) return { ok: false, reason: 'invalid' };
      const retried = t.used_at !== null && t.revoked_at === null && await this.retriedInGrace(tx, t.family_id, t.used_at, now);
      if (!retried && (t.used_at !== null || t.revoked_at !== null)) {
        await tx.query(`UPDATE platform.refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL`, [t.family_id]);
        return { ok: false, reason: t.used_at !== null ? 'reused' : 'invalid' };
      }
      if (t.expires_at.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
      if (user === undefined || user.disabled_at !== null) return { ok: false, reason: 'disabled' };
      if (retried) {
        await tx.query(`UPDATE platform.refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND used_at IS NULL AND revoked_at IS NULL`, [t.family_id]);
      }
      await tx.query(`UPDATE platform.refresh_tokens SET used_at = COALESCE(used_at, $2) WHERE id = $1`, [t.id, now]);
      return { ok: true, session: await this.issue(tx, t.user_id, t.family_id) };
    });
    // A reuse revoked the whole family: its access tokens end now too.
    if (!outcome.ok && outcome.reason === 'reused') this.forgetSessions();
    return outcome;
  }

  /**
   * Whether a used token is presented again as the retry of a refresh whose answer was lost: used within the grace
   * period, and no token of its family used since (its successor, locked here, still unused and not revoked).
   */
  private async retriedInGrace(tx: Executor, familyId: string, usedAt: Date, now: Date): Promise<boolean> {
    if (now.getTime() - usedAt.getTime() >= this.options.refreshReuseGraceS * 1000) return false;
    const later = await tx.query<{ used_at: Date | null }>(
      `SELECT used_at FROM platform.refresh_tokens WHERE family_id = $1 AND revoked_at IS NULL AND (used_at IS NULL OR used_at > $2) FOR UPDATE`,
      [familyId, usedAt],
    );
    return later.length === 1 && later[0]?.used_at === null;
  }

  /**
   * Ends the session a refresh token belongs to (its whole family), its access tokens included: they name the session
   * (`sid`), which {@link sessionLive} then finds ended (this process at once; others within seconds). False when the
   * token is unknown.
   */
  async logout(token: string): Promise<boolean> {
    const rows = await this.db.query<{ family_id: string; user_id: string }>(
      `UPDATE platform.refresh_tokens SET revoked_at = now()
       WHERE family_id = (SELECT family_id FROM platform.refresh_tokens WHERE token_hash = $1) AND revoked_at IS NULL RETURNING family_id, user_id`,
      [hashToken(token)],
    );
    const family = rows[0]?.family_id;
    if (family !== undefined) this.sessions.set(family, { live: false, at: Date.now() });
    if (rows[0] !== undefined) this.sessionsEnded.delete(rows[0].user_id);
    credentialsEnded();
    return rows.length > 0;
  }

  /**
   * Whether the session (refresh-token family) an access token names is still on: some token of it not revoked. A
   * logout, a refresh token's reuse, disabling the user and a password change or reset revoke them all, and a session
   * never comes back, so an ended one is remembered for good and a live one for {@link SESSION_RECHECK_MS} (like users
   * and keys): this process forgets at once what it ended itself, another process within seconds.
   */
  async sessionLive(sid: string): Promise<boolean> {
    const hit = this.sessions.get(sid);
    if (hit !== undefined && (!hit.live || Date.now() - hit.at < SESSION_RECHECK_MS)) return hit.live;
    const rows = await this.db.query<{ live: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM platform.refresh_tokens WHERE family_id = $1 AND revoked_at IS NULL) AS live`, [sid],
    );
    const live = rows[0]?.live === true;
    if (this.sessions.size > 10_000) this.sessions.clear();
    this.sessions.set(sid, { live, at: Date.now() });
    return live;
  }

  /**
   * Whether an access token that names no session (signed before `sid` existed, ADR 0019 addendum of 2026-12-07) is
   * still good: it was issued after the user's last session ended (a logout, a refresh token's reuse, the user disabled,
   * a password changed: each revokes refresh tokens). Which session it was issued for is not known, so any of the
   * user's session ends ends it; a client whose other session goes on refreshes and gets a token naming its session.
   * Cached per user like live sessions; a logout in this process is seen at once.
   */
  async unnamedSessionLive(userId: string, issuedAtMs: number): Promise<boolean> {
    let hit = this.sessionsEnded.get(userId);
    if (hit === undefined || Date.now() - hit.at >= SESSION_RECHECK_MS) {
      const rows = await this.db.query<{ ended: Date | null }>(`SELECT max(revoked_at) AS ended FROM platform.refresh_tokens WHERE user_id = $1`, [userId]);
      hit = { endedAt: rows[0]?.ended?.getTime() ?? null, at: Date.now() };
      if (this.sessionsEnded.size > 10_000) this.sessionsEnded.clear();
      this.sessionsEnded.set(userId, hit);
    }
    return hit.endedAt === null || issuedAtMs > hit.endedAt;
  }

  /** Forgets the users and live sessions this process knows (a change ended or narrowed some), and says so to open streams. */
  private forgetSessions(): void {
    this.cache.clear();
    this.sessionsEnded.clear();
    for (const [sid, s] of this.sessions) if (s.live) this.sessions.delete(sid);
    credentialsEnded();
  }

  private async issue(db: Executor, userId: string, familyId: string): Promise<Session> {
    const now = this.clock.now();
    const refreshToken = generateRefreshToken();
    const refreshExpiresAt = new Date(now.getTime() + this.options.refreshTokenTtlS * 1000);
    await db.query(
      `INSERT INTO platform.refresh_tokens (id, family_id, user_id, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5)`,
      [this.ids.next('rft'), familyId, userId, hashToken(refreshToken), refreshExpiresAt],
    );
    const access = await signAccessToken(this.jwtSecret, userId, this.options.accessTokenTtlS, now, familyId);
    return { tokenType: 'Bearer', accessToken: access.token, expiresIn: this.options.accessTokenTtlS, refreshToken, refreshExpiresAt: refreshExpiresAt.toISOString() };
  }

  /**
   * Stores a new password hash (over `expected` only, when given) and ends every session of the user: its refresh
   * tokens are revoked and access tokens issued before this instant are refused (`sessions_valid_from`, to the millisecond).
   */
  private async replacePassword(tx: Executor, userId: string, hash: string, expected: string | undefined): Promise<boolean> {
    // The row locked before the instant is read: a session issued meanwhile (it holds the row, lockUser) is issued before
    // this instant and its refresh token is revoked below; one issued after waits for this change and sees it.
    await tx.query(`SELECT 1 FROM platform.users WHERE id = $1 FOR UPDATE`, [userId]);
    const rows = await tx.query(
      `UPDATE platform.users SET password_hash = $2, sessions_valid_from = $3 WHERE id = $1 AND ($4::text IS NULL OR password_hash = $4) RETURNING 1`,
      [userId, hash, this.clock.now(), expected ?? null],
    );
    if (rows.length === 0) return false;
    await tx.query(`UPDATE platform.refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [userId]);
    return true;
  }

  /**
   * Runs a change of a user's standing so that someone can still administer PakLog: under one lock for every such
   * change (two admins disabling each other at once cannot both pass), refused with 409 LAST_ADMIN when the user was an
   * active admin of every site and none is left after it. Keys do not count: a generated bootstrap key was shown once
   * and may be lost; the way back from a lock-out is PAKLOG_ADMIN_API_KEY on a restart (README).
   */
  private async keepingAnAdmin<T>(userId: string, change: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.tx(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('paklog.every-site-admins'))`);
      const admins = `SELECT u.id FROM platform.users u JOIN platform.user_grants g ON g.user_id = u.id AND g.site_id = '*' AND g.role = 'admin'
        WHERE u.disabled_at IS NULL`;
      const wasAdmin = (await tx.query(`${admins} AND u.id = $1`, [userId])).length > 0;
      const result = await change(tx);
      if (wasAdmin && (await tx.query(`${admins} LIMIT 1`)).length === 0) {
        throw new AppError('LAST_ADMIN', 'This is the last active user with the admin role at every site: make another user an admin of every site (*) first, '
          + 'so that someone can still administer PakLog');
      }
      return result;
    });
  }

  private async upsertGrant(db: Executor, userId: string, siteId: string, role: Role): Promise<void> {
    await db.query(
      `INSERT INTO platform.user_grants (user_id, site_id, role) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, site_id) DO UPDATE SET role = EXCLUDED.role, granted_at = now()`,
      [userId, siteId, role],
    );
  }

  private async cached(key: string, sql: string, value: string): Promise<UserLookup> {
    const hit = this.cache.get(key);
    if (hit !== undefined && Date.now() - hit.at < 5_000) return hit.found;
    const found = lookup((await this.db.query<UserRow>(sql, [value]))[0]);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, { found, at: Date.now() });
    return found;
  }
}

/** How long a session found live is trusted before it is read again (as users and keys are cached). */
export const SESSION_RECHECK_MS = 5_000;

/** Refuses a weak new password (422 WEAK_PASSWORD naming the field and why). */
function refuseWeak(password: string, field: string, context: { username?: string; current?: string }): void {
  const weakness = passwordWeakness(password, context);
  if (weakness !== undefined) throw new AppError('WEAK_PASSWORD', `The password ${weakness}`, { errors: [{ field, message: weakness }] });
}
