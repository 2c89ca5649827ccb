import 'server-only';
/**
 * Pure template rendering for install instructions: {{placeholder}}
 * substitution over a fixed vocabulary, so a template saved by staff can
 * be checked for typos before it reaches a customer.
 */
export const PLACEHOLDERS = {
  customerName: 'The customer\'s name',
  username: 'Registry username (the customer\'s slug)',
  contactEmail: 'The customer\'s contact email',
  registryHost: 'Registry host[:port] customers log in to',
  token: 'The registry token (a placeholder unless one was just minted)',
  namespace: 'Target Kubernetes namespace',
  secretName: 'Name of the image pull secret',
  repository: 'Repository name, e.g. acme/product-enterprise',
  image: 'Image without tag: registry host + repository',
  tag: 'Image tag (the version the repository names, or the customer\'s product version)',
  imageRef: 'Image with tag',
  release: 'Helm release and Deployment name',
  chartRef: 'Helm chart reference (oci://…), when the image has a chart',
  chartVersion: 'Helm chart version, when the image has a chart',
  productVersion: 'The customer\'s product version',
  kubernetesVersion: 'The customer\'s Kubernetes version',
  vendorContact: 'Who customers contact for help',
} as const;
export type Placeholder = keyof typeof PLACEHOLDERS;
export type InstructionValues = Record<Placeholder, string>;

/** Shown where the token goes when none was just minted: obviously fake, and harmless if pasted into a shell. */
export const TOKEN_PLACEHOLDER = 'YOUR_REGISTRY_TOKEN';

const PATTERN = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

export function isPlaceholder(name: string): name is Placeholder {
  return Object.hasOwn(PLACEHOLDERS, name);
}

/** Names used in a template that are not placeholders, in order of appearance, without repeats. */
export function unknownPlaceholders(body: string): string[] {
  const unknown = new Set<string>();
  for (const match of body.matchAll(PATTERN)) if (!isPlaceholder(match[1]!)) unknown.add(match[1]!);
  return [...unknown];
}

export function renderTemplate(body: string, values: InstructionValues): string {
  return body.replace(PATTERN, (whole, name: string) => (isPlaceholder(name) ? values[name] : whole));
}

/** A Kubernetes object name (DNS-1123 label) from any text: "acme/Product_Enterprise" → "product-enterprise". */
export function dnsLabel(value: string, fallback = 'app'): string {
  const label = value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/g, '');
  return label || fallback;
}

export type InstructionFacts = {
  customer: { name: string; slug: string; contactEmail: string; namespace: string | null; productVersion: string | null; kubernetesVersion: string | null };
  /** The image, and its Helm chart when it has one (the customer may pull both). */
  repository: { name: string; defaultTag: string; chart: { name: string; defaultTag: string } | null } | null;
  registryHost: string;
  token?: string | null;
  vendorContact: string;
};

/** Every placeholder's value for one customer (and repository), with the token or its placeholder. */
export function instructionValues(facts: InstructionFacts): InstructionValues {
  const { customer, repository, registryHost } = facts;
  const repositoryName = repository?.name ?? 'REPOSITORY';
  const tag = repository ? (repository.defaultTag === 'latest' && customer.productVersion ? customer.productVersion : repository.defaultTag) : 'VERSION';
  const image = `${registryHost}/${repositoryName}`;
  const base = {
    customerName: customer.name,
    username: customer.slug,
    contactEmail: customer.contactEmail,
    registryHost,
    token: facts.token || TOKEN_PLACEHOLDER,
    namespace: customer.namespace || customer.slug,
    secretName: `${customer.slug}-registry`.slice(0, 253),
    repository: repositoryName,
    image,
    tag,
    imageRef: `${image}:${tag}`,
    release: dnsLabel(repositoryName.split('/').pop() ?? repositoryName),
    chartRef: repository?.chart ? `oci://${registryHost}/${repository.chart.name}` : '',
    chartVersion: repository?.chart?.defaultTag ?? '',
    productVersion: customer.productVersion || tag,
    kubernetesVersion: customer.kubernetesVersion || 'unknown',
    vendorContact: facts.vendorContact,
  } satisfies InstructionValues;
  return base;
}

export type RenderedSection = { key: string; title: string; body: string };

export function toMarkdown(title: string, intro: string, sections: readonly RenderedSection[]): string {
  return [`# ${title}`, intro, ...sections.map((section, index) => `## ${index + 1}. ${section.title}\n\n${section.body.trim()}`)].join('\n\n') + '\n';
}
