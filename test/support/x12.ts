import { parseInterchange } from '../../src/contexts/integrations/edi/x12.ts';

/** The elements of every `id` segment inside the transaction sets of an interchange PakLog wrote (a 997, 945, 856). */
export function segmentsOf(raw: string, id: string): string[][] {
  const parsed = parseInterchange(raw);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '));
  return parsed.interchange.groups.flatMap((g) => g.sets.flatMap((s) => s.segments.filter((x) => x.id === id).map((x) => [...x.elements])));
}
