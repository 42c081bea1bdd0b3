import { daysFrom, issueCa, issueCert, issueLeaf, type IssuedCert } from '../simulator/cert-factory.js';

/**
 * The simulated cluster behind `vigil demo`: the incidents of DOMAIN.md section 1 in one place.
 * Certificates are minted at start-up relative to now, so the demo never goes stale.
 */
export interface DemoPki {
  clusterCa: IssuedCert;
  frontProxyCa: IssuedCert;
  apiServer: IssuedCert;
  staleApiServer: IssuedCert;
  etcd: IssuedCert;
  kubeletOk: IssuedCert;
  kubeletExpiring: IssuedCert;
  edgeCa: IssuedCert;
  edgeApiServer: IssuedCert;
  edgeAdmin: IssuedCert;
}

export function demoPki(now: Date, etcdHost = '127.0.2.1'): DemoPki {
  const clusterCa = issueCa('kubernetes', now, { ageDays: 355 });
  const edgeCa = issueCa('kubernetes-edge', now, { ageDays: 368 });
  return {
    clusterCa,
    frontProxyCa: issueCa('front-proxy-ca', now, { ageDays: 355 }),
    // The kubeadm apiserver certificate, one year, five days left.
    apiServer: issueLeaf('kube-apiserver', now, 5, {
      issuer: clusterCa,
      sans: ['localhost', 'kubernetes', 'kubernetes.default.svc', '127.0.0.1'],
    }),
    // A second replica still serving the self-signed certificate it made on first start (incident 1).
    staleApiServer: issueCert({
      commonName: 'localhost@1732101234',
      sans: ['localhost', '127.0.0.1'],
      notBefore: daysFrom(now, -368),
      notAfter: daysFrom(now, -3),
    }),
    // etcd issued for 365 days although the configured validity was longer (incident 2): 355 days ago.
    etcd: issueCert({
      commonName: 'etcd-server',
      sans: ['localhost', '127.0.0.1', etcdHost],
      notBefore: daysFrom(now, -355),
      notAfter: daysFrom(now, 10),
      issuer: clusterCa,
    }),
    kubeletOk: issueLeaf('node-a', now, 200, { issuer: clusterCa, sans: ['node-a', '127.0.0.1'] }),
    kubeletExpiring: issueCert({
      commonName: 'node-b@1700000000',
      sans: ['node-b', '127.0.0.1'],
      notBefore: daysFrom(now, -345),
      notAfter: daysFrom(now, 20),
    }),
    edgeCa,
    edgeApiServer: issueLeaf('kube-apiserver', now, -3, { issuer: edgeCa, sans: ['localhost', '127.0.0.1'] }),
    edgeAdmin: issueLeaf('kubernetes-admin', now, 40, { issuer: edgeCa, clientAuth: true, sans: [] }),
  };
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

function tlsSecret(namespace: string, name: string, data: Record<string, string>) {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { namespace, name },
    type: 'kubernetes.io/tls',
    data: {
      'tls.key': b64('-----BEGIN PRIVATE KEY-----\nREDACTED-IN-DEMO\n-----END PRIVATE KEY-----\n'),
      ...data,
    },
  };
}

/** Kubernetes objects of the "prod" cluster; ports are those the demo's TLS endpoints listen on. */
export function demoObjects(
  now: Date,
  pki: DemoPki,
  ports: { apiServer: number; staleApiServer: number; kubeletA: number; kubeletB: number },
): Record<string, unknown>[] {
  const issuingCa = issueCa('letsencrypt-ish R3', now, {
    ageDays: 700,
    lifetimeDays: 1095 - 0,
    issuer: pki.clusterCa,
  });
  const shortCa = issueCa('corp intermediate 2024', now, {
    ageDays: 710,
    lifetimeDays: 730,
    issuer: pki.clusterCa,
  });
  const oldRootCa = issueCa('auth-root', now, { ageDays: 3652, lifetimeDays: 3650 });
  const newRootCa = issueCa('auth-root', now, { ageDays: 30, lifetimeDays: 3650 });
  const webhookCa = issueCa('policy-webhook-ca', now, { ageDays: 353, lifetimeDays: 365 });

  const objects: Record<string, unknown>[] = [];
  for (const ns of [
    'default',
    'kube-system',
    'shop',
    'payments',
    'monitoring',
    'legacy',
    'ingress',
    'auth',
  ]) {
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { namespace: ns, name: 'kube-root-ca.crt' },
      data: { 'ca.crt': pki.clusterCa.certPem },
    });
  }
  objects.push({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { namespace: 'kube-system', name: 'extension-apiserver-authentication' },
    data: {
      'client-ca-file': pki.clusterCa.certPem,
      'requestheader-client-ca-file': pki.frontProxyCa.certPem,
      'requestheader-allowed-names': '["front-proxy-client"]',
    },
  });

  const wildcardChain = issueLeaf('*.apps.example.com', now, 60, { issuer: shortCa }).chainPem;
  objects.push(
    tlsSecret('shop', 'shop-tls', {
      'tls.crt': b64(issueLeaf('shop.example.com', now, 80, { issuer: issuingCa }).chainPem),
    }),
    tlsSecret('payments', 'api-tls', {
      'tls.crt': b64(issueLeaf('api.payments.example.com', now, 9, { issuer: issuingCa }).chainPem),
    }),
    tlsSecret('monitoring', 'grafana-tls', {
      'tls.crt': b64(issueLeaf('grafana.example.com', now, -12).certPem),
    }),
    tlsSecret('legacy', 'old-portal-tls', {
      'tls.crt': b64('this is not a certificate (copied from the wrong file)\n'),
    }),
    // The leaf is fine; its intermediate runs out first: the role is what makes this actionable. The
    // same wildcard is copied into three namespaces, as real clusters do: one alert, three places.
    ...['ingress', 'shop', 'monitoring'].map((namespace) =>
      tlsSecret(namespace, 'wildcard-tls', { 'tls.crt': b64(wildcardChain) }),
    ),
    tlsSecret('auth', 'oidc-tls', {
      'tls.crt': b64(issueLeaf('auth.example.com', now, 150, { issuer: newRootCa }).certPem),
      // Old and new root side by side during a CA rotation: the old one is superseded, no alert.
      'ca.crt': b64(oldRootCa.certPem + newRootCa.certPem),
    }),
  );

  objects.push(
    {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { namespace: 'default', name: 'kubernetes' },
      subsets: [
        {
          addresses: [{ ip: '127.0.0.1' }],
          ports: [{ name: 'https', port: ports.apiServer, protocol: 'TCP' }],
        },
      ],
    },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        namespace: 'default',
        name: 'kubernetes',
        labels: { 'kubernetes.io/service-name': 'kubernetes' },
      },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
      ports: [{ name: 'https', port: ports.apiServer, protocol: 'TCP' }],
    },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        namespace: 'default',
        name: 'kubernetes-replica-2',
        labels: { 'kubernetes.io/service-name': 'kubernetes' },
      },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
      ports: [{ name: 'https', port: ports.staleApiServer, protocol: 'TCP' }],
    },
  );

  for (const [name, port] of [
    ['node-a', ports.kubeletA],
    ['node-b', ports.kubeletB],
  ] as const) {
    objects.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name } },
      status: {
        addresses: [
          { type: 'InternalIP', address: '127.0.0.1' },
          { type: 'Hostname', address: name },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: port } },
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    });
  }

  objects.push(
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'policy-webhook' },
      webhooks: [
        {
          name: 'validate.policy.example.com',
          admissionReviewVersions: ['v1'],
          sideEffects: 'None',
          clientConfig: {
            service: { namespace: 'policy', name: 'policy-webhook', port: 443 },
            caBundle: b64(webhookCa.certPem),
          },
        },
      ],
    },
    {
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name: 'v1beta1.metrics.k8s.io' },
      spec: {
        group: 'metrics.k8s.io',
        version: 'v1beta1',
        insecureSkipTLSVerify: true,
        service: { namespace: 'kube-system', name: 'metrics-server', port: 443 },
        groupPriorityMinimum: 100,
        versionPriority: 100,
      },
    },
    {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'certificates.cert-manager.io' },
      spec: {
        group: 'cert-manager.io',
        scope: 'Namespaced',
        names: {
          plural: 'certificates',
          singular: 'certificate',
          kind: 'Certificate',
          listKind: 'CertificateList',
        },
        versions: [{ name: 'v1', served: true, storage: true }],
      },
    },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { namespace: 'shop', name: 'shop-cert' },
      spec: {
        secretName: 'shop-tls',
        dnsNames: ['shop.example.com'],
        issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer' },
      },
      status: {
        notAfter: daysFrom(now, 27)
          .toISOString()
          .replace(/\.\d+Z$/, 'Z'),
        renewalTime: daysFrom(now, -3)
          .toISOString()
          .replace(/\.\d+Z$/, 'Z'),
        failedIssuanceAttempts: 2,
        lastFailureTime: daysFrom(now, -0.2)
          .toISOString()
          .replace(/\.\d+Z$/, 'Z'),
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            reason: 'Failed',
            message:
              'The certificate request has failed to complete and will be retried: ACME order failed: DNS-01 challenge not propagated',
            lastTransitionTime: daysFrom(now, -3)
              .toISOString()
              .replace(/\.\d+Z$/, 'Z'),
          },
        ],
      },
    },
  );
  return objects;
}

/**
 * Secret payments/api-tls once cert-manager (or someone) has renewed it at `now`: 90 days left,
 * signed by an intermediate like the one before. The live demo's certificate recovery.
 */
export function renewedApiTlsSecret(now: Date, pki: Pick<DemoPki, 'clusterCa'>): Record<string, unknown> {
  const issuingCa = issueCa('letsencrypt-ish R3', now, {
    ageDays: 700,
    lifetimeDays: 1095,
    issuer: pki.clusterCa,
  });
  return tlsSecret('payments', 'api-tls', {
    'tls.crt': b64(issueLeaf('api.payments.example.com', now, 90, { issuer: issuingCa }).chainPem),
  });
}
