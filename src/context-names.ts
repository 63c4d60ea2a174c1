/**
 * The contexts one PakLog installation is made of, in the order the composition builds them. Apart from app.ts (which
 * imports every context) so that the `paklog` command can check a context named on its command line before loading any.
 */
export const ALL_CONTEXTS = ['catalog', 'location-master', 'inventory', 'orders', 'waves', 'tasks', 'picking', 'pack-ship', 'quality', 'orchestration', 'workload', 'physical-tracking', 'location-tracking', 'integrations'] as const;
export type ContextName = (typeof ALL_CONTEXTS)[number];
