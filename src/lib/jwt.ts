import { SignJWT, jwtVerify, errors } from 'jose';
import type { AppConfig } from '../env.ts';
import type { AccessRole } from '../domain/glossary.ts';

/** The one algorithm we sign with and the only one we accept. */
export const JWT_ALG = 'HS256';

export interface TokenClaims {
  sub: string;
  tenant: string;
  access: AccessRole;
  /** The person's sessionVersion when the token was issued; a later change of login refuses the token. */
  ver: number;
}

const keyOf = (config: AppConfig) => new TextEncoder().encode(config.jwt.secret);

export async function signToken(config: AppConfig, claims: TokenClaims, now: Date, ttlSeconds = config.jwt.ttlSeconds): Promise<{ token: string; expiresAt: Date }> {
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + ttlSeconds;
  const token = await new SignJWT({ tenant: claims.tenant, access: claims.access, ver: claims.ver })
    .setProtectedHeader({ alg: JWT_ALG, typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(config.jwt.issuer)
    .setAudience(config.jwt.audience)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(keyOf(config));
  return { token, expiresAt: new Date(exp * 1000) };
}

/**
 * Tokens whose signature, issuer and audience have been verified under a config, with their expiry:
 * a script or a page repeats the same token on every request, and the HMAC is then checked once.
 * Only the expiry is re-checked; the cache is per config (per secret), bounded, and forgets itself when full.
 */
const verified = new WeakMap<AppConfig, Map<string, { claims: TokenClaims; exp: number }>>();
const VERIFIED_MAX = 10_000;

/** Verifies signature, algorithm, issuer, audience and expiry; returns null for any bad token. */
export async function verifyToken(config: AppConfig, token: string, now: Date): Promise<TokenClaims | null> {
  let known = verified.get(config);
  if (!known) verified.set(config, (known = new Map()));
  const hit = known.get(token);
  if (hit) return now.getTime() / 1000 < hit.exp ? hit.claims : null;
  const checked = await verifySignedToken(config, token, now);
  if (checked) {
    if (known.size >= VERIFIED_MAX) known.clear();
    known.set(token, checked);
  }
  return checked?.claims ?? null;
}

async function verifySignedToken(config: AppConfig, token: string, now: Date): Promise<{ claims: TokenClaims; exp: number } | null> {
  try {
    const { payload } = await jwtVerify(token, keyOf(config), {
      algorithms: [JWT_ALG],
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      requiredClaims: ['exp', 'iat', 'sub', 'tenant'],
      currentDate: now,
    });
    const { sub, tenant, access, ver = 0 } = payload as Record<string, unknown>;
    if (typeof sub !== 'string' || typeof tenant !== 'string' || (access !== 'admin' && access !== 'supervisor' && access !== 'member')) return null;
    if (typeof ver !== 'number' || !Number.isSafeInteger(ver)) return null;
    return { claims: { sub, tenant, access, ver }, exp: payload.exp! };
  } catch (e) {
    if (e instanceof errors.JOSEError || e instanceof TypeError) return null;
    throw e;
  }
}
