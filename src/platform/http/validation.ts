import { AjvCompiler } from '@fastify/ajv-compiler';
import type { FastifyServerOptions } from 'fastify';

type BuildValidator = NonNullable<NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']>;
type Compile = ReturnType<BuildValidator>;

/** Options of every validator; the body's differs only in not coercing types. */
export const AJV_OPTIONS = { allErrors: true, removeAdditional: false, useDefaults: true } as const;

interface ObjectSchema {
  readonly type?: unknown;
  readonly required?: readonly string[];
}

/** A body schema whose object has no required field: a request may leave the body out (or send it empty). */
export function bodyIsOptional(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null) return false;
  const s = schema as ObjectSchema;
  return s.type === 'object' && (s.required === undefined || s.required.length === 0);
}

/**
 * Validators per request part: query strings, path parameters and headers are text on the wire, so their numbers and
 * booleans are coerced (`?limit=10`); a JSON body already carries types, so `"quantity": true` or `[2]` is refused
 * instead of read as 1 or 2. A body whose schema requires nothing may be absent: it is then validated as `{}` (which
 * also applies the schema's defaults), so `POST /orders/{id}/cancel` works with no body, as the OpenAPI document says.
 */
export function partValidators(): BuildValidator {
  const coercing = AjvCompiler();
  const strict = AjvCompiler();
  // The server's `ajv` option is not used: these are the only options, so no other part of the code can loosen them.
  return (externalSchemas) => {
    const text = coercing(externalSchemas, { customOptions: { ...AJV_OPTIONS, coerceTypes: 'array' } });
    const json = strict(externalSchemas, { customOptions: { ...AJV_OPTIONS, coerceTypes: false } });
    const compile = (route: Parameters<Compile>[0]): unknown => {
      if (route.httpPart !== 'body') return text(route);
      const validate = json(route);
      if (!bodyIsOptional(route.schema)) return validate;
      const optionalBody = (data: unknown): boolean | { value: unknown } => {
        const value = data === null || data === undefined ? {} : data;
        const valid = validate(value) as boolean;
        optionalBody.errors = validate.errors;
        return valid && value !== data ? { value } : valid;
      };
      optionalBody.errors = null as typeof validate.errors;
      return optionalBody;
    };
    // fastify accepts `{ value }` from a validator (it then replaces the body); ajv's own type does not say so.
    return compile as Compile;
  };
}
