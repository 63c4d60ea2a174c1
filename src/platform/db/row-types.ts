/**
 * The few types the generated row files (`db-types.ts`, `schema-types.ts`, ADR 0013) and the stores need. `ColumnType`
 * and `Selectable` are structurally Kysely's own (kysely 0.28 `util/column-type`), declared here so that reading a
 * row type needs no query builder: kysely-codegen writes the files, nothing imports Kysely at run or check time.
 */

/** A column whose SELECT, INSERT and UPDATE types differ (a default makes the insert optional). */
export type ColumnType<SelectType, InsertType = SelectType, UpdateType = SelectType> = {
  readonly __select__: SelectType;
  readonly __insert__: InsertType;
  readonly __update__: UpdateType;
};

/** A table's row as a SELECT returns it through node-postgres. */
export type Selectable<Table> = { [K in keyof Table]: Table[K] extends ColumnType<infer S, infer _I, infer _U> ? S : Table[K] };

/**
 * A row with some columns read as narrower types than the table declares: a text column under a CHECK as its union,
 * a jsonb column as its shape, a date selected through `to_char` as text. Only columns of the row can be narrowed.
 */
export type Narrowed<Row, Columns extends { [K in keyof Columns]: K extends keyof Row ? unknown : never }> = Omit<Row, keyof Columns> & Columns;

type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

/** A row whose columns are selected under camelCase aliases (`length_mm AS "lengthMm"`). */
export type Camelized<Row> = { [K in keyof Row & string as CamelCase<K>]: Row[K] };

/** A SELECT or RETURNING list of the named columns, each qualified by `alias` when given (`p.id, p.status`). */
export function columnList(names: readonly string[], alias?: string): string {
  return names.map((c) => (alias === undefined ? c : `${alias}.${c}`)).join(', ');
}
