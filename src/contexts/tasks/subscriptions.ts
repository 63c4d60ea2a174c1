import { causedBy } from '../../platform/bus/envelope.ts';
import type { Subscription } from '../../platform/bus/event-bus.ts';
import { PickingEvents, type PickListCancelled, type PickListCompleted, type PickListCreated } from '../../contracts/picking.ts';
import type { TaskService } from './service.ts';

/** Pick lists become PICK tasks; a completed list finishes its task, a cancelled one withdraws it. */
export function taskSubscriptions(tasks: TaskService): Subscription[] {
  return [
    {
      types: [PickingEvents.listCreated],
      handle: async (event, tx) => {
        const d = event.data as PickListCreated;
        await tasks.queue(tx, { siteId: d.siteId, type: 'PICK', reference: d.pickListId, waveId: d.waveId, priority: d.priority ?? 0 }, causedBy(event));
      },
    },
    {
      types: [PickingEvents.listCompleted],
      handle: async (event, tx) => {
        const d = event.data as PickListCompleted;
        await tasks.finishWork(tx, 'PICK', d.pickListId, causedBy(event));
      },
    },
    {
      types: [PickingEvents.listCancelled],
      handle: async (event, tx) => {
        const d = event.data as PickListCancelled;
        await tasks.withdrawWork(tx, 'PICK', d.pickListId, causedBy(event));
      },
    },
  ];
}
