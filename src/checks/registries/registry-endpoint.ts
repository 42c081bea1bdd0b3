import { readFileSync } from 'node:fs';
import type { RegistriesConfig } from './registries-config.js';
import {
  dockerHubApiHost,
  dockerHubDomain,
  normaliseRegistryHost,
  splitRegistryHost,
} from './image-reference.js';

export interface RegistryEndpoint {
  host: string;
  port: number;
  plainHttp: boolean;
  dockerHub: boolean;
  caPem?: string;
  /** Kubelet credential provider that usually serves this registry, when the host says so. */
  credentialProvider?: string;
}

/**
 * Where a pull for `registry` goes: Docker Hub's API lives on registry-1.docker.io, everything else on
 * the registry host itself, port 443 unless given (80 for plain HTTP).
 */
export function registryEndpoint(registry: string, cfg: RegistriesConfig): RegistryEndpoint {
  const plainHttp = cfg.insecure.some((h) => normaliseRegistryHost(h) === registry);
  const dockerHub = registry === dockerHubDomain;
  const { host, port } = dockerHub ? { host: dockerHubApiHost, port: 443 } : splitRegistryHost(registry);
  const caFile = Object.entries(cfg.caFiles).find(([h]) => normaliseRegistryHost(h) === registry)?.[1];
  const provider = credentialProviderOf(host);
  return {
    host,
    port: port ?? (plainHttp ? 80 : 443),
    plainHttp,
    dockerHub,
    // Validated readable at config load; read per run so a rotated CA file is picked up.
    ...(caFile ? { caPem: readFileSync(caFile, 'utf8') } : {}),
    ...(provider ? { credentialProvider: provider } : {}),
  };
}

/**
 * Registries whose nodes usually get credentials from a kubelet credential provider (or the node's
 * IAM identity), which the API never shows (DOMAIN.md section 4): "no pull secret" is no verdict there.
 */
export function credentialProviderOf(host: string): string | undefined {
  if (/^\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(host)) return 'Amazon ECR';
  if (/\.azurecr\.(io|cn|us|de)$/.test(host)) return 'Azure Container Registry';
  if (/-docker\.pkg\.dev$/.test(host)) return 'Google Artifact Registry';
  if (/^([a-z]+\.)?gcr\.io$/.test(host)) return 'Google Container Registry';
  return undefined;
}
