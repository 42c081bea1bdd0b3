import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { daysFrom, issueCert, type IssuedCert } from '../../src/simulator/cert-factory.js';

/**
 * A node's filesystem in a temp directory: the host root that `readHostCertificates` gets, with node
 * paths (`/etc/kubernetes/pki/ca.crt`) written under it. World-readable so that a test can read it as
 * an unprivileged user (permission tests run as root otherwise, and root ignores file modes).
 */
export class HostTree {
  private constructor(readonly root: string) {}

  static async create(): Promise<HostTree> {
    const root = await mkdtemp(join(tmpdir(), 'vigil-host-'));
    await chmod(root, 0o755);
    return new HostTree(root);
  }

  local(nodePath: string): string {
    return join(this.root, nodePath);
  }

  async write(nodePath: string, content: string | Buffer, mode = 0o644): Promise<void> {
    await mkdir(dirname(this.local(nodePath)), { recursive: true, mode: 0o755 });
    await writeFile(this.local(nodePath), content);
    await chmod(this.local(nodePath), mode);
  }

  async mkdir(nodePath: string, mode = 0o755): Promise<void> {
    await mkdir(this.local(nodePath), { recursive: true, mode: 0o755 });
    await chmod(this.local(nodePath), mode);
  }

  /** `target` is written as given: absolute targets are node paths, as the kubelet writes them. */
  async link(nodePath: string, target: string): Promise<void> {
    await mkdir(dirname(this.local(nodePath)), { recursive: true, mode: 0o755 });
    await symlink(target, this.local(nodePath));
  }

  async fifo(nodePath: string): Promise<void> {
    await mkdir(dirname(this.local(nodePath)), { recursive: true, mode: 0o755 });
    const r = spawnSync('mkfifo', [this.local(nodePath)]);
    if (r.status !== 0) throw new Error(`mkfifo failed: ${r.stderr.toString()}`);
  }

  async remove(nodePath: string): Promise<void> {
    await rm(this.local(nodePath), { recursive: true, force: true });
  }

  async chmod(nodePath: string, mode: number): Promise<void> {
    await chmod(this.local(nodePath), mode);
  }

  async dispose(): Promise<void> {
    // Restore modes first: a 000 directory cannot be removed by a non-root runner.
    spawnSync('chmod', ['-R', 'u+rwx', this.root]);
    await rm(this.root, { recursive: true, force: true });
  }
}

/** A private key PEM with a marker line inside the block: tests assert the marker never comes out. */
export function keyWithMarker(cert: IssuedCert, marker: string): string {
  return cert.keyPem.replace(/(-----BEGIN [A-Z ]*PRIVATE KEY-----\n)/, `$1${marker}\n`);
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** A kubeconfig in the shape kubeadm writes (client-go's YAML), embedding or referencing the files. */
export function kubeconfigYaml(o: {
  user: string;
  caPem: string;
  cert: { pem: string } | { path: string };
  key: { pem: string } | { path: string };
}): string {
  const cert =
    'pem' in o.cert ? `client-certificate-data: ${b64(o.cert.pem)}` : `client-certificate: ${o.cert.path}`;
  const key = 'pem' in o.key ? `client-key-data: ${b64(o.key.pem)}` : `client-key: ${o.key.path}`;
  return [
    'apiVersion: v1',
    'clusters:',
    '- cluster:',
    `    certificate-authority-data: ${b64(o.caPem)}`,
    '    server: https://10.0.0.10:6443',
    '  name: kubernetes',
    'contexts:',
    '- context:',
    '    cluster: kubernetes',
    `    user: ${o.user}`,
    `  name: ${o.user}@kubernetes`,
    `current-context: ${o.user}@kubernetes`,
    'kind: Config',
    'preferences: {}',
    'users:',
    `- name: ${o.user}`,
    '  user:',
    `    ${cert}`,
    `    ${key}`,
    '',
  ].join('\n');
}

const kubeadmCache = new Map<string, Record<string, IssuedCert>>();

export type KubeadmCaName = 'ca' | 'front-proxy-ca' | 'etcd-ca';

export interface KubeadmTreeOptions {
  now: Date;
  /** notAfter of every leaf unless overridden (kubeadm: one year after `kubeadm init`). */
  leafNotAfter: Date;
  /** notAfter of the three CAs (kubeadm: ten years). */
  caNotAfter: Date;
  /** Per kubeadm name (`apiserver-etcd-client`, `admin.conf`): a different notAfter. */
  notAfter?: Partial<Record<string, Date>>;
  /** kubeadm names whose file is not written. */
  omit?: string[];
  /** CAs written without their key: kubeadm's external CA. */
  externalCas?: KubeadmCaName[];
  /** Put into every private key; must never appear in any output. */
  keyMarker: string;
  /** Write /etc/kubernetes/pki/etcd (stacked etcd); default true. */
  etcd?: boolean;
}

interface LeafSpec {
  name: string;
  file: string;
  cn: string;
  org?: string;
  ca: KubeadmCaName;
  client?: boolean;
  conf?: boolean;
}

const leaves: LeafSpec[] = [
  { name: 'apiserver', file: 'pki/apiserver', cn: 'kube-apiserver', ca: 'ca' },
  {
    name: 'apiserver-kubelet-client',
    file: 'pki/apiserver-kubelet-client',
    cn: 'kube-apiserver-kubelet-client',
    org: 'kubeadm:cluster-admins',
    ca: 'ca',
    client: true,
  },
  {
    name: 'front-proxy-client',
    file: 'pki/front-proxy-client',
    cn: 'front-proxy-client',
    ca: 'front-proxy-ca',
    client: true,
  },
  { name: 'etcd-server', file: 'pki/etcd/server', cn: 'cp-1', ca: 'etcd-ca' },
  { name: 'etcd-peer', file: 'pki/etcd/peer', cn: 'cp-1', ca: 'etcd-ca' },
  {
    name: 'etcd-healthcheck-client',
    file: 'pki/etcd/healthcheck-client',
    cn: 'kube-etcd-healthcheck-client',
    ca: 'etcd-ca',
    client: true,
  },
  {
    name: 'apiserver-etcd-client',
    file: 'pki/apiserver-etcd-client',
    cn: 'kube-apiserver-etcd-client',
    ca: 'etcd-ca',
    client: true,
  },
  {
    name: 'admin.conf',
    file: 'admin.conf',
    cn: 'kubernetes-admin',
    org: 'kubeadm:cluster-admins',
    ca: 'ca',
    client: true,
    conf: true,
  },
  {
    name: 'super-admin.conf',
    file: 'super-admin.conf',
    cn: 'kubernetes-super-admin',
    org: 'system:masters',
    ca: 'ca',
    client: true,
    conf: true,
  },
  {
    name: 'controller-manager.conf',
    file: 'controller-manager.conf',
    cn: 'system:kube-controller-manager',
    ca: 'ca',
    client: true,
    conf: true,
  },
  {
    name: 'scheduler.conf',
    file: 'scheduler.conf',
    cn: 'system:kube-scheduler',
    ca: 'ca',
    client: true,
    conf: true,
  },
];

const caFiles: Record<KubeadmCaName, { file: string; cn: string }> = {
  ca: { file: 'pki/ca', cn: 'kubernetes' },
  'front-proxy-ca': { file: 'pki/front-proxy-ca', cn: 'front-proxy-ca' },
  'etcd-ca': { file: 'pki/etcd/ca', cn: 'etcd-ca' },
};

/**
 * A kubeadm control-plane node's /etc/kubernetes: the three CAs, every leaf `kubeadm init` writes,
 * and the four kubeconfigs kubeadm renews, with kubelet.conf pointing at the kubelet's rotated file.
 */
export async function writeKubeadmTree(
  tree: HostTree,
  o: KubeadmTreeOptions,
): Promise<Record<string, IssuedCert>> {
  const omit = new Set(o.omit ?? []);
  const withEtcd = o.etcd ?? true;
  // Signing is the slow part of a test (node-forge); the same dates give the same certificates.
  const cacheKey = JSON.stringify([o.leafNotAfter, o.caNotAfter, o.notAfter ?? {}, withEtcd]);
  const cached = kubeadmCache.get(cacheKey);
  const issued: Record<string, IssuedCert> = cached ? { ...cached } : {};
  for (const [name, spec] of Object.entries(caFiles) as [KubeadmCaName, { file: string; cn: string }][]) {
    if (name === 'etcd-ca' && !withEtcd) continue;
    const notAfter = o.notAfter?.[name] ?? o.caNotAfter;
    const ca =
      issued[name] ??
      issueCert({ commonName: spec.cn, notBefore: daysFrom(notAfter, -3650), notAfter, isCa: true });
    issued[name] = ca;
    if (omit.has(name)) continue;
    await tree.write(`/etc/kubernetes/${spec.file}.crt`, ca.certPem);
    if (!o.externalCas?.includes(name))
      await tree.write(`/etc/kubernetes/${spec.file}.key`, keyWithMarker(ca, o.keyMarker), 0o600);
  }
  for (const leaf of leaves) {
    if (leaf.ca === 'etcd-ca' && !withEtcd) continue;
    const notAfter = o.notAfter?.[leaf.name] ?? o.leafNotAfter;
    const cert =
      issued[leaf.name] ??
      issueCert({
        commonName: leaf.cn,
        ...(leaf.org ? { organization: leaf.org } : {}),
        notBefore: daysFrom(notAfter, -365),
        notAfter,
        issuer: issued[leaf.ca],
        ...(leaf.client ? { clientAuth: true } : { sans: [leaf.cn] }),
      });
    issued[leaf.name] = cert;
    if (omit.has(leaf.name)) continue;
    if (leaf.conf) {
      const user =
        leaf.name === 'admin.conf'
          ? 'kubernetes-admin'
          : leaf.name === 'super-admin.conf'
            ? 'kubernetes-super-admin'
            : leaf.cn;
      await tree.write(
        `/etc/kubernetes/${leaf.file}`,
        kubeconfigYaml({
          user,
          caPem: issued.ca?.certPem ?? '',
          cert: { pem: cert.certPem },
          key: { pem: keyWithMarker(cert, o.keyMarker) },
        }),
        0o600,
      );
    } else {
      await tree.write(`/etc/kubernetes/${leaf.file}.crt`, cert.certPem);
      await tree.write(`/etc/kubernetes/${leaf.file}.key`, keyWithMarker(cert, o.keyMarker), 0o600);
    }
  }
  await tree.write('/etc/kubernetes/manifests/kube-apiserver.yaml', 'kind: Pod\n');
  kubeadmCache.set(cacheKey, issued);
  return issued;
}

const kubeletCache = new Map<string, { client: IssuedCert; serving: IssuedCert }>();

/**
 * The kubelet's /var/lib/kubelet/pki after a rotation: a dated file with certificate and key, the
 * `kubelet-client-current.pem` symlink to it (absolute, as the kubelet writes it), and the self-signed
 * serving pair. kubelet.conf references the symlink like kubeadm's.
 */
export async function writeKubeletTree(
  tree: HostTree,
  o: {
    now: Date;
    ca: IssuedCert;
    notBefore: Date;
    notAfter: Date;
    keyMarker: string;
    node?: string;
    kubeletConf?: boolean;
  },
): Promise<{ client: IssuedCert; serving: IssuedCert; datedFile: string }> {
  const node = o.node ?? 'cp-1';
  const cacheKey = JSON.stringify([o.ca.x509.fingerprint256, o.now, o.notBefore, o.notAfter, node]);
  const cached = kubeletCache.get(cacheKey);
  const client =
    cached?.client ??
    issueCert({
      commonName: `system:node:${node}`,
      organization: 'system:nodes',
      notBefore: o.notBefore,
      notAfter: o.notAfter,
      issuer: o.ca,
      clientAuth: true,
    });
  const stamp = o.notBefore.toISOString().slice(0, 19).replace(/[T:]/g, '-');
  const datedFile = `/var/lib/kubelet/pki/kubelet-client-${stamp}.pem`;
  await tree.write(datedFile, client.certPem + keyWithMarker(client, o.keyMarker), 0o600);
  await tree.link('/var/lib/kubelet/pki/kubelet-client-current.pem', datedFile);
  const serving =
    cached?.serving ??
    issueCert({
      commonName: `${node}@1700000000`,
      sans: [node],
      notBefore: daysFrom(o.now, -100),
      notAfter: daysFrom(o.now, 265),
    });
  kubeletCache.set(cacheKey, { client, serving });
  await tree.write('/var/lib/kubelet/pki/kubelet.crt', serving.certPem);
  await tree.write('/var/lib/kubelet/pki/kubelet.key', keyWithMarker(serving, o.keyMarker), 0o600);
  if (o.kubeletConf ?? true) {
    await tree.write(
      '/etc/kubernetes/kubelet.conf',
      kubeconfigYaml({
        user: 'default-auth',
        caPem: o.ca.certPem,
        cert: { path: '/var/lib/kubelet/pki/kubelet-client-current.pem' },
        key: { path: '/var/lib/kubelet/pki/kubelet-client-current.pem' },
      }),
      0o600,
    );
  }
  return { client, serving, datedFile };
}

const rancherCache = new Map<string, Record<string, IssuedCert>>();

/**
 * A k3s or RKE2 server's tls directories (server, embedded etcd) and its agent directory, with the
 * file names the distribution uses. Leaf certificates are written with their CA appended, as k3s does.
 */
export async function writeRancherTree(
  tree: HostTree,
  product: 'k3s' | 'rke2',
  o: {
    now: Date;
    leafDays: number;
    keyMarker: string;
    notAfter?: Partial<Record<string, Date>>;
    externalCas?: string[];
  },
): Promise<Record<string, IssuedCert>> {
  const base = `/var/lib/rancher/${product}`;
  const cacheKey = JSON.stringify([product, o.now, o.leafDays, o.notAfter ?? {}]);
  const issued: Record<string, IssuedCert> = { ...(rancherCache.get(cacheKey) ?? {}) };
  const cas = ['client-ca', 'server-ca', 'request-header-ca', 'etcd/server-ca', 'etcd/peer-ca'];
  for (const name of cas) {
    const notAfter = o.notAfter?.[name] ?? daysFrom(o.now, 3000);
    const ca = issueCert({
      commonName: `${product}-${name.replace('/', '-')}@1700000000`,
      notBefore: daysFrom(notAfter, -3650),
      notAfter,
      isCa: true,
    });
    issued[name] = ca;
    await tree.write(`${base}/server/tls/${name}.crt`, ca.certPem);
    if (!o.externalCas?.includes(name))
      await tree.write(`${base}/server/tls/${name}.key`, keyWithMarker(ca, o.keyMarker), 0o600);
  }
  const leaves: [string, string, string][] = [
    ['client-admin', 'system:admin', 'client-ca'],
    ['client-controller', 'system:kube-controller-manager', 'client-ca'],
    ['client-scheduler', 'system:kube-scheduler', 'client-ca'],
    ['client-kube-apiserver', 'system:kube-apiserver', 'client-ca'],
    ['client-auth-proxy', 'system:auth-proxy', 'request-header-ca'],
    ['serving-kube-apiserver', 'kube-apiserver', 'server-ca'],
    ['etcd/client', 'etcd-client', 'etcd/server-ca'],
    ['etcd/server-client', 'etcd-server', 'etcd/server-ca'],
    ['etcd/peer-server-client', 'etcd-peer', 'etcd/peer-ca'],
  ];
  const leafOf = (name: string, cn: string, ca: string): IssuedCert => {
    const known = issued[name];
    if (known) return known;
    const notAfter = o.notAfter?.[name] ?? daysFrom(o.now, o.leafDays);
    return issueCert({
      commonName: cn,
      notBefore: daysFrom(notAfter, -365),
      notAfter,
      issuer: issued[ca],
      clientAuth: name.includes('client'),
    });
  };
  for (const [name, cn, ca] of leaves) {
    const cert = leafOf(name, cn, ca);
    issued[name] = cert;
    await tree.write(`${base}/server/tls/${name}.crt`, cert.chainPem);
    await tree.write(`${base}/server/tls/${name}.key`, keyWithMarker(cert, o.keyMarker), 0o600);
  }
  // The agent keeps copies of the CAs it trusts, without their keys.
  await tree.write(`${base}/agent/client-ca.crt`, issued['client-ca']?.certPem ?? '');
  await tree.write(`${base}/agent/server-ca.crt`, issued['server-ca']?.certPem ?? '');
  for (const [name, cn, ca] of [
    ['agent/client-kubelet', 'system:node:k3s-1', 'client-ca'],
    ['agent/serving-kubelet', 'k3s-1', 'server-ca'],
  ] as const) {
    const cert = leafOf(name, cn, ca);
    issued[name] = cert;
    await tree.write(`${base}/${name}.crt`, cert.chainPem);
    await tree.write(`${base}/${name}.key`, keyWithMarker(cert, o.keyMarker), 0o600);
  }
  rancherCache.set(cacheKey, issued);
  return issued;
}
