import 'server-only';
/**
 * The install instruction templates a fresh installation starts with. They
 * are data: staff-admins edit them in settings (stored in
 * instruction_templates), and "reset" returns a section to the text here.
 * Placeholders are {{name}}; see PLACEHOLDERS in ./render.
 */
export const TEMPLATE_KEYS = ['kubectl-secret', 'helm', 'manifests', 'docker', 'troubleshooting'] as const;
export type TemplateKey = (typeof TEMPLATE_KEYS)[number];

export type DefaultTemplate = { key: TemplateKey; title: string; body: string };

const fence = '```';

export const DEFAULT_TEMPLATES: readonly DefaultTemplate[] = [
  {
    key: 'kubectl-secret',
    title: 'Create the registry pull secret',
    body: `Your cluster pulls images from \`{{registryHost}}\` with the username \`{{username}}\` and your registry token. Create the namespace (if it does not exist yet) and an image pull secret in it:

${fence}sh
kubectl create namespace {{namespace}} --dry-run=client -o yaml | kubectl apply -f -
kubectl create secret docker-registry {{secretName}} \\
  --namespace {{namespace}} \\
  --docker-server={{registryHost}} \\
  --docker-username={{username}} \\
  --docker-password={{token}} \\
  --docker-email={{contactEmail}}
${fence}

Check that it exists:

${fence}sh
kubectl get secret {{secretName}} --namespace {{namespace}}
${fence}`,
  },
  {
    key: 'helm',
    title: 'Install with Helm',
    body: `Save the enterprise values as \`values-enterprise.yaml\`:

${fence}yaml
image:
  repository: {{image}}
  tag: "{{tag}}"
imagePullSecrets:
  - name: {{secretName}}
enterprise:
  enabled: true
${fence}

Log Helm in to the registry, then install (or upgrade) the release:

${fence}sh
echo '{{token}}' | helm registry login {{registryHost}} --username {{username}} --password-stdin
helm upgrade --install {{release}} {{chartRef}} \\
  --version {{chartVersion}} \\
  --namespace {{namespace}} \\
  --values values-enterprise.yaml \\
  --set 'imagePullSecrets[0].name={{secretName}}'
${fence}`,
  },
  {
    key: 'manifests',
    title: 'Or apply plain manifests',
    body: `Without Helm, save this as \`{{release}}.yaml\`; the \`imagePullSecrets\` entry is what lets the cluster pull the enterprise image:

${fence}yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{release}}
  namespace: {{namespace}}
  labels:
    app.kubernetes.io/name: {{release}}
spec:
  replicas: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: {{release}}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {{release}}
    spec:
      imagePullSecrets:
        - name: {{secretName}}
      containers:
        - name: {{release}}
          image: {{imageRef}}
          imagePullPolicy: IfNotPresent
${fence}

Apply it and wait for the rollout:

${fence}sh
kubectl apply -f {{release}}.yaml
kubectl rollout status deployment/{{release}} --namespace {{namespace}}
${fence}`,
  },
  {
    key: 'docker',
    title: 'Smoke test with Docker',
    body: `From any machine with Docker, check that the token works before touching the cluster:

${fence}sh
echo '{{token}}' | docker login {{registryHost}} --username {{username}} --password-stdin
docker pull {{imageRef}}
${fence}

\`Login Succeeded\` followed by a completed pull means the token, the username and your access to the repository are in order.`,
  },
  {
    key: 'troubleshooting',
    title: 'Troubleshooting',
    body: `**Pods stuck in \`ImagePullBackOff\` or \`ErrImagePull\`.** Read the pull error in the pod's events:

${fence}sh
kubectl get pods --namespace {{namespace}}
kubectl describe pod POD_NAME --namespace {{namespace}}
${fence}

**\`unauthorized\` or \`authentication required\`: the token is expired, revoked or mistyped.** Tokens stop working the moment they expire or are revoked. Ask {{vendorContact}} for a new token, then replace the secret:

${fence}sh
kubectl delete secret {{secretName}} --namespace {{namespace}}
${fence}

and create it again as in the first step.

**\`secret "…" not found\` or no credentials sent: wrong secret name or namespace.** The secret must be named \`{{secretName}}\` and live in the namespace of the pods (\`{{namespace}}\`). Compare with what the pod asks for:

${fence}sh
kubectl get pod POD_NAME --namespace {{namespace}} -o jsonpath='{.spec.imagePullSecrets}'
kubectl get secret {{secretName}} --namespace {{namespace}} -o jsonpath='{.data.\\.dockerconfigjson}' | base64 -d
${fence}

The decoded secret must name \`{{registryHost}}\` and the username \`{{username}}\`.

**\`denied\`: the repository is not part of your subscription.** Your token can pull \`{{repository}}\`; ask {{vendorContact}} if you need another image.

Still stuck? Send {{vendorContact}} the output of the commands above (remove the token first).`,
  },
];

export function defaultTemplate(key: TemplateKey): DefaultTemplate {
  return DEFAULT_TEMPLATES.find((template) => template.key === key)!;
}
