import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';

/**
 * protobufjs generates each message type's encoder, decoder and object converters (`new Function`) on the type's first
 * use, and proto-loader's converters reach a nested type only when a message carries that field. On a fresh server the
 * first call of each method therefore paid 2–40 ms of code generation on the event loop, and every call that arrived
 * meanwhile (a shift's first burst of next-task calls) queued behind it: the gRPC leg's p99 was that burst. Warming runs
 * the generation once per method at start, one method per event-loop turn, with a sample that sets every message
 * field (and one element of every repeated one), so the nested types are generated too.
 */

interface FieldDescriptor {
  readonly name: string;
  readonly label: string;
  readonly type: string;
  readonly typeName: string;
}

type MessageDescriptors = ReadonlyMap<string, readonly FieldDescriptor[]>;

/** The fields of every message type of a package definition, by full name (`paklog.floor.v1.Task`). */
export function messageDescriptors(protos: PackageDefinition): MessageDescriptors {
  const out = new Map<string, readonly FieldDescriptor[]>();
  for (const [name, def] of Object.entries(protos)) {
    const message = def as { format?: string; type?: { field?: FieldDescriptor[] } };
    if (message.format === 'Protocol Buffer 3 DescriptorProto') out.set(name, message.type?.field ?? []);
  }
  return out;
}

/** `typeName` (relative `Task`, or absolute `.paklog.floor.v1.Task`) as protobuf resolves it from `scope` outwards. */
function resolveType(messages: MessageDescriptors, scope: string, typeName: string): string | undefined {
  if (typeName.startsWith('.')) return messages.has(typeName.slice(1)) ? typeName.slice(1) : undefined;
  const parts = scope.split('.');
  for (let i = parts.length; i >= 0; i--) {
    const candidate = [...parts.slice(0, i), typeName].join('.');
    if (messages.has(candidate)) return candidate;
  }
  return undefined;
}

/**
 * A message of type `name` with every message-typed field set, recursively (a repeated one holds one element; a type
 * already on the path is left out, so recursive types end): converting and encoding it generates every type it reaches.
 */
export function sampleMessage(messages: MessageDescriptors, name: string, path: ReadonlySet<string> = new Set()): Record<string, unknown> {
  const sample: Record<string, unknown> = {};
  const fields = messages.get(name) ?? [];
  const inner = new Set([...path, name]);
  for (const f of fields) {
    if (f.type !== 'TYPE_MESSAGE') continue;
    const nested = resolveType(messages, name, f.typeName);
    if (nested === undefined || inner.has(nested)) continue;
    const value = sampleMessage(messages, nested, inner);
    sample[f.name] = f.label === 'LABEL_REPEATED' ? [value] : value;
  }
  return sample;
}

type AnyMethod = MethodDefinition<unknown, unknown> & { requestType?: { type?: { name?: string } }; responseType?: { type?: { name?: string } } };

/** The full name of a method's message type `short` (as the descriptor names it), looked up from the service's package. */
function messageName(messages: MessageDescriptors, servicePackage: string, short: string | undefined): string | undefined {
  if (short === undefined) return undefined;
  return resolveType(messages, servicePackage, short) ?? [...messages.keys()].find((k) => k.endsWith(`.${short}`));
}

/**
 * Generates the codecs of every unary method of `services` (`[full service name, definition]`): a sample request and
 * response each encoded and decoded once, one method per `setImmediate` turn so no call waits long behind it. Resolves
 * with the number of methods warmed; a sample that does not encode is skipped (warming is never a reason to fail).
 */
export async function warmCodecs(protos: PackageDefinition, services: readonly (readonly [string, ServiceDefinition])[]): Promise<number> {
  const messages = messageDescriptors(protos);
  let warmed = 0;
  for (const [serviceName, definition] of services) {
    const servicePackage = serviceName.split('.').slice(0, -1).join('.');
    for (const method of Object.values(definition as Record<string, AnyMethod>)) {
      await new Promise<void>((next) => setImmediate(next));
      const request = messageName(messages, servicePackage, method.requestType?.type?.name);
      const response = messageName(messages, servicePackage, method.responseType?.type?.name);
      try {
        method.requestDeserialize(method.requestSerialize(request === undefined ? {} : sampleMessage(messages, request)));
        method.responseDeserialize(method.responseSerialize(response === undefined ? {} : sampleMessage(messages, response)));
        warmed++;
      } catch {
        // A sample this simple builder gets wrong only leaves that method to generate on its first call, as before.
      }
    }
  }
  return warmed;
}
