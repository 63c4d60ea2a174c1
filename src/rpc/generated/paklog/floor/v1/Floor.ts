// Original file: paklog/floor/v1/floor.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CompleteTaskRequest as _paklog_floor_v1_CompleteTaskRequest, CompleteTaskRequest__Output as _paklog_floor_v1_CompleteTaskRequest__Output } from '../../../paklog/floor/v1/CompleteTaskRequest.ts';
import type { ConfirmPickRequest as _paklog_floor_v1_ConfirmPickRequest, ConfirmPickRequest__Output as _paklog_floor_v1_ConfirmPickRequest__Output } from '../../../paklog/floor/v1/ConfirmPickRequest.ts';
import type { GetPickListRequest as _paklog_floor_v1_GetPickListRequest, GetPickListRequest__Output as _paklog_floor_v1_GetPickListRequest__Output } from '../../../paklog/floor/v1/GetPickListRequest.ts';
import type { NextTaskRequest as _paklog_floor_v1_NextTaskRequest, NextTaskRequest__Output as _paklog_floor_v1_NextTaskRequest__Output } from '../../../paklog/floor/v1/NextTaskRequest.ts';
import type { NextTaskResponse as _paklog_floor_v1_NextTaskResponse, NextTaskResponse__Output as _paklog_floor_v1_NextTaskResponse__Output } from '../../../paklog/floor/v1/NextTaskResponse.ts';
import type { PickList as _paklog_floor_v1_PickList, PickList__Output as _paklog_floor_v1_PickList__Output } from '../../../paklog/floor/v1/PickList.ts';
import type { ShortPickRequest as _paklog_floor_v1_ShortPickRequest, ShortPickRequest__Output as _paklog_floor_v1_ShortPickRequest__Output } from '../../../paklog/floor/v1/ShortPickRequest.ts';
import type { StartTaskRequest as _paklog_floor_v1_StartTaskRequest, StartTaskRequest__Output as _paklog_floor_v1_StartTaskRequest__Output } from '../../../paklog/floor/v1/StartTaskRequest.ts';
import type { Task as _paklog_floor_v1_Task, Task__Output as _paklog_floor_v1_Task__Output } from '../../../paklog/floor/v1/Task.ts';

/**
 * The handheld's loop: next task → start → confirm (or short) each line of its pick list → complete.
 */
export interface FloorClient extends grpc.Client {
  /**
   * POST /tasks/{id}/complete (IN_PROGRESS → COMPLETED).
   */
  CompleteTask(argument: _paklog_floor_v1_CompleteTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  CompleteTask(argument: _paklog_floor_v1_CompleteTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  CompleteTask(argument: _paklog_floor_v1_CompleteTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  CompleteTask(argument: _paklog_floor_v1_CompleteTaskRequest, callback: grpc.requestCallback<_paklog_floor_v1_Task__Output>): grpc.ClientUnaryCall;
  /**
   * POST /tasks/{id}/complete (IN_PROGRESS → COMPLETED).
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
 * The handheld's loop: next task → start → confirm (or short) each line of its pick list → complete.
 */
export interface FloorHandlers extends grpc.UntypedServiceImplementation {
  /**
   * POST /tasks/{id}/complete (IN_PROGRESS → COMPLETED).
   */
  CompleteTask: grpc.handleUnaryCall<_paklog_floor_v1_CompleteTaskRequest__Output, _paklog_floor_v1_Task>;
  
  /**
   * POST /pick-lists/{id}/lines/{lineId}/confirm: a scan-confirmed pick; answers the pick list.
   */
  ConfirmPick: grpc.handleUnaryCall<_paklog_floor_v1_ConfirmPickRequest__Output, _paklog_floor_v1_PickList>;
  
  /**
   * GET /pick-lists/{id}: the lines in pick sequence.
   */
  GetPickList: grpc.handleUnaryCall<_paklog_floor_v1_GetPickListRequest__Output, _paklog_floor_v1_PickList>;
  
  /**
   * POST /tasks/next: the task the worker holds, else the most urgent queued one of the site; no task when idle.
   */
  NextTask: grpc.handleUnaryCall<_paklog_floor_v1_NextTaskRequest__Output, _paklog_floor_v1_NextTaskResponse>;
  
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
  GetPickList: MethodDefinition<_paklog_floor_v1_GetPickListRequest, _paklog_floor_v1_PickList, _paklog_floor_v1_GetPickListRequest__Output, _paklog_floor_v1_PickList__Output>
  NextTask: MethodDefinition<_paklog_floor_v1_NextTaskRequest, _paklog_floor_v1_NextTaskResponse, _paklog_floor_v1_NextTaskRequest__Output, _paklog_floor_v1_NextTaskResponse__Output>
  ShortPick: MethodDefinition<_paklog_floor_v1_ShortPickRequest, _paklog_floor_v1_PickList, _paklog_floor_v1_ShortPickRequest__Output, _paklog_floor_v1_PickList__Output>
  StartTask: MethodDefinition<_paklog_floor_v1_StartTaskRequest, _paklog_floor_v1_Task, _paklog_floor_v1_StartTaskRequest__Output, _paklog_floor_v1_Task__Output>
}
