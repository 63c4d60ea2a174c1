/**
 * Who may take which task (ADR 0023). A task may name a zone, skills and equipment; a worker's profile lists the zones
 * they work in (none listed = every zone), their skills and their equipment. A worker with no profile may take only
 * tasks that name none of the three. Pure; the claim query applies the same rule in SQL (store.ts CANDIDATE_WHERE).
 */

/** The part of a profile eligibility reads. */
export interface WorkerCapabilities {
  readonly zones: readonly string[];
  readonly skills: readonly string[];
  readonly equipment: readonly string[];
}

/** What the claim filters by: `zones` null = every zone. */
export interface Eligibility {
  readonly zones: readonly string[] | null;
  readonly skills: readonly string[];
  readonly equipment: readonly string[];
}

/** What a task requires. */
export interface Requirements {
  readonly zone: string | null;
  readonly requiredSkills: readonly string[];
  readonly requiredEquipment: readonly string[];
}

/** The filter of a worker: no profile → only tasks without requirements; a profile without zones → every zone. */
export function eligibilityOf(profile: WorkerCapabilities | undefined): Eligibility {
  if (profile === undefined) return { zones: [], skills: [], equipment: [] };
  return { zones: profile.zones.length === 0 ? null : profile.zones, skills: profile.skills, equipment: profile.equipment };
}

export function isEligible(task: Requirements, e: Eligibility): boolean {
  if (task.zone !== null && e.zones !== null && !e.zones.includes(task.zone)) return false;
  return task.requiredSkills.every((s) => e.skills.includes(s)) && task.requiredEquipment.every((q) => e.equipment.includes(q));
}

/** How many tasks a worker may hold (ASSIGNED + IN_PROGRESS) when they have no profile. */
export const DEFAULT_MAX_TASKS = 1;
