import { classifyTransportError } from './classify-registry-error.js';
import { registryErrors, registryRequest, type RegistryResponse } from './registry-http.js';
import type {
  PullCheck,
  PullOutcome,
  RegistryCredential,
  RegistryFailure,
  RegistryStage,
} from './registry-probe-result.js';
import { fail, rateLimitText, type ProbeState } from './registry-probe-state.js';

/** What containerd asks for: OCI index/manifest and Docker manifest list/v2 (DOMAIN.md section 4). */
const manifestAccept = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** The kubelet tries every matching pull secret; three is enough to tell "one is wrong" from "all are". */
const maxCredentials = 3;

type Attempt =
  { ok: true; passed: string[]; digest?: string } | { ok: false; passed: string[]; failure: RegistryFailure };

/**
 * The token and manifest stages for each pull asked for (one per set of credentials the workloads
 * use), each trying its matching credentials in turn with no anonymous fallback once credentials
 * exist (kuberuntime PullImage does the same). Records every outcome in `result.pulls`, and the
 * first failing pull as the probe's failure.
 */
export async function probePull(state: ProbeState): Promise<boolean> {
  const pulls = state.opts.pulls ?? [];
  if (pulls.length === 0) {
    state.result.manifestSkipped = 'no image in use on this registry, so no manifest to ask for';
    return true;
  }
  for (const pull of pulls) state.result.pulls.push(await onePull(state, pull));
  const ok = state.result.pulls.find((p) => !p.failure);
  if (ok) {
    state.result.manifest = {
      image: ok.image,
      ...(ok.digest ? { digest: ok.digest } : {}),
      ...(ok.credential ? { credential: ok.credential } : {}),
    };
  }
  const failed = state.result.pulls.find((p) => p.failure);
  return failed?.failure ? fail(state, failed.failure) : true;
}

async function onePull(state: ProbeState, pull: PullCheck): Promise<PullOutcome> {
  const creds: (RegistryCredential | undefined)[] =
    pull.credentials.length > 0 ? pull.credentials.slice(0, maxCredentials) : [undefined];
  const failures: RegistryFailure[] = [];
  const notes: string[] = [];
  for (const cred of creds) {
    const attempt = await pullAttempt(state, pull.image, cred);
    if (attempt.ok) {
      for (const f of failures) notes.push(`tried first: ${f.detail}`);
      return {
        id: pull.id,
        image: pull.image.display,
        passed: attempt.passed,
        notes,
        ...(attempt.digest ? { digest: attempt.digest } : {}),
        ...(cred ? { credential: cred.origin } : {}),
      };
    }
    failures.push(attempt.failure);
    // Another credential cannot fix a network, TLS or server failure.
    if (!['auth-rejected', 'auth-required', 'forbidden', 'not-found'].includes(attempt.failure.kind)) break;
  }
  const [first, ...others] = failures;
  for (const f of others) notes.push(`also failed: ${f.detail}`);
  return { id: pull.id, image: pull.image.display, passed: [], notes, failure: first as RegistryFailure };
}

async function pullAttempt(
  state: ProbeState,
  image: PullCheck['image'],
  cred: RegistryCredential | undefined,
): Promise<Attempt> {
  const passed: string[] = [];
  const who = cred ? cred.origin : 'anonymous';
  let authorization: string | undefined;
  const challenge = state.challenge;
  if (challenge?.scheme === 'basic' && cred) {
    authorization = `Basic ${basic(cred)}`;
    const url = `${state.base}/v2/`;
    const res = await send(state, 'token', url, 'GET', authorization);
    if ('failure' in res) return { ok: false, passed, failure: res.failure };
    if (res.status === 401 || res.status === 403) {
      return httpFailure('token', res, `GET ${url} (${who})`, cred, { kind: 'auth-rejected' });
    }
    if (res.status !== 200) return httpFailure('token', res, `GET ${url} (${who})`, cred);
    passed.push(`GET ${url} with ${who} → 200 (credentials accepted)`);
  } else if (challenge?.scheme === 'bearer') {
    const token = await fetchToken(state, image.repository, cred, passed);
    if (typeof token !== 'string') return { ok: false, passed, failure: token };
    authorization = `Bearer ${token}`;
  }
  const url = `${state.base}/v2/${image.repository}/manifests/${image.reference}`;
  const label = `HEAD ${url} (${who})`;
  const res = await send(state, 'manifest', url, 'HEAD', authorization);
  if ('failure' in res) return { ok: false, passed, failure: res.failure };
  const left = res.headers['ratelimit-remaining'];
  if (res.status === 200) {
    const digest = res.headers['docker-content-digest'];
    passed.push(
      `${label} → 200${typeof digest === 'string' ? ` ${digest}` : ''}${typeof left === 'string' ? ` (ratelimit-remaining ${left})` : ''}`,
    );
    return { ok: true, passed, ...(typeof digest === 'string' ? { digest } : {}) };
  }
  // HEAD answers carry no body. Elsewhere a GET shows the error code (MANIFEST_UNKNOWN vs NAME_UNKNOWN,
  // DENIED); on Docker Hub a GET counts toward the pull rate limit, so it never happens there.
  let body = res;
  if (!state.opts.dockerHub && res.status !== 429 && res.status >= 400) {
    const again = await send(state, 'manifest', url, 'GET', authorization);
    if (!('failure' in again) && again.status === res.status) body = again;
  }
  const denied = cred ? 'auth-rejected' : 'auth-required';
  const kind =
    res.status === 401 || res.status === 403 ? denied : res.status === 404 ? 'not-found' : undefined;
  return httpFailure('manifest', { ...res, body: body.body }, label, cred, kind ? { kind } : {});
}

async function fetchToken(
  state: ProbeState,
  repository: string,
  cred: RegistryCredential | undefined,
  passed: string[],
): Promise<string | RegistryFailure> {
  const challenge = state.challenge;
  if (challenge?.scheme !== 'bearer') return '';
  const who = cred ? cred.origin : 'anonymous';
  const url = new URL(challenge.realm);
  if (challenge.service) url.searchParams.set('service', challenge.service);
  url.searchParams.set('scope', `repository:${repository}:pull`);
  if (cred && url.protocol === 'http:' && !state.opts.plainHttp) {
    return {
      stage: 'token',
      kind: 'insecure-realm',
      detail: `token endpoint ${url.origin} is plain HTTP; vigil does not send ${cred.origin} over it (nodes would send the password in clear text)`,
      credential: cred.origin,
    };
  }
  // Readable evidence: the realm, then service and scope as words rather than %-encoded query.
  const label = `GET ${challenge.realm} (${challenge.service ? `service ${challenge.service}, ` : ''}scope repository:${repository}:pull, ${who})`;
  const res = await send(state, 'token', url.toString(), 'GET', cred ? `Basic ${basic(cred)}` : undefined);
  if ('failure' in res) return res.failure;
  if (res.status !== 200) {
    const denied = cred ? 'auth-rejected' : 'auth-required';
    const kind = res.status === 401 || res.status === 403 ? denied : undefined;
    const f = httpFailure('token', res, label, cred, kind ? { kind } : {});
    return f.failure;
  }
  let token: unknown;
  try {
    const parsed = JSON.parse(res.body) as { token?: unknown; access_token?: unknown };
    token = parsed.token ?? parsed.access_token;
  } catch {
    token = undefined;
  }
  if (typeof token !== 'string' || token === '') {
    return {
      stage: 'token',
      kind: 'unexpected',
      detail: `${label} → 200 without a token in the JSON body`,
      httpStatus: 200,
    };
  }
  passed.push(`${label} → 200 token issued`);
  return token;
}

async function send(
  state: ProbeState,
  stage: RegistryStage,
  url: string,
  method: 'GET' | 'HEAD',
  authorization: string | undefined,
): Promise<RegistryResponse | { failure: RegistryFailure }> {
  try {
    const res = await registryRequest({
      url,
      method,
      ...(stage === 'manifest' ? { headers: { Accept: manifestAccept } } : {}),
      ...(authorization !== undefined ? { authorization } : {}),
      allowPlainHttpAuth: state.opts.plainHttp,
      ...(state.ca ? { ca: state.ca } : {}),
      deadline: state.deadline,
      agents: state.agents,
    });
    const left = res.headers['ratelimit-remaining'];
    if (typeof left === 'string') state.result.rateLimitRemaining = left;
    if (res.authorizationWithheld && !state.result.notes.includes(res.authorizationWithheld)) {
      state.result.notes.push(res.authorizationWithheld);
    }
    return res;
  } catch (err) {
    const { kind, reason } = classifyTransportError(err);
    return { failure: { stage, kind, detail: `${method} ${url}: ${reason}` } };
  }
}

function httpFailure(
  stage: RegistryStage,
  res: RegistryResponse,
  label: string,
  cred: RegistryCredential | undefined,
  override: { kind?: RegistryFailure['kind'] } = {},
): { ok: false; passed: string[]; failure: RegistryFailure } {
  const errors = registryErrors(res.body);
  const kind =
    override.kind ??
    (res.status === 429
      ? 'rate-limited'
      : res.status >= 500
        ? 'server-error'
        : res.status === 403
          ? 'forbidden'
          : 'unexpected');
  const via = res.redirects.length ? ` after ${res.redirects.join(', ')}` : '';
  const failure: RegistryFailure = {
    stage,
    kind,
    detail: `${label}${via} → ${res.status}${errors.length ? ` ${errors.join('; ')}` : ''}${kind === 'rate-limited' ? rateLimitText(res.headers) : ''}`,
    httpStatus: res.status,
    ...(errors.length ? { errors } : {}),
    ...(cred ? { credential: cred.origin } : {}),
  };
  return { ok: false, passed: [], failure };
}

function basic(cred: RegistryCredential): string {
  return Buffer.from(`${cred.username}:${cred.password}`, 'utf8').toString('base64');
}
