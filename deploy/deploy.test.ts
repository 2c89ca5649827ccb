import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

const root = path.resolve(import.meta.dirname, '..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const lines = dockerfile.split('\n');
  const stages = [...dockerfile.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)].map((match) => ({ image: match[1]!, name: match[2] }));

  it('is multi-stage and runs as a non-root user with an init process', () => {
    expect(stages.map((stage) => stage.name)).toEqual(['deps', 'build', 'prod-deps', 'runtime']);
    const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
    expect(runtime).toMatch(/^USER 10001:10001$/m);
    expect(runtime).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--"\]$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*\/api\/health/m);
    expect(runtime).toMatch(/^CMD \["node", "scripts\/run.mjs", "scripts\/server.ts"\]$/m);
  });

  it('copies only files that exist, and from stages that exist', () => {
    const stageNames = new Set(stages.map((stage) => stage.name));
    const ignored = read('.dockerignore').split('\n').filter((line) => line && !line.startsWith('#'));
    for (const line of lines.filter((l) => /^COPY\s/.test(l))) {
      const parts = line.split(/\s+/).slice(1).filter((part) => !part.startsWith('--chown'));
      const from = parts.find((part) => part.startsWith('--from='))?.slice('--from='.length);
      const sources = parts.filter((part) => !part.startsWith('--')).slice(0, -1);
      if (from) {
        expect(stageNames.has(from), `${line}: no stage ${from}`).toBe(true);
        continue; // produced inside the build; checked by the stage that makes it
      }
      for (const source of sources) {
        expect(fs.existsSync(path.join(root, source)), `${line}: ${source} does not exist`).toBe(true);
        expect(ignored.includes(source), `${line}: ${source} is in .dockerignore`).toBe(false);
      }
    }
  });

  it('runs commands that the repository defines', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    for (const match of dockerfile.matchAll(/npm run (\S+)/g)) expect(pkg.scripts[match[1]!], match[0]).toBeDefined();
    expect(fs.existsSync(path.join(root, 'scripts/run.mjs'))).toBe(true);
    expect(fs.existsSync(path.join(root, 'scripts/server.ts'))).toBe(true);
  });
});

describe('compose.yaml', () => {
  const compose = parse(read('compose.yaml')) as {
    services: Record<string, { image?: string; build?: string; depends_on?: Record<string, { condition: string }>; environment?: Record<string, string>; command?: string[]; healthcheck?: unknown }>;
  };

  it('runs PostgreSQL, migrations once, then the portal with the required secrets', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['db', 'migrate', 'portcullis']);
    expect(compose.services.db!.image).toMatch(/^postgres:/);
    expect(compose.services.portcullis!.depends_on).toEqual({ db: { condition: 'service_healthy' }, migrate: { condition: 'service_completed_successfully' } });
    expect(compose.services.migrate!.command).toEqual(['node', 'node_modules/prisma/build/index.js', 'migrate', 'deploy']);
    expect(fs.existsSync(path.join(root, 'node_modules/prisma/build/index.js'))).toBe(true);
    for (const name of ['DATABASE_URL', 'AUTH_SECRET', 'TOKEN_HASH_SECRET', 'ENCRYPTION_KEY']) expect(compose.services.portcullis!.environment![name]).toBeTruthy();
    expect(compose.services.portcullis!.healthcheck).toBeDefined();
    const example = read('deploy/compose.env.example');
    for (const name of ['POSTGRES_PASSWORD', 'AUTH_SECRET', 'TOKEN_HASH_SECRET', 'ENCRYPTION_KEY']) expect(example).toMatch(new RegExp(`^${name}=`, 'm'));
  });
});

// The first render compiles the Go renderer (deploy/render-chart.sh): far more than the unit default of 5 s.
describe('Helm chart', { timeout: 180_000 }, () => {
  const chartDir = path.join(root, 'deploy/helm/portcullis');

  it('has valid YAML metadata and values', () => {
    const chart = parse(read('deploy/helm/portcullis/Chart.yaml')) as { apiVersion: string; name: string; version: string };
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'portcullis' });
    const values = parse(read('deploy/helm/portcullis/values.yaml')) as { replicaCount: number; autoscaling: { minReplicas: number } };
    expect(values.replicaCount).toBe(3);
    expect(values.autoscaling.minReplicas).toBeGreaterThanOrEqual(3);
    expect(fs.readdirSync(path.join(chartDir, 'templates')).sort()).toEqual(
      ['NOTES.txt', '_helpers.tpl', 'configmap.yaml', 'deployment.yaml', 'hpa.yaml', 'ingress.yaml', 'pdb.yaml', 'secret.yaml', 'service.yaml'].sort(),
    );
  });

  // Helm is not packaged for Debian; deploy/render-chart.sh builds a small
  // renderer from Debian's Go, Sprig and yaml.v3 packages. Skipped (with this
  // reason) on a machine without them; .ci/run installs them.
  const renderer = spawnSync('bash', ['-c', 'command -v go && test -d /usr/share/gocode/src/github.com/Masterminds/sprig'], { encoding: 'utf8' });
  const canRender = renderer.status === 0;
  const render = (...args: string[]) => {
    const out = execFileSync(path.join(root, 'deploy/render-chart.sh'), args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return parseAllDocuments(out).map((doc) => {
      expect(doc.errors).toEqual([]);
      return doc.toJS() as { kind: string; metadata: { name: string; annotations?: Record<string, string> }; spec: Record<string, unknown>; data?: Record<string, string>; stringData?: Record<string, string> };
    });
  };
  const secrets = ['--set', 'secrets.DATABASE_URL=postgresql://u:p@db/portcullis', '--set', 'secrets.AUTH_SECRET=a', '--set', 'secrets.TOKEN_HASH_SECRET=b', '--set', 'secrets.ENCRYPTION_KEY=c'];

  it.skipIf(!canRender)('renders a Deployment of 3 with probes and migrations, a Service, Ingress, HPA, PDB, ConfigMap and Secret', () => {
    const docs = render(...secrets);
    const byKind = Object.fromEntries(docs.map((doc) => [doc.kind, doc]));
    expect(Object.keys(byKind).sort()).toEqual(['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'Ingress', 'PodDisruptionBudget', 'Secret', 'Service']);
    const deployment = byKind.Deployment!.spec as {
      replicas: number;
      template: { spec: { securityContext: { runAsNonRoot: boolean }; initContainers: { command: string[]; envFrom: unknown[] }[]; containers: { readinessProbe: { httpGet: { path: string } }; livenessProbe: { httpGet: { path: string } }; envFrom: { configMapRef?: { name: string }; secretRef?: { name: string } }[]; securityContext: { readOnlyRootFilesystem: boolean } }[] } };
    };
    expect(deployment.replicas).toBe(3);
    const pod = deployment.template.spec;
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.initContainers[0]!.command).toEqual(['node', 'node_modules/prisma/build/index.js', 'migrate', 'deploy']);
    const app = pod.containers[0]!;
    expect(app.readinessProbe.httpGet.path).toBe('/api/ready');
    expect(app.livenessProbe.httpGet.path).toBe('/api/health');
    expect(app.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(app.envFrom).toEqual([{ configMapRef: { name: 'portcullis-config' } }, { secretRef: { name: 'portcullis-secrets' } }]);
    expect(byKind.Secret!.stringData).toMatchObject({ DATABASE_URL: 'postgresql://u:p@db/portcullis', AUTH_SECRET: 'a' });
    expect(byKind.ConfigMap!.data).toMatchObject({ PUBLIC_URL: 'https://portal.example.com', NODE_ENV: 'production', SIEM_WORKER: 'true' });
    expect(byKind.ConfigMap!.data).not.toHaveProperty('OTEL_EXPORTER_OTLP_ENDPOINT'); // tracing stays off unless set
    expect(byKind.HorizontalPodAutoscaler!.spec).toMatchObject({ minReplicas: 3, maxReplicas: 10, scaleTargetRef: { kind: 'Deployment', name: 'portcullis' } });
    expect(byKind.Service!.spec).toMatchObject({ ports: [{ name: 'http', port: 80, targetPort: 'http' }] });
  });

  it.skipIf(!canRender)('uses an existing Secret instead of creating one, and refuses to render without secrets', () => {
    const docs = render('--set', 'existingSecret=prod-portcullis', '--set', 'autoscaling.enabled=false', '--set', 'ingress.enabled=false');
    expect(docs.map((doc) => doc.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'PodDisruptionBudget', 'Service']);
    const deployment = docs.find((doc) => doc.kind === 'Deployment')!.spec as { replicas: number; template: { spec: { containers: { envFrom: unknown[] }[] } } };
    expect(deployment.replicas).toBe(3);
    expect(deployment.template.spec.containers[0]!.envFrom).toContainEqual({ secretRef: { name: 'prod-portcullis' } });
    expect(() => render()).toThrow(/secrets.DATABASE_URL is required/);
  });
});
