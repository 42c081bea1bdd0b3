import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { connect, isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import { isoUtcMinute } from '../time/utc-minute.js';
import { classifyTransportError, tlsKind } from './classify-registry-error.js';
import { parseChallenge, type RegistryChallenge } from './registry-challenge.js';
import { fail, rateLimitText, remaining, type ProbeState } from './registry-probe-state.js';
import { registryErrors, registryRequest } from './registry-http.js';
import type { RegistryProbeOptions } from './registry-probe-options.js';
import type { RegistryFailure, RegistryProbeResult, RegistryStage } from './registry-probe-result.js';
import { probePull } from './registry-pull-probe.js';
import { probeTls as defaultProbeTls } from './tls-probe.js';
import type { TlsProbeResult } from './tls-probe-result.js';

/**
 * Probes a registry the way a pull reaches it and stops at the first stage that fails: DNS, TCP,
 * TLS, `GET /v2/`, token endpoint, manifest HEAD. Never throws: every failure, including vigil's
 * own bugs, comes back as `failure` with evidence. Credentials appear only as their origin.
 */
export async function probeRegistry(opts: RegistryProbeOptions): Promise<RegistryProbeResult> {
  const started = Date.now();
  const scheme = opts.plainHttp ? 'http' : 'https';
  const hostInUrl = isIP(opts.host) === 6 ? `[${opts.host}]` : opts.host;
  const base = `${scheme}://${hostInUrl}:${opts.port}`;
  const result: RegistryProbeResult = {
    registry: opts.registry,
    endpoint: base,
    passed: [],
    pulls: [],
    notes: [],
    ms: 0,
  };
  const state: ProbeState = {
    opts,
    base,
    deadline: started + opts.timeoutMs,
    // Node's `ca` replaces the default roots, so the registry's own CA is added to them.
    ca: opts.caPem ? [...rootCertificates, opts.caPem] : undefined,
    agents: {
      http: new http.Agent({ keepAlive: true, maxSockets: 1 }),
      https: new https.Agent({ keepAlive: true, maxSockets: 1 }),
    },
    result,
  };
  try {
    // Each stage records its evidence and returns false on the first failure, which ends the probe.
    const stages = [dnsStage, tcpStage, opts.plainHttp ? null : tlsStage, v2Stage, probePull];
    for (const stage of stages) if (stage && !(await stage(state))) break;
  } catch (err) {
    result.failure ??= {
      stage: 'v2',
      kind: 'unexpected',
      detail: `vigil failed while probing: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
  state.agents.http.destroy();
  state.agents.https.destroy();
  result.ms = Date.now() - started;
  return result;
}

function withDeadline<T>(state: ProbeState, p: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(Object.assign(new Error('probe timeout'), { code: 'TIMEOUT' })),
      remaining(state),
    );
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

async function dnsStage(state: ProbeState): Promise<boolean> {
  const { host } = state.opts;
  if (isIP(host)) {
    state.result.passed.push(`DNS: ${host} is an IP address, no lookup`);
    return true;
  }
  try {
    const addresses = await withDeadline(state, lookup(host, { all: true }));
    state.result.passed.push(`DNS: ${host} → ${addresses.map((a) => a.address).join(', ')}`);
    return true;
  } catch (err) {
    const { kind, reason } = classifyTransportError(err);
    return fail(state, {
      stage: 'dns',
      kind: kind === 'timeout' ? 'timeout' : 'dns',
      detail: `DNS: ${host}: ${reason}`,
    });
  }
}

function tcpStage(state: ProbeState): Promise<boolean> {
  const { host, port } = state.opts;
  const target = `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
  const t0 = Date.now();
  return new Promise((resolve) => {
    // autoSelectFamily tries every address (happy eyeballs): `localhost` may resolve to ::1 first.
    const socket = connect({ host, port, autoSelectFamily: true });
    const done = (ok: boolean, stageFailure?: RegistryFailure) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok ? true : fail(state, stageFailure as RegistryFailure));
    };
    const timer = setTimeout(
      () =>
        done(false, {
          stage: 'tcp',
          kind: 'timeout',
          detail: `TCP: ${target}: no connection within the probe timeout`,
        }),
      remaining(state),
    );
    socket.once('connect', () => {
      state.result.passed.push(
        `TCP: connected to ${socket.remoteAddress ?? host}:${port} (${Date.now() - t0} ms)`,
      );
      done(true);
    });
    socket.once('error', (err) => {
      const { kind, reason } = classifyTransportError(err);
      done(false, { stage: 'tcp', kind, detail: `TCP: ${target}: ${reason}` });
    });
  });
}

async function tlsStage(state: ProbeState): Promise<boolean> {
  const { host, port } = state.opts;
  const target = `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
  const probe = state.opts.probeTls ?? defaultProbeTls;
  let tls: TlsProbeResult;
  try {
    tls = await probe({
      host,
      port,
      ...(isIP(host) === 0 ? { servername: host } : {}),
      // Judged against the registry's own CA when one is configured (what the nodes are told to
      // trust for it), else the system store; never both, which would re-parse every root each time.
      ...(state.opts.caPem ? { caPem: state.opts.caPem } : {}),
      timeoutMs: remaining(state),
    });
  } catch (err) {
    const { kind, reason } = classifyTransportError(err);
    return fail(state, { stage: 'tls', kind, detail: `TLS: ${target}: ${reason}` });
  }
  state.result.tls = tls;
  const leaf = tls.chain[0];
  const subject = leaf ? leaf.subject.replace(/\n/g, ', ') : '(no certificate)';
  const until = leaf ? `, valid until ${isoUtcMinute(new Date(leaf.validTo))}` : '';
  if (!tls.authorized) {
    const code = tls.authorizationError ?? 'UNKNOWN';
    return fail(state, {
      stage: 'tls',
      kind: tlsKind(code),
      detail: `TLS: ${target}: certificate ${subject}${until} failed verification (${code})${tls.identityError ? `; ${tls.identityError}` : ''}`,
    });
  }
  if (tls.identityError) {
    return fail(state, {
      stage: 'tls',
      kind: 'tls-wrong-name',
      detail: `TLS: ${target}: ${tls.identityError}`,
    });
  }
  state.result.passed.push(
    `TLS: ${tls.protocol ?? 'TLS'}, certificate ${subject} trusted for ${host}${until}`,
  );
  return true;
}

async function v2Stage(state: ProbeState): Promise<boolean> {
  const url = `${state.base}/v2/`;
  let res;
  try {
    res = await registryRequest({
      url,
      method: 'GET',
      allowPlainHttpAuth: state.opts.plainHttp,
      ...(state.ca ? { ca: state.ca } : {}),
      deadline: state.deadline,
      agents: state.agents,
    });
  } catch (err) {
    const { kind, reason } = classifyTransportError(err);
    return fail(state, { stage: 'v2', kind, detail: `GET ${url}: ${reason}` });
  }
  const errors = registryErrors(res.body);
  const said = `${res.status}${errors.length ? ` ${errors.join('; ')}` : ''}`;
  const via = res.redirects.length ? ` (after ${res.redirects.join(', ')})` : '';
  if (res.status === 200) {
    state.result.challenge = 'none';
    state.result.passed.push(`GET ${url} → 200, no authentication required${via}`);
    return true;
  }
  if (res.status === 401) {
    const challenge = parseChallenge(res.headers['www-authenticate']);
    if (!challenge) {
      return fail(state, {
        stage: 'v2',
        kind: 'bad-challenge',
        detail: `GET ${url} → 401 without a usable WWW-Authenticate challenge (${String(res.headers['www-authenticate'] ?? 'none')})`,
        httpStatus: 401,
      });
    }
    // An anonymous 401 with a valid challenge is how a healthy registry says "authenticate": reachable.
    state.result.challenge = challenge.scheme;
    state.result.passed.push(`GET ${url} → 401 with ${describeChallenge(challenge)} (reachable)${via}`);
    state.challenge = challenge;
    return true;
  }
  const base = { stage: 'v2' as RegistryStage, httpStatus: res.status, ...(errors.length ? { errors } : {}) };
  const detail = `GET ${url} → ${said}${via}`;
  if (res.status === 429) {
    recordRateLimit(state, res.headers);
    return fail(state, { ...base, kind: 'rate-limited', detail: `${detail}${rateLimitText(res.headers)}` });
  }
  if (res.status === 403) return fail(state, { ...base, kind: 'forbidden', detail });
  if (res.status >= 500) return fail(state, { ...base, kind: 'server-error', detail });
  if (res.status === 404) return fail(state, { ...base, kind: 'not-a-registry', detail });
  return fail(state, { ...base, kind: 'unexpected', detail });
}

export function recordRateLimit(
  state: ProbeState,
  headers: Record<string, string | string[] | undefined>,
): void {
  const left = headers['ratelimit-remaining'];
  if (typeof left === 'string') state.result.rateLimitRemaining = left;
}

function describeChallenge(c: RegistryChallenge): string {
  if (c.scheme === 'basic') return `Basic challenge${c.realm ? ` realm="${c.realm}"` : ''}`;
  return `Bearer challenge realm="${c.realm}"${c.service ? ` service="${c.service}"` : ''}`;
}
