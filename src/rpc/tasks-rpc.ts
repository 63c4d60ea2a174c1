import type { Logger } from 'pino';
import { TASK_STATUSES, type TaskCommands, type TaskStatus } from '../contracts/tasks.ts';
import { AppError, errorSpec, reject, type Outcome } from '../platform/errors.ts';
import type { RpcChannel } from '../platform/rpc/rpc-client.ts';
import { unaryHandler, type RpcService } from '../platform/rpc/rpc-server.ts';
import type { TaskCommandServiceDefinition, TaskCommandServiceHandlers } from './generated/paklog/tasks/v1/TaskCommandService.ts';
import type { TaskAnswer__Output } from './generated/paklog/tasks/v1/TaskAnswer.ts';
import { eventMeta, metaMessage } from './event-meta.ts';
import { paklogServices } from './protos.ts';

const isTaskStatus = (s: string): s is TaskStatus => (TASK_STATUSES as readonly string[]).includes(s);

/** A refused command is the call's error, with its contract code (the client turns it back into the refusal). */
function answered<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new AppError(outcome.code, outcome.message, outcome.errors === undefined ? {} : { errors: outcome.errors });
  return outcome.value;
}

/** Tasks' commands (the exception actions' reprioritise and requeue) served as `paklog.tasks.v1.TaskCommandService`. */
export function taskCommandService(commands: TaskCommands, log: Logger): RpcService {
  const implementation: TaskCommandServiceHandlers = {
    Reprioritise: unaryHandler(log, async (req) => answered(await commands.reprioritise(req.taskId, req.priority, eventMeta(req.meta)))),
    Requeue: unaryHandler(log, async (req) => answered(await commands.requeue(req.taskId, req.by, eventMeta(req.meta)))),
  };
  return { name: 'paklog.tasks.v1.TaskCommandService', definition: paklogServices().taskCommands, implementation };
}

/** The answer's status, checked: a status this version does not know is the remote's fault, not a refusal. */
function statusOf(res: TaskAnswer__Output, method: string): TaskStatus {
  if (!isTaskStatus(res.status)) throw new AppError('INTERNAL', `${method} answered an unknown task status ${res.status}`);
  return res.status;
}

/**
 * TaskCommands over gRPC. A refusal the remote answered (NOT_FOUND, ILLEGAL_TRANSITION, …: an AppError of a 4xx
 * code) comes back as the same refusal; an unreachable remote stays an error (503 UNAVAILABLE for the caller).
 */
export function taskCommandClient(channel: RpcChannel, service: TaskCommandServiceDefinition = paklogServices().taskCommands): TaskCommands {
  async function refusalOr<T>(call: () => Promise<T>): Promise<Outcome<T>> {
    try {
      return { ok: true, value: await call() };
    } catch (error) {
      if (error instanceof AppError && errorSpec(error.code).status < 500) return reject(error.code, error.message, error.errors.length === 0 ? undefined : error.errors);
      throw error;
    }
  }
  return {
    reprioritise: (taskId, priority, meta) => refusalOr(async () => {
      const res = await channel.call(service.Reprioritise, { taskId, priority, meta: metaMessage(meta) });
      return { taskId: res.taskId, priority: res.priority ?? priority, status: statusOf(res, 'Reprioritise') };
    }),
    requeue: (taskId, by, meta) => refusalOr(async () => {
      const res = await channel.call(service.Requeue, { taskId, by, meta: metaMessage(meta) });
      return { taskId: res.taskId, status: statusOf(res, 'Requeue') };
    }),
  };
}
