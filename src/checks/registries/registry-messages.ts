import type { RegistryFailure } from '../../probe/registry-probe-result.js';

/** What broke, as the first words after the registry name in a summary. */
export function headline(f: RegistryFailure, image: string | undefined): string {
  switch (f.kind) {
    case 'dns':
      return 'does not resolve (DNS)';
    case 'refused':
      return 'refuses connections';
    case 'timeout':
      return `does not answer (timeout at ${stageName[f.stage]})`;
    case 'unreachable':
      return 'is unreachable from vigil';
    case 'reset':
      return `drops the connection at ${stageName[f.stage]}`;
    case 'tls-expired':
      return 'serves an expired TLS certificate';
    case 'tls-not-yet-valid':
      return 'serves a TLS certificate that is not valid yet';
    case 'tls-untrusted':
      return 'serves a TLS certificate that is not trusted';
    case 'tls-wrong-name':
      return 'serves a TLS certificate for another name';
    case 'not-tls':
      return 'answers plain HTTP where TLS was expected';
    case 'tls-error':
      return 'fails the TLS handshake';
    case 'server-error':
      return `fails with HTTP ${f.httpStatus ?? '5xx'} at ${stageName[f.stage]}`;
    case 'forbidden':
      return f.stage === 'v2'
        ? 'answers 403 Forbidden on /v2/'
        : `answers 403 Forbidden at ${stageName[f.stage]}`;
    case 'not-a-registry':
      return 'does not serve the registry API (/v2/ not found)';
    case 'bad-challenge':
      return 'answers 401 without a usable authentication challenge';
    case 'auth-rejected':
      return `rejects the credentials of ${f.credential ?? 'the pull secret'}`;
    case 'auth-required':
      return `refuses anonymous pulls of ${image ?? 'the image'} and no pull secret matches`;
    case 'insecure-realm':
      return 'sends credentials to a plain-HTTP token endpoint';
    case 'bad-redirect':
      return `answers a redirect vigil cannot follow at ${stageName[f.stage]}`;
    case 'not-found':
      return `has no manifest for ${image ?? 'the image'}`;
    case 'rate-limited':
      return `rate-limits pulls (HTTP 429 at ${stageName[f.stage]})`;
    case 'unexpected':
      return `answered unexpectedly at ${stageName[f.stage]}`;
  }
}

const stageName: Record<RegistryFailure['stage'], string> = {
  dns: 'DNS',
  tcp: 'TCP connect',
  tls: 'the TLS handshake',
  v2: 'GET /v2/',
  token: 'the token endpoint',
  manifest: 'the manifest HEAD',
};

/** The next step for the on-call engineer, by failure kind (the fix, and where to look). */
export function nextStepFor(
  f: RegistryFailure,
  ctx: { registry: string; image?: string; insecure: boolean },
): string {
  const r = ctx.registry;
  switch (f.kind) {
    case 'dns':
      return `Check the registry name ${r} in the image references and its DNS record; if vigil runs outside the cluster, compare with \`nslookup\` from a node, whose DNS may differ.`;
    case 'refused':
      return `Nothing listens on ${r}: check that the registry (or its load balancer) is running and the port is right.`;
    case 'timeout':
    case 'unreachable':
      return `Check the network path from the nodes to ${r} (firewall, proxy, VPN, security groups) and the registry's health; raise registries.probeTimeoutSeconds only if it is merely slow.`;
    case 'reset':
      return `${r} closed the connection: check the registry and any proxy or load balancer in front of it.`;
    case 'tls-expired':
      return `Renew the registry's TLS certificate on ${r} and reload it; nodes fail every pull with x509 "certificate has expired" until then.`;
    case 'tls-not-yet-valid':
      return `The certificate of ${r} starts in the future: check the clocks of the registry and of vigil's host, or reissue the certificate.`;
    case 'tls-untrusted':
      return `Make the nodes trust the CA of ${r} (containerd hosts.toml \`ca\`, or the node trust store) and tell vigil with registries.caFiles["${r}"]; or serve a certificate from a public CA.`;
    case 'tls-wrong-name':
      return `Reissue the certificate of ${r} with "${r.replace(/:\d+$/, '')}" in its SANs, or reference the registry by a name the certificate carries.`;
    case 'not-tls':
      return ctx.insecure
        ? `${r} is configured insecure yet TLS was used; check registries.insecure.`
        : `${r} speaks plain HTTP: serve it over TLS, or if that is intended list it under registries.insecure (and configure containerd for plain HTTP).`;
    case 'tls-error':
      return `Check the TLS configuration of ${r} (protocol versions, certificate chain).`;
    case 'server-error':
      return `The registry itself is failing: check ${r}'s logs, storage backend and status page; pulls fail until it recovers.`;
    case 'forbidden':
      return f.stage === 'v2'
        ? `${r} refuses vigil at /v2/ (an IP allow-list, a WAF, or a disabled/expired subscription): check the registry's access policy and account status.`
        : `The credentials are valid but lack pull access to ${ctx.image ?? 'the image'}: grant the pull-secret's account read access to the repository.`;
    case 'not-a-registry':
      return `${r} does not answer /v2/: check that the host really is a registry (and not a web server or proxy in front of it).`;
    case 'bad-challenge':
      return `${r} answers 401 without a valid WWW-Authenticate header; check the registry's auth configuration (token realm URL).`;
    case 'auth-rejected':
      return `Update ${f.credential ?? 'the pull secret'} with valid credentials (\`kubectl create secret docker-registry ... --dry-run=client -o yaml | kubectl apply -f -\`); expired tokens and rotated passwords are the usual cause.`;
    case 'auth-required':
      return `Create a kubernetes.io/dockerconfigjson pull secret for ${r} and reference it from the workloads' imagePullSecrets or their ServiceAccount.`;
    case 'insecure-realm':
      return `Serve the token endpoint of ${r} over HTTPS; nodes send pull-secret passwords to it in clear text.`;
    case 'bad-redirect':
      return `${r} redirects to a Location that is not an http(s) URL: check the registry's (or its proxy's) redirect configuration; nodes cannot follow it either.`;
    case 'not-found':
      return `Push ${ctx.image ?? 'the image'} to ${r} or fix the image reference; the workloads using it fail their next pull.`;
    case 'rate-limited':
      return `Pulls from ${r} are being throttled: authenticate pulls with a pull secret (higher limits), use a pull-through cache or mirror, and avoid imagePullPolicy: Always.`;
    case 'unexpected':
      return `Check ${r}'s logs for the request above; vigil will probe again on the next run.`;
  }
}
