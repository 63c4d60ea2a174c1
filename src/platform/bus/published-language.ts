import { Type, type Static, type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import type { Tx } from '../db/database.ts';
import type { EventEnvelope, NewEvent } from './envelope.ts';
import type { Subscription } from './event-bus.ts';

/** A published language: event type name (`orders.order.received.v1`) → TypeBox schema of its payload. */
export type EventSchemas = Readonly<Record<string, TSchema>>;

/** The payload of event type `T`. */
export type PayloadOf<S extends EventSchemas, T extends keyof S> = Static<S[T]>;

/** The envelope of one of the types `T`, discriminated by `type`, so a handler of several types can narrow `data`. */
export type EnvelopeOf<S extends EventSchemas, T extends keyof S & string> = T extends unknown
  ? EventEnvelope<PayloadOf<S, T>> & { readonly type: T }
  : never;

/** A new event of one of the types of `S`: its `data` must match that type's schema. */
export type NewEventOf<S extends EventSchemas, T extends keyof S & string = keyof S & string> = T extends unknown
  ? NewEvent<PayloadOf<S, T>> & { readonly type: T }
  : never;

/** What a subscription handler receives: the typed payload, its envelope (ids, time, meta) and the inbox transaction. */
export type TypedHandler<S extends EventSchemas, T extends keyof S & string> = (
  data: EnvelopeOf<S, T>['data'],
  event: EnvelopeOf<S, T>,
  tx: Tx,
) => Promise<void>;

/** What a set-based subscription handler receives: the run's typed payloads with their envelopes, in order, and the transaction. */
export type TypedBatchHandler<S extends EventSchemas, T extends keyof S & string> = (
  items: readonly { readonly data: EnvelopeOf<S, T>['data']; readonly event: EnvelopeOf<S, T> }[],
  tx: Tx,
) => Promise<void>;

/** The typed face of the bus for one published language (see `publishedLanguage`). */
export interface PublishedLanguage<S extends EventSchemas> {
  readonly schemas: S;
  /** A subscription to one event type (or several): the handler's `data` is the payload type of the name, no cast. */
  readonly on: <T extends keyof S & string>(types: T | readonly T[], handle: TypedHandler<S, T>) => Subscription;
  /**
   * A set-based subscription (ADR 0043): a run of consecutive events of the type (or of any of the types) delivered
   * together comes in one call, in order; a single event comes as a run of one. The handler must have the effect of
   * handling each in turn. With several types, each item's `event` is discriminated by `type`.
   */
  readonly onMany: <T extends keyof S & string>(types: T | readonly T[], handle: TypedBatchHandler<S, T>) => Subscription;
  /**
   * Problems of an event's payload against its type's schema (empty when it conforms); an unknown type is one problem.
   * Each reads `<type> <path> <message>`. Validators are compiled once per type, on first use; the bus calls this for
   * every event it publishes and receives.
   */
  readonly problems: (event: Pick<NewEvent, 'type' | 'data'>) => string[];
}

/**
 * Builds the typed subscription API over a map of event schemas. The platform knows no context: the composition
 * (`src/contracts/events.ts`) hands in every contract's map.
 */
export function publishedLanguage<const S extends EventSchemas>(schemas: S): PublishedLanguage<S> {
  const validators = new Map<string, ReturnType<typeof Compile>>();
  const validator = (type: string): ReturnType<typeof Compile> | undefined => {
    // Own keys only: a type named like an Object.prototype member (`constructor`) must not find a "schema" there.
    if (!Object.hasOwn(schemas, type)) return undefined;
    const schema = schemas[type];
    if (schema === undefined) return undefined;
    let v = validators.get(type);
    if (v === undefined) {
      v = Compile(schema);
      validators.set(type, v);
    }
    return v;
  };
  return {
    schemas,
    on<T extends keyof S & string>(types: T | readonly T[], handle: TypedHandler<S, T>): Subscription {
      const list: readonly string[] = typeof types === 'string' ? [types] : types;
      for (const t of list) if (!Object.hasOwn(schemas, t)) throw new Error(`unknown event type ${t}`);
      // The bus delivers only the subscribed types, and a bus given this language as its contract (the app's) validates
      // every payload against its schema on publish and on receipt: the envelope is the typed one.
      return {
        types: list,
        handle: (event, tx) => {
          const typed = event as EnvelopeOf<S, T>;
          return handle(typed.data, typed, tx);
        },
      };
    },
    onMany<T extends keyof S & string>(types: T | readonly T[], handle: TypedBatchHandler<S, T>): Subscription {
      const list: readonly string[] = typeof types === 'string' ? [types] : types;
      for (const t of list) if (!Object.hasOwn(schemas, t)) throw new Error(`unknown event type ${t}`);
      const many = (events: readonly EventEnvelope[], tx: Tx) => handle(events.map((e) => {
        const typed = e as EnvelopeOf<S, T>;
        return { data: typed.data, event: typed };
      }), tx);
      return { types: list, handle: (event, tx) => many([event], tx), handleMany: many };
    },
    problems(event) {
      const v = validator(event.type);
      if (v === undefined) return [`${event.type} is not a published event type`];
      return v.Check(event.data) ? [] : [...v.Errors(event.data)].map((e) => `${event.type} ${e.instancePath || '/'} ${e.message}`);
    },
  };
}

/** A read-only array schema (payload arrays are never mutated by consumers). */
export const List = <T extends TSchema>(item: T, options?: Parameters<typeof Type.Array>[1]) => Type.Immutable(Type.Array(item, options));

