import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * Tiny, deterministic container images as an OCI image layout on disk,
 * made with nothing but tar and gzip written here: a single-platform image
 * (tag `v1`) and a two-platform image index (tag `multi`). Pushed to a real
 * registry with `skopeo copy oci:<dir>:<tag> docker://...`, which can also
 * convert to Docker v2s2 (`--format v2s2`).
 */
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const ALL_MANIFEST_TYPES = [OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST].join(', ');

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture: string; os: string };
  annotations?: Record<string, string>;
}

function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** A ustar archive of regular files (enough for a layer). */
export function tarFiles(files: Record<string, Buffer | string>): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const header = Buffer.alloc(512);
    header.write(name, 0, 100);
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
    header.write('00000000000\0', 136);
    header.write('        ', 148);
    header.write('0', 156);
    header.write('ustar\0', 257);
    header.write('00', 263);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

class Layout {
  constructor(readonly dir: string) {
    fs.mkdirSync(path.join(dir, 'blobs', 'sha256'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  }

  blob(mediaType: string, data: Buffer | string): Descriptor {
    const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data);
    const digest = sha256(buffer);
    fs.writeFileSync(path.join(this.dir, 'blobs', 'sha256', digest.slice(7)), buffer);
    return { mediaType, digest, size: buffer.length };
  }

  image(arch: string, text: string, created?: string): Descriptor {
    const tar = tarFiles({ 'hello.txt': `${text}\n` });
    const layer = this.blob('application/vnd.oci.image.layer.v1.tar+gzip', gzipSync(tar, { level: 9 }));
    const config = this.blob(
      'application/vnd.oci.image.config.v1+json',
      JSON.stringify({
        ...(created ? { created } : {}),
        architecture: arch,
        os: 'linux',
        config: { Cmd: ['/hello.txt'] },
        rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
        history: [{ created_by: 'portcullis test fixture' }],
      }),
    );
    return { ...this.blob(OCI_MANIFEST, JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] })), platform: { architecture: arch, os: 'linux' } };
  }

  index(manifests: Descriptor[]): Descriptor {
    return this.blob(OCI_INDEX, JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }));
  }

  write(refs: Record<string, Descriptor>): void {
    const manifests = Object.entries(refs).map(([tag, d]) => ({
      mediaType: d.mediaType,
      digest: d.digest,
      size: d.size,
      annotations: { 'org.opencontainers.image.ref.name': tag },
    }));
    fs.writeFileSync(path.join(this.dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));
  }
}

export interface FixtureImages {
  dir: string;
  /** Single-platform OCI image manifest. */
  single: Descriptor;
  /** OCI image index over linux/amd64 and linux/arm64. */
  multi: Descriptor;
}

export function buildFixtureImages(dir: string, label = 'portcullis'): FixtureImages {
  const layout = new Layout(dir);
  const single = layout.image('amd64', `hello from ${label}`);
  const amd64 = layout.image('amd64', `hello from ${label} on amd64`);
  const arm64 = layout.image('arm64', `hello from ${label} on arm64`);
  const multi = layout.index([amd64, arm64]);
  layout.write({ v1: single, multi });
  return { dir, single, multi };
}

/**
 * One image per version, each with its config's `created` date (what the
 * gateway's perpetual fallback dates a version by); `multi` versions are
 * multi-arch indexes. Tags are the version strings.
 */
export function buildVersionedImages(dir: string, label: string, versions: Record<string, { created: string; multi?: boolean }>): { dir: string; images: Record<string, Descriptor> } {
  const layout = new Layout(dir);
  const images: Record<string, Descriptor> = {};
  for (const [tag, { created, multi }] of Object.entries(versions)) {
    images[tag] = multi
      ? layout.index([layout.image('amd64', `${label} ${tag} on amd64`, created), layout.image('arm64', `${label} ${tag} on arm64`, created)])
      : layout.image('amd64', `${label} ${tag}`, created);
  }
  layout.write(images);
  return { dir, images };
}

export const HELM_CONFIG = 'application/vnd.cncf.helm.config.v1+json';
export const HELM_CHART_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';

export interface HelmChartArtifact {
  manifest: Buffer;
  digest: string;
  config: Buffer;
  chart: Buffer;
  chartDigest: string;
}

/**
 * A Helm chart as Helm stores it in an OCI registry (`helm push`): an image
 * manifest whose config is Chart.yaml as JSON (Helm's config media type) and
 * whose one layer is the packaged chart, `<name>/Chart.yaml` and a template.
 */
export function buildHelmChart(name: string, version: string, appVersion: string): HelmChartArtifact {
  const meta = { apiVersion: 'v2', name, version, appVersion, type: 'application', description: `${name} enterprise chart` };
  const chartYaml = `apiVersion: v2\nname: ${name}\nversion: ${version}\nappVersion: "${appVersion}"\ntype: application\n`;
  const deployment = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n';
  const chart = gzipSync(tarFiles({ [`${name}/Chart.yaml`]: chartYaml, [`${name}/templates/deployment.yaml`]: deployment }));
  const config = Buffer.from(JSON.stringify(meta));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: HELM_CONFIG, digest: sha256(config), size: config.length },
      layers: [{ mediaType: HELM_CHART_LAYER, digest: sha256(chart), size: chart.length }],
    }),
  );
  return { manifest, digest: sha256(manifest), config, chart, chartDigest: sha256(chart) };
}

/** Pushes an artifact with the distribution API itself (monolithic blob uploads, then the manifest by tag). */
export async function pushArtifact(registryUrl: string, authorization: string | null, repository: string, tag: string, artifact: { manifest: Buffer; config: Buffer; chart: Buffer }): Promise<void> {
  const headers = (extra: Record<string, string> = {}) => ({ ...(authorization ? { authorization } : {}), ...extra });
  for (const blob of [artifact.config, artifact.chart]) {
    const started = await fetch(`${registryUrl}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: headers() });
    if (started.status !== 202) throw new Error(`blob upload refused: ${started.status} ${await started.text()}`);
    const location = new URL(started.headers.get('location')!, registryUrl);
    location.searchParams.set('digest', sha256(blob));
    const put = await fetch(location, { method: 'PUT', headers: headers({ 'content-type': 'application/octet-stream' }), body: new Uint8Array(blob) });
    if (put.status !== 201) throw new Error(`blob upload failed: ${put.status} ${await put.text()}`);
  }
  const put = await fetch(`${registryUrl}/v2/${repository}/manifests/${tag}`, { method: 'PUT', headers: headers({ 'content-type': OCI_MANIFEST }), body: new Uint8Array(artifact.manifest) });
  if (put.status !== 201) throw new Error(`manifest push failed: ${put.status} ${await put.text()}`);
}
