import type {
  CaBundleKind,
  CaBundleRef,
  CertificateReader,
  CertManagerCertificate,
  HostPort,
  KubeletEndpoint,
  TlsSecret,
} from '../checks/certificates/certificate-reader.js';
import { isCertificateDataKey } from '../checks/certificates/certificate-reader.js';
import { BodyBuffer } from './body-buffer.js';
import { explainKubeError } from './explain-kube-error.js';
import {
  DataInterner,
  decodeSecretList,
  peekContinue,
  type DecodedSecretList,
} from './decode-secret-list.js';
import { kubeStatusOf } from './kube-api-error.js';
import type { KubeClient } from './kube-client.js';
import { KubeResponseError, describeJsonValue } from './kube-response-error.js';
import type { KubeConnection } from './kube-connection.js';
import type {
  ApiService,
  ConfigMap,
  CustomResourceDefinition,
  EndpointSlice,
  Endpoints,
  KubeObject,
  Node,
  ServicePort,
  WebhookConfiguration,
} from './kube-objects.js';
import { listAll, listInPages } from './list-in-pages.js';
import { requireStringData, requireStringField } from './require-string-data.js';

/** Cluster-scoped lists (CRDs carry whole OpenAPI schemas) are read in pages of this size. */
const LIST_PAGE_SIZE = 100;
const DEFAULT_KUBELET_PORT = 10250;

type Scope = KubeConnection['scope'];

/**
 * Reads what the certificate check needs from the Kubernetes API and hands back plain data. Every
 * failure leaves as a KubeAccessError naming the verb and resource, so a missing RBAC rule reads as
 * "add list secrets", not as a stack trace.
 */
export class KubeCertificateReader implements CertificateReader {
  private readonly kube: KubeClient;
  private readonly scope: Scope;

  constructor(kube: KubeConnection) {
    this.kube = kube.client;
    this.scope = kube.scope;
  }

  async *tlsSecretPages(pageSize: number, namespace?: string): AsyncIterable<TlsSecret[]> {
    const path =
      namespace === undefined
        ? '/api/v1/secrets'
        : `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets`;
    // One namespace is what a Role there grants (the chart's rbac.mode namespaced); across all
    // namespaces needs a ClusterRole. Pages are decoded by decode-secret-list.ts, which keeps only the
    // certificate keys of each Secret.
    // Up to two pages are read at once (list-in-pages.ts sends the next request when a body's head
    // names its token), each into a buffer of its own, reused by later pages.
    const buffers: BodyBuffer[] = [];
    const interner = new DataInterner();
    const pages = listInPages(
      async (token, announce) => {
        const into = buffers.pop() ?? new BodyBuffer();
        try {
          const page = (await this.kube.get(
            path,
            // Server-side filter: never download every Secret to keep the TLS ones (BENCHMARKS.md).
            { fieldSelector: 'type=kubernetes.io/tls', limit: pageSize, continue: token },
            {
              decode: (bytes) => decodeSecretList(bytes, isCertificateDataKey, interner),
              into,
              peek: (head) => {
                const next = peekContinue(head);
                if (next === 'more') return false;
                announce(next);
                return true;
              },
            },
          )) as DecodedSecretList | null;
          return page as { items: SecretJson[]; metadata?: { continue?: string } };
        } finally {
          buffers.push(into);
        }
      },
      undefined,
      undefined,
      { prefetch: true },
    );
    try {
      for await (const page of pages) {
        // Keep only what the check reads: names and the certificate keys. The rest of each Secret
        // (tls.key above all, managedFields, annotations) is dropped here and never leaves src/kube.
        yield page.map(toTlsSecret);
      }
    } catch (err) {
      throw this.explain(
        err,
        'list',
        namespace === undefined ? 'secrets' : `secrets in namespace ${namespace}`,
      );
    }
  }

  async getConfigMapData(namespace: string, name: string): Promise<Record<string, string> | null> {
    try {
      const cm = (await this.kube.get(
        `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps/${encodeURIComponent(name)}`,
      )) as ConfigMap;
      return requireStringData((cm as ConfigMap | null)?.data, `ConfigMap ${namespace}/${name}`, 'text');
    } catch (err) {
      if (kubeStatusOf(err) === 404) return null;
      throw this.explain(err, 'get', `configmaps ${namespace}/${name}`);
    }
  }

  async apiServerEndpoints(): Promise<HostPort[]> {
    try {
      const found: HostPort[] = [];
      for await (const page of listAll<EndpointSlice>(
        this.kube,
        '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices',
        { labelSelector: 'kubernetes.io/service-name=kubernetes' },
        LIST_PAGE_SIZE,
      ))
        for (const slice of page) {
          const port = httpsPort(slice.ports);
          if (port === undefined) continue;
          for (const ep of slice.endpoints ?? []) {
            for (const address of ep.addresses ?? []) found.push({ host: address, port });
          }
        }
      if (found.length > 0) return dedupe(found);
    } catch (err) {
      // Older clusters and tight RBAC lack EndpointSlices; the Endpoints object says the same thing.
      const status = kubeStatusOf(err);
      if (status !== 403 && status !== 404)
        throw this.explain(err, 'list', 'endpointslices.discovery.k8s.io');
    }
    try {
      const endpoints = (await this.kube.get('/api/v1/namespaces/default/endpoints/kubernetes')) as Endpoints;
      const found: HostPort[] = [];
      for (const subset of (endpoints as Endpoints | null)?.subsets ?? []) {
        const port = httpsPort(subset.ports);
        if (port === undefined) continue;
        for (const address of [...(subset.addresses ?? []), ...(subset.notReadyAddresses ?? [])]) {
          found.push({ host: address.ip, port });
        }
      }
      return dedupe(found);
    } catch (err) {
      throw this.explain(err, 'get', 'endpoints default/kubernetes');
    }
  }

  async kubeletEndpoints(): Promise<KubeletEndpoint[]> {
    const found: KubeletEndpoint[] = [];
    try {
      for await (const page of listAll<Node>(this.kube, '/api/v1/nodes', {}, LIST_PAGE_SIZE)) {
        for (const node of page) {
          const endpoint = kubeletEndpointOf(node);
          if (endpoint) found.push(endpoint);
        }
      }
    } catch (err) {
      throw this.explain(err, 'list', 'nodes');
    }
    return found;
  }

  async caBundles(kind: CaBundleKind): Promise<CaBundleRef[]> {
    switch (kind) {
      case 'validating-webhook':
        return this.webhookBundles(
          kind,
          'validatingwebhookconfiguration',
          listAll(
            this.kube,
            '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations',
            {},
            LIST_PAGE_SIZE,
          ),
        );
      case 'mutating-webhook':
        return this.webhookBundles(
          kind,
          'mutatingwebhookconfiguration',
          listAll(
            this.kube,
            '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations',
            {},
            LIST_PAGE_SIZE,
          ),
        );
      case 'apiservice':
        return this.apiServiceBundles();
      case 'crd-conversion':
        return this.crdConversionBundles();
    }
  }

  async certManagerCertificates(): Promise<CertManagerCertificate[] | null> {
    const found: CertManagerCertificate[] = [];
    try {
      for await (const page of listAll<RawCertificate>(
        this.kube,
        '/apis/cert-manager.io/v1/certificates',
        {},
        LIST_PAGE_SIZE,
      )) {
        for (const item of page) found.push(toCertManagerCertificate(item));
      }
    } catch (err) {
      // 404: the cert-manager CRD is not installed, which is a fact to report, not an error.
      if (kubeStatusOf(err) === 404) return null;
      throw this.explain(err, 'list', 'certificates.cert-manager.io');
    }
    return found;
  }

  private async webhookBundles(
    kind: 'validating-webhook' | 'mutating-webhook',
    objectKind: string,
    pages: AsyncIterable<WebhookConfiguration[]>,
  ): Promise<CaBundleRef[]> {
    const refs: CaBundleRef[] = [];
    try {
      for await (const page of pages) {
        for (const config of page) {
          for (const webhook of config.webhooks ?? []) {
            const service = webhook.clientConfig?.service;
            const object = `${objectKind}/${config.metadata?.name ?? ''} webhook ${webhook.name}`;
            const caBundle = bundleOf(webhook.clientConfig?.caBundle, object);
            if (!caBundle) continue;
            refs.push({
              kind,
              object,
              caBundle,
              ...(service ? { service: serviceRef(service) } : {}),
            });
          }
        }
      }
    } catch (err) {
      throw this.explain(err, 'list', `${objectKind}s.admissionregistration.k8s.io`);
    }
    return refs;
  }

  private async apiServiceBundles(): Promise<CaBundleRef[]> {
    const refs: CaBundleRef[] = [];
    try {
      for await (const page of listAll<ApiService>(
        this.kube,
        '/apis/apiregistration.k8s.io/v1/apiservices',
        {},
        LIST_PAGE_SIZE,
      )) {
        for (const svc of page) {
          const spec = svc.spec;
          const object = `apiservice/${svc.metadata?.name ?? ''}`;
          const caBundle = bundleOf(spec?.caBundle, object);
          // insecureSkipTLSVerify: the aggregator ignores the bundle, so an expired one breaks nothing.
          if (!spec || !caBundle || spec.insecureSkipTLSVerify) continue;
          refs.push({
            kind: 'apiservice',
            object,
            caBundle,
            ...(spec.service?.name && spec.service.namespace
              ? {
                  service: serviceRef({
                    namespace: spec.service.namespace,
                    name: spec.service.name,
                    ...(spec.service.port !== undefined ? { port: spec.service.port } : {}),
                  }),
                }
              : {}),
          });
        }
      }
    } catch (err) {
      throw this.explain(err, 'list', 'apiservices.apiregistration.k8s.io');
    }
    return refs;
  }

  private async crdConversionBundles(): Promise<CaBundleRef[]> {
    const refs: CaBundleRef[] = [];
    try {
      for await (const page of listAll<CustomResourceDefinition>(
        this.kube,
        '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
        {},
        LIST_PAGE_SIZE,
      )) {
        for (const crd of page) {
          const clientConfig = crd.spec?.conversion?.webhook?.clientConfig;
          const object = `customresourcedefinition/${crd.metadata?.name ?? ''} conversion webhook`;
          const caBundle = bundleOf(clientConfig?.caBundle, object);
          if (!clientConfig || !caBundle) continue;
          refs.push({
            kind: 'crd-conversion',
            object,
            caBundle,
            ...(clientConfig.service ? { service: serviceRef(clientConfig.service) } : {}),
          });
        }
      }
    } catch (err) {
      throw this.explain(err, 'list', 'customresourcedefinitions.apiextensions.k8s.io');
    }
    return refs;
  }

  private explain(err: unknown, verb: string, resource: string) {
    return explainKubeError(err, { ...this.scope, verb, resource });
  }
}

/** A Secret list item as JSON, typed as list-in-pages.ts reads it; toTlsSecret checks every field. */
interface SecretJson {
  metadata?: { namespace?: string; name?: string };
  data?: unknown;
}

function toTlsSecret(s: SecretJson): TlsSecret {
  const meta = (s as SecretJson | null)?.metadata as { namespace?: unknown; name?: unknown } | undefined;
  const namespace = nameField(meta?.namespace, 'namespace');
  const name = nameField(meta?.name, 'name');
  const object = `Secret ${namespace}/${name}`;
  const raw: unknown = (s as SecretJson | null)?.data;
  let data: unknown = raw;
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    const picked: Record<string, unknown> = {};
    for (const key of Object.keys(raw)) {
      if (isCertificateDataKey(key)) picked[key] = (raw as Record<string, unknown>)[key];
    }
    data = picked;
  }
  return { namespace, name, data: requireStringData(data, object, 'base64 text') };
}

function nameField(value: unknown, field: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') {
    throw new KubeResponseError(
      `a Secret whose metadata.${field} is ${describeJsonValue(value)}, not a name`,
    );
  }
  return value;
}

interface RawCertificate extends KubeObject {
  spec?: { secretName?: string };
  status?: {
    notAfter?: string;
    renewalTime?: string;
    failedIssuanceAttempts?: number;
    lastFailureTime?: string;
    conditions?: {
      type?: string;
      status?: string;
      reason?: string;
      message?: string;
      lastTransitionTime?: string;
    }[];
  };
}

function toCertManagerCertificate(item: RawCertificate): CertManagerCertificate {
  const status = item.status ?? {};
  const ready = status.conditions?.find((c) => c.type === 'Ready');
  return {
    namespace: item.metadata?.namespace ?? '',
    name: item.metadata?.name ?? '',
    ...(item.spec?.secretName !== undefined ? { secretName: item.spec.secretName } : {}),
    ...(status.notAfter !== undefined ? { notAfter: status.notAfter } : {}),
    ...(status.renewalTime !== undefined ? { renewalTime: status.renewalTime } : {}),
    ...(ready
      ? {
          ready: {
            status: ready.status ?? 'Unknown',
            ...(ready.reason !== undefined ? { reason: ready.reason } : {}),
            ...(ready.message !== undefined ? { message: ready.message } : {}),
            ...(ready.lastTransitionTime !== undefined
              ? { lastTransitionTime: ready.lastTransitionTime }
              : {}),
          },
        }
      : {}),
    ...(status.failedIssuanceAttempts !== undefined
      ? { failedIssuanceAttempts: status.failedIssuanceAttempts }
      : {}),
    ...(status.lastFailureTime !== undefined ? { lastFailureTime: status.lastFailureTime } : {}),
  };
}

function kubeletEndpointOf(node: Node): KubeletEndpoint | undefined {
  const addresses = node.status?.addresses ?? [];
  const address =
    addresses.find((a) => a.type === 'InternalIP') ??
    addresses.find((a) => a.type === 'ExternalIP') ??
    addresses.find((a) => a.type === 'Hostname');
  if (!address) return undefined;
  return {
    node: node.metadata?.name ?? '',
    host: address.address,
    port: node.status?.daemonEndpoints?.kubeletEndpoint?.Port || DEFAULT_KUBELET_PORT,
  };
}

/** The `kubernetes` Service exposes one port named `https`; take it, or the only TCP port there is. */
function httpsPort(ports: ServicePort[] | undefined): number | undefined {
  const list = ports ?? [];
  return (list.find((p) => p.name === 'https') ?? list.find((p) => !p.protocol || p.protocol === 'TCP'))
    ?.port;
}

function dedupe(list: HostPort[]): HostPort[] {
  const seen = new Set<string>();
  return list.filter((hp) => {
    const key = `${hp.host}:${hp.port}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function serviceRef(s: { namespace: string; name: string; port?: number }): CaBundleRef['service'] {
  return { namespace: s.namespace, name: s.name, ...(s.port !== undefined ? { port: s.port } : {}) };
}

function bundleOf(value: unknown, object: string): string | undefined {
  return requireStringField(value, object, 'caBundle', 'base64 text');
}
