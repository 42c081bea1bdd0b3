import type { AddressInfo, Socket } from 'node:net';
import { createServer, type TLSSocket } from 'node:tls';

export interface TlsEndpointOptions {
  certPem: string;
  keyPem: string;
  host?: string;
  port?: number;
  /** Like etcd with --client-cert-auth: request and require a client certificate. */
  requestClientCert?: boolean;
  clientCaPem?: string;
}

export interface TlsEndpoint {
  host: string;
  port: number;
  stop(): Promise<void>;
}

const NOT_FOUND =
  'HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 10\r\nConnection: close\r\n\r\nnot found\n';

/**
 * A bare TLS listener standing in for endpoints vigil only handshakes with (kubelet :10250, etcd
 * :2379, controller-manager :10257). With requestClientCert it refuses clients without a valid
 * certificate, yet under TLS 1.3 the client finishes its side of the handshake (and can read the
 * server certificate) before the server's rejection arrives; that ordering is what vigil relies on
 * to read etcd's certificate without credentials. Otherwise it answers any bytes with a tiny 404.
 */
export async function startTlsEndpoint(opts: TlsEndpointOptions): Promise<TlsEndpoint> {
  const requireCert = opts.requestClientCert === true;
  const server = createServer({
    cert: opts.certPem,
    key: opts.keyPem,
    requestCert: requireCert,
    rejectUnauthorized: requireCert,
    ...(opts.clientCaPem ? { ca: opts.clientCaPem } : {}),
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('error', () => {}); // resets from probing clients are expected, not failures
    s.once('close', () => sockets.delete(s));
  });
  server.on('tlsClientError', () => {}); // refused handshakes are this endpoint's job
  server.on('secureConnection', (s: TLSSocket) => {
    s.on('error', () => {});
    s.once('data', () => s.end(NOT_FOUND));
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    host,
    port,
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
