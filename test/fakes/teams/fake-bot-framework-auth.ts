import { createHmac, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import { listenOnLoopback } from '../../../src/simulator/listen-on-loopback.js';

export interface TokenOptions {
  /** `aud`: the bot's MicrosoftAppId. */
  audience: string;
  /** `serviceurl`: must equal the activity's serviceUrl. */
  serviceUrl: string;
  issuer?: string;
  /** Sign with a key the metadata does not publish (a forgery that looks right). */
  forged?: boolean;
  expiresInSeconds?: number;
  /** `nbf` this many seconds from now (default: a minute ago). */
  notBeforeInSeconds?: number;
  /** `kid` of the header (default: the published key's). */
  kid?: string;
  /**
   * Attacks on the algorithm: `none` (no signature), or `HS256` keyed with the published public key
   * (PEM), which a verifier that trusts the header's `alg` would accept.
   */
  alg?: 'none' | 'HS256-public-key';
}

/**
 * The Bot Framework's token side, offline: OpenID metadata and a JWKS on loopback (what
 * botbuilder fetches from login.botframework.com), and RS256 tokens signed the way the Bot
 * Framework signs them, with the published key or with an unpublished one. `fetches` counts
 * metadata reads, so a test can prove a rejection needed none.
 */
export class FakeBotFrameworkAuth {
  fetches = 0;
  static readonly issuer = 'https://api.botframework.com';
  private readonly trusted: { privateKey: KeyObject; publicKey: KeyObject };
  private readonly untrusted: { privateKey: KeyObject };
  private readonly kid = 'vigil-test-key';

  private constructor(
    readonly origin: string,
    private readonly closeServer: () => Promise<void>,
    keys: { trusted: { privateKey: KeyObject; publicKey: KeyObject }; untrusted: { privateKey: KeyObject } },
  ) {
    this.trusted = keys.trusted;
    this.untrusted = keys.untrusted;
  }

  static async start(): Promise<FakeBotFrameworkAuth> {
    const keys = {
      trusted: generateKeyPairSync('rsa', { modulusLength: 2048 }),
      untrusted: generateKeyPairSync('rsa', { modulusLength: 2048 }),
    };
    const ref: { fake?: FakeBotFrameworkAuth } = {};
    const server = createServer((req, res) => {
      const fake = ref.fake!;
      const path = new URL(req.url ?? '/', fake.origin).pathname;
      res.setHeader('content-type', 'application/json');
      if (path === '/v1/.well-known/openidconfiguration') {
        fake.fetches += 1;
        res.end(JSON.stringify({ issuer: FakeBotFrameworkAuth.issuer, jwks_uri: `${fake.origin}/v1/keys` }));
      } else if (path === '/v1/keys') {
        const jwk = keys.trusted.publicKey.export({ format: 'jwk' });
        res.end(JSON.stringify({ keys: [{ ...jwk, kid: fake.kid, use: 'sig', endorsements: ['msteams'] }] }));
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
    const listening = await listenOnLoopback(server);
    ref.fake = new FakeBotFrameworkAuth(`http://127.0.0.1:${listening.port}`, listening.close, keys);
    return ref.fake;
  }

  /** For createTeamsAdapter's `openIdMetadataUrl`. */
  get openIdMetadataUrl(): string {
    return `${this.origin}/v1/.well-known/openidconfiguration`;
  }

  close(): Promise<void> {
    return this.closeServer();
  }

  /** `Bearer <jwt>` for the Authorization header. */
  bearer(options: TokenOptions): string {
    return `Bearer ${this.token(options)}`;
  }

  token(options: TokenOptions): string {
    const now = Math.floor(Date.now() / 1000);
    const alg = options.alg === 'none' ? 'none' : options.alg === 'HS256-public-key' ? 'HS256' : 'RS256';
    const header = { alg, typ: 'JWT', kid: options.kid ?? this.kid };
    const payload = {
      iss: options.issuer ?? FakeBotFrameworkAuth.issuer,
      aud: options.audience,
      serviceurl: options.serviceUrl,
      iat: now,
      nbf: now + (options.notBeforeInSeconds ?? -60),
      exp: now + (options.expiresInSeconds ?? 3600),
    };
    const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    if (options.alg === 'none') return `${signingInput}.`;
    if (options.alg === 'HS256-public-key') {
      const secret = this.trusted.publicKey.export({ format: 'pem', type: 'spki' });
      return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
    }
    const key = options.forged ? this.untrusted.privateKey : this.trusted.privateKey;
    const signature = createSign('RSA-SHA256').update(signingInput).sign(key);
    return `${signingInput}.${signature.toString('base64url')}`;
  }
}

function b64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}
