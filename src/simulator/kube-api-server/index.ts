/** Barrel for the fake Kubernetes API server (and the plain TLS endpoint used beside it). */
export {
  FakeKubeApiServer,
  type ApiOutage,
  type FakeKubeApiServerOptions,
  type RecordedRequest,
} from './fake-kube-api-server.js';
export type { ForbidRule } from './forbid-rules.js';
export { kubeconfigText, type KubeconfigTextOptions } from './kubeconfig-text.js';
export { startTlsEndpoint, type TlsEndpoint, type TlsEndpointOptions } from '../tls-endpoint.js';
