import type { PlatformDeps } from '../../platform/module.ts';
import type { ExceptionPorts, ExceptionService } from './exceptions.ts';
import { orchestrationStore as store } from './store.ts';

export interface StuckWorkOptions {
  /** PAKLOG_TASK_STALL_S: a task QUEUED this long without being taken raises TASK_NOT_STARTED. */
  readonly taskStallMs: number;
  /** PAKLOG_TASK_WORK_STALL_S: a task IN_PROGRESS or PAUSED this long without a move raises TASK_NOT_FINISHED. */
  readonly taskWorkStallMs: number;
}

/**
 * The stuck-work scan (job `orchestration.stuck-work`): tasks nobody takes, tasks a worker holds and does not move,
 * and dead-lettered events. A task's wait (queued since, held since its last move) is raised once, and again each time
 * someone resolved it and the task still waits its stall limit later (`raiseRepeating`: the next generation of its
 * case key, one open at a time, concurrent scans insert it once); a dead letter is raised once (its case key), again
 * when it waits again after its exception was resolved (dead-lettered again: more attempts), and one replayed elsewhere
 * (GET /dead-letters' replay) clears its exception.
 * Reservation shortages are raised by their event, stalled orders by their fulfilment saga.
 */
export function stuckWorkScan(deps: PlatformDeps, exceptions: ExceptionService, ports: Pick<ExceptionPorts, 'deadLetters'>, o: StuckWorkOptions) {
  return async (): Promise<number> => {
    let raised = 0;
    const now = deps.clock.now();
    for (const t of await store.tasksQueuedBefore(deps.db, new Date(now.getTime() - o.taskStallMs))) {
      const waited = Math.round((now.getTime() - t.queued_at.getTime()) / 1000);
      const { raised: x } = await exceptions.raiseRepeatingNow({
        kind: 'TASK_NOT_STARTED', caseKey: `${t.task_id}:${t.queued_at.toISOString()}`, subject: t.task_id, siteId: t.site_id,
        reason: `${t.type} task ${t.task_id} (${t.reference}) has waited in the queue for ${waited} s, nobody has taken it (limit ${Math.round(o.taskStallMs / 1000)} s)`,
        details: { taskId: t.task_id, type: t.type, reference: t.reference, queuedAt: t.queued_at.toISOString() },
      }, o.taskStallMs);
      if (x !== undefined) raised++;
    }
    // A task a worker holds (in progress or paused) and does not move: the worker went home, the handheld died.
    for (const t of await store.tasksWorkingBefore(deps.db, new Date(now.getTime() - o.taskWorkStallMs))) {
      const held = Math.round((now.getTime() - t.since.getTime()) / 1000);
      const { raised: x } = await exceptions.raiseRepeatingNow({
        kind: 'TASK_NOT_FINISHED', caseKey: `${t.task_id}:${t.since.toISOString()}`, subject: t.task_id, siteId: t.site_id,
        reason: `${t.type} task ${t.task_id} (${t.reference}) has been ${t.status} with ${t.worker_id ?? 'no worker'} for ${held} s without a move `
          + `(limit ${Math.round(o.taskWorkStallMs / 1000)} s): the worker resumes or completes it; someone else finishes its work by scan `
          + '(a supervisor confirms or shorts the pick list\'s lines), which completes it; or its work is withdrawn (cancel the order, '
          + 'replenishment, putaway or return to stock, reject the count), which cancels it',
        details: { taskId: t.task_id, type: t.type, reference: t.reference, status: t.status, workerId: t.worker_id, since: t.since.toISOString() },
      }, o.taskWorkStallMs);
      if (x !== undefined) raised++;
    }
    const dead = ports.deadLetters;
    if (dead !== undefined) {
      const open = await dead.open();
      for (const l of open) {
        const raise = (caseKey: string, also: string, details: Record<string, unknown>) => exceptions.raiseNow({
          kind: 'DEAD_LETTER', caseKey, subject: l.id, siteId: l.siteId,
          reason: `Event ${l.type} (${l.eventId}) failed every delivery to ${l.consumer}: ${l.lastError.slice(0, 300)}${also}`,
          details: { deadLetterId: l.id, consumer: l.consumer, type: l.type, eventId: l.eventId, attempts: l.attempts, ...(l.about === undefined ? {} : { event: l.about }), ...details },
        });
        if (await raise(l.id, '', {}) !== undefined) {
          raised++;
          continue;
        }
        // Raised before: waiting again after its exception was resolved (discarded, then a replay from /dead-letters that
        // failed: dead-lettered again, its attempts grown) is a new case, or it would wait unseen, counted by
        // paklog_dead_letters and nowhere in the queue (exc8). One read before a replay or a discard resolved it (this
        // scan's list is older) has the attempts its exception recorded: not raised again.
        const latest = (await store.generationsOf(deps.db, 'DEAD_LETTER', l.id, l.id))[0];
        const seen = latest?.exception.details.attempts;
        if (latest === undefined || latest.exception.status === 'OPEN' || typeof seen !== 'number' || l.attempts <= seen) continue;
        const last = latest.exception;
        const x = await raise(`${l.id}#${latest.generation + 1}`, `; dead-lettered again after ${last.id} was resolved (${last.resolution ?? ''}${last.resolvedBy === null ? '' : ` by ${last.resolvedBy}`})`,
          { previousExceptionId: last.id });
        if (x !== undefined) raised++;
      }
      const stillOpen = new Set(open.map((l) => l.id));
      for (const x of await exceptions.openOfKind(deps.db, 'DEAD_LETTER')) {
        if (!stillOpen.has(x.subject)) await exceptions.clearNow(['DEAD_LETTER'], x.subject, 'the dead letter was replayed');
      }
    }
    return raised;
  };
}
