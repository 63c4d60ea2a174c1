/**
 * gRPC calls generated from the public API's `.proto` files (the loaded package definition's message descriptors,
 * ADR 0044): valid-looking messages, messages with nasty values, another method's message, and random bytes, each
 * sent to every method with and without credentials, through a raw unary call (so the client serialises nothing it
 * would refuse).
 */
import * as grpc from '@grpc/grpc-js';
import type { MethodDefinition, PackageDefinition } from '@grpc/proto-loader';
import { publicProtos } from '../../../src/rpc/protos.ts';
import { NASTY_STRINGS, word, type Pools, type Rand } from './values.ts';

interface FieldDescriptor { name: string; label: string; type: string; typeName: string; proto3Optional?: boolean }
interface MessageDescriptor { field: FieldDescriptor[] }

export interface GrpcMethod {
  readonly path: string;
  readonly name: string;
  readonly request: string;
  readonly serialize: (value: unknown) => Buffer;
}

export function grpcMethods(pd: PackageDefinition = publicProtos()): { methods: GrpcMethod[]; messages: Map<string, MessageDescriptor> } {
  const methods: GrpcMethod[] = [];
  const messages = new Map<string, MessageDescriptor>();
  for (const [name, def] of Object.entries(pd)) {
    if ('format' in def && 'type' in def) {
      messages.set(name, (def as { type: MessageDescriptor }).type);
      continue;
    }
    for (const [m, d] of Object.entries(def as Record<string, MethodDefinition<unknown, unknown>>)) {
      const requestName = `${name.slice(0, name.lastIndexOf('.'))}.${(d.requestType as unknown as { type: { name: string } }).type.name}`;
      methods.push({ path: d.path, name: m, request: requestName, serialize: d.requestSerialize });
    }
  }
  return { methods, messages };
}

const INT32 = [0, -1, 1, 2 ** 31 - 1, -(2 ** 31), 999_999, -999];

function messageValue(messages: Map<string, MessageDescriptor>, name: string, r: Rand, pools: Pools, nasty: boolean, depth = 0): Record<string, unknown> {
  const d = messages.get(name.replace(/^\./, ''));
  const out: Record<string, unknown> = {};
  if (d === undefined || depth > 4) return out;
  for (const f of d.field) {
    if (r.chance(nasty ? 0.2 : 0.1)) continue;
    const one = (): unknown => {
      switch (f.type) {
        case 'TYPE_STRING': {
          if (nasty && r.chance(0.6)) return r.pick(NASTY_STRINGS).replace(/[\ud800-\udfff]/g, '?');
          if (/id$/i.test(f.name) && pools.ids.length > 0 && r.chance(0.8)) return r.pick(pools.ids);
          if (pools.codes.length > 0 && r.chance(0.4)) return r.pick(pools.codes);
          return word(r).toUpperCase();
        }
        case 'TYPE_INT32': case 'TYPE_SINT32': case 'TYPE_INT64': case 'TYPE_UINT32': case 'TYPE_UINT64':
          return nasty ? r.pick(INT32) : 1 + r.int(10);
        case 'TYPE_DOUBLE': case 'TYPE_FLOAT': return nasty ? r.pick([Number.NaN, Infinity, -1, 1e300]) : r.int(100);
        case 'TYPE_BOOL': return r.chance(0.5);
        case 'TYPE_MESSAGE': return messageValue(messages, f.typeName, r, pools, nasty, depth + 1);
        default: return undefined;
      }
    };
    out[f.name] = f.label === 'LABEL_REPEATED' ? Array.from({ length: nasty && r.chance(0.1) ? 500 : r.int(4) }, one) : one();
  }
  return out;
}

export interface GrpcRequest {
  readonly method: GrpcMethod;
  readonly bytes: Buffer;
  readonly credential: string;
  readonly what: string;
}

export function grpcRequest(all: ReturnType<typeof grpcMethods>, r: Rand, pools: Pools): GrpcRequest {
  const method = r.pick(all.methods);
  const roll = r.next();
  let bytes: Buffer;
  let what: string;
  if (roll < 0.15) {
    bytes = randomFrom(r, r.int(r.chance(0.1) ? 5000 : 64));
    what = 'random bytes';
  } else if (roll < 0.25) {
    const other = r.pick(all.methods);
    bytes = other.serialize(messageValue(all.messages, other.request, r, pools, false));
    what = `message of ${other.name}`;
  } else {
    const nasty = roll < 0.65;
    bytes = method.serialize(messageValue(all.messages, method.request, r, pools, nasty));
    what = nasty ? 'nasty values' : 'valid-looking';
  }
  const c = r.next();
  const credential = c < 0.75 ? 'admin' : c < 0.85 ? 'none' : c < 0.95 ? r.pick(['viewer', 'operator', 'integration']) : 'bogus-key';
  return { method, bytes, credential, what };
}

/** Bytes from the seeded generator (crypto's are not reproducible), for the random-bytes requests. */
function randomFrom(r: Rand, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = r.int(256);
  return b;
}

/** A raw unary call: the bytes as they are, the answer's status (OK = 0). */
export function rawCall(client: grpc.Client, path: string, bytes: Buffer, metadata: grpc.Metadata, deadlineMs = 5_000): Promise<{ code: number; details: string; errorCode: string | undefined }> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(path, (b: Buffer) => b, (b: Buffer) => b, bytes, metadata, { deadline: Date.now() + deadlineMs }, (error) => {
      if (error === null) resolve({ code: grpc.status.OK, details: '', errorCode: undefined });
      else resolve({ code: error.code, details: error.details, errorCode: error.metadata?.get('paklog-error-code')[0]?.toString() });
    });
  });
}
