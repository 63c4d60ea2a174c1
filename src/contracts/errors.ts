/**
 * Every context's error codes, as one catalogue: the composition root registers it with the platform's HTTP mapper
 * (`registerErrors`), and the declaration below makes the codes known to `AppError`, `reject` and `Outcome`.
 */
import type { ErrorSpecs } from '../platform/errors.ts';
import { CatalogErrors } from './catalog.ts';
import { IntegrationsErrors } from './integrations.ts';
import { InventoryErrors } from './inventory.ts';
import { LocationMasterErrors } from './location-master.ts';
import { LocationTrackingErrors } from './location-tracking.ts';
import { OrchestrationErrors } from './orchestration.ts';
import { OrdersErrors } from './orders.ts';
import { PackShipErrors } from './pack-ship.ts';
import { PhysicalTrackingErrors } from './physical-tracking.ts';
import { PickingErrors } from './picking.ts';
import { QualityErrors } from './quality.ts';
import { TasksErrors } from './tasks.ts';
import { WavesErrors } from './waves.ts';
import { WorkloadErrors } from './workload.ts';

/** Contract error catalogues by producing context (a code is declared once, by the context whose rule it names). */
export const CONTEXT_ERRORS = {
  catalog: CatalogErrors,
  'location-master': LocationMasterErrors,
  inventory: InventoryErrors,
  orders: OrdersErrors,
  waves: WavesErrors,
  tasks: TasksErrors,
  picking: PickingErrors,
  'pack-ship': PackShipErrors,
  quality: QualityErrors,
  orchestration: OrchestrationErrors,
  workload: WorkloadErrors,
  'physical-tracking': PhysicalTrackingErrors,
  'location-tracking': LocationTrackingErrors,
  integrations: IntegrationsErrors,
} as const satisfies Record<string, ErrorSpecs>;

/** The contracts' codes in one map, ready for `registerErrors`. */
export const contextErrors = (): ErrorSpecs => Object.assign({}, ...Object.values(CONTEXT_ERRORS)) as ErrorSpecs;

type ContractCode = { [C in keyof typeof CONTEXT_ERRORS]: keyof (typeof CONTEXT_ERRORS)[C] }[keyof typeof CONTEXT_ERRORS];

declare module '../platform/errors.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ContextErrorCodes extends Record<ContractCode, true> {}
}
