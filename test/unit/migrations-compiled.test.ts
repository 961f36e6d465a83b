import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { generatedSource } from '../../scripts/gen-migrations.ts';

describe('compiled migrations', () => {
  it('src/db/migrations.generated.ts matches db/migrations and db/registry-migrations (run node scripts/gen-migrations.ts after drizzle-kit generate)', () => {
    expect(readFileSync(new URL('../../src/db/migrations.generated.ts', import.meta.url), 'utf8')).toBe(generatedSource());
  });
});
