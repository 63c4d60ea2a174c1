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
  /** Platform administration: keys, dead letters. */
  admin: ['admin'],
} as const satisfies Record<string, readonly Role[]>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles allowed to call the route; absent means admin only. Ignored when `public`. */
    roles?: readonly Role[];
    /** Health, metrics and docs are open. */
    public?: boolean;
  }
  interface FastifyRequest {
    principal?: { id: string; name: string; role: Role };
  }
}
