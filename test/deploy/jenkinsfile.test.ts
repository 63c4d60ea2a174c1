import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paklog-process.ts';

/** The pipeline has the stages issue 17 asks for, in order, and deploys only what it built and scanned. */
describe('the Jenkinsfile', () => {
  const text = readFileSync(join(repoRoot, 'Jenkinsfile'), 'utf8');
  const stages = [...text.matchAll(/stage\('([^']+)'\)/g)].map((m) => m[1]);

  it('runs install, checks, tests with services, image build, scan, push, staging, smoke test and an approved promotion', () => {
    expect(stages).toEqual(['Install', 'Typecheck', 'Lint', 'Unit and integration tests', 'Build image', 'Scan', 'Push',
      'Deploy to staging', 'Smoke test', 'Promote to production']);
    for (const service of ['postgres:15', 'redis:7', 'nats:', 'mosquitto', 'apache/kafka:']) expect(text).toContain(service);
    const production = text.slice(text.indexOf("stage('Promote to production')"));
    expect(production.indexOf('input message')).toBeGreaterThan(0);
    expect(production.indexOf('input message')).toBeLessThan(production.indexOf('helm upgrade'));
  });

  it('deploys the chart with the values files that exist and the image tag it built', () => {
    for (const m of text.matchAll(/-f (deploy\/helm\/[\w-]+\.yaml)/g)) expect(() => readFileSync(join(repoRoot, m[1]!))).not.toThrow();
    expect(text).toContain('--set image.tag="$TAG"');
    expect(text).toContain('deploy/helm/paklog');
    // No credentials in the file: only references to Jenkins credentials.
    expect(text).not.toMatch(/password\s*[:=]|pk_[A-Za-z0-9]{20,}/i);
  });
});
