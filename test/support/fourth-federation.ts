/**
 * A fourth federation for onboarding tests: Lixia's configuration under another id and name,
 * written to a file as an operator would write tenants/<id>.json. Not a real tenant.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TENANTS_DIR } from './node-app.ts';

export function fourthFederationConfig(id = 'jinan'): Record<string, unknown> {
  const text = readFileSync(join(TENANTS_DIR, 'lixia.json'), 'utf8').replaceAll('"lixia"', JSON.stringify(id));
  const config = JSON.parse(text) as Record<string, unknown> & { orgUnits: { name: string } };
  config.name = '济南市妇女联合会（接入测试）';
  config.orgUnits.name = '济南市妇女联合会（接入测试）';
  config.contactEmail = `${id}-fulian@grassroots.example`;
  return config;
}

export function writeFourthFederation(dir: string, id = 'jinan', edit: (c: Record<string, unknown>) => void = () => {}): string {
  const config = fourthFederationConfig(id);
  edit(config);
  const file = join(dir, `${id}.json`);
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}
