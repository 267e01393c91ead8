import { createHmac, createPublicKey } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

/** What Bot Framework puts in a token it sends to a bot (channelValidation, AuthenticationConstants). */
export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';
export const BOT_APP_ID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export interface ChannelTokenOptions {
  readonly serviceUrl: string;
  readonly audience?: string;
  readonly issuer?: string;
  /** Seconds from now; negative for the past. */
  readonly expiresIn?: number;
  readonly notBefore?: number;
  readonly kid?: string;
  readonly signWith?: 'known' | 'stranger';
}

/**
 * Stands in for login.botframework.com: an OpenID configuration and a JWKS holding one RSA key endorsed
 * for the msteams channel, on loopback, and mints tokens shaped as Bot Framework's. A second key pair,
 * not published, is for forgeries.
 */
export async function startOpenIdServer() {
  const known = await generateKeyPair('RS256', { extractable: true });
  const stranger = await generateKeyPair('RS256', { extractable: true });
  const kid = 'test-key-1';
  const publicJwk: JWK = { ...(await exportJWK(known.publicKey)), kid, use: 'sig', alg: 'RS256' };
  let requests = 0;

  const server = http.createServer((req, res) => {
    requests += 1;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/v1/.well-known/openidconfiguration') {
      res.end(
        JSON.stringify({
          issuer: BOT_FRAMEWORK_ISSUER,
          authorization_endpoint: 'https://invalid.example/authorize',
          jwks_uri: `${base()}/v1/.well-known/keys`,
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported: ['private_key_jwt'],
        }),
      );
      return;
    }
    if (req.url === '/v1/.well-known/keys') {
      res.end(JSON.stringify({ keys: [{ ...publicJwk, endorsements: ['msteams'] }] }));
      return;
    }
    res.statusCode = 404;
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const sign = (key: PrivateKey, header: { kid?: string }, claims: Record<string, unknown>) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...header }).sign(key);

  function claimsFor(o: ChannelTokenOptions): Record<string, unknown> {
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: o.issuer ?? BOT_FRAMEWORK_ISSUER,
      aud: o.audience ?? BOT_APP_ID,
      serviceurl: o.serviceUrl,
      iat: now - 60,
      nbf: now + (o.notBefore ?? -60),
      exp: now + (o.expiresIn ?? 3600),
    };
  }

  return {
    metadataUrl: `${base()}/v1/.well-known/openidconfiguration`,
    get requests() {
      return requests;
    },
    /** A channel token as Bot Framework signs it, or one of its forgeries. */
    token: (o: ChannelTokenOptions) =>
      sign(
        o.signWith === 'stranger' ? stranger.privateKey : known.privateKey,
        { kid: o.kid ?? kid },
        claimsFor(o),
      ),
    /** `alg: none` under the published key id: no signature at all. */
    unsigned: (o: ChannelTokenOptions) =>
      `${b64url({ alg: 'none', typ: 'JWT', kid })}.${b64url(claimsFor(o))}.`,
    /** HS256 with the published public key as the HMAC secret (the algorithm confusion attack). */
    hs256WithPublicKey: (o: ChannelTokenOptions) => {
      // PKCS#1 PEM is byte for byte what botframework-connector builds from the JWKS key (rsa-pem-from-mod-exp),
      // so this is exactly the "secret" a verifier confused about the algorithm would hold
      const pem = createPublicKey({ key: publicJwk as never, format: 'jwk' })
        .export({ type: 'pkcs1', format: 'pem' })
        .toString();
      const input = `${b64url({ alg: 'HS256', typ: 'JWT', kid })}.${b64url(claimsFor(o))}`;
      return `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
