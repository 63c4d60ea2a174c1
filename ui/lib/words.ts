/**
 * A count and its noun, as a caption says it: "1 order", "2 orders", "1 held balance". Nouns are the screens' plural
 * list names (each ends in "s"); one of them is said in the singular.
 */
export function counted(n: number, plural: string): string {
  return `${n} ${n === 1 ? plural.replace(/s$/, '') : plural}`;
}
