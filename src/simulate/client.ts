/**
 * How the simulator talks to PakLog: its public REST API only, in-process (fastify inject on an app built with a
 * simulated clock) or over HTTP to a running PakLog with an API key. The simulator never reaches a context's code or tables.
 */

/** PakLog refused or could not be reached: the simulated day cannot go on (`paklog simulate` prints the message). */
export class ApiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiResponse<T> {
  readonly status: number;
  readonly body: T;
}

export interface PakLogClient {
  request<T = unknown>(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown): Promise<ApiResponse<T>>;
  /** Waits until PakLog has reacted to what was sent (its events handled). */
  settle(): Promise<void>;
  /** Moves PakLog's clock to the simulated time, when the client controls it. */
  setTime(at: Date): void;
  /** True when PakLog's clock is the simulated one (in-process); a running server keeps its own time. */
  readonly simulatedClock: boolean;
}

/** The part of a built PakLog app the in-process client uses (structural, so the simulator imports no app code). */
export interface InjectableApp {
  readonly http: { inject(o: { method: 'GET' | 'POST' | 'PUT'; url: string; headers: Record<string, string>; payload?: object }): Promise<{ statusCode: number; body: string }> };
  readonly bus: { idle(timeoutMs?: number): Promise<void> };
}

export function inProcessClient(app: InjectableApp, apiKey: string, clock: { set(at: Date): void }): PakLogClient {
  return {
    simulatedClock: true,
    async request<T>(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) {
      const res = await app.http.inject({ method, url, headers: { 'x-api-key': apiKey }, ...(body === undefined ? {} : { payload: body as object }) });
      return { status: res.statusCode, body: (res.body === '' ? undefined : JSON.parse(res.body)) as T };
    },
    // A day's run is long and may share the machine: only two minutes without any event handed on is a failure.
    settle: () => app.bus.idle(120_000),
    setTime: (at) => clock.set(at),
  };
}

/** A running PakLog over HTTP (keep-alive fetch). Its events are handled in the background: `settle` gives them a moment. */
export function httpClient(baseUrl: string, apiKey: string, settleMs = 30): PakLogClient {
  // The server's address or the banner's API: URL (…/api/v1): the calls add /api/v1 (as platform/http/api-base.ts,
  // which the simulator may not import: it drives PakLog from outside).
  const base = baseUrl.trim().replace(/\/+$/, '').replace(/\/api\/v1$/, '');
  return {
    simulatedClock: false,
    async request<T>(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) {
      const res = await fetch(`${base}${url}`, {
        method, headers: { 'x-api-key': apiKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }).catch((e: unknown) => {
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        throw new ApiError(`cannot reach PakLog at ${base}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
      });
      const text = await res.text();
      return { status: res.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
    },
    settle: () => new Promise((r) => setTimeout(r, settleMs)),
    setTime: () => undefined,
  };
}
