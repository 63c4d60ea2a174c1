/** A GraphQL client for tests and benchmarks: POST /graphql through fastify's inject, or subscriptions over a real websocket. */
import WebSocket from 'ws';
import type { PakLogApp } from '../../src/app.ts';

export interface GraphqlAnswer<T = any> {
  status: number;
  data: T;
  errors?: { message: string; extensions?: { code?: string; status?: number } }[];
}

export type Gql = <T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) => Promise<GraphqlAnswer<T>>;

/** A client sending `x-api-key: key` (none when null). */
export function gqlClient(app: PakLogApp, key: string | null): Gql {
  return async (query, variables, headers = {}) => {
    const res = await app.http.inject({
      method: 'POST', url: '/graphql',
      headers: { 'content-type': 'application/json', ...(key === null ? {} : { 'x-api-key': key }), ...headers },
      payload: { query, ...(variables === undefined ? {} : { variables }) },
    });
    const body = res.json<{ data: any; errors?: GraphqlAnswer['errors'] }>();
    return { status: res.statusCode, data: body.data, ...(body.errors === undefined ? {} : { errors: body.errors }) };
  };
}

/** Answers `data`, failing loudly on any error in `errors[]`. */
export async function must<T = any>(gql: Gql, query: string, variables?: Record<string, unknown>): Promise<T> {
  const res = await gql<T>(query, variables);
  if (res.status !== 200 || res.errors !== undefined) throw new Error(`GraphQL ${res.status}: ${JSON.stringify(res.errors ?? res.data)}\n${query}`);
  return res.data;
}

/** A graphql-transport-ws subscription on a listening server: collects every `next` payload until closed. */
export async function subscribe(url: string, connectionInit: Record<string, unknown>, query: string, variables: Record<string, unknown>): Promise<{
  received: any[]; errors: any[]; ws: WebSocket; closed: Promise<{ code: number; reason: string }>; acked: boolean; completed: () => boolean;
}> {
  const ws = new WebSocket(url, 'graphql-transport-ws');
  const received: any[] = [];
  const errors: any[] = [];
  let completed = false;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const acked = new Promise<boolean>((resolve) => {
    ws.on('message', (raw) => {
      const m = JSON.parse((raw as Buffer).toString('utf8')) as { type: string; payload?: any };
      if (m.type === 'connection_ack') resolve(true);
      else if (m.type === 'next') received.push(m.payload);
      else if (m.type === 'error' || m.type === 'connection_error') errors.push(m.payload);
      else if (m.type === 'complete') completed = true;
    });
    ws.on('close', () => resolve(false));
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'connection_init', payload: connectionInit }));
  const ok = await acked;
  if (ok) ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables } }));
  return { received, errors, ws, closed, acked: ok, completed: () => completed };
}
