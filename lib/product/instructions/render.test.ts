import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_TEMPLATES } from './defaults';
import { dnsLabel, instructionValues, renderTemplate, toMarkdown, TOKEN_PLACEHOLDER, unknownPlaceholders, type InstructionFacts } from './render';

const TOKEN = 'pcr_0123456789abcdefghijABCDEFGHIJ01AbCdEf';

const facts: InstructionFacts = {
  customer: { name: 'Acme Corp', slug: 'acme-corp', contactEmail: 'ops@acme.test', namespace: 'acme-prod', productVersion: '4.2.0', kubernetesVersion: '1.31' },
  repository: { name: 'vendor/product-enterprise', defaultTag: '4.2.0', chart: { name: 'vendor/charts/product-enterprise', defaultTag: '1.8.0' } },
  registryHost: 'registry.vendor.test:8443',
  vendorContact: 'support@vendor.test',
};

function render(token?: string) {
  const values = instructionValues({ ...facts, token });
  const sections = DEFAULT_TEMPLATES.map((t) => ({ key: t.key, title: t.title, body: renderTemplate(t.body, values) }));
  return { values, sections, markdown: toMarkdown('Install', 'intro', sections) };
}

function codeBlocks(markdown: string, language: string): string[] {
  return [...markdown.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((match) => match[1]!);
}

/** Shell lines with backslash continuations joined, split into words (the templates quote only with single quotes). */
function shellCommands(block: string): string[][] {
  return block
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!));
}

describe('default instruction templates', () => {
  it('use only known placeholders and leave none unfilled', () => {
    for (const template of DEFAULT_TEMPLATES) expect(unknownPlaceholders(template.body), template.key).toEqual([]);
    const { markdown } = render();
    expect(markdown).not.toMatch(/\{\{/);
    expect(markdown).toContain(TOKEN_PLACEHOLDER);
    expect(markdown).toContain('helm upgrade --install product-enterprise oci://registry.vendor.test:8443/vendor/charts/product-enterprise');
    expect(markdown).toContain('--version 1.8.0');
    expect(markdown).not.toMatch(/latest/);
    expect(markdown).toContain("--set 'imagePullSecrets[0].name=acme-corp-registry'");
    expect(markdown).toContain('docker pull registry.vendor.test:8443/vendor/product-enterprise:4.2.0');
    for (const topic of ['ImagePullBackOff', 'expired', 'revoked', 'wrong secret name']) expect(markdown.toLowerCase()).toContain(topic.toLowerCase());
  });

  it('fill in the token only when one is given', () => {
    const { markdown } = render(TOKEN);
    expect(markdown).toContain(`--docker-password=${TOKEN}`);
    expect(markdown).toContain(`echo '${TOKEN}' | docker login registry.vendor.test:8443 --username acme-corp --password-stdin`);
    expect(markdown).not.toContain(TOKEN_PLACEHOLDER);
  });

  it('produce YAML that parses into the values and manifests Kubernetes expects', () => {
    const blocks = codeBlocks(render(TOKEN).markdown, 'yaml');
    expect(blocks).toHaveLength(2);
    const documents = blocks.flatMap((block) => parseAllDocuments(block));
    for (const doc of documents) expect(doc.errors).toEqual([]);
    const [values, deployment] = documents.map((doc) => doc.toJS());
    expect(values).toEqual({
      image: { repository: 'registry.vendor.test:8443/vendor/product-enterprise', tag: '4.2.0' },
      imagePullSecrets: [{ name: 'acme-corp-registry' }],
      enterprise: { enabled: true },
    });
    expect(deployment).toMatchObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'product-enterprise', namespace: 'acme-prod' },
      spec: {
        selector: { matchLabels: { 'app.kubernetes.io/name': 'product-enterprise' } },
        template: {
          metadata: { labels: { 'app.kubernetes.io/name': 'product-enterprise' } },
          spec: {
            imagePullSecrets: [{ name: 'acme-corp-registry' }],
            containers: [{ name: 'product-enterprise', image: 'registry.vendor.test:8443/vendor/product-enterprise:4.2.0' }],
          },
        },
      },
    });
  });

  // kubectl itself checks what we tell customers to run; .ci/run installs it (Debian's kubernetes-client), so this never skips.
  const kubectl = ['/usr/bin/kubectl', '/usr/local/bin/kubectl', '/bin/kubectl'].find((path) => existsSync(path));
  it('give a `kubectl create secret docker-registry` command kubectl accepts', () => {
    expect(kubectl, 'kubectl is missing: apt-get install kubernetes-client').toBeDefined();
    const block = codeBlocks(render(TOKEN).markdown, 'sh')[0]!;
    const command = shellCommands(block).find((words) => words.slice(0, 4).join(' ') === 'kubectl create secret docker-registry')!;
    expect(command).toBeDefined();
    const output = execFileSync(kubectl!, [...command.slice(1), '--dry-run=client', '-o', 'yaml'], { encoding: 'utf8' });
    const secret = parseAllDocuments(output)[0]!.toJS();
    expect(secret).toMatchObject({ kind: 'Secret', type: 'kubernetes.io/dockerconfigjson', metadata: { name: 'acme-corp-registry', namespace: 'acme-prod' } });
    const config = JSON.parse(Buffer.from(secret.data['.dockerconfigjson'], 'base64').toString('utf8'));
    expect(config.auths['registry.vendor.test:8443']).toMatchObject({
      username: 'acme-corp',
      password: TOKEN,
      email: 'ops@acme.test',
      auth: Buffer.from(`acme-corp:${TOKEN}`).toString('base64'),
    });
  });
});

describe('the manifests kubectl reads', () => {
  it('decode as a typed apps/v1 Deployment whose container is the pinned enterprise image', () => {
    const kubectl = ['/usr/bin/kubectl', '/usr/local/bin/kubectl', '/bin/kubectl'].find((path) => existsSync(path));
    expect(kubectl, 'kubectl is missing: apt-get install kubernetes-client').toBeDefined();
    const manifests = codeBlocks(render(TOKEN).markdown, 'yaml')[1]!;
    // `set image --local` decodes the file into Kubernetes' own Deployment type without a cluster
    // (a wrong field type or a missing container fails it) and prints the result; it prints
    // nothing when the image is already the one given, which is what we expect of the pinned image.
    const set = (image: string, input = manifests) => execFileSync(kubectl!, ['set', 'image', '--local', '-f', '-', `product-enterprise=${image}`, '-o', 'json'], { input, encoding: 'utf8', stdio: 'pipe' });
    expect(set('registry.vendor.test:8443/vendor/product-enterprise:4.2.0')).toBe('');
    const deployment = JSON.parse(set('probe'));
    expect(deployment).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'product-enterprise', namespace: 'acme-prod' } });
    expect(deployment.spec.template.spec.imagePullSecrets).toEqual([{ name: 'acme-corp-registry' }]);
    expect(() => execFileSync(kubectl!, ['set', 'image', '--local', '-f', '-', 'x=y', '-o', 'name'], { input: manifests.replace('replicas: 1', 'replicas: one'), stdio: 'pipe' })).toThrow(/cannot unmarshal/);
  });
});

describe('rendering', () => {
  it('reports unknown placeholders and leaves them visible', () => {
    expect(unknownPlaceholders('{{ token }} {{tokne}} {{customerName}} {{tokne}} {{x_1}}')).toEqual(['tokne', 'x_1']);
    expect(renderTemplate('{{ username }}/{{nope}}', render().values)).toBe('acme-corp/{{nope}}');
  });

  it('falls back sensibly when facts are missing', () => {
    const values = instructionValues({ ...facts, repository: null, customer: { ...facts.customer, namespace: null, productVersion: null } });
    expect(values.namespace).toBe('acme-corp');
    expect(values.repository).toBe('REPOSITORY');
    expect(values.tag).toBe('VERSION');
    expect(values.chartRef).toBe('');
    // A repository registered before versions were required still names the customer's version, not latest.
    const latest = instructionValues({ ...facts, repository: { name: 'a/b', defaultTag: 'latest', chart: null } });
    expect(latest.tag).toBe('4.2.0');
  });

  it('makes Kubernetes names', () => {
    expect(dnsLabel('Product_Enterprise')).toBe('product-enterprise');
    expect(dnsLabel('---')).toBe('app');
    expect(dnsLabel('a'.repeat(80))).toHaveLength(63);
  });
});
