import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { NOT_BLANK } from './validation.ts';
import { TEXT_RULES } from '../text.ts';
import { AppError, PLATFORM_ERRORS, errorSpec, isTransientFault, type ErrorCode, type FieldError } from '../errors.ts';

/** RFC 9457 problem details, as every PakLog API error is returned. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: FieldError[];
  traceId: string;
}

interface AjvError {
  instancePath?: string;
  schemaPath?: string;
  message?: string;
  keyword?: string;
  params?: { missingProperty?: string; additionalProperty?: string; pattern?: string; format?: string; allowedValues?: unknown[]; allowedValue?: unknown };
}

/** What a `date-time` or `date` the validators refuse must be (schemas.ts, DATE_RANGE). */
const FORMAT_MESSAGES: Readonly<Record<string, string>> = {
  'date-time': 'must be an ISO 8601 date-time with an offset (2026-11-30T18:00:00Z), in the years 1970 to 9999 (UTC)',
  date: 'must be a day YYYY-MM-DD in the years 1970 to 9999',
};

/** An enum refused says what it takes (`must be one of: requeue, acknowledge`), up to this many values; a longer one says no more. */
const ENUM_VALUES_SAID = 30;

function enumMessage(v: AjvError): string | undefined {
  const allowed = v.keyword === 'enum' ? v.params?.allowedValues : undefined;
  if (allowed === undefined || allowed.length === 0 || allowed.length > ENUM_VALUES_SAID) return undefined;
  return `must be one of: ${allowed.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(', ')}`;
}

/**
 * A union that refused a value, said once: ajv reports one error per alternative and one for the `anyOf`, so a union of
 * literals (a role, a short reason, a task type) answered "must be equal to constant" once per literal and "must match a
 * schema in anyOf", six errors for one field saying nothing of what it takes. Alternatives that are all literals are
 * said as an enum is (`must be one of: admin, manager, …`); alternatives refusing the value alike (`must be string` for
 * each literal of a number sent) are said once. Any other union keeps its errors as they are.
 */
function unionsSaidOnce(validation: readonly AjvError[]): AjvError[] {
  const out: AjvError[] = [];
  for (const v of validation) {
    if (v.keyword !== 'anyOf' || v.schemaPath === undefined) {
      out.push(v);
      continue;
    }
    const within = `${v.schemaPath}/`;
    const inner = (e: AjvError): boolean => e.instancePath === v.instancePath && e.schemaPath?.startsWith(within) === true;
    const alternatives = out.filter(inner);
    if (alternatives.length === 0) {
      out.push(v);
      continue;
    }
    // A literal of the wrong type fails its `type` and its `const` both (ajv reports every error): the consts say the values.
    const constants = alternatives.filter((e) => e.keyword === 'const' && e.params !== undefined && 'allowedValue' in e.params);
    const literals = constants.length > 0 && alternatives.every((e) => e.keyword === 'type' || constants.includes(e));
    const messages = new Set(alternatives.map((e) => e.message));
    const said: AjvError | undefined = literals && constants.length <= ENUM_VALUES_SAID
      ? { ...v, keyword: 'enum', params: { allowedValues: constants.map((e) => e.params?.allowedValue) } }
      : messages.size === 1 && alternatives.every((e) => e.keyword === alternatives[0]!.keyword) ? alternatives[0] : undefined;
    if (said === undefined) {
      out.push(v);
      continue;
    }
    const kept = out.filter((e) => !inner(e));
    out.length = 0;
    out.push(...kept, said);
  }
  return out;
}

function fieldErrors(all: readonly AjvError[], context: string | undefined): FieldError[] {
  const validation = unionsSaidOnce(all);
  const prefix = context === undefined || context === 'body' ? '' : `/${context}`;
  const notBlank = (v: AjvError): boolean => v.keyword === 'pattern' && v.params?.pattern === NOT_BLANK;
  // An identifier's or free text's pattern (platform/text.ts), said in words rather than as the regular expression.
  const textRule = (v: AjvError): string | undefined =>
    (v.keyword === 'pattern' && v.params?.pattern !== undefined && Object.hasOwn(TEXT_RULES, v.params.pattern) ? TEXT_RULES[v.params.pattern] : undefined);
  const identifier = (v: AjvError): boolean => textRule(v) !== undefined;
  // An empty string fails its minLength and the not-blank (or identifier/text) pattern both: one error per field says it (the minLength's).
  const tooShort = new Set(validation.filter((v) => v.keyword === 'minLength').map((v) => v.instancePath ?? ''));
  // A blank identifier breaks both patterns: it is said to be blank, once.
  const blank = new Set(validation.filter(notBlank).map((v) => v.instancePath ?? ''));
  return validation.filter((v) => !(notBlank(v) || identifier(v)) || !tooShort.has(v.instancePath ?? ''))
    .filter((v) => !identifier(v) || !blank.has(v.instancePath ?? '')).map((v) => {
    let field = `${prefix}${v.instancePath ?? ''}`;
    if (v.params?.missingProperty !== undefined) field += `/${v.params.missingProperty}`;
    if (v.params?.additionalProperty !== undefined) field += `/${v.params.additionalProperty}`;
    const message = v.params?.additionalProperty !== undefined ? 'is not a known field'
      : notBlank(v) ? 'must not be blank'
        : textRule(v) ?? (v.keyword === 'format' && v.params?.format !== undefined && FORMAT_MESSAGES[v.params.format] !== undefined ? FORMAT_MESSAGES[v.params.format]!
          : (enumMessage(v) ?? v.message ?? 'is invalid'));
    return { field: field === '' ? '/' : field, message };
  });
}

/** Codes of the client errors fastify and node raise themselves, by status; any other 4xx is VALIDATION_FAILED. */
const CLIENT_ERROR_CODES: Readonly<Partial<Record<number, keyof typeof PLATFORM_ERRORS>>> = {
  404: 'NOT_FOUND', 405: 'METHOD_NOT_ALLOWED', 408: 'REQUEST_TIMEOUT', 413: 'PAYLOAD_TOO_LARGE', 414: 'URI_TOO_LONG', 415: 'UNSUPPORTED_MEDIA_TYPE',
  416: 'RANGE_NOT_SATISFIABLE', 417: 'EXPECTATION_FAILED', 431: 'HEADERS_TOO_LARGE',
};

/** The longest run of non-space characters a detail or field echoes whole; a longer one (an id, a URL, a key sent) is cut. */
export const ECHO_MAX = 64;

const LONG_RUN = new RegExp(`\\S{${ECHO_MAX + 1},}`, 'gu');

/**
 * `text` with every run of more than {@link ECHO_MAX} non-space characters cut to its first {@link ECHO_MAX} and "…": a
 * 100 KB id sent is not sent back whole in the error about it (REST's detail, GraphQL's message).
 */
export function capEchoes(text: string): string {
  return text.replace(LONG_RUN, (run) => `${[...run.slice(0, 2 * ECHO_MAX)].slice(0, ECHO_MAX).join('')}…`);
}

export function toProblem(error: unknown, traceId: string): Problem {
  const problem = problemOf(error, traceId);
  problem.detail = capEchoes(problem.detail);
  if (problem.errors !== undefined) problem.errors = problem.errors.map((e) => ({ ...e, field: capEchoes(e.field), message: capEchoes(e.message) }));
  return problem;
}

function problemOf(error: unknown, traceId: string): Problem {
  if (error instanceof AppError) {
    const p: Problem = {
      type: `https://paklog.dev/problems/${error.code.toLowerCase().replaceAll('_', '-')}`,
      title: errorSpec(error.code).title, status: error.status, detail: error.message, code: error.code, traceId,
    };
    if (error.errors.length > 0) p.errors = [...error.errors];
    return p;
  }
  const fe = error as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (Array.isArray(fe.validation)) {
    const errors = fieldErrors(fe.validation, fe.validationContext);
    return {
      type: 'https://paklog.dev/problems/validation-failed', title: PLATFORM_ERRORS.VALIDATION_FAILED.title, status: 400,
      detail: errors.map((e) => `${e.field} ${e.message}`).join('; '), code: 'VALIDATION_FAILED', errors, traceId,
    };
  }
  // PostgreSQL class 22 (data exception: NUL in text, a date or number it cannot store, a malformed value) means the
  // request carried a value the schema let through but the database refuses; the transaction rolled back.
  const sqlState = (error as { code?: unknown }).code;
  // 22003 (numeric_value_out_of_range) is mostly units added to a quantity past what the store's 32-bit columns hold
  // (a balance, a SKU's stock, a line): the detail says the limit, so the client knows to split the stock, not to retry.
  if (typeof sqlState === 'string' && /^22[0-9A-Z]{3}$/.test(sqlState)) {
    return {
      type: 'https://paklog.dev/problems/validation-failed', title: PLATFORM_ERRORS.VALIDATION_FAILED.title, status: 400,
      detail: sqlState === '22003'
        ? 'A number is out of range: the request would take a quantity (a balance at a location, a SKU\'s stock, a total) past 2,147,483,647; nothing was changed'
        : 'A value in the request cannot be stored (out of range, malformed, or containing a NUL character)',
      code: 'VALIDATION_FAILED', traceId,
    };
  }
  // PostgreSQL class 23 (integrity constraint: a unique key, a foreign key or a CHECK) means the store refused the write:
  // mostly two requests racing for the same row or key, where the one that lost sees a state its checks did not. The
  // transaction rolled back, so nothing of this request was written; reading again shows what won. Logged with the
  // constraint (sendProblem), since a rule the code should have checked first is a defect to fix at the edge.
  if (typeof sqlState === 'string' && /^23[0-9A-Z]{3}$/.test(sqlState)) {
    return {
      type: 'https://paklog.dev/problems/conflict', title: PLATFORM_ERRORS.CONFLICT.title, status: 409,
      detail: 'The store refused the change (a concurrent request wrote the same data, or a value breaks a rule of the store); nothing was changed: read the current state and try again',
      code: 'CONFLICT', traceId,
    };
  }
  const status = typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500 ? fe.statusCode : 500;
  // A 403 that is no AppError is the documentation's file server refusing a path (a NUL byte, a name too long for the
  // file system, a dot file): there is no such file to serve, to anyone, so it is 404 like any file it does not have
  // (was 403 "Forbidden" coded VALIDATION_FAILED: a status and a code that disagreed, and a detail that said nothing).
  if (status === 403) {
    return { type: 'https://paklog.dev/problems/not-found', title: PLATFORM_ERRORS.NOT_FOUND.title, status: 404, detail: 'No such file', code: 'NOT_FOUND', traceId };
  }
  if (status < 500) {
    // Malformed JSON or URL, wrong content type, body too large, a parser error: the client's fault, described by
    // fastify or node; the code says which kind, the detail says what.
    const code = CLIENT_ERROR_CODES[status] ?? 'VALIDATION_FAILED';
    // The file server's 416 says "Range Not Satisfiable" alone; the detail says what to do.
    const detail = status === 416 ? 'The Range header asks for bytes the file does not have: ask for a range within it, or leave Range out' : fe.message;
    return { type: `https://paklog.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`, title: PLATFORM_ERRORS[code].title, status, detail, code, traceId };
  }
  if (isTransientFault(error)) {
    // The database or another service unreachable for now (a restart, a failover): nothing was committed, and the
    // same request may simply be sent again.
    return {
      type: 'https://paklog.dev/problems/unavailable', title: PLATFORM_ERRORS.UNAVAILABLE.title, status: 503,
      detail: 'A dependency (the database or another service) is unavailable for now; nothing was changed, try again shortly', code: 'UNAVAILABLE', traceId,
    };
  }
  return { type: 'https://paklog.dev/problems/internal', title: 'Internal error', status: 500, detail: 'An unexpected error occurred; it has been logged', code: 'INTERNAL', traceId };
}

/** A site named by its id in a refusal's detail (`No location X at site sit_01…`). */
const SITE_ID = /\b([Ss]ite) (sit_[0-9A-Za-z]+)\b/g;

/**
 * A refusal's detail names a site by its code (`DEMO`), as people know it, not by its internal id: the contexts word
 * their refusals with the id they hold (inside their transaction, where no other context is asked). Looked up here,
 * after the command is over (location-master caches a site); an id it does not know stays as it is.
 */
export async function withSiteCodes(problem: Problem, siteCode: ((id: string) => Promise<string | undefined>) | undefined): Promise<Problem> {
  if (siteCode === undefined || problem.status >= 500) return problem;
  const ids = [...new Set([...problem.detail.matchAll(SITE_ID)].map((m) => m[2]!))];
  if (ids.length === 0) return problem;
  const codes = new Map<string, string>();
  for (const id of ids) {
    const code = await siteCode(id);
    if (code !== undefined) codes.set(id, code);
  }
  return codes.size === 0 ? problem : { ...problem, detail: problem.detail.replace(SITE_ID, (all, word: string, id: string) => (codes.has(id) ? `${word} ${codes.get(id)!}` : all)) };
}

/**
 * The 415 of a body whose Content-Type no route reads, in words: fastify said "Unsupported Media Type" alone, and the
 * usual cause is `curl -d '{…}'` without a content type, which sends application/x-www-form-urlencoded.
 */
function unreadBody(contentType: string | undefined): string {
  const type = contentType?.split(';')[0]?.trim() ?? '';
  return `A body sent as ${type === '' ? 'no Content-Type' : type} is not read: send JSON with the header Content-Type: application/json `
    + '(curl -d sends application/x-www-form-urlencoded unless told: -H \'content-type: application/json\'); '
    + 'an X12 interchange is text/plain (or application/edi-x12), a CSV import text/csv';
}

export async function sendProblem(
  error: unknown, request: FastifyRequest, reply: FastifyReply, siteCode?: (id: string) => Promise<string | undefined>,
): Promise<void> {
  const problem = await withSiteCodes(toProblem(error, request.id), siteCode);
  if ((error as { code?: unknown }).code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') problem.detail = capEchoes(unreadBody(request.headers['content-type']));
  if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
  else if (problem.code === 'CONFLICT' && !(error instanceof AppError)) {
    const { constraint, table } = error as { constraint?: unknown; table?: unknown };
    request.log.warn({ err: error, constraint, table }, 'request refused by a constraint of the store');
  }
  // A retryable refusal (BUSY) says when to come back; the computations it waits for take seconds at most. A rate
  // limit has set its own (the end of its window).
  if ((error instanceof AppError ? error.retryable : problem.code === 'UNAVAILABLE') && (problem.status === 503 || problem.status === 429) && !reply.hasHeader('retry-after')) {
    void reply.header('retry-after', '1');
  }
  await reply.status(problem.status).header('x-request-id', request.id).header('content-type', 'application/problem+json; charset=utf-8').send(problem);
}
