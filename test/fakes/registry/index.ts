/** Registry fakes: an OCI distribution server with Basic/Bearer auth and failure modes, and a silent peer. */
export {
  digestOf,
  manifestMediaType,
  sampleManifest,
  startFakeRegistry,
  type FakeRegistry,
  type FakeRegistryOptions,
  type RecordedRegistryRequest,
} from './fake-registry.js';
export { closedPort, startSilentServer } from './silent-server.js';
