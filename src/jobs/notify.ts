/**
 * Who gets which email, pure. For each result that is short:
 *   - a reminder to the subject on the rule's reminder days before the due date;
 *   - an overdue notice to the subject `overdueAfter` days after a missed due date;
 *   - an escalation to the supervisors of the unit above (or `escalateTo`) `escalateAfter` days after;
 * one digest a day per supervisor of everything short in her subtree; and one
 * a day to the admins listing the notices that no one with an email answers
 * for (a unit without a contact), instead of one email each.
 * Only what fell due after `since` (the last successful run) and by `today` is
 * planned; every email has a deterministic key, so re-planning is harmless.
 */
import type { ComplianceResult } from '../rules/engine.ts';
import type { Rule } from '../rules/schema.ts';
import type { TenantConfig } from '../tenants/schema.ts';
import { addDays } from '../lib/time.ts';
import { renderDigest, renderNotice, renderUnroutedDigest, type NoticeKind, type Rendered, type UnroutedItem } from '../email/render.ts';

export interface Recipient {
  email: string;
  name: string | null;
  personId: string | null;
}

export interface DirectoryPerson {
  id: string;
  name: string;
  email: string | null;
  access: 'admin' | 'supervisor' | 'member';
  duty: string | null;
  orgUnitId: string | null;
}

export interface Directory {
  people: DirectoryPerson[];
  units: { id: string; name: string; parentId: string | null }[];
}

export interface PlannedEmail {
  key: string;
  kind: NoticeKind | 'digest';
  ruleId: string | null;
  subjectType: string | null;
  subjectId: string | null;
  periodKey: string | null;
  due: string | null;
  recipient: Recipient;
  rendered: Rendered;
}

/** A short stable hash (FNV-1a, 32 bits) for keys. */
const fnv1a = (text: string) => {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
};

export const DEFAULT_REMINDERS = { before: [7, 1], overdueAfter: 1, escalateAfter: 3 } as const;

/** Each rule's reminder settings: the rule's own over the tenant's defaults over the built-in ones. */
const remindersOf = (tenant: TenantConfig, rule: Rule) => ({ ...DEFAULT_REMINDERS, ...tenant.reminderDefaults, ...rule.reminders });

/**
 * The due dates whose results can bring a notice between `since` (exclusive) and `today`: a
 * reminder up to the largest `before` ahead, an overdue notice or escalation up to the largest
 * `overdueAfter`/`escalateAfter` back. Results due outside it only ever appear in digests.
 */
export function noticeDueWindow(tenant: TenantConfig, today: string, since: string): { after: string; upTo: string } {
  let ahead = 0;
  let back = 0;
  for (const rule of tenant.rules as Rule[]) {
    const rem = remindersOf(tenant, rule);
    ahead = Math.max(ahead, ...rem.before);
    back = Math.max(back, rem.overdueAfter, rem.escalateAfter);
  }
  return { after: addDays(since, -back), upTo: addDays(today, ahead) };
}

/** A supervisor with an email and a unit gets the daily digest of her subtree. */
const getsDigest = (p: DirectoryPerson) => p.access === 'supervisor' && !!p.email && !!p.orgUnitId;
/** Whether anyone gets a digest: then every short result counts, whenever it is due. */
export const digestsWanted = (directory: Directory) => directory.people.some(getsDigest);

export function planNotifications(input: {
  tenant: TenantConfig;
  results: ComplianceResult[];
  directory: Directory;
  today: string;
  /** Exclusive: triggers on or before this day were handled by an earlier run. */
  since: string;
  baseUrl: string;
}): PlannedEmail[] {
  const { tenant, results, directory, today, since } = input;
  const rules = new Map((tenant.rules as Rule[]).map((r) => [r.id, r]));
  const unitById = new Map(directory.units.map((u) => [u.id, u]));
  const personById = new Map(directory.people.map((p) => [p.id, p]));
  const asRecipient = (p: DirectoryPerson): Recipient => ({ email: p.email!.toLowerCase(), name: p.name, personId: p.id });
  const admins = directory.people.filter((p) => p.access === 'admin' && p.email).map(asRecipient);
  const fallback = admins.length ? admins : [{ email: tenant.contactEmail, name: tenant.name, personId: null }];
  /** The people who answer for a unit: its supervisors, admins and leaders with an email (maybe none). */
  const unitContacts = (unitId: string | null | undefined): Recipient[] =>
    directory.people.filter((p) => p.email && p.orgUnitId === unitId && (p.access !== 'member' || p.duty === 'leader')).map(asRecipient);
  const unique = (list: Recipient[]) => [...new Map(list.map((r) => [r.email, r])).values()];

  const subjectRecipients = (r: ComplianceResult): Recipient[] => {
    switch (r.subject.type) {
      case 'person': {
        const p = personById.get(r.subject.id);
        return p?.email ? [asRecipient(p)] : unitContacts(r.subject.orgUnitId);
      }
      case 'orgUnit':
        return unitContacts(r.subject.id);
      case 'tenant':
        return fallback;
      case 'case': {
        const handler = r.subject.personId ? personById.get(r.subject.personId) : undefined;
        return handler?.email ? [asRecipient(handler)] : unitContacts(r.subject.orgUnitId);
      }
    }
  };
  /**
   * Escalations go to the office the document names, else one level up from the subject's unit;
   * never to the person who is herself short (a leader short of H5 is not told about herself).
   */
  const escalationRecipients = (r: ComplianceResult, escalateTo?: string): Recipient[] => {
    const notSelf = (list: Recipient[]) => list.filter((x) => !r.subject.personId || x.personId !== r.subject.personId);
    if (escalateTo) return notSelf(unitContacts(escalateTo));
    if (r.subject.type === 'tenant') return fallback;
    const own = r.subject.orgUnitId ?? '';
    // A person answers to her unit, and past herself to the unit above; a unit (or its case) to the unit above.
    const above = unitById.get(own)?.parentId ?? null;
    const first = r.subject.type === 'person' ? notSelf(unitContacts(own)) : [];
    return first.length ? first : above ? notSelf(unitContacts(above)) : [];
  };
  /** Whoever must act: the rule's `actBy` unit when the duty-bearer is not the subject (B12), else the subject. */
  const actorRecipients = (r: ComplianceResult, actBy?: string): Recipient[] => (actBy ? unitContacts(actBy) : subjectRecipients(r));

  const planned: PlannedEmail[] = [];
  const unrouted: UnroutedItem[] = [];
  const due = (t: string) => t > since && t <= today;
  for (const r of results) {
    const rule = rules.get(r.ruleId);
    if (!rule || r.status === 'met' || r.status === 'late' || r.status === 'not_applicable') continue;
    const rem = remindersOf(tenant, rule);
    const base = { ruleId: r.ruleId, subjectType: r.subject.type, subjectId: r.subject.id, periodKey: r.period.key, due: r.due };
    const add = (kind: NoticeKind, keyKind: string, recipients: Recipient[], daysLeft?: number) => {
      if (!recipients.length) unrouted.push({ kind, result: r });
      for (const to of unique(recipients)) {
        planned.push({
          ...base,
          kind,
          key: [tenant.id, r.ruleId, `${r.subject.type}:${r.subject.id}`, r.period.key, keyKind, to.email].join('|'),
          recipient: to,
          rendered: renderNotice({ kind, tenantName: tenant.name, tenantId: tenant.id, rule, result: r, recipientName: to.name, baseUrl: input.baseUrl, daysLeft }),
        });
      }
    };
    if (today <= r.due) {
      // The nearest reminder day that has come; a run that missed the 7-day one sends only the 1-day one.
      const offsets = [...rem.before].sort((a, b) => a - b).filter((o) => addDays(r.due, -o) <= today);
      const o = offsets[0];
      if (o !== undefined && due(addDays(r.due, -o))) add('reminder', `reminder-${o}`, actorRecipients(r, rem.actBy), Math.round((Date.parse(r.due) - Date.parse(today)) / 86_400_000));
    } else if (r.status === 'missed') {
      if (due(addDays(r.due, rem.overdueAfter))) add('overdue', 'overdue', actorRecipients(r, rem.actBy));
      if (due(addDays(r.due, rem.escalateAfter))) add('escalation', 'escalation', escalationRecipients(r, rem.escalateTo));
    }
  }

  // One digest a day for each supervisor with an email: what is short in her subtree.
  const children = new Map<string, string[]>();
  for (const u of directory.units) if (u.parentId) children.set(u.parentId, [...(children.get(u.parentId) ?? []), u.id]);
  const subtree = (id: string) => {
    const out = new Set<string>();
    const walk = (x: string) => {
      out.add(x);
      for (const c of children.get(x) ?? []) walk(c);
    };
    walk(id);
    return out;
  };
  for (const sup of directory.people.filter(getsDigest)) {
    const units = subtree(sup.orgUnitId!);
    const isRoot = sup.orgUnitId === tenant.orgUnits.id;
    const mine = results.filter((r) => (r.subject.type === 'tenant' ? isRoot : r.subject.orgUnitId !== null && units.has(r.subject.orgUnitId)));
    const items = mine.filter((r) => r.status === 'missed' || r.status === 'at_risk').sort((a, b) => a.due.localeCompare(b.due) || a.ruleId.localeCompare(b.ruleId, 'en', { numeric: true }));
    if (!items.length) continue;
    const to = asRecipient(sup);
    planned.push({
      key: [tenant.id, 'digest', today, to.email].join('|'),
      kind: 'digest',
      ruleId: null,
      subjectType: 'orgUnit',
      subjectId: sup.orgUnitId,
      periodKey: today,
      due: null,
      recipient: to,
      rendered: renderDigest({ tenantName: tenant.name, unitName: unitById.get(sup.orgUnitId!)?.name ?? '', recipientName: sup.name, today, items, onTrack: mine.filter((r) => r.status === 'on_track').length }),
    });
  }
  if (unrouted.length) {
    // The key names the items, so a later run that finds more sends a fresh list; the same list is sent once.
    const items = unrouted.map((u) => `${u.kind}:${u.result.ruleId}:${u.result.subject.id}:${u.result.period.key}`).sort().join(',');
    for (const to of fallback) {
      planned.push({
        key: [tenant.id, 'unrouted', today, to.email, fnv1a(items)].join('|'),
        kind: 'digest',
        ruleId: null,
        subjectType: 'tenant',
        subjectId: tenant.id,
        periodKey: today,
        due: null,
        recipient: to,
        rendered: renderUnroutedDigest({ tenantName: tenant.name, recipientName: to.name, today, items: unrouted }),
      });
    }
  }
  return planned;
}
