import type { ServerOptions } from 'node:http2';
import { type Metadata, Server, ServerCredentials, status, type handleUnaryCall, ServerInterceptingCall, type ServerInterceptor, type MethodDefinition, type sendUnaryData, type ServerUnaryCall, type ServiceDefinition, type ServiceError, type UntypedHandleCall, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, type ServingStatusMap } from 'grpc-health-check';
import type { Logger } from 'pino';
import { AppError } from '../errors.ts';
import { ERROR_CODE_KEY, toGrpcStatus } from './rpc-errors.ts';
import { warmCodecs } from './warm-codecs.ts';

/** One gRPC service: its full name (`paklog.catalog.v1.CatalogService`), definition and handlers. */
export interface RpcService {
  readonly name: string;
  readonly definition: ServiceDefinition;
  readonly implementation: UntypedServiceImplementation;
}

export interface RpcServer {
  /** The bound port (the one asked for, or the one the OS chose for port 0). */
  readonly port: number;
  /** Stops accepting calls, lets running ones finish for up to `graceMs`, then cuts them. */
  close(graceMs?: number): Promise<void>;
}

/**
 * A unary handler around an async function: its value is the answer, an error it throws becomes the status
 * `toGrpcStatus` makes (faults are logged here, since their message does not travel).
 */
export function unaryHandler<Req, Res>(log: Logger, run: (request: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    run(call.request, call).then(
      (response) => callback(null, response),
      (error: unknown) => {
        const answer = toGrpcStatus(error);
        if (answer.code === status.INTERNAL) log.error({ err: error, method: call.getPath() }, 'rpc call failed');
        callback({ ...answer, name: 'RpcError', message: answer.details ?? '' });
      },
    );
  };
}

/** U+FFFD as UTF-8: what a decoder puts in place of bytes that are no UTF-8. */
const REPLACEMENT_BYTES = Buffer.from('\uFFFD', 'utf8');

/** How many times `needle` occurs in `bytes`. */
function countOf(bytes: Buffer, needle: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(needle); i !== -1; i = bytes.indexOf(needle, i + needle.length)) n++;
  return n;
}

/** How many U+FFFD the strings of a decoded message hold (nested messages and lists included). */
function replacementsIn(value: unknown, depth = 0): number {
  if (typeof value === 'string') {
    let n = 0;
    for (let i = value.indexOf('\uFFFD'); i !== -1; i = value.indexOf('\uFFFD', i + 1)) n++;
    return n;
  }
  if (depth > 64 || typeof value !== 'object' || value === null || Buffer.isBuffer(value)) return 0;
  let n = 0;
  for (const v of Array.isArray(value) ? value : Object.values(value)) n += replacementsIn(v, depth + 1);
  return n;
}

/** What a request that does not decode as its message type is replaced by, for the handler wrapper to refuse. */
const UNDECODABLE = Symbol('undecodable request');

/**
 * A handler's own answer to a request that did not decode, set as a property of the handler: it gets the method's
 * empty message (every field unset) and the INVALID_ARGUMENT refusal, and answers `callback` itself. The public API
 * checks the caller first with it (an anonymous call is UNAUTHENTICATED whatever its bytes, as over REST); a handler
 * without one answers the refusal at once (the contract APIs: no credentials).
 */
export const ON_UNDECODABLE = Symbol('on undecodable request');
export type UndecodableHandler = (
  call: ServerUnaryCall<unknown, unknown>, empty: unknown, refusal: ServiceError, callback: sendUnaryData<unknown>,
) => void;

/**
 * The service with requests that do not decode (bytes that are no message of the method's type) refused as
 * INVALID_ARGUMENT with code VALIDATION_FAILED, like any bad input, rather than grpc-js's INTERNAL "Error
 * deserializing request" (found by the fuzzer, ADR 0044). Streaming methods are left as they are.
 */
export function refusingUndecodable(definition: ServiceDefinition, implementation: UntypedServiceImplementation): { definition: ServiceDefinition; implementation: UntypedServiceImplementation } {
  const def: Record<string, MethodDefinition<unknown, unknown>> = {};
  const impl: Record<string, UntypedHandleCall> = { ...implementation };
  for (const [name, method] of Object.entries(definition as Record<string, MethodDefinition<unknown, unknown>>)) {
    const handler = implementation[name] ?? (method.originalName === undefined ? undefined : implementation[method.originalName]);
    if (method.requestStream || method.responseStream || handler === undefined) {
      def[name] = method;
      continue;
    }
    def[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer) => {
        try {
          const request = method.requestDeserialize(bytes);
          // A string field of bytes that are no UTF-8 was decoded with U+FFFD in their place (protobufjs is lenient):
          // refused as REST refuses such text (wellFormedUnicodeHook), not stored as U+FFFD.
          if (replacementsIn(request) > countOf(bytes, REPLACEMENT_BYTES)) return { [UNDECODABLE]: 'a string field is not well-formed UTF-8' };
          return request;
        } catch (error) {
          return { [UNDECODABLE]: error instanceof Error ? error.message : String(error) };
        }
      },
    };
    const unary = handler as handleUnaryCall<unknown, unknown>;
    const wrapped: handleUnaryCall<unknown, unknown> = (call, callback: sendUnaryData<unknown>) => {
      const request = call.request as Record<symbol, unknown> | null;
      if (typeof request === 'object' && request !== null && UNDECODABLE in request) {
        const answer = toGrpcStatus(new AppError('VALIDATION_FAILED', `The request is not a valid message of ${call.getPath()}: ${String(request[UNDECODABLE])}`));
        const refusal = { ...answer, name: 'RpcError', message: answer.details ?? '' } as ServiceError;
        const own = (unary as { [ON_UNDECODABLE]?: UndecodableHandler })[ON_UNDECODABLE];
        if (own === undefined) callback(refusal);
        else own(call, method.requestDeserialize(Buffer.alloc(0)), refusal, callback);
        return;
      }
      unary(call, callback);
    };
    impl[name] = wrapped;
    if (method.originalName !== undefined) impl[method.originalName] = wrapped;
  }
  return { definition: def, implementation: impl };
}

/** grpc-js's own refusal of a request message over its receive limit (as sent, or once decompressed). */
const TOO_LARGE = /^Received message (larger than max|that decompresses to a size larger than)/;

/**
 * A request message over grpc-js's receive limit (4 MiB) is refused by grpc-js before any handler runs, as
 * RESOURCE_EXHAUSTED without a code: the status this API gives a rate limit, which a client may retry. It is REST's
 * 413 instead: INVALID_ARGUMENT with code PAYLOAD_TOO_LARGE, not retryable (a message of 2 to 4 MiB reaches REST and is
 * refused so already). grpc-js sends that status from the call's innermost object, which the first interceptor is
 * handed: its `sendStatus` is wrapped there; every other status passes unchanged.
 */
export const codedTooLarge: ServerInterceptor = (_method, call) => {
  const send = call.sendStatus.bind(call);
  call.sendStatus = (answer) => {
    const uncoded = answer.metadata === undefined || answer.metadata === null || answer.metadata.get(ERROR_CODE_KEY).length === 0;
    if (answer.code !== status.RESOURCE_EXHAUSTED || !uncoded || !TOO_LARGE.test(answer.details ?? '')) {
      send(answer);
      return;
    }
    const coded = toGrpcStatus(new AppError('PAYLOAD_TOO_LARGE', `The request message is too large: ${answer.details ?? ''}`));
    send({ ...coded, details: coded.details ?? '' });
  };
  // Everything else passes through (an intercepting call without a responder forwards each call as it is).
  return new ServerInterceptingCall(call);
};

/**
 * REST's bound on a request's headers (Node's HTTP/1 parser: 16 KiB), applied to a call's metadata, each entry counted
 * as HTTP/2 counts a header list (RFC 7540 §6.5.2: name and value octets plus 32; a `-bin` value as its base64).
 */
export const MAX_METADATA_BYTES = 16 * 1024;

/**
 * How many header fields Node's HTTP/2 layer takes in one call before it resets the stream itself (its default, 128,
 * answered more than ~120 metadata entries RESOURCE_EXHAUSTED without a code, before any interceptor): well above what
 * fits in MAX_METADATA_BYTES (at least 33 octets an entry), so that such calls reach {@link boundedMetadata}.
 */
const MAX_HEADER_PAIRS = 2_048;

/** The size of a call's metadata as HTTP/2 counts a header list (see MAX_METADATA_BYTES). */
export function metadataBytes(metadata: Metadata): number {
  let bytes = 0;
  for (const [key, values] of Object.entries(metadata.toJSON())) {
    for (const value of values) {
      const octets = typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : Math.ceil(value.length / 3) * 4;
      bytes += key.length + octets + 32;
    }
  }
  return bytes;
}

/**
 * Call metadata over MAX_METADATA_BYTES is refused before any handler runs: INVALID_ARGUMENT with code
 * HEADERS_TOO_LARGE, as REST answers 431 to such headers (it was accepted up to Node's HTTP/2 limits, found by
 * edge9). The refused call's message and half-close are never handed on, so nothing runs. A single value whose HPACK
 * encoding exceeds 64 KiB never reaches PakLog: nghttp2 cannot decode it and resets the stream (COMPRESSION_ERROR, which
 * clients report as INTERNAL) before Node sees the call (docs/api.md).
 */
export const boundedMetadata: ServerInterceptor = (_method, call) => new ServerInterceptingCall(call, {
  start: (next) => next({
    onReceiveMetadata: (metadata, pass) => {
      const bytes = metadataBytes(metadata);
      if (bytes <= MAX_METADATA_BYTES) {
        pass(metadata);
        return;
      }
      const refusal = toGrpcStatus(new AppError('HEADERS_TOO_LARGE', `The call metadata is too large: ${bytes} bytes, at most ${MAX_METADATA_BYTES} (as REST's request headers); nothing was done`));
      call.sendStatus({ ...refusal, details: refusal.details ?? '' });
    },
  }),
});

/**
 * Server reflection (v1 and v1alpha) over `protos`, analysed at its first call rather than at the start: analysing
 * every file descriptor twice (one per version) was ~120 ms of CPU in each process that serves gRPC (docs/performance.md,
 * 2026-12-06 night), and few clients ever ask (grpcurl and friends). Its services are registered at once, from
 * an analysis of no files; their first call builds the full one, whose own handlers then answer every call, through
 * the package's public API only (`addToServer` takes anything with `addService`).
 */
function addReflection(server: Pick<Server, 'addService'>, protos: PackageDefinition, services: readonly string[]): void {
  let handlers: Map<string, UntypedHandleCall> | undefined;
  const handler = (path: string): UntypedHandleCall => {
    if (handlers === undefined) {
      const found = new Map<string, UntypedHandleCall>();
      new ReflectionService(protos, { services: [...services] }).addToServer({
        addService: (definition, implementation) => {
          for (const [name, method] of Object.entries(definition)) found.set(method.path, implementation[name]!);
        },
      });
      handlers = found;
    }
    const h = handlers.get(path);
    if (h === undefined) throw new Error(`no reflection handler for ${path}`);
    return h;
  };
  new ReflectionService({}, { services: [...services] }).addToServer({
    addService: (definition) => {
      const lazy: UntypedServiceImplementation = {};
      for (const [name, method] of Object.entries(definition)) {
        lazy[name] = ((...args: unknown[]) => (handler(method.path) as (...a: unknown[]) => unknown)(...args)) as UntypedHandleCall;
      }
      server.addService(definition, lazy);
    },
  });
}

/**
 * Starts a gRPC server (plaintext h2c: inside the cluster the mesh encrypts) with the given services, server
 * reflection listing them (so grpcurl and friends need no `.proto` files) and the standard health service.
 */
export async function startRpcServer(o: { host: string; port: number; services: readonly RpcService[]; protos: PackageDefinition; log: Logger }): Promise<RpcServer> {
  // Channelz (grpc-js's per-call statistics for its debug service) is on by default and nothing here serves it: off,
  // it costs nothing per call (docs/performance.md).
  const server = new Server({ 'grpc.enable_channelz': 0, interceptors: [codedTooLarge, boundedMetadata] });
  // grpc-js passes no option for Node's header-field count: set on the HTTP/2 options it keeps for its listeners (read
  // by bindAsync). A grpc-js that renames them is said at start, not fatal: calls then keep Node's 128 header fields
  // (refusals.test.ts fails, so an upgrade that drops them is seen in CI).
  const http2Options = (server as unknown as { commonServerOptions?: ServerOptions }).commonServerOptions;
  if (http2Options === undefined) o.log.warn({ maxHeaderPairs: MAX_HEADER_PAIRS }, 'grpc-js keeps no commonServerOptions: calls keep Node\'s 128 header fields');
  else http2Options.maxHeaderListPairs = MAX_HEADER_PAIRS;
  for (const s of o.services) {
    const tolerant = refusingUndecodable(s.definition, s.implementation);
    server.addService(tolerant.definition, tolerant.implementation);
  }
  addReflection(server, o.protos, o.services.map((s) => s.name));
  // '' is the whole server; each service answers for itself too, as grpc_health_probe -service expects.
  const health: ServingStatusMap = { '': 'SERVING' };
  for (const s of o.services) health[s.name] = 'SERVING';
  new HealthImplementation(health).addToServer(server);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${o.host}:${o.port}`, ServerCredentials.createInsecure(), (error, bound) => (error === null ? resolve(bound) : reject(error)));
  });
  o.log.info({ host: o.host, port, services: o.services.map((s) => s.name) }, 'rpc server listening');
  // In the background: the first calls find their message codecs generated (warm-codecs.ts).
  void warmCodecs(o.protos, o.services.map((s) => [s.name, s.definition] as const)).then(
    (methods) => o.log.debug({ methods }, 'rpc codecs warmed'),
  );
  let closing: Promise<void> | undefined;
  return {
    port,
    close(graceMs = 2_000) {
      closing ??= new Promise<void>((resolve) => {
        const cut = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(cut);
          resolve();
        });
      });
      return closing;
    },
  };
}
