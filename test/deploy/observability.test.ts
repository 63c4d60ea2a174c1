import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { repoRoot } from '../support/paklog-process.ts';

/**
 * The alert rules (deploy/prometheus/alerts.yaml) and the Grafana dashboards (deploy/grafana/*.json) name only metrics
 * a running PakLog exports: an app with every context is started, /metrics scraped, and every `paklog_…` name in an
 * expression must be one of its series (a histogram's `_bucket`, `_count`, `_sum` included). No promtool here: the
 * expressions get a structural check (brackets, range durations, functions PromQL has), not Prometheus's parser.
 */
let t: TestApp;
let exported = new Set<string>();

beforeAll(async () => {
  t = await startTestApp();
  const res = await t.app.http.inject({ url: '/metrics' });
  expect(res.statusCode).toBe(200);
  const types = [...res.body.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!] as const);
  exported = new Set(types.flatMap(([name, type]) => (type === 'histogram' ? [`${name}_bucket`, `${name}_count`, `${name}_sum`] : type === 'summary' ? [name, `${name}_count`, `${name}_sum`] : [name])));
});

afterAll(async () => {
  await t?.close();
});

/** Series Prometheus itself makes for every target. */
const SYNTHETIC = new Set(['up']);
const FUNCTIONS = new Set(['rate', 'increase', 'delta', 'sum', 'max', 'min', 'avg', 'count', 'topk', 'histogram_quantile', 'by', 'without', 'and', 'or', 'unless', 'on', 'ignoring', 'label_values']);

/** The metric names an expression selects: identifiers followed by `{`, `[` or standing as a selector on their own. */
function metricNames(expr: string): string[] {
  const noStrings = expr.replace(/"[^"]*"/g, '""');
  const noMatchers = noStrings.replace(/\{[^}]*\}/g, '{}');
  const names = [...noMatchers.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b\s*(\{|\[|\)|$|\s|\/|>|<|=|,|\*|\+|-)/g)]
    .filter((m) => !/^\d/.test(m[1]!) && !/^\d+[smhdwy]$/.test(m[1]!))
    .map((m) => m[1]!)
    .filter((n) => !FUNCTIONS.has(n) && !/^(le|job|job_name|route|consumer|status_code|type|state|kind|status|instance|outcome|stage)$/.test(n));
  return [...new Set(names)];
}

/** Brackets balance, ranges are durations, every called function is one PromQL has. */
function checkSyntax(expr: string): void {
  const stack: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  for (const ch of expr.replace(/"[^"]*"/g, '""')) {
    if ('([{'.includes(ch)) stack.push(ch);
    else if (ch in pairs && stack.pop() !== pairs[ch]) throw new Error(`unbalanced ${ch} in ${expr}`);
  }
  if (stack.length > 0) throw new Error(`unclosed ${stack.join('')} in ${expr}`);
  for (const m of expr.matchAll(/\[([^\]]*)\]/g)) if (!/^\d+[smhdwy]$/.test(m[1]!)) throw new Error(`range [${m[1]}] is not a duration in ${expr}`);
  for (const m of expr.replace(/\{[^}]*\}/g, '{}').matchAll(/\b([a-z_]+)\s*\(/g)) if (!FUNCTIONS.has(m[1]!)) throw new Error(`unknown function ${m[1]} in ${expr}`);
}

interface Rule { alert: string; expr: string; for?: string; labels: { severity: string }; annotations: { summary: string; runbook_url: string } }
const rules = (): Rule[] => (parse(readFileSync(join(repoRoot, 'deploy/prometheus/alerts.yaml'), 'utf8')) as { groups: { name: string; rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
interface Panel { title: string; targets?: { expr: string }[] }
const dashboards = (): [string, { uid: string; panels: Panel[]; templating: { list: { query?: unknown }[] } }][] => readdirSync(join(repoRoot, 'deploy/grafana'))
  .filter((f) => f.endsWith('.json')).map((f) => [f, JSON.parse(readFileSync(join(repoRoot, 'deploy/grafana', f), 'utf8')) as never]);

describe('alert rules', () => {
  it('cover what the operations docs promise, each with a severity, a summary and a runbook that exists', () => {
    const all = rules();
    expect(all.map((r) => r.alert)).toEqual(expect.arrayContaining([
      'PakLogErrorRate', 'PakLogSlowRoute', 'PakLogOutboxBacklog', 'PakLogDeadLetters', 'PakLogConsumerLag', 'PakLogSagaFailures', 'PakLogCutoffAtRisk',
    ]));
    const runbooks = readFileSync(join(repoRoot, 'docs/operations/runbooks.md'), 'utf8');
    const anchors = new Set([...runbooks.matchAll(/^#+ (.+)$/gm)].map((m) => m[1]!.trim().toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')));
    for (const r of all) {
      expect(['page', 'ticket'], r.alert).toContain(r.labels.severity);
      expect(r.annotations.summary, r.alert).toBeTruthy();
      expect(anchors, `${r.alert}: runbook ${r.annotations.runbook_url}`).toContain(r.annotations.runbook_url.split('#')[1]);
      if (r.for !== undefined) expect(r.for).toMatch(/^\d+[smh]$/);
    }
    expect(new Set(all.map((r) => r.alert)).size).toBe(all.length);
  });

  it('are well-formed PromQL (structurally) and name only metrics the app exports', () => {
    expect(exported.size).toBeGreaterThan(30);
    for (const r of rules()) {
      expect(() => checkSyntax(r.expr), r.alert).not.toThrow();
      const names = metricNames(r.expr);
      expect(names.length, r.alert).toBeGreaterThan(0);
      for (const n of names) expect(exported.has(n) || SYNTHETIC.has(n), `${r.alert}: ${n} is not exported`).toBe(true);
    }
  });

  it('the check fails for a metric the app does not export', () => {
    expect(metricNames('sum(rate(paklog_orders_lost_total{job="x"}[5m])) > 0')).toEqual(['paklog_orders_lost_total']);
    expect(exported.has('paklog_orders_lost_total')).toBe(false);
    expect(() => checkSyntax('sum(rate(paklog_x[5 minutes]))')).toThrow(/duration/);
    expect(() => checkSyntax('sum(rate(paklog_x[5m])')).toThrow(/unclosed/);
  });
});

describe('Grafana dashboards', () => {
  it('are dashboards with a uid and panels whose every query names exported metrics only', () => {
    const all = dashboards();
    expect(all.map(([f]) => f).sort()).toEqual(['business-kpis.json', 'system-health.json']);
    for (const [file, d] of all) {
      expect(d.uid, file).toMatch(/^paklog-/);
      expect(d.panels.length, file).toBeGreaterThan(4);
      for (const p of d.panels) {
        expect(p.targets?.length, `${file}: ${p.title}`).toBeGreaterThan(0);
        for (const target of p.targets ?? []) {
          expect(() => checkSyntax(target.expr), `${file}: ${p.title}`).not.toThrow();
          const names = metricNames(target.expr.replace(/\$\w+/g, 'x'));
          expect(names.length, `${file}: ${p.title}`).toBeGreaterThan(0);
          for (const n of names) expect(exported.has(n), `${file}: ${p.title}: ${n} is not exported`).toBe(true);
        }
      }
    }
  });

  it('the business dashboard shows orders by status, lines per hour, backlog vs cut-off and pick accuracy', () => {
    const business = dashboards().find(([f]) => f === 'business-kpis.json')![1];
    const exprs = business.panels.flatMap((p) => p.targets ?? []).map((x) => x.expr).join('\n');
    for (const metric of ['paklog_orders_open', 'paklog_pick_confirmations_total', 'paklog_exceptions_open', 'paklog_units_short_picked_total']) expect(exprs).toContain(metric);
    expect(exprs).toContain('CUTOFF_AT_RISK');
  });
});
