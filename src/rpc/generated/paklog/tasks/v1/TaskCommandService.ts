// Original file: paklog/tasks/v1/tasks.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ReprioritiseRequest as _paklog_tasks_v1_ReprioritiseRequest, ReprioritiseRequest__Output as _paklog_tasks_v1_ReprioritiseRequest__Output } from '../../../paklog/tasks/v1/ReprioritiseRequest.ts';
import type { RequeueRequest as _paklog_tasks_v1_RequeueRequest, RequeueRequest__Output as _paklog_tasks_v1_RequeueRequest__Output } from '../../../paklog/tasks/v1/RequeueRequest.ts';
import type { TaskAnswer as _paklog_tasks_v1_TaskAnswer, TaskAnswer__Output as _paklog_tasks_v1_TaskAnswer__Output } from '../../../paklog/tasks/v1/TaskAnswer.ts';

export interface TaskCommandServiceClient extends grpc.Client {
  /**
   * Gives a task not yet started a new priority (1 is the most urgent).
   */
  Reprioritise(argument: _paklog_tasks_v1_ReprioritiseRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_tasks_v1_TaskAnswer__Output>): grpc.ClientUnaryCall;
  Reprioritise(argument: _paklog_tasks_v1_ReprioritiseRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_tasks_v1_TaskAnswer__Output>): grpc.ClientUnaryCall;
  Reprioritise(argument: _paklog_tasks_v1_ReprioritiseRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_tasks_v1_TaskAnswer__Output>): grpc.ClientUnaryCall;
  Reprioritise(argument: _paklog_tasks_v1_ReprioritiseRequest, callback: grpc.requestCallback<_paklog_tasks_v1_TaskAnswer__Output>): grpc.ClientUnaryCall;
  /**
   * Gives a task not yet started a new priority (1 is the most urgent).
   */
  reprioritise(argument: _paklog_tasks_v1_ReprioritiseRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_tasks_v1_TaskAnswer__Output>): grpc.ClientUnaryCall;
  reprioritise(argument: _paklog_tasks_v1_ReprioritiseRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_tasks_v1_TaskAnswer__Output>): grpc.ClientUnaryCall;
  reprioritise(argument: _paklog_tasks_v1_ReprioritiseRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_tasks_v1_TaskAnswer__Output>): grpc.ClientUnaryCall;
  reprioritise(argument: _paklog_tasks_v1_ReprioritiseRequest, callback: grpc.requestCallback<_paklog_tasks_v1_TaskAnswer__Output>): grpc.ClientUnaryCall;
  
  /**
   * Puts a FAILED task back in the queue with its failure count reset.
   */
  Requeue(argument: _paklog_tasks_v1_RequeueRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_tasks_v1_TaskAnswer__Output>): grpc.ClientUnaryCall;
  Requeue(argument: _paklog_tasks_v1_RequeueRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_tasks_v1_TaskAnswer__Output>): grpc.ClientUnaryCall;
  Requeue(argument: _paklog_tasks_v1_RequeueRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_tasks_v1_TaskAnswer__Output>): grpc.ClientUnaryCall;
  Requeue(argument: _paklog_tasks_v1_RequeueRequest, callback: grpc.requestCallback<_paklog_tasks_v1_TaskAnswer__Output>): grpc.ClientUnaryCall;
  /**
   * Puts a FAILED task back in the queue with its failure count reset.
   */
  requeue(argument: _paklog_tasks_v1_RequeueRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_tasks_v1_TaskAnswer__Output>): grpc.ClientUnaryCall;
  requeue(argument: _paklog_tasks_v1_RequeueRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_tasks_v1_TaskAnswer__Output>): grpc.ClientUnaryCall;
  requeue(argument: _paklog_tasks_v1_RequeueRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_tasks_v1_TaskAnswer__Output>): grpc.ClientUnaryCall;
  requeue(argument: _paklog_tasks_v1_RequeueRequest, callback: grpc.requestCallback<_paklog_tasks_v1_TaskAnswer__Output>): grpc.ClientUnaryCall;
  
}

export interface TaskCommandServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Gives a task not yet started a new priority (1 is the most urgent).
   */
  Reprioritise: grpc.handleUnaryCall<_paklog_tasks_v1_ReprioritiseRequest__Output, _paklog_tasks_v1_TaskAnswer>;
  
  /**
   * Puts a FAILED task back in the queue with its failure count reset.
   */
  Requeue: grpc.handleUnaryCall<_paklog_tasks_v1_RequeueRequest__Output, _paklog_tasks_v1_TaskAnswer>;
  
}

export interface TaskCommandServiceDefinition extends grpc.ServiceDefinition {
  Reprioritise: MethodDefinition<_paklog_tasks_v1_ReprioritiseRequest, _paklog_tasks_v1_TaskAnswer, _paklog_tasks_v1_ReprioritiseRequest__Output, _paklog_tasks_v1_TaskAnswer__Output>
  Requeue: MethodDefinition<_paklog_tasks_v1_RequeueRequest, _paklog_tasks_v1_TaskAnswer, _paklog_tasks_v1_RequeueRequest__Output, _paklog_tasks_v1_TaskAnswer__Output>
}
