import { on } from '../../contracts/events.ts';
import { PickingEvents } from '../../contracts/picking.ts';
import { causedBy } from '../../platform/bus/envelope.ts';
import type { Subscription } from '../../platform/bus/event-bus.ts';
import type { TaskService } from './service.ts';

/** Pick lists become PICK tasks; a completed list finishes its task, a cancelled one withdraws it. */
export function taskSubscriptions(tasks: TaskService): Subscription[] {
  return [
    on(PickingEvents.listCreated, async (d, event, tx) => {
      // The task starts at the list's first stop and ends at its last, when the event says (older events do not).
      await tasks.queue(tx, {
        siteId: d.siteId, type: 'PICK', reference: d.pickListId, waveId: d.waveId, priority: d.priority ?? 0,
        locationId: d.firstLocationId ?? null, endLocationId: d.lastLocationId ?? null,
      }, causedBy(event));
    }),
    on(PickingEvents.listCompleted, async (d, event, tx) => {
      await tasks.finishWork(tx, 'PICK', d.pickListId, causedBy(event));
    }),
    on(PickingEvents.listCancelled, async (d, event, tx) => {
      await tasks.withdrawWork(tx, 'PICK', d.pickListId, causedBy(event));
    }),
  ];
}
