import type WebSocket from 'ws';
import { getOperationAST, GraphQLError, OperationTypeNode, parse, type DocumentNode } from 'graphql';

/** What a refused frame says: a GraphQL error with the REST catalogue's code and status in `extensions`. */
interface CodedError {
  readonly message: string;
  readonly extensions: { readonly code: string; readonly status: number };
}

const refusal = (message: string): CodedError => ({ message, extensions: { code: 'VALIDATION_FAILED', status: 400 } });

/**
 * Why a `subscribe` (graphql-transport-ws) or `start` (graphql-ws) frame cannot run, or undefined when it can be
 * handed to mercurius: a payload that is no object, a query that is no GraphQL text or does not parse, variables that
 * are no object, an operation the document does not hold or one that is no subscription (queries and mutations are
 * POST's). mercurius answered each with an error frame of a message only (a TypeError's words for the first ones).
 */
export function subscribeFrameRefusal(frame: Readonly<Record<string, unknown>>): CodedError | undefined {
  const payload = frame.payload;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return refusal('A subscribe message needs a payload object: { "query": "subscription { … }", "variables": { … } }');
  }
  const { query, variables, operationName } = payload as Record<string, unknown>;
  if (typeof query !== 'string') return refusal('payload.query must be a GraphQL document (text such as "subscription { … }")');
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
    return refusal('payload.variables must be an object');
  }
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return refusal('payload.operationName must be a string');
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (e) {
    return refusal(e instanceof GraphQLError ? e.message : 'payload.query is not a GraphQL document');
  }
  const operation = getOperationAST(document, typeof operationName === 'string' ? operationName : undefined);
  if (operation === null || operation === undefined) {
    return refusal(typeof operationName === 'string' ? `The document has no operation named ${operationName}` : 'The document must hold one operation, or name it (operationName)');
  }
  if (operation.operation !== OperationTypeNode.SUBSCRIPTION) {
    return refusal(`Only subscriptions run over the websocket; send this ${operation.operation} with POST /graphql`);
  }
  const extensions = frame.extensions;
  if (extensions !== undefined && !(Array.isArray(extensions) && extensions.every((x) => typeof x === 'object' && x !== null && (x as { type?: unknown }).type === 'connectionInit'))) {
    return refusal('extensions may only carry { "type": "connectionInit" }');
  }
  return undefined;
}

/** The frame types mercurius reads (both protocols); another type is refused. */
const KNOWN_TYPES = new Set(['connection_init', 'connection_terminate', 'subscribe', 'start', 'complete', 'stop', 'ping', 'pong', 'ka']);

/**
 * Stands before mercurius on a subscriptions websocket so that every refusal a client gets carries a code (REST's
 * catalogue, as over POST): a frame that is no JSON object, of an unknown type, or a subscribe frame that cannot run
 * ({@link subscribeFrameRefusal}) is answered here with a coded `error` frame and never reaches mercurius; what mercurius
 * still sends uncoded (a `connection_error` for a refused credential or a subscribe before `connection_init`, an error
 * of its own) gets a code on its way out: the caller's mistake where nothing ran, INTERNAL where something did.
 */
export function codeSubscriptionFrames(socket: WebSocket): void {
  const send = socket.send.bind(socket) as (data: unknown, cb?: (err?: Error) => void) => void;
  const sendJson = (frame: unknown): void => {
    send(JSON.stringify(frame));
  };
  (socket as unknown as { send: (data: unknown, cb?: (err?: Error) => void) => void }).send = (data, cb) => {
    send(typeof data === 'string' ? codeOutgoing(data) : data, cb);
  };
  const emit = socket.emit.bind(socket);
  socket.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
    if (event !== 'message') return emit(event, ...args);
    const [raw, isBinary] = args as [Buffer | ArrayBuffer | Buffer[], boolean];
    let frame: unknown;
    try {
      frame = JSON.parse(Buffer.isBuffer(raw) ? raw.toString('utf8') : Array.isArray(raw) ? Buffer.concat(raw).toString('utf8') : Buffer.from(raw).toString('utf8'));
    } catch {
      sendJson({ type: 'error', id: null, payload: [refusal('A message must be a JSON object')] });
      return true;
    }
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
      sendJson({ type: 'error', id: null, payload: [refusal('A message must be a JSON object')] });
      return true;
    }
    const f = frame as Record<string, unknown>;
    const id = typeof f.id === 'string' || typeof f.id === 'number' ? f.id : null;
    if (typeof f.type !== 'string' || !KNOWN_TYPES.has(f.type)) {
      sendJson({ type: 'error', id, payload: [refusal(`Unknown message type ${JSON.stringify(f.type ?? null)}; see graphql-transport-ws`)] });
      return true;
    }
    if (f.type === 'subscribe' || f.type === 'start') {
      const refused = subscribeFrameRefusal(f);
      if (refused !== undefined) {
        sendJson({ type: 'error', id, payload: [refused] });
        return true;
      }
    }
    return emit(event, raw, isBinary);
  }) as typeof socket.emit;
}

/** An outgoing frame with a code on each error that has none; any other frame as it is. */
function codeOutgoing(data: string): string {
  let frame: { type?: unknown; payload?: unknown };
  try {
    frame = JSON.parse(data) as { type?: unknown; payload?: unknown };
  } catch {
    return data;
  }
  if (frame.type === 'connection_error' && typeof frame.payload === 'object' && frame.payload !== null) {
    const p = frame.payload as { message?: unknown; extensions?: { code?: unknown } };
    if (p.extensions?.code !== undefined) return data;
    // mercurius says 'Forbidden' when connection_init's credential is refused (onConnect), and refuses a subscribe
    // sent before connection_init.
    const extensions = p.message === 'Forbidden' ? { code: 'UNAUTHENTICATED', status: 401 } : { code: 'VALIDATION_FAILED', status: 400 };
    const message = p.message === 'Forbidden' ? 'connection_init must carry a valid credential ({ "headers": { "x-api-key": … } })' : p.message;
    return JSON.stringify({ ...frame, payload: { ...p, message, extensions } });
  }
  if (frame.type !== 'error' || !Array.isArray(frame.payload)) return data;
  const errors = (frame.payload as { path?: unknown; extensions?: { code?: unknown } }[]).map((e) => {
    if (e.extensions?.code !== undefined) return e;
    // Nothing ran for an error without a path (the document or its variables refused); one with a path is a fault.
    const extensions = e.path === undefined ? { code: 'VALIDATION_FAILED', status: 400 } : { code: 'INTERNAL', status: 500 };
    return { ...e, extensions: { ...e.extensions, ...extensions } };
  });
  return JSON.stringify({ ...frame, payload: errors });
}
