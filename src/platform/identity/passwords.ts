import { hash, verify } from '@node-rs/argon2';

/**
 * Passwords are hashed with argon2id (RFC 9106) at OWASP's first recommended setting: 19 MiB of memory, 2 passes, one
 * lane (about 20–40 ms on the 2-core CI machine). The parameters are stored in the PHC string with the hash, so raising
 * them later leaves old hashes verifiable; {@link needsRehash} says when a sign-in should store a stronger one.
 */
// `algorithm: 2` is Algorithm.Argon2id (a const enum, which verbatimModuleSyntax cannot import).
export const ARGON2ID_PARAMS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

/** Shortest and longest password accepted; the upper bound keeps a hash from being a denial of service. */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2ID_PARAMS);
}

/** Whether `password` matches the PHC string; a malformed hash is a mismatch, never an exception. */
export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  try {
    return await verify(phc, password);
  } catch {
    return false;
  }
}

/** A fixed hash verified when the username is unknown, so a wrong username takes as long as a wrong password. */
let decoy: Promise<string> | undefined;
export async function verifyAgainstDecoy(password: string): Promise<false> {
  decoy ??= hashPassword('paklog decoy password that matches nothing');
  await verifyPassword(await decoy, password);
  return false;
}

/** Whether a stored hash was made with weaker (or other) parameters than today's. */
export function needsRehash(phc: string): boolean {
  const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(phc);
  if (m === null) return true;
  return Number(m[1]) < ARGON2ID_PARAMS.memoryCost || Number(m[2]) < ARGON2ID_PARAMS.timeCost || Number(m[3]) < ARGON2ID_PARAMS.parallelism;
}

/** Passwords of at least {@link PASSWORD_MIN} characters that lists of breached passwords put at the top: refused. */
const COMMON = new Set([
  '123456789012', '1234567890123', '12345678901234', 'password1234', 'password12345', 'password123456', 'passwordpassword',
  'qwertyuiopas', 'qwertyuiop123', 'qwerty123456', 'iloveyou1234', 'administrator', 'administrator1', 'changeme1234',
  'letmein12345', 'welcome12345', 'abcdefghijkl', 'abc123456789', '1q2w3e4r5t6y', '1qaz2wsx3edc', 'zaq12wsxcde3', 'paklog123456',
]);

/**
 * Why a new password is too weak to be set, or undefined when it is not (every place a password is set asks: a new
 * user, a change, an admin's reset). Length first (NIST SP 800-63B §5.1.1.2: at least 8, we ask 12; no composition
 * rules), then what a guesser tries first: the username, a handful of characters repeated, a well-known password, the
 * current password again.
 */
export function passwordWeakness(password: string, context: { username?: string | undefined; current?: string | undefined } = {}): string | undefined {
  if (password.trim() === '') return 'must not be blank';
  if ([...password].length < PASSWORD_MIN) return `must have at least ${PASSWORD_MIN} characters`;
  if (password.length > PASSWORD_MAX) return `must have at most ${PASSWORD_MAX} characters`;
  const lower = password.toLowerCase();
  const username = context.username?.toLowerCase();
  // A username of a few letters would be inside many good passphrases: only a longer one counts as contained.
  if (username !== undefined && (lower === username || (username.length >= 4 && lower.includes(username)))) return 'must not contain the username';
  if (new Set(lower).size < 4) return 'must have at least 4 different characters';
  if (COMMON.has(lower)) return 'is a commonly used password';
  if (context.current !== undefined && password === context.current) return 'must differ from the current password';
  return undefined;
}
