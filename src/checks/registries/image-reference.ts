/**
 * Image references as the kubelet reads them: github.com/distribution/reference
 * `ParseNormalizedNamed` (normalize.go, regexp.go), which the kubelet calls through
 * `parsers.ParseImageName` before every pull. A reference that fails here is a pod stuck in
 * InvalidImageName, not a registry problem.
 */
export interface ImageReference {
  /** The domain as written (`docker.io` for Docker Hub), e.g. `localhost:5000`, `[::1]:5000`. */
  domain: string;
  /** The registry key vigil groups by: the domain in lower case (DNS names are case-insensitive). */
  registry: string;
  /** Repository path inside the registry, e.g. `library/nginx`. */
  repository: string;
  tag?: string;
  digest?: string;
  /** What a pull asks the registry for: the digest when given, else the tag (`latest` by default). */
  reference: string;
  /** `domain/repository` as the kubelet passes it to its credential keyring. */
  name: string;
}

export type ParsedImage = { ok: true; image: ImageReference } | { ok: false; error: string };

export const dockerHubDomain = 'docker.io';
const legacyDockerHubDomain = 'index.docker.io';
/** Docker Hub's API is not served on docker.io itself. */
export const dockerHubApiHost = 'registry-1.docker.io';
const nameTotalLengthMax = 255;

// regexp.go, spelled out so each piece can be checked against upstream.
const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const ipv6address = '\\[(?:[a-fA-F0-9:]+)\\]';
const domainName = `${domainNameComponent}(?:\\.${domainNameComponent})*`;
const domainAndPort = `(?:${domainName}|${ipv6address})(?::[0-9]+)?`;
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
const referenceRegexp = new RegExp(
  `^((?:${domainAndPort}/)?${pathComponent}(?:/${pathComponent})*)(?::(${tag}))?(?:@(${digest}))?$`,
);
const anchoredIdentifier = /^[a-f0-9]{64}$/;

/** Normalises and validates one image string from a pod or workload spec. */
export function parseImageReference(input: string): ParsedImage {
  const s = input.trim();
  if (s === '') return { ok: false, error: 'empty image reference' };
  if (anchoredIdentifier.test(s)) {
    return { ok: false, error: 'a bare 64-character hex id is not a repository name' };
  }
  const [domain, remainder] = splitDockerDomain(s);
  const tagSep = remainder.indexOf(':');
  const remoteName = tagSep > -1 ? remainder.slice(0, tagSep) : remainder;
  if (remoteName.toLowerCase() !== remoteName) {
    return { ok: false, error: `repository name "${remoteName}" must be lowercase` };
  }
  const full = `${domain}/${remainder}`;
  const m = referenceRegexp.exec(full);
  if (!m || m[1] === undefined) return { ok: false, error: 'invalid reference format' };
  const name = m[1];
  if (name.length > nameTotalLengthMax) {
    return { ok: false, error: `repository name longer than ${nameTotalLengthMax} characters` };
  }
  const repository = name.slice(domain.length + 1);
  const tagPart = m[2];
  const digestPart = m[3];
  return {
    ok: true,
    image: {
      domain,
      registry: domain.toLowerCase(),
      repository,
      ...(tagPart !== undefined ? { tag: tagPart } : {}),
      ...(digestPart !== undefined ? { digest: digestPart } : {}),
      // The kubelet pulls `:latest` when neither a tag nor a digest is given.
      reference: digestPart ?? tagPart ?? 'latest',
      name,
    },
  };
}

/**
 * normalize.go `splitDockerDomain`: the first component is a registry only when it looks like a
 * host (has `.` or `:`, is `localhost`, or has upper case, which no repository may); otherwise the
 * image is on Docker Hub, and single names live under `library/`. So `myreg:5000` alone is the
 * Docker Hub image `library/myreg` with tag `5000`.
 */
function splitDockerDomain(name: string): [string, string] {
  const i = name.indexOf('/');
  let domain: string;
  let remainder: string;
  const first = i === -1 ? '' : name.slice(0, i);
  if (i === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = dockerHubDomain;
    remainder = name;
  } else {
    domain = first;
    remainder = name.slice(i + 1);
  }
  if (domain === legacyDockerHubDomain) domain = dockerHubDomain;
  if (domain === dockerHubDomain && !remainder.includes('/')) remainder = `library/${remainder}`;
  return [domain, remainder];
}

/** The registry key for a host written in config (`index.docker.io` and `Docker.IO` are Docker Hub). */
export function normaliseRegistryHost(host: string): string {
  const h = host.trim().toLowerCase().replace(/\/+$/, '');
  return h === legacyDockerHubDomain || h === dockerHubApiHost ? dockerHubDomain : h;
}

/** Host and port of a registry key, brackets kept off IPv6 hosts; the port defaults to 443. */
export function splitRegistryHost(registry: string): { host: string; port?: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(registry);
  if (v6) return { host: v6[1] ?? '', ...(v6[2] ? { port: Number(v6[2]) } : {}) };
  const m = /^(.*?)(?::(\d+))?$/.exec(registry);
  return { host: m?.[1] ?? registry, ...(m?.[2] ? { port: Number(m[2]) } : {}) };
}
