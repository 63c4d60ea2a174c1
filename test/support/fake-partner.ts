import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a fake partner received, and what it answered. */
export interface PartnerCall {
  readonly path: string;
  readonly authorization: string | undefined;
  readonly idempotencyKey: string | undefined;
  readonly messageType: string | undefined;
  readonly body: Record<string, unknown>;
  readonly status: number;
}

/**
 * An ERP or TMS speaking PakLog's partner REST API (docs/integrations/erp.md, tms.md) on 127.0.0.1: it keeps each
 * message once by its Idempotency-Key (`accepted`, in arrival order) and answers a TMS load with a load id (the same
 * key: the same load). `down()` makes it answer 503 until `up()`; `stop()`/`start(port)` takes the port away entirely.
 */
export class FakePartner {
  readonly calls: PartnerCall[] = [];
  /** Messages taken, by idempotency key, first arrival only. */
  readonly accepted = new Map<string, { path: string; body: Record<string, unknown> }>();
  private server: Server | undefined;
  private failing = false;
  /** Answered as every load's id while set (a TMS that consolidates shipments onto one load, or answers ids of another shape). */
  private fixedLoadId: string | undefined;
  /** The next request of this path is taken (kept by its key) and its answer withheld until `released`. */
  private hold: { path: string; released: Promise<number | undefined> } | undefined;
  port = 0;

  /** `firstLoad`: the number of the first load id it answers (LD-<n>). */
  constructor(private readonly token: string, private readonly firstLoad = 100001) {}

  async start(port = 0): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const key = req.headers['idempotency-key'] as string | undefined;
        const send = (status: number, payload?: unknown): void => {
          this.calls.push({
            path: req.url ?? '/', authorization: req.headers.authorization, idempotencyKey: key, messageType: req.headers['paklog-message-type'] as string | undefined,
            body: text === '' ? {} : JSON.parse(text) as Record<string, unknown>, status,
          });
          res.writeHead(status, payload === undefined ? {} : { 'content-type': 'application/json' });
          res.end(payload === undefined ? undefined : JSON.stringify(payload));
        };
        if (req.headers.authorization !== `Bearer ${this.token}`) return send(401, { error: 'unauthorized' });
        if (this.failing) return send(503, { error: 'down for maintenance' });
        if (req.method !== 'POST' || key === undefined) return send(400, { error: 'POST with an Idempotency-Key' });
        if (!this.accepted.has(key)) this.accepted.set(key, { path: req.url ?? '/', body: JSON.parse(text) as Record<string, unknown> });
        const held = this.hold !== undefined && this.hold.path === req.url ? this.hold : undefined;
        if (held !== undefined) {
          this.hold = undefined;
          void held.released.then((status) => status === undefined ? this.answer(req.url, key, send) : send(status, { error: 'answered late, with a failure' }));
          return undefined;
        }
        return this.answer(req.url, key, send);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Every load booked from now on is answered with this id (undefined: one id per load again). */
  answerLoadId(loadId: string | undefined): void { this.fixedLoadId = loadId; }

  /**
   * The next request of `path` is taken (kept by its key, as any) but its answer is withheld until the returned
   * function is called: a partner that booked and had not answered yet when PakLog stopped. Called with a status, it
   * answers that (a failure) instead of its usual answer.
   */
  holdNext(path: string): (status?: number) => void {
    let release = (_status: number | undefined): void => undefined;
    this.hold = { path, released: new Promise<number | undefined>((resolve) => { release = resolve; }) };
    return (status?: number) => release(status);
  }

  /** True while the hold `holdNext` set waits for its request (false once a request took it). */
  get holdArmed(): boolean { return this.hold !== undefined; }

  private answer(url: string | undefined, key: string, send: (status: number, payload?: unknown) => void): void {
    if (url === '/loads') return send(201, { loadId: this.fixedLoadId ?? `LD-${[...this.accepted.keys()].indexOf(key) + this.firstLoad}`, status: 'TENDERED' });
    return send(202);
  }

  down(): void { this.failing = true; }
  up(): void { this.failing = false; }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Accepted messages whose path is `path`. */
  of(path: string): { key: string; body: Record<string, unknown> }[] {
    return [...this.accepted].filter(([, m]) => m.path === path).map(([key, m]) => ({ key, body: m.body }));
  }
}
