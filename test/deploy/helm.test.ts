import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Service, ServiceAccount } from 'kubernetes-models/v1';
import { AuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1';
import { PeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1beta1';
import { VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1beta1';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { repoRoot } from '../support/paklog-process.ts';

/**
 * The chart rendered by Helm itself (scripts/helm.sh: a helm binary, or Helm's library from Maven Central through
 * helm-java) in both modes, and every manifest validated against its JSON schema: Kubernetes objects with
 * kubernetes-models (the OpenAPI schemas of Kubernetes 1.3x), Istio resources with @kubernetes-models/istio (Istio's
 * CRD schemas), the ServiceMonitor with @kubernetes-models/prometheus-operator (the operator's CRD schema). Then the
 * rules of the deployment itself: probes, secrets only by reference, who may call whom.
 */
type Manifest = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: Record<string, unknown> } & Record<string, unknown>;
interface Validatable { validate(): void; toJSON(): unknown }
// The models' constructors take their own typed input; a rendered manifest is checked at run time instead.
type ModelClass = new (data: never) => Validatable;

const MODELS: Record<string, ModelClass> = {
  'apps/v1/Deployment': Deployment, 'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler, 'batch/v1/Job': Job,
  'networking.k8s.io/v1/Ingress': Ingress, 'policy/v1/PodDisruptionBudget': PodDisruptionBudget, 'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount, 'security.istio.io/v1/AuthorizationPolicy': AuthorizationPolicy,
  'security.istio.io/v1beta1/PeerAuthentication': PeerAuthentication, 'networking.istio.io/v1beta1/VirtualService': VirtualService,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
};

/**
 * The Istio models register their schemas with the validator release they depend on (@kubernetes-models/validate 3,
 * installed under their own node_modules) while their `validate()` asks the top-level one (5): validate with theirs.
 * Their schemas refer to ObjectMeta without bundling it; metadata is checked with the Kubernetes model instead.
 */
let istioValidate: (id: string, data: unknown) => void;
beforeAll(async () => {
  const istioDir = dirname(createRequire(import.meta.url).resolve('@kubernetes-models/istio/package.json'));
  const v3 = await import(pathToFileURL(join(istioDir, 'node_modules/@kubernetes-models/validate/dist/index.node.mjs')).href) as {
    register(id: string, schema: unknown): void; validate(id: string, data: unknown): void;
  };
  v3.register('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', { type: 'object' });
  istioValidate = (id, data) => v3.validate(id, data);
});

function validate(m: Manifest): void {
  const Model = MODELS[`${m.apiVersion}/${m.kind}`];
  if (Model === undefined) throw new Error(`no schema for ${m.apiVersion} ${m.kind} (${m.metadata.name})`);
  const model = new Model(m as never);
  if (m.apiVersion.includes('istio.io')) {
    try {
      model.validate();
    } catch {
      // Registers the schema with the Istio models' validator (see above); the verdict is the next call's.
    }
    istioValidate(`${m.apiVersion.replace('/', '.')}.${m.kind}`, model.toJSON());
    new ConfigMap({ metadata: m.metadata }).validate();
  } else {
    model.validate();
  }
}

const render = (...args: string[]): Manifest[] => {
  const out = execFileSync(join(repoRoot, 'scripts/helm.sh'), ['template', join(repoRoot, 'deploy/helm/paklog'), '--namespace', 'wms', ...args], { encoding: 'utf8', timeout: 300_000 });
  return parseAllDocuments(out).map((d) => d.toJS() as Manifest | null).filter((d): d is Manifest => d !== null);
};

let allInOne: Manifest[] = [];
let split: Manifest[] = [];
beforeAll(() => {
  // Hooks as plain resources: helm-java's `template` leaves hooks out, and the Job must be validated too.
  allInOne = render('--set', 'migrations.hook=false');
  split = render('--set', 'mode=split', '--set', 'migrations.hook=false');
}, 600_000);

const of = (ms: Manifest[], kind: string): Manifest[] => ms.filter((m) => m.kind === kind);
const named = (ms: Manifest[], kind: string, name: string): Manifest => {
  const m = ms.find((x) => x.kind === kind && x.metadata.name === name);
  if (m === undefined) throw new Error(`no ${kind} ${name}`);
  return m;
};
interface EnvVar { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }
interface Container { name: string; args?: string[]; env?: EnvVar[]; readinessProbe?: { httpGet?: { path: string } }; livenessProbe?: { httpGet?: { path: string } }; resources?: { requests?: unknown; limits?: unknown }; securityContext?: Record<string, unknown> }
const podSpec = (m: Manifest): { containers: Container[]; securityContext?: Record<string, unknown> } =>
  (m.spec as { template: { spec: { containers: Container[]; securityContext?: Record<string, unknown> } } }).template.spec;
const env = (c: Container): Map<string, EnvVar> => new Map((c.env ?? []).map((e) => [e.name, e]));

/**
 * V8's heap sized under the container's memory limit (ADR 0050): without it Node sizes its heap from the node's RAM,
 * and the pod is OOM-killed before V8 collects.
 */
const expectHeapUnderLimit = (d: Manifest): void => {
  const c = podSpec(d).containers[0]!;
  const limit = /^(\d+)Mi$/.exec((c.resources?.limits as { memory?: string } | undefined)?.memory ?? '');
  const heap = /--max-old-space-size=(\d+)/.exec(env(c).get('NODE_OPTIONS')?.value ?? '');
  expect(limit, `${d.metadata.name}: memory limit in Mi`).not.toBeNull();
  expect(heap, `${d.metadata.name}: NODE_OPTIONS --max-old-space-size`).not.toBeNull();
  expect(Number(heap![1]), d.metadata.name).toBeLessThanOrEqual(Number(limit![1]) * 0.7);
  expect(env(c).get('NODE_OPTIONS')?.value, d.metadata.name).toContain('--enable-source-maps');
};

describe('the Helm chart', () => {
  it('renders both modes, and every manifest validates against its schema', () => {
    for (const [mode, ms] of [['all-in-one', allInOne], ['split', split]] as const) {
      expect(ms.length, mode).toBeGreaterThan(8);
      for (const m of ms) expect(() => validate(m), `${mode}: ${m.kind} ${m.metadata.name}`).not.toThrow();
    }
    expect(of(allInOne, 'Deployment').map((d) => d.metadata.name)).toEqual(['paklog-all']);
    expect(of(split, 'Deployment').map((d) => d.metadata.name).sort()).toEqual(['paklog-floor', 'paklog-flow', 'paklog-gateway', 'paklog-stock']);
  });

  it('the validators refuse a broken manifest (so the check above can fail)', () => {
    const deployment = structuredClone(named(split, 'Deployment', 'paklog-stock'));
    podSpec(deployment).containers[0]!.readinessProbe = { httpGet: { path: '/health/ready', port: [] } } as never;
    expect(() => validate(deployment)).toThrow(/port/);
    const pa = structuredClone(of(split, 'PeerAuthentication')[0]!);
    (pa.spec as { mtls: { mode: string } }).mtls.mode = 'STRICTLY';
    expect(() => validate(pa)).toThrow(/mode/);
    const sm = structuredClone(of(split, 'ServiceMonitor')[0]!);
    (sm.spec as { endpoints: { interval: string }[] }).endpoints[0]!.interval = 'often';
    expect(() => validate(sm)).toThrow(/interval/);
  });

  it('gives every workload probes on /health, resources, a non-root read-only container, an HPA and a PDB', () => {
    for (const ms of [allInOne, split]) {
      for (const d of of(ms, 'Deployment')) {
        const spec = podSpec(d);
        const c = spec.containers[0]!;
        expect(c.readinessProbe?.httpGet?.path).toBe('/health/ready');
        expect(c.livenessProbe?.httpGet?.path).toBe('/health/live');
        expect(c.resources?.requests).toBeDefined();
        expectHeapUnderLimit(d);
        expect(spec.securityContext).toMatchObject({ runAsNonRoot: true });
        expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
        expect((named(ms, 'HorizontalPodAutoscaler', d.metadata.name).spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name).toBe(d.metadata.name);
        named(ms, 'PodDisruptionBudget', d.metadata.name);
      }
    }
  });

  it('reads every secret from an existing Secret, never from values', () => {
    for (const ms of [allInOne, split]) {
      for (const m of [...of(ms, 'Deployment'), ...of(ms, 'Job')]) {
        for (const c of podSpec(m).containers) {
          for (const e of c.env ?? []) {
            if (/KEY|SECRET|PASSWORD|DATABASE_URL|REDIS_URL|MQTT_URL/.test(e.name)) {
              expect(e.value, `${m.metadata.name} ${e.name}`).toBeUndefined();
              expect(e.valueFrom?.secretKeyRef?.name, `${m.metadata.name} ${e.name}`).toBeDefined();
            }
          }
        }
      }
      expect(of(ms, 'Secret')).toEqual([]);
    }
  });

  it('split: each group runs its contexts on its own database, finds its gRPC peers, the gateway routes to all', () => {
    const e = (name: string): Map<string, EnvVar> => env(podSpec(named(split, 'Deployment', name)).containers[0]!);
    expect(e('paklog-stock').get('PAKLOG_CONTEXTS')?.value).toBe('catalog,location-master,inventory,location-tracking');
    expect(e('paklog-flow').get('PAKLOG_CONTEXTS')?.value).toBe('orders,waves,orchestration,workload,integrations');
    expect(e('paklog-floor').get('PAKLOG_CONTEXTS')?.value).toBe('tasks,picking,pack-ship,quality,physical-tracking');
    expect(e('paklog-flow').get('PAKLOG_RPC_PEERS')?.value)
      .toBe('tasks=paklog-floor:9090,picking=paklog-floor:9090,pack-ship=paklog-floor:9090,physical-tracking=paklog-floor:9090,catalog=paklog-stock:9090,location-master=paklog-stock:9090,inventory=paklog-stock:9090');
    expect(e('paklog-flow').has('PAKLOG_RPC_PORT')).toBe(false);
    expect(e('paklog-stock').get('PAKLOG_RPC_PORT')?.value).toBe('9090');
    expect(e('paklog-gateway').get('PAKLOG_SERVICES')?.value).toBe('http://paklog-floor:3000,http://paklog-flow:3000,http://paklog-stock:3000');
    const dbs = ['paklog-gateway', 'paklog-stock', 'paklog-flow', 'paklog-floor'].map((n) => e(n).get('DATABASE_URL')?.valueFrom?.secretKeyRef?.name);
    expect(new Set(dbs).size).toBe(4);
    for (const n of ['paklog-gateway', 'paklog-stock', 'paklog-flow', 'paklog-floor']) {
      expect(e(n).get('PAKLOG_BUS')?.value).toBe('kafka');
      expect(e(n).get('PAKLOG_GATEWAY_SECRET')?.valueFrom?.secretKeyRef).toBeDefined();
    }
    expect(podSpec(named(split, 'Deployment', 'paklog-gateway')).containers[0]!.args).toEqual(['gateway']);
  });

  it('migrates each database with a Job of the same image and contexts (`paklog migrate`)', () => {
    expect(of(allInOne, 'Job').map((j) => j.metadata.name)).toEqual(['paklog-migrate-all']);
    expect(of(split, 'Job').map((j) => j.metadata.name).sort()).toEqual(['paklog-migrate-floor', 'paklog-migrate-flow', 'paklog-migrate-stock']);
    for (const group of ['stock', 'flow', 'floor']) {
      const job = podSpec(named(split, 'Job', `paklog-migrate-${group}`)).containers[0]!;
      const app = podSpec(named(split, 'Deployment', `paklog-${group}`)).containers[0]!;
      expect(job.args).toEqual(['migrate']);
      expect(env(job).get('PAKLOG_CONTEXTS')).toEqual(env(app).get('PAKLOG_CONTEXTS'));
      expect(env(job).get('DATABASE_URL')).toEqual(env(app).get('DATABASE_URL'));
    }
  });

  it('exposes the entry point through NGINX with TLS, and scrapes every Service', () => {
    for (const [ms, entry] of [[allInOne, 'paklog-all'], [split, 'paklog-gateway']] as const) {
      const ingress = of(ms, 'Ingress')[0]!.spec as { ingressClassName: string; tls: { secretName: string }[]; rules: { http: { paths: { backend: { service: { name: string } } }[] } }[] };
      expect(ingress.ingressClassName).toBe('nginx');
      expect(ingress.tls[0]!.secretName).toBe('paklog-tls');
      expect(ingress.rules[0]!.http.paths[0]!.backend.service.name).toBe(entry);
      const sm = of(ms, 'ServiceMonitor')[0]!.spec as { selector: { matchLabels: Record<string, string> }; endpoints: { port: string }[] };
      for (const s of of(ms, 'Service')) {
        expect(Object.entries(sm.selector.matchLabels).every(([k, v]) => s.metadata.labels?.[k] === v), s.metadata.name).toBe(true);
        expect((s.spec as { ports: { name: string }[] }).ports.map((p) => p.name)).toContain(sm.endpoints[0]!.port);
      }
    }
  });

  it('Istio: STRICT mTLS; the gateway alone calls the services; a group\'s gRPC port only from the other groups', () => {
    expect((of(split, 'PeerAuthentication')[0]!.spec as { mtls: { mode: string } }).mtls.mode).toBe('STRICT');
    const sa = (c: string): string => `cluster.local/ns/wms/sa/paklog-${c}`;
    type Rule = { from: { source: { principals?: string[]; namespaces?: string[]; ipBlocks?: string[] } }[]; to: { operation: { ports: string[] } }[] };
    const rules = (name: string): Rule[] => (named(split, 'AuthorizationPolicy', name).spec as { rules: Rule[] }).rules;
    const callers = (name: string, port: string): string[] => rules(name).filter((r) => r.to[0]!.operation.ports.includes(port))
      .flatMap((r) => [...(r.from[0]!.source.principals ?? []), ...(r.from[0]!.source.namespaces ?? []).map((n) => `ns:${n}`), ...(r.from[0]!.source.ipBlocks ?? [])]);
    expect(callers('paklog-gateway', '3000')).toEqual(['ns:ingress-nginx']);
    for (const g of ['stock', 'flow', 'floor']) expect(callers(`paklog-${g}`, '3000')).toEqual([sa('gateway')]);
    expect(callers('paklog-stock', '9090').sort()).toEqual([sa('floor'), sa('flow')]);
    expect(callers('paklog-floor', '9090').sort()).toEqual([sa('flow'), sa('stock')]);
    expect(callers('paklog-flow', '9090')).toEqual([]);
    for (const vs of of(split, 'VirtualService')) {
      for (const route of (vs.spec as { http: { timeout: string; retries: { attempts: number; retryOn: string } }[] }).http) {
        expect(route.timeout).toMatch(/^\d+s$/);
        expect(route.retries.attempts).toBeGreaterThan(0);
        // Never a retry of a request the app may have run: no 5xx, no reset after the request was sent.
        expect(route.retries.retryOn).not.toMatch(/5xx|gateway-error|(^|,)reset(,|$)/);
      }
    }
  });

  it('renders and validates with the staging and production values of the pipeline (Jenkinsfile)', () => {
    for (const file of ['values-staging.yaml', 'values-production.yaml']) {
      const ms = render('-f', join(repoRoot, 'deploy/helm', file), '--set', 'migrations.hook=false');
      expect(of(ms, 'Deployment').length, file).toBe(4);
      for (const m of ms) expect(() => validate(m), `${file}: ${m.kind} ${m.metadata.name}`).not.toThrow();
      for (const d of of(ms, 'Deployment')) expectHeapUnderLimit(d);
    }
  });

  it('passes helm lint', () => {
    expect(execFileSync(join(repoRoot, 'scripts/helm.sh'), ['lint', join(repoRoot, 'deploy/helm/paklog'), '--strict'], { encoding: 'utf8' })).not.toMatch(/\[ERROR\]/);
  });
});
