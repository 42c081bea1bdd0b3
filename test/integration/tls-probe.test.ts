import net from 'node:net';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VigilError } from '../../src/domain/vigil-error.js';
import { parseHostPort, probeTls, TlsProbeError } from '../../src/probe/tls-probe.js';
import { startTlsEndpoint } from '../../src/simulator/kube-api-server/index.js';
import { issueCa, issueLeaf } from '../../src/simulator/cert-factory.js';
import { listenOnLoopback } from '../../src/simulator/listen-on-loopback.js';

const now = new Date();
const ca = issueCa('vigil-test-ca', now);
const good = issueLeaf('localhost', now, 60, { issuer: ca, sans: ['localhost', '127.0.0.1'] });
const expired = issueLeaf('apiserver-expired', now, -3, { issuer: ca, sans: ['localhost', '127.0.0.1'] });
const selfSigned = issueLeaf('localhost', now, 60, { sans: ['localhost', '127.0.0.1'] });
const otherName = issueLeaf('other.example', now, 60, { issuer: ca, sans: ['other.example'] });
const etcdServer = issueLeaf('etcd-0', now, 20, { issuer: ca, sans: ['etcd-0', '127.0.0.1'] });
const etcdClient = issueLeaf('kube-apiserver-etcd-client', now, 200, { issuer: ca, clientAuth: true });

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(cleanups.map((c) => c()));
});

async function listen(server: net.Server): Promise<number> {
  const { port, close } = await listenOnLoopback(server);
  cleanups.push(close);
  return port;
}

/**
 * A TLS server that records the SNI of each ClientHello. SNICallback only runs when the client sent
 * SNI, so "connections - SNI callbacks" counts the hellos without one.
 */
async function tlsServer(cert: { chainPem: string; keyPem: string }) {
  const stats = { connections: 0, sni: [] as string[] };
  const context = tls.createSecureContext({ cert: cert.chainPem, key: cert.keyPem });
  const server = tls.createServer(
    {
      cert: cert.chainPem,
      key: cert.keyPem,
      SNICallback: (name, cb) => {
        stats.sni.push(name);
        cb(null, context);
      },
    },
    (socket) => {
      socket.on('error', () => {});
      socket.end();
    },
  );
  server.on('connection', () => stats.connections++);
  server.on('tlsClientError', () => {});
  const port = await listen(server);
  return { port, stats };
}

async function expectProbeError(p: Promise<unknown>, code: string): Promise<VigilError> {
  const err = await p.then(
    () => {
      throw new Error(`expected ${code}, probe succeeded`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VigilError);
  expect((err as VigilError).code).toBe(code);
  return err as VigilError;
}

describe('probeTls', () => {
  let goodPort: number;
  let goodStats: { connections: number; sni: string[] };
  beforeAll(async () => {
    ({ port: goodPort, stats: goodStats } = await tlsServer(good));
  });

  it('authorizes a valid chain and returns it leaf first', async () => {
    const r = await probeTls({
      host: '127.0.0.1',
      port: goodPort,
      servername: 'localhost',
      caPem: ca.certPem,
    });
    expect(r.authorized).toBe(true);
    expect(r.authorizationError).toBeUndefined();
    expect(r.identityError).toBeUndefined();
    expect(r.servername).toBe('localhost');
    expect(r.protocol).toBe('TLSv1.3');
    expect(r.chain.map((c) => c.fingerprint256)).toEqual([good.x509.fingerprint256, ca.x509.fingerprint256]);
    expect(goodStats.sni.at(-1)).toBe('localhost');
  });

  it('reads an expired certificate instead of failing the handshake', async () => {
    const { port } = await tlsServer(expired);
    const r = await probeTls({ host: '127.0.0.1', port, servername: 'localhost', caPem: ca.certPem });
    expect(r.authorized).toBe(false);
    expect(r.authorizationError).toBe('CERT_HAS_EXPIRED');
    const leaf = r.chain[0];
    expect(leaf?.subject).toContain('CN=apiserver-expired');
    expect(leaf?.fingerprint256).toBe(expired.x509.fingerprint256);
    expect(new Date(leaf?.validTo ?? '').getTime()).toBeLessThan(now.getTime());
  });

  it('reports a self-signed certificate', async () => {
    const { port } = await tlsServer(selfSigned);
    const r = await probeTls({ host: '127.0.0.1', port, servername: 'localhost', caPem: ca.certPem });
    expect(r.authorized).toBe(false);
    expect(r.authorizationError).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(r.chain).toHaveLength(1);
    expect(r.chain[0]?.fingerprint256).toBe(selfSigned.x509.fingerprint256);
  });

  it('flags a certificate that does not name the host', async () => {
    const { port } = await tlsServer(otherName);
    const r = await probeTls({ host: '127.0.0.1', port, servername: 'api.example', caPem: ca.certPem });
    // Chain trust and name are reported apart: the chain is fine, the name is not.
    expect(r.authorized).toBe(true);
    expect(r.authorizationError).toBeUndefined();
    expect(r.identityError).toMatch(/api\.example/);
    expect(r.identityError).toMatch(/other\.example/);
  });

  it('sends no SNI to an IP target and checks identity against the IP', async () => {
    const before = { ...goodStats, sni: [...goodStats.sni] };
    const r = await probeTls({ host: '127.0.0.1', port: goodPort, caPem: ca.certPem });
    expect(r.servername).toBeUndefined();
    expect(goodStats.connections).toBe(before.connections + 1);
    expect(goodStats.sni).toEqual(before.sni);
    expect(r.identityError).toBeUndefined();
    expect(r.authorized).toBe(true);
  });

  it('fails with probe-refused on a closed port, naming host:port', async () => {
    const s = net.createServer();
    const port = await new Promise<number>((r) =>
      s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)),
    );
    await new Promise((r) => s.close(r));
    const err = await expectProbeError(probeTls({ host: '127.0.0.1', port }), 'probe-refused');
    expect(err.userMessage).toContain(`127.0.0.1:${port}`);
    expect(err.retryable).toBe(true);
  });

  it('times out within the bound on a server that never answers', async () => {
    const port = await listen(net.createServer(() => {}));
    const started = Date.now();
    const err = await expectProbeError(
      probeTls({ host: '127.0.0.1', port, timeoutMs: 300 }),
      'probe-timeout',
    );
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1500);
    expect(err.userMessage).toContain(`127.0.0.1:${port}`);
  });

  it('fails with probe-dns for a name that does not resolve', async () => {
    const err = await expectProbeError(
      probeTls({ host: 'nonexistent.invalid', port: 2379, timeoutMs: 4000 }),
      'probe-dns',
    );
    expect(err.userMessage).toMatch(/cannot resolve nonexistent\.invalid/);
    expect(err.userMessage).toContain('nonexistent.invalid:2379');
  });

  it('fails with probe-tls when the port does not speak TLS', async () => {
    const port = await listen(
      net.createServer((c) => {
        c.on('error', () => {});
        c.write('HTTP/1.1 400 Bad Request\r\n\r\n');
      }),
    );
    const err = await expectProbeError(probeTls({ host: '127.0.0.1', port }), 'probe-tls');
    expect(err.userMessage).toContain(`127.0.0.1:${port}`);
    expect(err.userMessage).toMatch(/ERR_SSL_/);
  });

  it('fails with probe-reset when the peer hangs up mid-handshake', async () => {
    const port = await listen(net.createServer((c) => c.destroy()));
    const err = await expectProbeError(probeTls({ host: '127.0.0.1', port }), 'probe-reset');
    expect(err.userMessage).toContain(`127.0.0.1:${port}`);
  });

  describe('etcd-style endpoint requiring a client certificate', () => {
    let port: number;
    const clientErrors: string[] = [];
    const accepted: string[] = [];
    beforeAll(async () => {
      const server = tls.createServer(
        {
          cert: etcdServer.chainPem,
          key: etcdServer.keyPem,
          ca: ca.certPem,
          requestCert: true,
          rejectUnauthorized: true,
        },
        (socket) => {
          accepted.push(String(socket.getPeerCertificate().subject?.CN ?? ''));
          socket.on('error', () => {});
          socket.end();
        },
      );
      server.on('tlsClientError', (e: NodeJS.ErrnoException) => clientErrors.push(e.code ?? e.message));
      port = await listen(server);
    });

    it('still yields the server chain without a client certificate (TLS 1.3)', async () => {
      const r = await probeTls({ host: '127.0.0.1', port, servername: 'etcd-0', caPem: ca.certPem });
      expect(r.protocol).toBe('TLSv1.3');
      expect(r.authorized).toBe(true);
      expect(r.chain[0]?.fingerprint256).toBe(etcdServer.x509.fingerprint256);
      // The server did reject us after the handshake; the probe must have resolved anyway.
      await new Promise((r) => setTimeout(r, 50));
      expect(clientErrors).toContain('ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE');
    });

    it('presents a client certificate when given one', async () => {
      const before = clientErrors.length;
      const r = await probeTls({
        host: '127.0.0.1',
        port,
        caPem: ca.certPem,
        clientCertPem: etcdClient.certPem,
        clientKeyPem: etcdClient.keyPem,
      });
      expect(r.authorized).toBe(true);
      expect(r.chain[0]?.subject).toContain('CN=etcd-0');
      await new Promise((r) => setTimeout(r, 50));
      expect(clientErrors.slice(before)).toEqual([]);
      expect(accepted).toEqual(['kube-apiserver-etcd-client']);
    });

    it('reads the shared fake etcd endpoint (startTlsEndpoint) without credentials', async () => {
      const endpoint = await startTlsEndpoint({
        certPem: etcdServer.chainPem,
        keyPem: etcdServer.keyPem,
        requestClientCert: true,
        clientCaPem: ca.certPem,
      });
      cleanups.push(() => endpoint.stop());
      const r = await probeTls({ host: endpoint.host, port: endpoint.port, caPem: ca.certPem });
      expect(r.authorized).toBe(true);
      expect(r.identityError).toBeUndefined();
      expect(r.chain.map((c) => c.fingerprint256)).toEqual([
        etcdServer.x509.fingerprint256,
        ca.x509.fingerprint256,
      ]);
    });

    it('under TLS 1.2 fails the handshake but still carries the server chain', async () => {
      const server = tls.createServer({
        cert: etcdServer.chainPem,
        key: etcdServer.keyPem,
        ca: ca.certPem,
        requestCert: true,
        rejectUnauthorized: true,
        maxVersion: 'TLSv1.2',
      });
      server.on('tlsClientError', () => {});
      const port12 = await listen(server);
      const err = await expectProbeError(
        probeTls({ host: '127.0.0.1', port: port12, caPem: ca.certPem }),
        'probe-tls',
      );
      expect(err).toBeInstanceOf(TlsProbeError);
      expect((err as TlsProbeError).chain[0]?.fingerprint256).toBe(etcdServer.x509.fingerprint256);
      expect(err.userMessage).toContain('CN=etcd-0');
      expect(err.userMessage).toMatch(/client certificate/);
    });
  });
});

describe('parseHostPort', () => {
  it.each([
    ['etcd-0.example:2379', { host: 'etcd-0.example', port: 2379 }],
    ['[::1]:2379', { host: '::1', port: 2379 }],
    ['https://api.example:6443/path', { host: 'api.example', port: 6443 }],
    ['https://[fd00::1]:6443', { host: 'fd00::1', port: 6443 }],
    ['https://api.example', { host: 'api.example', port: 443 }],
    ['10.0.0.1', { host: '10.0.0.1', port: 443 }],
    ['fd00::1', { host: 'fd00::1', port: 443 }],
  ])('%s', (input, expected) => {
    expect(parseHostPort(input)).toEqual(expected);
  });

  it('uses the given default port', () => {
    expect(parseHostPort('etcd-0', 2379)).toEqual({ host: 'etcd-0', port: 2379 });
  });

  it.each(['host:99999', 'host:abc', 'fd00::1:2379x', '', '[host]:1'])('rejects %j', (input) => {
    expect(() => parseHostPort(input)).toThrowError(VigilError);
  });
});
