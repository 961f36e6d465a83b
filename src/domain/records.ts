/**
 * The record kinds of DOMAIN.md's glossary, as the rule engine sees them:
 * which table, which date puts a record in a period, and which fields a rule
 * may filter, sum or cover. Field names are the API's (camelCase); columns
 * come only from this table, never from a config string.
 */
import {
  beneficiaryTypes, eventTypes, householdCategories, needStatuses, orgLevels, orgTypes, outletLevels,
  petitionChannels, petitionStatuses, reportConversions, reportTopics, serviceCategories, serviceSubtypes, submissionTypes,
} from './glossary.ts';

export type FieldType = 'text' | 'int' | 'bool' | 'date' | 'instant' | 'enum' | 'categories';

export interface FieldDef {
  /** SQL over the record alias `r`: a column or a derived expression. */
  sql: string;
  type: FieldType;
  values?: Record<string, string>;
  label: string;
}

export interface KindDef {
  label: string;
  table: string;
  /** The field that puts a record in a period; null: the record is counted in every period (org units). */
  dateField: string | null;
  /** Start and end fields, for kinds that span days (overlap with a period; `daysInPeriod`). */
  range?: { start: string; end: string };
  /** A short human label for one record (per-case results). */
  labelSql: string;
  /**
   * What one counted thing is, as SQL over `r` ("N户" counts households, not visits): counts are
   * distinct over it unless a rule says `distinct: false`. Absent: each record is one thing.
   */
  identity?: string;
  /**
   * Things that last (a pairing): start and end fields. With matchPeriodBy `cumulative` such a
   * record counts in a period only if it started by the period's end and had not ended before
   * its start (an open end lasts).
   */
  ongoing?: { start: string; end: string };
  /**
   * The kind's date is itself the moment it was sent or done (a submission's submittedAt, a
   * petition's closedOn), so it decides on-time alone. For every other kind a record counts as on
   * time only if it was also entered (createdAt) by the due date: backdating makes late, not met.
   */
  ownTime?: boolean;
  fields: Record<string, FieldDef>;
}

const common: Record<string, FieldDef> = {
  personId: { sql: 'r.person_id', type: 'text', label: '人员' },
  orgUnitId: { sql: 'r.org_unit_id', type: 'text', label: '组织' },
};
const nonEmpty = (col: string) => `(coalesce(trim(${col}), '') <> '')`;
const spanDays = '(julianday(r.end_date) - julianday(r.start_date) + 1)';

export const recordKinds = {
  field_trip: {
    label: '下基层',
    table: 'field_trips',
    dateField: 'startDate',
    range: { start: 'startDate', end: 'endDate' },
    labelSql: "r.start_date || '至' || r.end_date",
    fields: {
      ...common,
      startDate: { sql: 'r.start_date', type: 'date', label: '开始日期' },
      endDate: { sql: 'r.end_date', type: 'date', label: '结束日期' },
      days: { sql: spanDays, type: 'int', label: '天数' },
      /** Another person's trip went to the same place in the same calendar week (H19: 避免同一区域重复调研走访). */
      sameWeekByOther: {
        sql: "exists (select 1 from field_trips o where o.org_unit_id = r.org_unit_id and o.start_date between date(r.start_date, '-6 days') and date(r.start_date, '+6 days') and o.deleted_at is null and o.person_id <> r.person_id and o.id <> r.id and strftime('%Y-%W', o.start_date) = strftime('%Y-%W', r.start_date))",
        type: 'bool',
        label: '同一周内他人也到过同一地点',
      },
    },
  },
  household_visit: {
    label: '入户走访',
    table: 'household_visits',
    dateField: 'visitedOn',
    labelSql: 'r.visited_on',
    identity: 'coalesce(r.household_id, r.id)',
    fields: {
      ...common,
      visitedOn: { sql: 'r.visited_on', type: 'date', label: '走访日期' },
      householdId: { sql: 'r.household_id', type: 'text', label: '住户' },
      categories: { sql: 'r.categories', type: 'categories', values: householdCategories, label: '六必访类别' },
    },
  },
  diary_entry: {
    label: '妇情日记',
    table: 'diary_entries',
    dateField: 'entryDate',
    labelSql: 'r.entry_date',
    fields: { ...common, entryDate: { sql: 'r.entry_date', type: 'date', label: '日期' } },
  },
  research_report: {
    label: '调研报告',
    table: 'research_reports',
    dateField: 'submittedOn',
    labelSql: 'r.title',
    fields: {
      ...common,
      submittedOn: { sql: 'r.submitted_on', type: 'date', label: '完成日期' },
      topic: { sql: 'r.topic', type: 'enum', values: reportTopics, label: '类别' },
      complete: { sql: `(${nonEmpty('r.situation')} and ${nonEmpty('r.analysis')} and ${nonEmpty('r.recommendations')})`, type: 'bool', label: '有情况、有分析、有建议' },
      convertedTo: { sql: 'r.converted_to', type: 'enum', values: reportConversions, label: '成果转化形式' },
      convertedOn: { sql: 'r.converted_on', type: 'date', label: '成果转化日期' },
    },
  },
  contact_point: {
    label: '联系点/服务点',
    table: 'contact_points',
    dateField: 'establishedOn',
    labelSql: 'r.name',
    fields: {
      ...common,
      establishedOn: { sql: 'r.established_on', type: 'date', label: '确定日期' },
      isWeak: { sql: 'r.is_weak', type: 'bool', label: '基层组织建设薄弱' },
      brandProject: { sql: 'r.brand_project', type: 'text', label: '品牌项目' },
      problemSolved: { sql: 'r.problem_solved', type: 'text', label: '解决的问题' },
      suggestion: { sql: 'r.suggestion', type: 'text', label: '工作建议' },
      innovation: { sql: 'r.innovation', type: 'text', label: '创新亮点' },
      innovationOn: { sql: 'r.innovation_on', type: 'date', label: '创新亮点日期' },
    },
  },
  pairing: {
    label: '结对帮扶',
    table: 'pairings',
    dateField: 'startedOn',
    labelSql: 'r.started_on',
    identity: "coalesce(r.beneficiary_type || ':' || nullif(trim(r.beneficiary_name), ''), r.id)",
    ongoing: { start: 'startedOn', end: 'endedOn' },
    fields: {
      ...common,
      startedOn: { sql: 'r.started_on', type: 'date', label: '结对日期' },
      endedOn: { sql: 'r.ended_on', type: 'date', label: '结束日期' },
      beneficiaryType: { sql: 'r.beneficiary_type', type: 'enum', values: beneficiaryTypes, label: '帮扶对象' },
    },
  },
  service: {
    label: '服务（五送/五进家）',
    table: 'services',
    dateField: 'servedOn',
    labelSql: 'r.served_on',
    fields: {
      ...common,
      servedOn: { sql: 'r.served_on', type: 'date', label: '服务日期' },
      category: { sql: 'r.category', type: 'enum', values: serviceCategories, label: '服务类别' },
      subtype: { sql: 'r.subtype', type: 'enum', values: serviceSubtypes, label: '细类' },
      peopleServed: { sql: 'r.people_served', type: 'int', label: '服务人数' },
    },
  },
  event: {
    label: '活动',
    table: 'events',
    dateField: 'startDate',
    range: { start: 'startDate', end: 'endDate' },
    labelSql: 'r.title',
    fields: {
      ...common,
      startDate: { sql: 'r.start_date', type: 'date', label: '开始日期' },
      endDate: { sql: 'r.end_date', type: 'date', label: '结束日期' },
      type: { sql: 'r.type', type: 'enum', values: eventTypes, label: '活动类型' },
      participants: { sql: 'r.participants', type: 'int', label: '参与人数' },
      days: { sql: spanDays, type: 'int', label: '天数' },
    },
  },
  petition: {
    label: '信访案件',
    table: 'petitions',
    dateField: 'receivedOn',
    labelSql: "'信访案件 ' || r.received_on",
    ownTime: true,
    fields: {
      ...common,
      receivedOn: { sql: 'r.received_on', type: 'date', label: '受理日期' },
      channel: { sql: 'r.channel', type: 'enum', values: petitionChannels, label: '来源渠道' },
      superiorAssigned: { sql: 'r.superior_assigned', type: 'bool', label: '上级交办' },
      status: { sql: 'r.status', type: 'enum', values: petitionStatuses, label: '状态' },
      dueDate: { sql: 'r.due_date', type: 'date', label: '办理期限' },
      closedOn: { sql: 'r.closed_on', type: 'date', label: '办结日期' },
      reportedOn: { sql: 'r.reported_on', type: 'date', label: '反馈日期' },
      enteredSystemOn: { sql: 'r.entered_system_on', type: 'date', label: '录入全国妇联信访管理系统日期' },
    },
  },
  submission: {
    label: '上报材料',
    table: 'submissions',
    dateField: 'submittedAt',
    labelSql: 'r.title',
    ownTime: true,
    fields: {
      ...common,
      submittedAt: { sql: 'r.submitted_at', type: 'instant', label: '上报时间' },
      type: { sql: 'r.type', type: 'enum', values: submissionTypes, label: '材料类型' },
      period: { sql: 'r.period', type: 'text', label: '所属期间' },
      outletLevel: { sql: 'r.outlet_level', type: 'enum', values: outletLevels, label: '媒体级别' },
      milestone: { sql: 'r.milestone', type: 'text', label: '专项工作' },
      recipientOrgUnitId: { sql: 'r.recipient_org_unit_id', type: 'text', label: '报送对象组织' },
      responsible: { sql: 'r.responsible', type: 'text', label: '负责人' },
      quantity: { sql: 'r.quantity', type: 'int', label: '数量' },
      quota: { sql: 'r.quota', type: 'int', label: '任务数' },
    },
  },
  needs_ledger: {
    label: '妇女需求台帐',
    table: 'needs',
    dateField: 'recordedOn',
    labelSql: 'r.recorded_on',
    fields: {
      ...common,
      recordedOn: { sql: 'r.recorded_on', type: 'date', label: '登记日期' },
      status: { sql: 'r.status', type: 'enum', values: needStatuses, label: '状态' },
    },
  },
  inspection: {
    label: '督查',
    table: 'inspections',
    dateField: 'inspectedOn',
    labelSql: 'r.inspected_on',
    fields: {
      ...common,
      inspectedOn: { sql: 'r.inspected_on', type: 'date', label: '督查日期' },
      foundProblems: { sql: 'r.found_problems', type: 'bool', label: '发现问题' },
      rectifiedOn: { sql: 'r.rectified_on', type: 'date', label: '整改落实日期' },
    },
  },
  /** The organisation tree itself, for rules about coverage of organisations (L4). No date: its current state. */
  org_unit: {
    label: '组织',
    table: 'org_units',
    dateField: null,
    labelSql: 'r.name',
    ownTime: true,
    fields: {
      orgUnitId: { sql: 'r.id', type: 'text', label: '组织' },
      level: { sql: 'r.level', type: 'enum', values: orgLevels, label: '层级' },
      type: { sql: 'r.type', type: 'enum', values: orgTypes, label: '类型' },
      establishedOn: { sql: 'r.established_on', type: 'date', label: '成立日期' },
    },
  },
} as const satisfies Record<string, KindDef>;

export type RecordKind = keyof typeof recordKinds;
export const kindDef = (k: RecordKind): KindDef => recordKinds[k];
