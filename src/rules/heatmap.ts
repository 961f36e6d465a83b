/**
 * 督办看板's heat map, pure: results of rules × subjects grouped by the org
 * unit they fall under, one row per unit directly below the unit looked at
 * (its whole subtree) plus a row for the unit itself (本级: its own people,
 * itself as a subject, its cases and, at the top, the tenant). A cell gives how
 * many results of a rule in that row are met of those that count, and the
 * worst status among them; a cell whose results are all not_applicable is
 * not_applicable (shown grey).
 */
import type { ComplianceResult } from './engine.ts';
import { statuses, type Status } from './status.ts';

export interface HeatUnit {
  id: string;
  name: string;
  parentId: string | null;
  sortOrder: number;
}

export interface HeatRow {
  orgUnitId: string;
  name: string;
  /** The row of the unit looked at itself (本级), not of a unit below it. */
  self: boolean;
  hasChildren: boolean;
}

export interface HeatCell {
  orgUnitId: string;
  ruleId: string;
  status: Status;
  /** Results that count (all but not_applicable). */
  total: number;
  met: number;
  counts: Record<Status, number>;
}

export interface HeatColumn {
  ruleId: string;
  title: string;
  /** The periods the cells show (usually one; a case rule has one per case). */
  periods: string[];
}

export interface Heatmap {
  rows: HeatRow[];
  columns: HeatColumn[];
  cells: HeatCell[];
}

/** What a cell needs of a result (an evaluated one, or a stored one read without unpacking it). */
export interface HeatResult {
  ruleId: string;
  title: string;
  status: Status;
  subject: { type: string; orgUnitId: string | null };
  period: { label: string };
}

/** From worst to best: a cell takes the first of these that any of its results has. */
export const severity: Status[] = ['missed', 'at_risk', 'late', 'on_track', 'met', 'not_applicable'];

/**
 * Each rule × subject's current period: the one due soonest on or after today, else the one due
 * last. The heat map and the lists a cell opens (`period=current`) both use it.
 */
export function currentResults<R extends Pick<ComplianceResult, 'ruleId' | 'subject' | 'due'>>(results: R[], today: string): R[] {
  const best = new Map<string, R>();
  for (const r of results) {
    const key = `${r.ruleId}\u0000${r.subject.type}\u0000${r.subject.id}`;
    const held = best.get(key);
    if (!held) best.set(key, r);
    else {
      const open = r.due >= today;
      const heldOpen = held.due >= today;
      if ((open && (!heldOpen || r.due < held.due)) || (!open && !heldOpen && r.due > held.due)) best.set(key, r);
    }
  }
  return results.filter((r) => best.get(`${r.ruleId}\u0000${r.subject.type}\u0000${r.subject.id}`) === r);
}

/** Which row of the map a unit falls in: the child of `rootId` above it, `rootId` itself, or none (outside). */
export function rowOfUnit(units: HeatUnit[], rootId: string): (unitId: string | null) => string | undefined {
  const parent = new Map(units.map((u) => [u.id, u.parentId]));
  const memo = new Map<string, string | undefined>();
  return (unitId) => {
    if (unitId === null) return undefined;
    if (memo.has(unitId)) return memo.get(unitId);
    let at: string | null | undefined = unitId;
    let row: string | undefined;
    for (let steps = 0; at && steps <= units.length; steps++) {
      if (at === rootId) {
        row = rootId;
        break;
      }
      const up: string | null | undefined = parent.get(at);
      if (up === rootId) {
        row = at;
        break;
      }
      at = up;
    }
    memo.set(unitId, row);
    return row;
  };
}

/**
 * The heat map below `rootId`: `results` are those the viewer may see (current periods, see
 * currentResults); tenant-level results go to the root's own row when `rootIsTenant`.
 * Rows: the root itself, then its children in their sort order; columns: rules in `ruleOrder` that have a result here.
 */
export function heatmap(results: HeatResult[], units: HeatUnit[], rootId: string, opts: { rootIsTenant: boolean; ruleOrder: string[] }): Heatmap {
  const rowOf = rowOfUnit(units, rootId);
  const cells = new Map<string, HeatCell>();
  const columns = new Map<string, HeatColumn>();
  for (const r of results) {
    const row = r.subject.type === 'tenant' ? (opts.rootIsTenant ? rootId : undefined) : rowOf(r.subject.orgUnitId);
    if (!row) continue;
    const key = `${row}\u0000${r.ruleId}`;
    let cell = cells.get(key);
    if (!cell) {
      cell = { orgUnitId: row, ruleId: r.ruleId, status: 'not_applicable', total: 0, met: 0, counts: { met: 0, on_track: 0, at_risk: 0, missed: 0, late: 0, not_applicable: 0 } };
      cells.set(key, cell);
    }
    cell.counts[r.status]++;
    if (r.status !== 'not_applicable') cell.total++;
    if (r.status === 'met') cell.met++;
    if (severity.indexOf(r.status) < severity.indexOf(cell.status)) cell.status = r.status;
    const column = columns.get(r.ruleId) ?? { ruleId: r.ruleId, title: r.title, periods: [] };
    if (!column.periods.includes(r.period.label)) column.periods.push(r.period.label);
    columns.set(r.ruleId, column);
  }
  const byOrder = (a: HeatUnit, b: HeatUnit) => a.sortOrder - b.sortOrder || a.name.localeCompare(b.name, 'zh-CN');
  const hasChildren = new Set(units.map((u) => u.parentId));
  const root = units.find((u) => u.id === rootId);
  const rows: HeatRow[] = [
    ...(root ? [{ orgUnitId: root.id, name: root.name, self: true, hasChildren: false }] : []),
    ...units.filter((u) => u.parentId === rootId).sort(byOrder).map((u) => ({ orgUnitId: u.id, name: u.name, self: false, hasChildren: hasChildren.has(u.id) })),
  ];
  const rank = new Map(opts.ruleOrder.map((id, i) => [id, i]));
  const byRule = (a: { ruleId: string }, b: { ruleId: string }) => (rank.get(a.ruleId) ?? 1e9) - (rank.get(b.ruleId) ?? 1e9);
  const rowAt = new Map(rows.map((r, i) => [r.orgUnitId, i]));
  return {
    rows,
    columns: [...columns.values()].sort(byRule),
    // Row by row, rule by rule: the same map whatever order the results came in.
    cells: [...cells.values()].sort((a, b) => (rowAt.get(a.orgUnitId) ?? 1e9) - (rowAt.get(b.orgUnitId) ?? 1e9) || byRule(a, b)),
  };
}

/** How a cell reads, on the page and in the spreadsheet: 逾期未完成（达标 7/10）. */
export const cellText = (cell: Pick<HeatCell, 'status' | 'met' | 'total'>) => (cell.status === 'not_applicable' ? statuses.not_applicable : `${statuses[cell.status]}（达标 ${cell.met}/${cell.total}）`);
