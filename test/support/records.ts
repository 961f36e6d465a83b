/**
 * Test fixtures for the rule engine: a migrated, provisioned tenant database
 * in a temp file, and helpers that insert people and records as the field
 * records API stores them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { ulid } from 'ulid';
import { eq } from 'drizzle-orm';
import * as s from '../../db/schema.ts';
import type { eventTypes, petitionChannels, serviceCategories, submissionTypes } from '../../src/domain/glossary.ts';
import { makeDb, type Db } from '../../src/db/client.ts';
import { migrateTenantDb } from '../../src/db/migrate.ts';
import { provisionTenant } from '../../src/db/provision.ts';
import { loadTenantsFromDir } from '../../src/tenants/load-dir.ts';
import type { TenantConfig } from '../../src/tenants/schema.ts';
import { evaluateTenant, type ComplianceResult, type EvaluateOptions } from '../../src/rules/engine.ts';
import { TENANTS_DIR } from './node-app.ts';

// Entered long before any period's due date, so that on-time is decided by the record's own date unless a test says when it was entered.
const stamp = { createdAt: '2000-01-01T00:00:00.000Z', updatedAt: '2000-01-01T00:00:00.000Z' };
/** `enteredAt`: when the record was typed in (its createdAt); default: long before any due date. */
type Base = { personId?: string | null; orgUnitId?: string | null; enteredAt?: string };

export interface EngineFixture {
  db: Db;
  tenant: TenantConfig;
  person(p: { name?: string; duty?: typeof s.people.$inferInsert.duty; orgUnitId?: string; access?: 'admin' | 'supervisor' | 'member'; email?: string }): Promise<string>;
  orgUnit(u: { id: string; name?: string; level: typeof s.orgUnits.$inferInsert.level; type: typeof s.orgUnits.$inferInsert.type; parentId: string; establishedOn?: string }): Promise<string>;
  /**
   * A person's history as the people API records it: `spans` of unit and duty from/to (inclusive; null open).
   * Replaces whatever history she had.
   */
  history(personId: string, spans: { orgUnitId: string | null; duty: typeof s.people.$inferInsert.duty; from: string | null; to: string | null }[]): Promise<void>;
  add: {
    fieldTrip(r: Base & { startDate: string; endDate?: string }): Promise<string>;
    visit(r: Base & { visitedOn: string; categories?: string[]; householdId?: string }): Promise<string>;
    household(r: Base & { orgUnitId: string; address?: string }): Promise<string>;
    diary(r: Base & { entryDate: string }): Promise<string>;
    report(r: Base & { submittedOn: string; topic?: 'general' | 'key_topic' | 'womens_needs'; complete?: boolean; convertedTo?: 'info_brief' | 'npc_motion' | 'cppcc_proposal'; convertedOn?: string }): Promise<string>;
    contactPoint(r: Base & { establishedOn: string; isWeak?: boolean; brandProject?: string; problemSolved?: string; suggestion?: string; innovationOn?: string }): Promise<string>;
    pairing(r: Base & { startedOn: string; endedOn?: string; beneficiaryName?: string; beneficiaryType: 'poor_woman' | 'poor_child' | 'woman' | 'grassroots_org' }): Promise<string>;
    service(r: Base & { servedOn: string; category: keyof typeof serviceCategories; subtype?: string; peopleServed: number }): Promise<string>;
    event(r: Base & { type: keyof typeof eventTypes; startDate: string; endDate?: string; participants?: number }): Promise<string>;
    petition(r: Base & { receivedOn: string; channel?: keyof typeof petitionChannels; superiorAssigned?: boolean; dueDate?: string; closedOn?: string; reportedOn?: string; enteredSystemOn?: string }): Promise<string>;
    submission(r: Base & { type: keyof typeof submissionTypes; submittedAt: string; period?: string; outletLevel?: 'national' | 'province' | 'city' | 'district'; milestone?: string; recipientOrgUnitId?: string; responsible?: string; quantity?: number; quota?: number }): Promise<string>;
    need(r: Base & { recordedOn: string }): Promise<string>;
    inspection(r: Base & { inspectedOn: string; foundProblems?: boolean; rectifiedOn?: string }): Promise<string>;
  };
  evaluate(opts: EvaluateOptions): Promise<ComplianceResult[]>;
  /** The one result of a rule for a subject and period. */
  one(ruleId: string, asOf: string, subjectId: string, periodKey?: string, window?: EvaluateOptions['window']): Promise<ComplianceResult>;
  close(): void;
}

/** Inserts people, org units and records straight into a tenant database. */
export function recordWriters(db: Db): Pick<EngineFixture, 'person' | 'orgUnit' | 'history' | 'add'> {
  const ins = async <T extends { id: string }>(table: Parameters<Db['insert']>[0], row: Omit<T, 'id'>) => {
    const id = ulid();
    await db.insert(table).values({ id, ...stamp, ...row } as never);
    return id;
  };
  const base = (r: Base) => ({ personId: r.personId ?? null, orgUnitId: r.orgUnitId ?? null, ...(r.enteredAt && { createdAt: r.enteredAt }) });
  return {
    person: (p) => ins(s.people, { name: p.name ?? '测试人员', duty: p.duty ?? null, orgUnitId: p.orgUnitId ?? null, access: p.access ?? 'member', email: p.email ?? null } as never),
    orgUnit: async (u) => {
      await db.insert(s.orgUnits).values({ ...u, name: u.name ?? u.id, ...stamp });
      return u.id;
    },
    history: async (personId, spans) => {
      await db.delete(s.personAssignments).where(eq(s.personAssignments.personId, personId));
      for (const a of spans) await db.insert(s.personAssignments).values({ personId, orgUnitId: a.orgUnitId, duty: a.duty, fromDate: a.from, toDate: a.to, createdAt: stamp.createdAt });
      const current = spans.find((a) => a.to === null) ?? spans[spans.length - 1];
      await db.update(s.people).set({ orgUnitId: current.orgUnitId, duty: current.duty }).where(eq(s.people.id, personId));
    },
    add: {
      fieldTrip: (r) => ins(s.fieldTrips, { ...base(r), startDate: r.startDate, endDate: r.endDate ?? r.startDate } as never),
      visit: (r) => ins(s.householdVisits, { ...base(r), visitedOn: r.visitedOn, categories: JSON.stringify(r.categories ?? []), householdId: r.householdId ?? null } as never),
      household: (r) => ins(s.households, { ...base(r), address: r.address ?? '某路1号', categories: '[]', hasMinor: false } as never),
      diary: (r) => ins(s.diaryEntries, { ...base(r), entryDate: r.entryDate, content: '今日走访记录' } as never),
      report: (r) =>
        ins(s.researchReports, {
          ...base(r),
          title: '调研报告',
          topic: r.topic ?? 'general',
          situation: '情况',
          analysis: '分析',
          recommendations: r.complete === false ? '' : '建议',
          submittedOn: r.submittedOn,
          convertedTo: r.convertedTo ?? null,
          convertedOn: r.convertedOn ?? null,
        } as never),
      contactPoint: (r) => ins(s.contactPoints, { ...base(r), name: '联系点', establishedOn: r.establishedOn, isWeak: r.isWeak ?? false, brandProject: r.brandProject ?? null, problemSolved: r.problemSolved ?? null, suggestion: r.suggestion ?? null, innovation: r.innovationOn ? '创新亮点' : null, innovationOn: r.innovationOn ?? null } as never),
      pairing: (r) => ins(s.pairings, { ...base(r), beneficiaryType: r.beneficiaryType, startedOn: r.startedOn, endedOn: r.endedOn ?? null, beneficiaryName: r.beneficiaryName ?? null } as never),
      service: (r) => ins(s.services, { ...base(r), category: r.category, subtype: r.subtype ?? null, servedOn: r.servedOn, peopleServed: r.peopleServed } as never),
      event: (r) => ins(s.events, { ...base(r), type: r.type, title: '活动', startDate: r.startDate, endDate: r.endDate ?? r.startDate, participants: r.participants ?? 0 } as never),
      petition: (r) =>
        ins(s.petitions, {
          ...base(r),
          channel: r.channel ?? 'visit',
          receivedOn: r.receivedOn,
          superiorAssigned: r.superiorAssigned ?? false,
          status: r.closedOn ? 'closed' : 'received',
          dueDate: r.dueDate ?? null,
          closedOn: r.closedOn ?? null,
          reportedOn: r.reportedOn ?? null,
          enteredSystemOn: r.enteredSystemOn ?? null,
        } as never),
      submission: (r) => ins(s.submissions, { ...base(r), type: r.type, title: '材料', submittedAt: r.submittedAt, period: r.period ?? null, outletLevel: r.outletLevel ?? null, milestone: r.milestone ?? null, recipientOrgUnitId: r.recipientOrgUnitId ?? null, responsible: r.responsible ?? null, quantity: r.quantity ?? null, quota: r.quota ?? null } as never),
      need: (r) => ins(s.needs, { ...base(r), recordedOn: r.recordedOn, need: '需求' } as never),
      inspection: (r) => ins(s.inspections, { ...base(r), inspectedOn: r.inspectedOn, foundProblems: r.foundProblems ?? false, rectifiedOn: r.rectifiedOn ?? null } as never),
    },
  };
}

export async function engineFixture(tenantId: string, dbPath?: string): Promise<EngineFixture> {
  const dir = dbPath ? undefined : mkdtempSync(join(tmpdir(), 'grassroots-rules-'));
  const tenant = loadTenantsFromDir(TENANTS_DIR).get(tenantId)!;
  const client = createClient({ url: `file:${dbPath ?? join(dir!, `${tenantId}.db`)}` });
  const db = makeDb(client);
  await migrateTenantDb(db);
  await provisionTenant(db, tenant, new Date('2026-01-01T00:00:00Z'));
  const fx: EngineFixture = {
    db,
    tenant,
    ...recordWriters(db),
    evaluate: (opts) => evaluateTenant(db, tenant, opts),
    one: async (ruleId, asOf, subjectId, periodKey, window) => {
      const all = await evaluateTenant(db, tenant, { asOf: new Date(asOf), ruleIds: [ruleId], window });
      const found = all.filter((r) => r.subject.id === subjectId && (!periodKey || r.period.key === periodKey));
      if (found.length !== 1) throw new Error(`${ruleId}/${subjectId}/${periodKey}: expected one result, got ${found.length} (${all.map((r) => `${r.subject.id}@${r.period.key}`).join(' ')})`);
      return found[0];
    },
    close: () => {
      client.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return fx;
}
