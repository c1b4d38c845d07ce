import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The local dev issuer: an RS256 key pair (kept in the data folder so tokens survive a
 * restart) that mints tokens for the local HTTP API and checks them the way API
 * Gateway's JWT authorizer does (signature, exp/nbf, iss, aud or client_id).
 */

export class JwtError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JwtError';
  }
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

export class LocalIssuer {
  readonly kid: string;
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;

  constructor(
    readonly issuer: string,
    keyFile?: string,
  ) {
    let pem: string | undefined;
    if (keyFile && existsSync(keyFile)) pem = readFileSync(keyFile, 'utf8');
    if (!pem) {
      pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      if (keyFile) {
        mkdirSync(dirname(keyFile), { recursive: true });
        writeFileSync(keyFile, pem, { mode: 0o600 });
      }
    }
    this.privateKey = createPrivateKey(pem);
    this.publicKey = createPublicKey(this.privateKey);
    this.kid = b64url(this.publicKey.export({ type: 'spki', format: 'der' }).subarray(-16));
  }

  /** JWKS document for `/.well-known/jwks.json`. */
  jwks(): { keys: Record<string, unknown>[] } {
    return { keys: [{ ...this.publicKey.export({ format: 'jwk' }), kid: this.kid, alg: 'RS256', use: 'sig' }] };
  }

  mint(claims: { sub?: string; aud?: string | string[]; expiresInSeconds?: number; [k: string]: unknown }): string {
    const now = Math.floor(Date.now() / 1000);
    const { expiresInSeconds = 3600, ...rest } = claims;
    const payload = { iss: this.issuer, sub: 'local-user', iat: now, nbf: now - 5, exp: now + expiresInSeconds, jti: randomUUID(), ...rest };
    const head = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: this.kid }));
    const body = b64url(JSON.stringify(payload));
    return `${head}.${body}.${b64url(sign('RSA-SHA256', Buffer.from(`${head}.${body}`), this.privateKey))}`;
  }

  /** Checks a token (without its `Bearer ` prefix: see the gateway's `bearerToken`) as API Gateway's JWT authorizer does; returns its claims. */
  verify(token: string, audience: string[]): Record<string, unknown> {
    const parts = token.split('.');
    if (parts.length !== 3) throw new JwtError('the token is not a JWT');
    const [head, body, signature] = parts as [string, string, string];
    let header: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(head, 'base64url').toString()) as Record<string, unknown>;
      claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    } catch {
      throw new JwtError('the token is not a JWT');
    }
    if (header['alg'] !== 'RS256') throw new JwtError(`unsupported alg ${String(header['alg'])}`);
    if (!verify('RSA-SHA256', Buffer.from(`${head}.${body}`), this.publicKey, Buffer.from(signature, 'base64url'))) throw new JwtError('signature is invalid');
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims['exp'] !== 'number' || claims['exp'] < now) throw new JwtError('the token has expired');
    if (typeof claims['nbf'] === 'number' && claims['nbf'] > now + 5) throw new JwtError('the token is not valid yet');
    if (claims['iss'] !== this.issuer) throw new JwtError(`issuer ${String(claims['iss'])} is not ${this.issuer}`);
    const aud = [claims['aud'], claims['client_id']].flat().filter((a): a is string => typeof a === 'string');
    if (audience.length && !aud.some((a) => audience.includes(a))) throw new JwtError(`audience ${aud.join(', ') || '(none)'} is not one of ${audience.join(', ')}`);
    return claims;
  }
}
