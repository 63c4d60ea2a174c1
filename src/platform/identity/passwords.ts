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
