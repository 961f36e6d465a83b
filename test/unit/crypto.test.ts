import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword, PBKDF2_ITERATIONS, randomPassword } from '../../src/lib/password.ts';
import { signToken, verifyToken } from '../../src/lib/jwt.ts';
import { parseConfig } from '../../src/env.ts';

describe('passwords: PBKDF2-SHA256 via WebCrypto', () => {
  it('hashes at 100,000 iterations (the workerd cap) and verifies only the right password', async () => {
    const h = await hashPassword('正确的密码-1');
    expect(h.split('$')[1]).toBe(String(PBKDF2_ITERATIONS));
    expect(await verifyPassword('正确的密码-1', h)).toBe(true);
    expect(await verifyPassword('正确的密码-2', h)).toBe(false);
  });

  it('two hashes of one password differ (random salt)', async () => {
    expect(await hashPassword('same-password')).not.toBe(await hashPassword('same-password'));
  });

  it('a stored hash above the iteration cap, or of another scheme, never verifies', async () => {
    const h = await hashPassword('pw-123456', 1000);
    expect(await verifyPassword('pw-123456', h)).toBe(true);
    expect(await verifyPassword('pw-123456', h.replace('$1000$', '$100001$'))).toBe(false);
    expect(await verifyPassword('pw-123456', h.replace('pbkdf2-sha256', 'md5'))).toBe(false);
  });

  it('bootstrap passwords are 16 characters without look-alikes', () => {
    const p = randomPassword();
    expect(p).toMatch(/^[A-HJ-NP-Za-km-z2-9]{16}$/);
  });
});

describe('JWT', () => {
  const config = parseConfig({ JWT_SECRET: 'unit-secret-0123456789abcdefghijklmnopqrstuvwxyz' });
  const now = new Date('2026-11-23T00:00:00Z');

  it('a signed token verifies with its tenant and access; exp is required and enforced at the second', async () => {
    const { token, expiresAt } = await signToken(config, { sub: 'p1', tenant: 'lixia', access: 'member', ver: 3 }, now, 60);
    expect(expiresAt.toISOString()).toBe('2026-11-23T00:01:00.000Z');
    expect(await verifyToken(config, token, new Date('2026-11-23T00:00:59Z'))).toEqual({ sub: 'p1', tenant: 'lixia', access: 'member', ver: 3 });
    expect(await verifyToken(config, token, new Date('2026-11-23T00:01:00Z'))).toBeNull();
  });

  it('a token verified once is remembered per secret only: another config with another secret still refuses it, and a tampered copy is refused', async () => {
    const { token } = await signToken(config, { sub: 'p1', tenant: 'lixia', access: 'admin', ver: 0 }, now, 60);
    const at = new Date('2026-11-23T00:00:30Z');
    expect(await verifyToken(config, token, at)).not.toBeNull();
    const other = parseConfig({ JWT_SECRET: 'another-unit-secret-0123456789abcdefghijklmnopqrstuvwxyz' });
    expect(await verifyToken(other, token, at)).toBeNull();
    const [h, p, sig] = token.split('.');
    expect(await verifyToken(config, `${h}.${p}.${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`, at)).toBeNull();
  });

  it('a config with a short JWT secret is refused', () => {
    expect(() => parseConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
  });

  it('PUBLIC_BASE_URL: required where asked (Workers) and named when missing; a value that is not a URL is refused; set, it is used as given', () => {
    const secret = { JWT_SECRET: 'unit-secret-0123456789abcdefghijklmnopqrstuvwxyz' };
    expect(() => parseConfig(secret, { requirePublicBaseUrl: true })).toThrow(/PUBLIC_BASE_URL: 未设置/);
    expect(() => parseConfig({ ...secret, PUBLIC_BASE_URL: 'grassroots.example.org' })).toThrow(/PUBLIC_BASE_URL/);
    expect(parseConfig({ ...secret, PUBLIC_BASE_URL: 'https://gr.example.org' }, { requirePublicBaseUrl: true }).publicBaseUrl).toBe('https://gr.example.org');
    expect(parseConfig(secret).publicBaseUrl).toBe('http://localhost:8787');
  });
});
