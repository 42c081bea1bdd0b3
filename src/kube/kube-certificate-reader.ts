import {
  AdmissionregistrationV1Api,
  ApiException,
  ApiextensionsV1Api,
  ApiregistrationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
} from '@kubernetes/client-node';
import type { KubeConfig, V1Node } from '@kubernetes/client-node';
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
import { explainKubeError } from './explain-kube-error.js';
import { DataInterner, decodeSecretList, type DecodedSecretList } from './decode-secret-list.js';
import { BodyBuffer, getJsonList } from './get-json-list.js';
import { KubeResponseError, describeJsonValue } from './kube-response-error.js';
import type { KubeConnection } from './kube-connection.js';
import { listInPages } from './list-in-pages.js';
import { makeApiClient } from './make-api-client.js';
import { requireStringData, requireStringField } from './require-string-data.js';

/** Cluster-scoped lists (CRDs carry whole OpenAPI schemas) are read in pages of this size. */
const LIST_PAGE_SIZE = 100;
const DEFAULT_KUBELET_PORT = 10250;

type Scope = KubeConnection['scope'];

/**
 * Reads what the certificate check needs through client-node's typed APIs and hands back plain data.
 * Every failure leaves as a KubeAccessError naming the verb and resource, so a missing RBAC rule reads
 * as "add list secrets", not as a stack trace.
 */
export class KubeCertificateReader implements CertificateReader {
  private readonly core: CoreV1Api;
  private readonly discovery: DiscoveryV1Api;
  private readonly admission: AdmissionregistrationV1Api;
  private readonly apiRegistration: ApiregistrationV1Api;
  private readonly apiExtensions: ApiextensionsV1Api;
  private readonly custom: CustomObjectsApi;
  private readonly scope: Scope;
  private readonly kubeConfig: KubeConfig;
  private readonly timeoutMs: number;

  constructor(kube: KubeConnection) {
    const kc = kube.kubeConfig;
    this.kubeConfig = kc;
    this.scope = kube.scope;
    const timeoutMs = this.scope.timeoutMs ?? 10_000;
    this.timeoutMs = timeoutMs;
    this.core = makeApiClient(kc, CoreV1Api, timeoutMs);
    this.discovery = makeApiClient(kc, DiscoveryV1Api, timeoutMs);
    this.admission = makeApiClient(kc, AdmissionregistrationV1Api, timeoutMs);
    this.apiRegistration = makeApiClient(kc, ApiregistrationV1Api, timeoutMs);
    this.apiExtensions = makeApiClient(kc, ApiextensionsV1Api, timeoutMs);
    this.custom = makeApiClient(kc, CustomObjectsApi, timeoutMs);
  }

  async *tlsSecretPages(pageSize: number, namespace?: string): AsyncIterable<TlsSecret[]> {
    const path =
      namespace === undefined
        ? '/api/v1/secrets'
        : `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets`;
    // One namespace is what a Role there grants (the chart's rbac.mode namespaced); across all
    // namespaces needs a ClusterRole. Pages are read as plain JSON (get-json-list.ts): client-node's
    // typed deserialization of every Secret cost more than the certificate check.
    const body = new BodyBuffer();
    const interner = new DataInterner();
    const pages = listInPages(
      async (token) => {
        const page = (await getJsonList(
          this.kubeConfig,
          path,
          // Server-side filter: never download every Secret to keep the TLS ones (BENCHMARKS.md).
          { fieldSelector: 'type=kubernetes.io/tls', limit: pageSize, continue: token },
          this.timeoutMs,
          (bytes) => decodeSecretList(bytes, isCertificateDataKey, interner),
          body,
        )) as DecodedSecretList | null;
        if (page === null || typeof page !== 'object' || Array.isArray(page)) return page as never;
        return { ...page, items: page.items as SecretJson[], metadata: { _continue: continueOf(page) } };
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
      const cm = await this.core.readNamespacedConfigMap({ namespace, name });
      return requireStringData(cm.data, `ConfigMap ${namespace}/${name}`, 'text');
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw this.explain(err, 'get', `configmaps ${namespace}/${name}`);
    }
  }

  async apiServerEndpoints(): Promise<HostPort[]> {
    try {
      const slices = await this.discovery.listNamespacedEndpointSlice({
        namespace: 'default',
        labelSelector: 'kubernetes.io/service-name=kubernetes',
      });
      const found: HostPort[] = [];
      for (const slice of slices.items) {
        const port = httpsPort(slice.ports);
        if (port === undefined) continue;
        for (const ep of slice.endpoints ?? []) {
          for (const address of ep.addresses ?? []) found.push({ host: address, port });
        }
      }
      if (found.length > 0) return dedupe(found);
    } catch (err) {
      // Older clusters and tight RBAC lack EndpointSlices; the Endpoints object says the same thing.
      const status = statusOf(err);
      if (status !== 403 && status !== 404)
        throw this.explain(err, 'list', 'endpointslices.discovery.k8s.io');
    }
    try {
      const endpoints = await this.core.readNamespacedEndpoints({ namespace: 'default', name: 'kubernetes' });
      const found: HostPort[] = [];
      for (const subset of endpoints.subsets ?? []) {
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
      for await (const page of listInPages((token) =>
        this.core.listNode({ limit: LIST_PAGE_SIZE, ...(token !== undefined ? { _continue: token } : {}) }),
      )) {
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
        return this.webhookBundles(kind, 'validatingwebhookconfiguration', (token) =>
          this.admission.listValidatingWebhookConfiguration(listArgs(token)),
        );
      case 'mutating-webhook':
        return this.webhookBundles(kind, 'mutatingwebhookconfiguration', (token) =>
          this.admission.listMutatingWebhookConfiguration(listArgs(token)),
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
      for await (const page of listInPages(async (token) => {
        // CustomObjectsApi returns the raw JSON: the continue token is `metadata.continue` here.
        const list = (await this.custom.listClusterCustomObject({
          group: 'cert-manager.io',
          version: 'v1',
          plural: 'certificates',
          ...listArgs(token),
        })) as RawList;
        const next = list.metadata?.continue;
        return { items: list.items ?? [], metadata: next ? { _continue: next } : {} };
      })) {
        for (const item of page) found.push(toCertManagerCertificate(item));
      }
    } catch (err) {
      // 404: the cert-manager CRD is not installed, which is a fact to report, not an error.
      if (statusOf(err) === 404) return null;
      throw this.explain(err, 'list', 'certificates.cert-manager.io');
    }
    return found;
  }

  private async webhookBundles(
    kind: 'validating-webhook' | 'mutating-webhook',
    objectKind: string,
    fetchPage: (token: string | undefined) => Promise<{
      items: {
        metadata?: { name?: string };
        webhooks?: {
          name: string;
          clientConfig: {
            caBundle?: string;
            service?: { namespace: string; name: string; port?: number };
          };
        }[];
      }[];
      metadata?: { _continue?: string };
    }>,
  ): Promise<CaBundleRef[]> {
    const refs: CaBundleRef[] = [];
    try {
      for await (const page of listInPages(fetchPage)) {
        for (const config of page) {
          for (const webhook of config.webhooks ?? []) {
            const { service } = webhook.clientConfig;
            const object = `${objectKind}/${config.metadata?.name ?? ''} webhook ${webhook.name}`;
            const caBundle = bundleOf(webhook.clientConfig.caBundle, object);
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
      for await (const page of listInPages((token) => this.apiRegistration.listAPIService(listArgs(token)))) {
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
      for await (const page of listInPages((token) =>
        this.apiExtensions.listCustomResourceDefinition(listArgs(token)),
      )) {
        for (const crd of page) {
          const clientConfig = crd.spec.conversion?.webhook?.clientConfig;
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

function continueOf(page: DecodedSecretList): string | undefined {
  const token = page.metadata?.continue;
  if (token === undefined || token === null || token === '') return undefined;
  if (typeof token !== 'string') {
    throw new KubeResponseError(`a list whose metadata.continue is ${describeJsonValue(token)}, not a token`);
  }
  return token;
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

interface RawList {
  items?: RawCertificate[];
  metadata?: { continue?: string };
}

interface RawCertificate {
  metadata?: { namespace?: string; name?: string };
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

function kubeletEndpointOf(node: V1Node): KubeletEndpoint | undefined {
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
function httpsPort(
  ports: { name?: string; port?: number; protocol?: string }[] | undefined,
): number | undefined {
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

function listArgs(token: string | undefined): { limit: number; _continue?: string } {
  return { limit: LIST_PAGE_SIZE, ...(token !== undefined ? { _continue: token } : {}) };
}

function statusOf(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined;
}
