import { isIP } from 'node:net';
import { VigilError } from '../domain/vigil-error.js';

/**
 * Accepts the shapes people paste into config: `host:port`, `[::1]:2379`, a bare host, a bare IPv6
 * address, or a URL such as the kubeconfig `server` (`https://host:6443/path`). The host comes back
 * without brackets so it can go straight to `tls.connect`.
 */
export function parseHostPort(s: string, defaultPort = 443): { host: string; port: number } {
  const input = s.trim();
  const invalid = (why: string) =>
    new VigilError(
      'probe-invalid-endpoint',
      `invalid endpoint "${s}": ${why}; use host:port, [ipv6]:port or a URL`,
    );
  if (input === '') throw invalid('empty');

  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) {
    let url: URL;
    try {
      url = new URL(input);
    } catch {
      throw invalid('not a valid URL');
    }
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (host === '') throw invalid('no host');
    const schemeDefault = url.protocol === 'http:' ? 80 : url.protocol === 'https:' ? 443 : defaultPort;
    return { host, port: url.port === '' ? schemeDefault : Number(url.port) };
  }

  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(input);
  if (bracketed) {
    const host = bracketed[1] ?? '';
    if (isIP(host) !== 6) throw invalid('brackets must hold an IPv6 address');
    return { host, port: bracketed[2] === undefined ? defaultPort : toPort(bracketed[2], invalid) };
  }
  // More than one colon without brackets can only be a bare IPv6 address (no port).
  if (isIP(input) === 6) return { host: input, port: defaultPort };
  const parts = input.split(':');
  if (parts.length > 2) throw invalid('IPv6 addresses with a port need brackets, e.g. [::1]:2379');
  const [host = '', port] = parts;
  if (host === '') throw invalid('no host');
  return { host, port: port === undefined ? defaultPort : toPort(port, invalid) };
}

function toPort(p: string, invalid: (why: string) => VigilError): number {
  const n = Number(p);
  if (!/^\d+$/.test(p) || n < 1 || n > 65535) throw invalid(`port "${p}" is not between 1 and 65535`);
  return n;
}
