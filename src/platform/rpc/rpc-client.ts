import { setTimeout as sleep } from 'node:timers/promises';
import { Client, credentials, Metadata, status, type ChannelOptions, type ServiceError } from '@grpc/grpc-js';
import { AppError } from '../errors.ts';
import { fromGrpcError, isServiceError, isUnreachable } from './rpc-errors.ts';

/** The part of a generated method definition a unary call needs; inferred from it, so calls stay typed. */
export interface UnaryMethod<Req, Res> {
  readonly path: string;
  requestSerialize(value: Req): Buffer;
  responseDeserialize(bytes: Buffer): Res;
}

export interface RpcCallPolicy {
  /** Time for the whole call, retries included; past it the call fails with UNAVAILABLE. Default 5 s. */
  readonly deadlineMs?: number;
  /** First pause before a retry; doubled each time up to `maxBackoffMs`, with jitter. Default 50 ms. */
  readonly firstBackoffMs?: number;
  /** Longest pause between two attempts. Default 1 s. */
  readonly maxBackoffMs?: number;
}

export interface RpcChannel {
  /** One unary call with the channel's deadline, retried while the remote is UNAVAILABLE and time remains. */
  call<Req, Res>(method: UnaryMethod<Req, Res>, request: Req, metadata?: Metadata): Promise<Res>;
  close(): void;
}

/**
 * Channel options: a dropped connection is tried again after 100 ms rising to 1 s (grpc-js waits 1 s rising to
 * 2 min by default, longer than a whole call may take, so a peer that restarts would be noticed too late); keepalive
 * pings notice a peer that vanished without closing its connections.
 */
export const CHANNEL_OPTIONS: ChannelOptions = {
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1_000,
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
};

/**
 * A channel to `target` (`host:port`). Only UNAVAILABLE from the transport (no PakLog error code in the trailers) is
 * retried: the remote is down, restarting or unreachable, and another try may find it back. Usually the call never
 * reached an implementation, but a connection lost mid-call is UNAVAILABLE too, so only idempotent methods belong
 * behind this channel (every contract API method is a query, or idempotent like `stopShipping`). Every other status,
 * a 503 AppError such as BUSY included, is the remote's answer and is re-thrown as the AppError it sent.
 * DEADLINE_EXCEEDED is not retried (the time is up) and becomes UNAVAILABLE, as a remote that stays down does.
 */
export function rpcChannel(target: string, policy: RpcCallPolicy = {}): RpcChannel {
  const deadlineMs = policy.deadlineMs ?? 5_000;
  const firstBackoffMs = policy.firstBackoffMs ?? 50;
  const maxBackoffMs = policy.maxBackoffMs ?? 1_000;
  const client = new Client(target, credentials.createInsecure(), CHANNEL_OPTIONS);

  const attempt = <Req, Res>(method: UnaryMethod<Req, Res>, request: Req, metadata: Metadata, deadline: number): Promise<Res> =>
    new Promise<Res>((resolve, reject) => {
      client.makeUnaryRequest(method.path, (v: Req) => method.requestSerialize(v), (b: Buffer) => method.responseDeserialize(b), request, metadata, { deadline },
        (error: ServiceError | null, response?: Res) => (error === null && response !== undefined ? resolve(response) : reject(error ?? new Error(`${method.path}: no response`))));
    });

  return {
    async call<Req, Res>(method: UnaryMethod<Req, Res>, request: Req, metadata = new Metadata()): Promise<Res> {
      const deadline = Date.now() + deadlineMs;
      let backoff = firstBackoffMs;
      for (let tries = 1; ; tries++) {
        try {
          return await attempt(method, request, metadata, deadline);
        } catch (error) {
          if (!isServiceError(error)) throw error;
          const left = deadline - Date.now();
          // A PakLog error the remote sent (even a 503 like BUSY) is its answer, re-thrown for the caller to judge.
          if (error.code !== status.UNAVAILABLE || !isUnreachable(error) || left <= 0) {
            if (isUnreachable(error)) {
              throw new AppError('UNAVAILABLE', `${method.path}: ${target} did not answer within ${deadlineMs} ms (${tries} attempts; last: ${status[error.code]} ${error.details})`, { retryable: true, cause: error });
            }
            throw fromGrpcError(error, method.path);
          }
          // Full jitter (a random pause up to the backoff) keeps callers that failed together from retrying together.
          await sleep(Math.min(left, Math.random() * backoff));
          backoff = Math.min(maxBackoffMs, backoff * 2);
        }
      }
    },
    close: () => client.close(),
  };
}
