import type { TlsProbeResult } from './tls-probe-result.js';

/** The stages of a registry probe, in the order a pull goes through them (DOMAIN.md section 4). */
export type RegistryStage = 'dns' | 'tcp' | 'tls' | 'v2' | 'token' | 'manifest';

export type RegistryFailureKind =
  | 'dns'
  | 'refused'
  | 'timeout'
  | 'unreachable'
  | 'reset'
  | 'tls-expired'
  | 'tls-not-yet-valid'
  | 'tls-untrusted'
  | 'tls-wrong-name'
  | 'not-tls'
  | 'tls-error'
  | 'server-error'
  | 'forbidden'
  | 'not-a-registry'
  | 'bad-challenge'
  | 'auth-rejected'
  | 'auth-required'
  | 'insecure-realm'
  | 'bad-redirect'
  | 'not-found'
  | 'rate-limited'
  | 'unexpected';

export interface RegistryFailure {
  stage: RegistryStage;
  kind: RegistryFailureKind;
  /** Evidence: what was asked and what answered, e.g. `HEAD https://h/v2/x/manifests/1 → 404 MANIFEST_UNKNOWN: manifest unknown`. */
  detail: string;
  httpStatus?: number;
  /** `code: message` of the `{"errors":[...]}` body, when there was one. */
  errors?: string[];
  /** Where the credentials came from (never their value), when the failing request carried some. */
  credential?: string;
}

/** A credential the probe may send; only `origin` is ever printed. */
export interface RegistryCredential {
  origin: string;
  username: string;
  password: string;
}

/** One pull to try after the registry answered: an image in use and the credentials its workloads would send. */
export interface PullCheck {
  /** The caller's key for this pull (e.g. the credential set), returned on the outcome. */
  id: string;
  image: { repository: string; reference: string; display: string };
  /** Tried in order, as the kubelet tries its keyring matches; empty means an anonymous pull. */
  credentials: RegistryCredential[];
}

export interface PullOutcome {
  id: string;
  image: string;
  /** Evidence lines of the token and manifest stages that passed. */
  passed: string[];
  /** Credentials that failed before one worked, credentials withheld on a redirect. */
  notes: string[];
  failure?: RegistryFailure;
  digest?: string;
  /** Origin of the credentials that worked. */
  credential?: string;
}

export interface RegistryProbeResult {
  registry: string;
  /** Base URL probed, e.g. `https://registry-1.docker.io`. */
  endpoint: string;
  /** Evidence lines of the stages shared by every pull (DNS, TCP, TLS, `GET /v2/`), in order. */
  passed: string[];
  /** The first stage that failed: a shared stage, else the first failing pull. Absent when healthy. */
  failure?: RegistryFailure;
  /** One outcome per pull asked for, once the shared stages passed. */
  pulls: PullOutcome[];
  /** What the TLS handshake showed, trusted or not: the registry certificate's expiry comes from here. */
  tls?: TlsProbeResult;
  challenge?: 'none' | 'basic' | 'bearer';
  /** The first manifest that answered 200. */
  manifest?: { image: string; digest?: string; credential?: string };
  /** `ratelimit-remaining` as sent (Docker Hub: `76;w=21600`). */
  rateLimitRemaining?: string;
  /** Why the manifest stage did not run, when it did not. */
  manifestSkipped?: string;
  /** Other facts about the shared stages (credentials withheld on a redirect). */
  notes: string[];
  ms: number;
}
