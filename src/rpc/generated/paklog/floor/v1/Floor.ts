// Original file: paklog/floor/v1/floor.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CompleteTaskRequest as _paklog_floor_v1_CompleteTaskRequest, CompleteTaskRequest__Output as _paklog_floor_v1_CompleteTaskRequest__Output } from '../../../paklog/floor/v1/CompleteTaskRequest.ts';
import type { ConfirmPickRequest as _paklog_floor_v1_ConfirmPickRequest, ConfirmPickRequest__Output as _paklog_floor_v1_ConfirmPickRequest__Output } from '../../../paklog/floor/v1/ConfirmPickRequest.ts';
import type { FailTaskRequest as _paklog_floor_v1_FailTaskRequest, FailTaskRequest__Output as _paklog_floor_v1_FailTaskRequest__Output } from '../../../paklog/floor/v1/FailTaskRequest.ts';
import type { GetPickListRequest as _paklog_floor_v1_GetPickListRequest, GetPickListRequest__Output as _paklog_floor_v1_GetPickListRequest__Output } from '../../../paklog/floor/v1/GetPickListRequest.ts';
import type { NextTaskRequest as _paklog_floor_v1_NextTaskRequest, NextTaskRequest__Output as _paklog_floor_v1_NextTaskRequest__Output } from '../../../paklog/floor/v1/NextTaskRequest.ts';
import type { NextTaskResponse as _paklog_floor_v1_NextTaskResponse, NextTaskResponse__Output as _paklog_floor_v1_NextTaskResponse__Output } from '../../../paklog/floor/v1/NextTaskResponse.ts';
import type { PauseTaskRequest as _paklog_floor_v1_PauseTaskRequest, PauseTaskRequest__Output as _paklog_floor_v1_PauseTaskRequest__Output } from '../../../paklog/floor/v1/PauseTaskRequest.ts';
import type { PickList as _paklog_floor_v1_PickList, PickList__Output as _paklog_floor_v1_PickList__Output } from '../../../paklog/floor/v1/PickList.ts';
import type { RejectTaskRequest as _paklog_floor_v1_RejectTaskRequest, RejectTaskRequest__Output as _paklog_floor_v1_RejectTaskRequest__Output } from '../../../paklog/floor/v1/RejectTaskRequest.ts';
import type { ResumeTaskRequest as _paklog_floor_v1_ResumeTaskRequest, ResumeTaskRequest__Output as _paklog_floor_v1_ResumeTaskRequest__Output } from '../../../paklog/floor/v1/ResumeTaskRequest.ts';
import type { ShortAtPackRequest as _paklog_floor_v1_ShortAtPackRequest, ShortAtPackRequest__Output as _paklog_floor_v1_ShortAtPackRequest__Output } from '../../../paklog/floor/v1/ShortAtPackRequest.ts';
import type { ShortAtPackResponse as _paklog_floor_v1_ShortAtPackResponse, ShortAtPackResponse__Output as _paklog_floor_v1_ShortAtPackResponse__Output } from '../../../paklog/floor/v1/ShortAtPackResponse.ts';
import type { ShortPickRequest as _paklog_floor_v1_ShortPickRequest, ShortPickRequest__Output as _paklog_floor_v1_ShortPickRequest__Output } from '../../../paklog/floor/v1/ShortPickRequest.ts';
import type { StartTaskRequest as _paklog_floor_v1_StartTaskRequest, StartTaskRequest__Output as _paklog_floor_v1_StartTaskRequest__Output } from '../../../paklog/floor/v1/StartTaskRequest.ts';
import type { Task as _paklog_floor_v1_Task, Task__Output as _paklog_floor_v1_Task__Output } from '../../../paklog/floor/v1/Task.ts';

/**
 * The handheld's loop: next task → start → confirm (or short) each line of its pick list → complete; and its ways out
 * of a task it cannot do: reject (not started), pause and resume, fail (started).
 */
export interface FloorClient extends grpc.Client {
  /**
   * POST /tasks/{id}/complete (IN_PROGRESS → COMPLETED), once the task's work is done: FAILED_PRECONDITION with
   * PICK_LINES_OPEN or TASK_WORK_OPEN while its pick list has open lines or its inventory work is open; TASK_WORK_WITHDRAWN
   * once its work was withdrawn (cancelled).
   */
  CompleteTask(argument: _paklog_floor_v1_CompleteTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  CompleteTask(argument: _paklog_floor_v1_CompleteTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  CompleteTask(argument: _paklog_floor_v1_CompleteTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  CompleteTask(argument: _paklog_floor_v1_CompleteTaskRequest, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  /**
   * POST /tasks/{id}/complete (IN_PROGRESS → COMPLETED), once the task's work is done: FAILED_PRECONDITION with
   * PICK_LINES_OPEN or TASK_WORK_OPEN while its pick list has open lines or its inventory work is open; TASK_WORK_WITHDRAWN
   * once its work was withdrawn (cancelled).
   */
  completeTask(argument: _paklog_floor_v1_CompleteTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  completeTask(argument: _paklog_floor_v1_CompleteTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  completeTask(argument: _paklog_floor_v1_CompleteTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  completeTask(argument: _paklog_floor_v1_CompleteTaskRequest, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  
  /**
   * POST /pick-lists/{id}/lines/{lineId}/confirm: a scan-confirmed pick; answers the pick list.
   */
  ConfirmPick(argument: _paklog_floor_v1_ConfirmPickRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_PickList__Output>): grpc.ClientUnaryCall;
  ConfirmPick(argument: _paklog_floor_v1_ConfirmPickRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_floor_v1_PickList__Output>): grpc.ClientUnaryCall;
  ConfirmPick(argument: _paklog_floor_v1_ConfirmPickRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_PickList__Output>): grpc.ClientUnaryCall;
  ConfirmPick(argument: _paklog_floor_v1_ConfirmPickRequest, callback: grpc.requestCallback<_paklog_floor_v1_PickList__Output>): grpc.ClientUnaryCall;
  /**
   * POST /pick-lists/{id}/lines/{lineId}/confirm: a scan-confirmed pick; answers the pick list.
   */
  confirmPick(argument: _paklog_floor_v1_ConfirmPickRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_PickList__Output>): grpc.ClientUnaryCall;
  confirmPick(argument: _paklog_floor_v1_ConfirmPickRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_floor_v1_PickList__Output>): grpc.ClientUnaryCall;
  confirmPick(argument: _paklog_floor_v1_ConfirmPickRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_PickList__Output>): grpc.ClientUnaryCall;
  confirmPick(argument: _paklog_floor_v1_ConfirmPickRequest, callback: grpc.requestCallback<_paklog_floor_v1_PickList__Output>): grpc.ClientUnaryCall;
  
  /**
   * POST /tasks/{id}/fail (IN_PROGRESS or PAUSED → FAILED): QUEUED again below the failure limit, FAILED at it.
   */
  FailTask(argument: _paklog_floor_v1_FailTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  FailTask(argument: _paklog_floor_v1_FailTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  FailTask(argument: _paklog_floor_v1_FailTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  FailTask(argument: _paklog_floor_v1_FailTaskRequest, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  /**
   * POST /tasks/{id}/fail (IN_PROGRESS or PAUSED → FAILED): QUEUED again below the failure limit, FAILED at it.
   */
  failTask(argument: _paklog_floor_v1_FailTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  failTask(argument: _paklog_floor_v1_FailTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  failTask(argument: _paklog_floor_v1_FailTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  failTask(argument: _paklog_floor_v1_FailTaskRequest, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  
  /**
   * GET /pick-lists/{id}: the lines in pick sequence.
   */
  GetPickList(argument: _paklog_floor_v1_GetPickListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_PickList__Output>): grpc.ClientUnaryCall;
  GetPickList(argument: _paklog_floor_v1_GetPickListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_floor_v1_PickList__Output>): grpc.ClientUnaryCall;
  GetPickList(argument: _paklog_floor_v1_GetPickListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_PickList__Output>): grpc.ClientUnaryCall;
  GetPickList(argument: _paklog_floor_v1_GetPickListRequest, callback: grpc.requestCallback<_paklog_floor_v1_PickList__Output>): grpc.ClientUnaryCall;
  /**
   * GET /pick-lists/{id}: the lines in pick sequence.
   */
  getPickList(argument: _paklog_floor_v1_GetPickListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_PickList__Output>): grpc.ClientUnaryCall;
  getPickList(argument: _paklog_floor_v1_GetPickListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_floor_v1_PickList__Output>): grpc.ClientUnaryCall;
  getPickList(argument: _paklog_floor_v1_GetPickListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_PickList__Output>): grpc.ClientUnaryCall;
  getPickList(argument: _paklog_floor_v1_GetPickListRequest, callback: grpc.requestCallback<_paklog_floor_v1_PickList__Output>): grpc.ClientUnaryCall;
  
  /**
   * POST /tasks/next: the task the worker holds, else the most urgent queued one of the site; no task when idle.
   */
  NextTask(argument: _paklog_floor_v1_NextTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_NextTaskResponse__Output>): grpc.ClientUnaryCall;
  NextTask(argument: _paklog_floor_v1_NextTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_floor_v1_NextTaskResponse__Output>): grpc.ClientUnaryCall;
  NextTask(argument: _paklog_floor_v1_NextTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_NextTaskResponse__Output>): grpc.ClientUnaryCall;
  NextTask(argument: _paklog_floor_v1_NextTaskRequest, callback: grpc.requestCallback<_paklog_floor_v1_NextTaskResponse__Output>): grpc.ClientUnaryCall;
  /**
   * POST /tasks/next: the task the worker holds, else the most urgent queued one of the site; no task when idle.
   */
  nextTask(argument: _paklog_floor_v1_NextTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_NextTaskResponse__Output>): grpc.ClientUnaryCall;
  nextTask(argument: _paklog_floor_v1_NextTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_floor_v1_NextTaskResponse__Output>): grpc.ClientUnaryCall;
  nextTask(argument: _paklog_floor_v1_NextTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_NextTaskResponse__Output>): grpc.ClientUnaryCall;
  nextTask(argument: _paklog_floor_v1_NextTaskRequest, callback: grpc.requestCallback<_paklog_floor_v1_NextTaskResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * POST /tasks/{id}/pause (IN_PROGRESS → PAUSED): still the worker's, but no longer counted toward their max tasks.
   */
  PauseTask(argument: _paklog_floor_v1_PauseTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  PauseTask(argument: _paklog_floor_v1_PauseTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  PauseTask(argument: _paklog_floor_v1_PauseTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  PauseTask(argument: _paklog_floor_v1_PauseTaskRequest, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  /**
   * POST /tasks/{id}/pause (IN_PROGRESS → PAUSED): still the worker's, but no longer counted toward their max tasks.
   */
  pauseTask(argument: _paklog_floor_v1_PauseTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  pauseTask(argument: _paklog_floor_v1_PauseTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  pauseTask(argument: _paklog_floor_v1_PauseTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  pauseTask(argument: _paklog_floor_v1_PauseTaskRequest, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  
  /**
   * POST /tasks/{id}/reject (ASSIGNED → QUEUED): back to the queue, not handed to this worker again for 5 minutes.
   */
  RejectTask(argument: _paklog_floor_v1_RejectTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  RejectTask(argument: _paklog_floor_v1_RejectTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  RejectTask(argument: _paklog_floor_v1_RejectTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  RejectTask(argument: _paklog_floor_v1_RejectTaskRequest, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  /**
   * POST /tasks/{id}/reject (ASSIGNED → QUEUED): back to the queue, not handed to this worker again for 5 minutes.
   */
  rejectTask(argument: _paklog_floor_v1_RejectTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  rejectTask(argument: _paklog_floor_v1_RejectTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  rejectTask(argument: _paklog_floor_v1_RejectTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  rejectTask(argument: _paklog_floor_v1_RejectTaskRequest, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  
  /**
   * POST /tasks/{id}/resume (PAUSED → IN_PROGRESS).
   */
  ResumeTask(argument: _paklog_floor_v1_ResumeTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  ResumeTask(argument: _paklog_floor_v1_ResumeTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  ResumeTask(argument: _paklog_floor_v1_ResumeTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  ResumeTask(argument: _paklog_floor_v1_ResumeTaskRequest, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  /**
   * POST /tasks/{id}/resume (PAUSED → IN_PROGRESS).
   */
  resumeTask(argument: _paklog_floor_v1_ResumeTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  resumeTask(argument: _paklog_floor_v1_ResumeTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  resumeTask(argument: _paklog_floor_v1_ResumeTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  resumeTask(argument: _paklog_floor_v1_ResumeTaskRequest, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  
  /**
   * POST /pack-station/shorts: units of a line waiting to be packed are MISSING or DAMAGED at the pack bench. The
   * answer's picked_again says whether the order ships without them (false) or they are picked again and the order
   * ships complete (true: a shipComplete order, not packed until they are picked; ADR 0024 addendum 2026-12-07).
   */
  ShortAtPack(argument: _paklog_floor_v1_ShortAtPackRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_ShortAtPackResponse__Output>): grpc.ClientUnaryCall;
  ShortAtPack(argument: _paklog_floor_v1_ShortAtPackRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_floor_v1_ShortAtPackResponse__Output>): grpc.ClientUnaryCall;
  ShortAtPack(argument: _paklog_floor_v1_ShortAtPackRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_ShortAtPackResponse__Output>): grpc.ClientUnaryCall;
  ShortAtPack(argument: _paklog_floor_v1_ShortAtPackRequest, callback: grpc.requestCallback<_paklog_floor_v1_ShortAtPackResponse__Output>): grpc.ClientUnaryCall;
  /**
   * POST /pack-station/shorts: units of a line waiting to be packed are MISSING or DAMAGED at the pack bench. The
   * answer's picked_again says whether the order ships without them (false) or they are picked again and the order
   * ships complete (true: a shipComplete order, not packed until they are picked; ADR 0024 addendum 2026-12-07).
   */
  shortAtPack(argument: _paklog_floor_v1_ShortAtPackRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_ShortAtPackResponse__Output>): grpc.ClientUnaryCall;
  shortAtPack(argument: _paklog_floor_v1_ShortAtPackRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_floor_v1_ShortAtPackResponse__Output>): grpc.ClientUnaryCall;
  shortAtPack(argument: _paklog_floor_v1_ShortAtPackRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_ShortAtPackResponse__Output>): grpc.ClientUnaryCall;
  shortAtPack(argument: _paklog_floor_v1_ShortAtPackRequest, callback: grpc.requestCallback<_paklog_floor_v1_ShortAtPackResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * POST /pick-lists/{id}/lines/{lineId}/short: closes a line short; answers the pick list.
   */
  ShortPick(argument: _paklog_floor_v1_ShortPickRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_PickList__Output>): grpc.ClientUnaryCall;
  ShortPick(argument: _paklog_floor_v1_ShortPickRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_floor_v1_PickList__Output>): grpc.ClientUnaryCall;
  ShortPick(argument: _paklog_floor_v1_ShortPickRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_PickList__Output>): grpc.ClientUnaryCall;
  ShortPick(argument: _paklog_floor_v1_ShortPickRequest, callback: grpc.requestCallback<_paklog_floor_v1_PickList__Output>): grpc.ClientUnaryCall;
  /**
   * POST /pick-lists/{id}/lines/{lineId}/short: closes a line short; answers the pick list.
   */
  shortPick(argument: _paklog_floor_v1_ShortPickRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_PickList__Output>): grpc.ClientUnaryCall;
  shortPick(argument: _paklog_floor_v1_ShortPickRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_floor_v1_PickList__Output>): grpc.ClientUnaryCall;
  shortPick(argument: _paklog_floor_v1_ShortPickRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_PickList__Output>): grpc.ClientUnaryCall;
  shortPick(argument: _paklog_floor_v1_ShortPickRequest, callback: grpc.requestCallback<_paklog_floor_v1_PickList__Output>): grpc.ClientUnaryCall;
  
  /**
   * POST /tasks/{id}/start (ASSIGNED → IN_PROGRESS).
   */
  StartTask(argument: _paklog_floor_v1_StartTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  StartTask(argument: _paklog_floor_v1_StartTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  StartTask(argument: _paklog_floor_v1_StartTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  StartTask(argument: _paklog_floor_v1_StartTaskRequest, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  /**
   * POST /tasks/{id}/start (ASSIGNED → IN_PROGRESS).
   */
  startTask(argument: _paklog_floor_v1_StartTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  startTask(argument: _paklog_floor_v1_StartTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  startTask(argument: _paklog_floor_v1_StartTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  startTask(argument: _paklog_floor_v1_StartTaskRequest, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  
}

/**
 * The handheld's loop: next task → start → confirm (or short) each line of its pick list → complete; and its ways out
 * of a task it cannot do: reject (not started), pause and resume, fail (started).
 */
export interface FloorHandlers extends grpc.UntypedServiceImplementation {
  /**
   * POST /tasks/{id}/complete (IN_PROGRESS → COMPLETED), once the task's work is done: FAILED_PRECONDITION with
   * PICK_LINES_OPEN or TASK_WORK_OPEN while its pick list has open lines or its inventory work is open; TASK_WORK_WITHDRAWN
   * once its work was withdrawn (cancelled).
   */
  CompleteTask: grpc.handleUnaryCall<_paklog_floor_v1_CompleteTaskRequest__Output, _paklog_floor_v1_Task>;
  
  /**
   * POST /pick-lists/{id}/lines/{lineId}/confirm: a scan-confirmed pick; answers the pick list.
   */
  ConfirmPick: grpc.handleUnaryCall<_paklog_floor_v1_ConfirmPickRequest__Output, _paklog_floor_v1_PickList>;
  
  /**
   * POST /tasks/{id}/fail (IN_PROGRESS or PAUSED → FAILED): QUEUED again below the failure limit, FAILED at it.
   */
  FailTask: grpc.handleUnaryCall<_paklog_floor_v1_FailTaskRequest__Output, _paklog_floor_v1_Task>;
  
  /**
   * GET /pick-lists/{id}: the lines in pick sequence.
   */
  GetPickList: grpc.handleUnaryCall<_paklog_floor_v1_GetPickListRequest__Output, _paklog_floor_v1_PickList>;
  
  /**
   * POST /tasks/next: the task the worker holds, else the most urgent queued one of the site; no task when idle.
   */
  NextTask: grpc.handleUnaryCall<_paklog_floor_v1_NextTaskRequest__Output, _paklog_floor_v1_NextTaskResponse>;
  
  /**
   * POST /tasks/{id}/pause (IN_PROGRESS → PAUSED): still the worker's, but no longer counted toward their max tasks.
   */
  PauseTask: grpc.handleUnaryCall<_paklog_floor_v1_PauseTaskRequest__Output, _paklog_floor_v1_Task>;
  
  /**
   * POST /tasks/{id}/reject (ASSIGNED → QUEUED): back to the queue, not handed to this worker again for 5 minutes.
   */
  RejectTask: grpc.handleUnaryCall<_paklog_floor_v1_RejectTaskRequest__Output, _paklog_floor_v1_Task>;
  
  /**
   * POST /tasks/{id}/resume (PAUSED → IN_PROGRESS).
   */
  ResumeTask: grpc.handleUnaryCall<_paklog_floor_v1_ResumeTaskRequest__Output, _paklog_floor_v1_Task>;
  
  /**
   * POST /pack-station/shorts: units of a line waiting to be packed are MISSING or DAMAGED at the pack bench. The
   * answer's picked_again says whether the order ships without them (false) or they are picked again and the order
   * ships complete (true: a shipComplete order, not packed until they are picked; ADR 0024 addendum 2026-12-07).
   */
  ShortAtPack: grpc.handleUnaryCall<_paklog_floor_v1_ShortAtPackRequest__Output, _paklog_floor_v1_ShortAtPackResponse>;
  
  /**
   * POST /pick-lists/{id}/lines/{lineId}/short: closes a line short; answers the pick list.
   */
  ShortPick: grpc.handleUnaryCall<_paklog_floor_v1_ShortPickRequest__Output, _paklog_floor_v1_PickList>;
  
  /**
   * POST /tasks/{id}/start (ASSIGNED → IN_PROGRESS).
   */
  StartTask: grpc.handleUnaryCall<_paklog_floor_v1_StartTaskRequest__Output, _paklog_floor_v1_Task>;
  
}

export interface FloorDefinition extends grpc.ServiceDefinition {
  CompleteTask: MethodDefinition<_paklog_floor_v1_CompleteTaskRequest, _paklog_floor_v1_Task, _paklog_floor_v1_CompleteTaskRequest__Output, _paklog_floor_v1_Task__Output>
  ConfirmPick: MethodDefinition<_paklog_floor_v1_ConfirmPickRequest, _paklog_floor_v1_PickList, _paklog_floor_v1_ConfirmPickRequest__Output, _paklog_floor_v1_PickList__Output>
  FailTask: MethodDefinition<_paklog_floor_v1_FailTaskRequest, _paklog_floor_v1_Task, _paklog_floor_v1_FailTaskRequest__Output, _paklog_floor_v1_Task__Output>
  GetPickList: MethodDefinition<_paklog_floor_v1_GetPickListRequest, _paklog_floor_v1_PickList, _paklog_floor_v1_GetPickListRequest__Output, _paklog_floor_v1_PickList__Output>
  NextTask: MethodDefinition<_paklog_floor_v1_NextTaskRequest, _paklog_floor_v1_NextTaskResponse, _paklog_floor_v1_NextTaskRequest__Output, _paklog_floor_v1_NextTaskResponse__Output>
  PauseTask: MethodDefinition<_paklog_floor_v1_PauseTaskRequest, _paklog_floor_v1_Task, _paklog_floor_v1_PauseTaskRequest__Output, _paklog_floor_v1_Task__Output>
  RejectTask: MethodDefinition<_paklog_floor_v1_RejectTaskRequest, _paklog_floor_v1_Task, _paklog_floor_v1_RejectTaskRequest__Output, _paklog_floor_v1_Task__Output>
  ResumeTask: MethodDefinition<_paklog_floor_v1_ResumeTaskRequest, _paklog_floor_v1_Task, _paklog_floor_v1_ResumeTaskRequest__Output, _paklog_floor_v1_Task__Output>
  ShortAtPack: MethodDefinition<_paklog_floor_v1_ShortAtPackRequest, _paklog_floor_v1_ShortAtPackResponse, _paklog_floor_v1_ShortAtPackRequest__Output, _paklog_floor_v1_ShortAtPackResponse__Output>
  ShortPick: MethodDefinition<_paklog_floor_v1_ShortPickRequest, _paklog_floor_v1_PickList, _paklog_floor_v1_ShortPickRequest__Output, _paklog_floor_v1_PickList__Output>
  StartTask: MethodDefinition<_paklog_floor_v1_StartTaskRequest, _paklog_floor_v1_Task, _paklog_floor_v1_StartTaskRequest__Output, _paklog_floor_v1_Task__Output>
}
