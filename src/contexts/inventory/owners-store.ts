import type { Executor } from '../../platform/db/database.ts';
import { columnList, type Selectable } from '../../platform/db/row-types.ts';
import type { InventoryOwners } from './db-types.ts';

/** SQL of the owner master (3PL clients, ADR 0028, migration 013). */

const OWNER_COLUMN_NAMES = ['id', 'code', 'name', 'created_at'] as const;
const OWNER_COLUMNS = columnList(OWNER_COLUMN_NAMES);
export type OwnerRow = Pick<Selectable<InventoryOwners>, (typeof OWNER_COLUMN_NAMES)[number]>;

/** Inserts an owner unless its code is taken; undefined when it is. */
export async function insertOwner(db: Executor, o: Pick<OwnerRow, 'id' | 'code' | 'name'>): Promise<OwnerRow | undefined> {
  return (await db.query<OwnerRow>(
    `INSERT INTO inventory.owners (id, code, name) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING RETURNING ${OWNER_COLUMNS}`,
    [o.id, o.code, o.name],
  ))[0];
}

export async function getOwner(db: Executor, id: string): Promise<OwnerRow | undefined> {
  return (await db.query<OwnerRow>(`SELECT ${OWNER_COLUMNS} FROM inventory.owners WHERE id = $1`, [id]))[0];
}

export async function ownerByCode(db: Executor, code: string): Promise<OwnerRow | undefined> {
  return (await db.query<OwnerRow>(`SELECT ${OWNER_COLUMNS} FROM inventory.owners WHERE code = $1`, [code]))[0];
}

/** Owners in code order, paged by code. */
export async function listOwners(db: Executor, q: { limit: number; after: string | null }): Promise<OwnerRow[]> {
  return db.query<OwnerRow>(
    `SELECT ${OWNER_COLUMNS} FROM inventory.owners WHERE ($1::text IS NULL OR code > $1) ORDER BY code LIMIT $2`, [q.after, q.limit],
  );
}
