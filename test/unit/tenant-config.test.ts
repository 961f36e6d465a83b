import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseTenantConfig, flattenOrgUnits } from '../../src/tenants/schema.ts';
import { TenantConfigSet } from '../../src/tenants/config-set.ts';

const dir = join(import.meta.dirname, '../../tenants');
const raw = (id: string) => JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8'));

describe('tenant configs', () => {
  it('lixia, binzhou and harbin configs are valid, in Asia/Shanghai and zh-CN', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(['binzhou.json', 'harbin.json', 'lixia.json']);
    for (const f of files) {
      const c = parseTenantConfig(JSON.parse(readFileSync(join(dir, f), 'utf8')), f);
      expect(c.timeZone).toBe('Asia/Shanghai');
      expect(c.locale).toBe('zh-CN');
      expect(c.documents.length).toBeGreaterThan(0);
    }
  });

  it("each tree names the units of its documents: Lixia's streets, Binzhou's counties and zones, Harbin's departments", () => {
    const names = (id: string) => flattenOrgUnits(parseTenantConfig(raw(id), id).orgUnits).map((u) => u.name);
    expect(names('lixia')).toEqual(expect.arrayContaining(['历下区妇联', '解放路街道妇联', '甸柳街道妇联', '委局妇委会', '区直属企业妇委会']));
    expect(names('binzhou')).toEqual(expect.arrayContaining(['滨州市妇联', '市妇联组宣部', '滨城区妇联', '北海经济开发区妇工委', '滨州高新技术产业开发区妇工委']));
    expect(names('harbin')).toEqual(expect.arrayContaining(['市妇联组织部', '市妇联权益部', '市妇联研究室', '双城区妇联', '尚志市妇联']));
  });

  it('a service subtype that rules count by is an enumeration: a typo in a config is rejected, naming the rule', () => {
    const c = raw('binzhou');
    const b9 = c.rules.find((r: { id: string }) => r.id === 'B9');
    b9.parts[0].where.subtype = 'poor_mothr';
    expect(() => parseTenantConfig(c, 'binzhou.json')).toThrow(/B9[\s\S]*未知取值 poor_mothr/);
  });

  it('B10: a filter naming a unit that is not in the tree (a typo of 组宣部) is rejected, naming the rule and the field', () => {
    const c = raw('binzhou');
    c.rules.find((r: { id: string }) => r.id === 'B10').parts[0].where.recipientOrgUnitId = 'zuxaun';
    expect(() => parseTenantConfig(c, 'binzhou.json')).toThrow(/rules\.9\(B10\)\.parts\.0\.where\.recipientOrgUnitId: 组织树中没有 zuxaun/);
  });

  it('an unknown org level is rejected with the file and the dotted path of the field', () => {
    const c = raw('binzhou');
    c.orgUnits.children[2].children[1].level = 'province';
    expect(() => parseTenantConfig(c, 'tenants/binzhou.json')).toThrow(/tenants\/binzhou\.json[\s\S]*orgUnits\.children\.2\.children\.1\.level/);
  });

  it('a bad time zone, a bad email and an unknown key are each named', () => {
    const c = { ...raw('harbin'), timeZone: 'Mars/Olympus', contactEmail: 'nope', colour: 'red' };
    const msg = (() => {
      try {
        parseTenantConfig(c, 'harbin.json');
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(msg).toMatch(/timeZone: 不是有效的 IANA 时区/);
    expect(msg).toMatch(/contactEmail/);
    expect(msg).toMatch(/colour/);
  });

  it('duplicate unit ids and a root id that differs from the tenant id are rejected', () => {
    const dup = raw('lixia');
    dup.orgUnits.children[1].id = dup.orgUnits.children[0].id;
    expect(() => parseTenantConfig(dup, 'lixia.json')).toThrow(/重复的 id/);
    const root = raw('lixia');
    root.orgUnits.id = 'lixia-root';
    expect(() => parseTenantConfig(root, 'lixia.json')).toThrow(/根节点 id/);
  });

  it('the file name must equal the tenant id, and ids are unique across files', () => {
    expect(() => TenantConfigSet.fromRaw([{ file: 'tenants/other.json', raw: raw('lixia') }])).toThrow(/lixia\.json/);
    expect(() => TenantConfigSet.fromRaw([{ file: 'a/lixia.json', raw: raw('lixia') }, { file: 'b/lixia.json', raw: raw('lixia') }])).toThrow(/重复/);
  });
});
