/**
 * The record kinds of DOMAIN.md's glossary, one description each: URL path,
 * table, fields (type, Chinese label, values, required, sensitive) and the few
 * checks particular to a kind. Everything else is generated from this list:
 * the drizzle table and so the migrations (db/schema.ts), the API routes,
 * request schemas, OpenAPI document, CSV headers, import and audit
 * (src/records/resources.ts), and the rule engine's view of a kind
 * (src/domain/records.ts). A new field is one edit here plus
 * `npm run db:generate`.
 */
import {
  beneficiaryTypes, eventTypes, householdCategories, needStatuses, outletLevels, petitionChannels, petitionStatuses,
  reportConversions, reportTopics, serviceCategories, serviceSubtypes, submissionTypes,
} from '../domain/glossary.ts';
import * as v from 'valibot';
import { f, type FieldSpec } from './fields.ts';
import { msg } from '../lib/valibot-zh.ts';
import type { FieldError } from '../lib/errors.ts';

type Row = Record<string, unknown>;

export interface KindDef {
  /** URL segment: /v1/{tenant}/{path} */
  path: string;
  /** Glossary id (DOMAIN.md). */
  kind: string;
  label: string;
  /** SQL table (db/schema.ts builds it from these fields). */
  table: string;
  fields: Record<string, FieldSpec>;
  /** Records of this kind always belong to a person; a missing personId means the caller. */
  personal: boolean;
  /** Only supervisors (for their subtree) and admins may record these. */
  supervisorsOnly?: boolean;
  /** The date that `from`/`to` filter on. */
  dateField?: string;
  /** Extra equality filters a list accepts. */
  filters: string[];
  /** Reads are written to the audit log (petitions). */
  auditReads?: boolean;
  /** The record is about a minor: reads are audited and sensitive fields withheld. */
  aboutMinor?: (row: Row) => boolean;
  /** Cross-field checks on the record as it will be stored. */
  check?: (row: Row, ctx: { milestones?: Record<string, string> }) => FieldError[];
  /** Values the server derives before storing (e.g. a petition's status from its dates). */
  derive?: (row: Row) => Row;
}

/** A submission's reporting period: 2012, 2012-05, 2012-Q2, 2012-H1 or 2012-04/2012-05 (the keys the rule engine uses). */
const periodPattern = v.pipe(
  v.string(),
  v.regex(
    /^\d{4}(-(0[1-9]|1[0-2])(\/\d{4}-(0[1-9]|1[0-2]))?|-Q[1-4]|-H[12])?$/,
    msg('期间格式：2012、2012-05、2012-Q2、2012-H1（上半年）或 2012-04/2012-05', 'period: 2012, 2012-05, 2012-Q2, 2012-H1 or 2012-04/2012-05'),
  ),
);

const person = f.ref('人员ID');
const unit = (required = true, label = '组织ID') => f.ref(label, required);
const notes = f.text('备注');
const after = (a: string, b: string, message: string) => (row: Row): FieldError[] =>
  row[a] && row[b] && String(row[b]) < String(row[a]) ? [{ path: b, message }] : [];

export const kinds: KindDef[] = [
  {
    path: 'households',
    kind: 'household',
    label: '住户',
    table: 'households',
    personal: false,
    fields: {
      orgUnitId: unit(true, '所属组织ID'),
      address: f.text('住址', { required: true, max: 300, sensitive: true }),
      headName: f.text('户主姓名', { max: 50, sensitive: true }),
      categories: f.categories('六必访类别', householdCategories),
      hasMinor: f.bool('有未成年人'),
      notes: f.text('备注', { sensitive: true }),
    },
    filters: ['hasMinor'],
    aboutMinor: (r) => Boolean(r.hasMinor),
  },
  {
    path: 'field-trips',
    kind: 'field_trip',
    label: '下基层',
    table: 'field_trips',
    personal: true,
    dateField: 'startDate',
    fields: { personId: person, orgUnitId: unit(true, '所到组织ID'), startDate: f.date('开始日期', true), endDate: f.date('结束日期', true), purpose: f.text('事由', { max: 500 }), notes },
    filters: [],
    check: after('startDate', 'endDate', '结束日期不能早于开始日期'),
  },
  {
    path: 'household-visits',
    kind: 'household_visit',
    label: '入户走访',
    table: 'household_visits',
    personal: true,
    dateField: 'visitedOn',
    fields: {
      personId: person,
      householdId: f.ref('住户ID', true),
      orgUnitId: { ...unit(false, '组织ID'), readOnly: true },
      visitedOn: f.date('走访日期', true),
      categories: f.categories('六必访类别', householdCategories),
      notes,
    },
    filters: ['householdId'],
  },
  {
    path: 'diary-entries',
    kind: 'diary_entry',
    label: '妇情日记',
    table: 'diary_entries',
    personal: true,
    dateField: 'entryDate',
    fields: { personId: person, orgUnitId: unit(false), entryDate: f.date('日期', true), fieldTripId: f.ref('下基层记录ID'), content: f.text('内容', { required: true, max: 20000 }) },
    filters: ['fieldTripId'],
  },
  {
    path: 'research-reports',
    kind: 'research_report',
    label: '调研报告',
    table: 'research_reports',
    personal: false,
    dateField: 'submittedOn',
    fields: {
      personId: person,
      orgUnitId: unit(true),
      title: f.text('标题', { required: true, max: 200 }),
      topic: { ...f.enum('类别', reportTopics), nullable: false, default: 'general' },
      situation: f.text('情况', { max: 50000 }),
      analysis: f.text('分析', { max: 50000 }),
      recommendations: f.text('建议', { max: 50000 }),
      submittedOn: f.date('完成日期', true),
      convertedTo: f.enum('成果转化形式', reportConversions),
      convertedOn: f.date('成果转化日期'),
    },
    filters: ['topic'],
    check: (r) => [
      ...after('submittedOn', 'convertedOn', '成果转化日期不能早于完成日期')(r),
      ...(r.convertedTo && !r.convertedOn ? [{ path: 'convertedOn', message: '填写成果转化形式时须填写转化日期' }] : []),
    ],
  },
  {
    path: 'contact-points',
    kind: 'contact_point',
    label: '联系点/服务点',
    table: 'contact_points',
    personal: false,
    dateField: 'establishedOn',
    fields: {
      personId: person,
      orgUnitId: unit(true, '负责组织ID'),
      name: f.text('名称', { required: true, max: 200 }),
      pointOrgUnitId: f.ref('联系点组织ID'),
      isWeak: f.bool('基层组织建设薄弱'),
      establishedOn: f.date('确定日期', true),
      brandProject: f.text('品牌项目', { max: 500 }),
      problemSolved: f.text('解决的问题', { max: 500 }),
      suggestion: f.text('工作建议', { max: 500 }),
      innovation: f.text('创新亮点', { max: 500 }),
      innovationOn: f.date('创新亮点日期'),
    },
    filters: ['isWeak'],
  },
  {
    path: 'pairings',
    kind: 'pairing',
    label: '结对帮扶',
    table: 'pairings',
    personal: true,
    dateField: 'startedOn',
    fields: {
      personId: person,
      orgUnitId: unit(false),
      beneficiaryType: f.enum('帮扶对象类型', beneficiaryTypes, true),
      beneficiaryName: f.text('帮扶对象姓名', { max: 100, sensitive: true }),
      startedOn: f.date('结对日期', true),
      endedOn: f.date('结束日期'),
      notes: f.text('备注', { sensitive: true }),
    },
    filters: ['beneficiaryType'],
    aboutMinor: (r) => r.beneficiaryType === 'poor_child',
    check: after('startedOn', 'endedOn', '结束日期不能早于结对日期'),
  },
  {
    path: 'services',
    kind: 'service',
    label: '服务（五送/五进家）',
    table: 'services',
    personal: false,
    dateField: 'servedOn',
    fields: {
      personId: person,
      orgUnitId: unit(true),
      category: f.enum('服务类别', serviceCategories, true),
      subtype: f.enum('细类', serviceSubtypes),
      servedOn: f.date('服务日期', true),
      peopleServed: { ...f.int('服务人数', { required: true }), default: 0 },
      notes,
    },
    filters: ['category', 'subtype'],
  },
  {
    path: 'events',
    kind: 'event',
    label: '活动',
    table: 'events',
    personal: false,
    dateField: 'startDate',
    fields: {
      personId: person,
      orgUnitId: unit(true),
      type: f.enum('活动类型', eventTypes, true),
      title: f.text('名称', { required: true, max: 200 }),
      startDate: f.date('开始日期', true),
      endDate: { ...f.date('结束日期'), alwaysStored: true },
      participants: { ...f.int('参与人数'), nullable: false, default: 0 },
      notes,
    },
    filters: ['type'],
    derive: (r) => ({ endDate: r.endDate ?? r.startDate }),
    check: after('startDate', 'endDate', '结束日期不能早于开始日期'),
  },
  {
    path: 'petitions',
    kind: 'petition',
    label: '信访案件',
    table: 'petitions',
    personal: false,
    dateField: 'receivedOn',
    auditReads: true,
    fields: {
      personId: f.ref('承办人ID'),
      orgUnitId: unit(true, '承办组织ID'),
      channel: f.enum('来源渠道', petitionChannels, true),
      receivedOn: f.date('受理日期', true),
      superiorAssigned: f.bool('上级交办'),
      status: { ...f.enum('状态', petitionStatuses), nullable: false, default: 'received' },
      assignedOn: f.date('交办日期'),
      dueDate: f.date('办理期限'),
      closedOn: f.date('办结日期'),
      reportedOn: f.date('反馈日期'),
      enteredSystemOn: f.date('录入全国妇联信访管理系统日期'),
      outcome: f.text('办理结果', { max: 2000 }),
      summary: f.text('案情摘要', { max: 5000, sensitive: true }),
      petitionerName: f.text('来访人姓名', { max: 100, sensitive: true }),
      petitionerPhone: f.text('来访人电话', { max: 50, sensitive: true }),
      involvesMinor: f.bool('涉及未成年人'),
    },
    filters: ['status', 'superiorAssigned', 'channel'],
    aboutMinor: (r) => Boolean(r.involvesMinor),
    derive: (r) => ({ status: r.closedOn ? 'closed' : r.status === 'closed' ? 'closed' : r.assignedOn || r.superiorAssigned ? 'assigned' : (r.status ?? 'received') }),
    check: (r) => [
      ...after('receivedOn', 'closedOn', '办结日期不能早于受理日期')(r),
      ...after('closedOn', 'reportedOn', '反馈日期不能早于办结日期')(r),
      ...after('receivedOn', 'enteredSystemOn', '录入系统日期不能早于受理日期')(r),
      ...(r.status === 'closed' && !r.closedOn ? [{ path: 'closedOn', message: '已办结的案件须填写办结日期' }] : []),
      ...(r.reportedOn && !r.closedOn ? [{ path: 'closedOn', message: '反馈前须先办结' }] : []),
      // A case a superior assigns comes with its deadline (L9 judges each case by it).
      ...(r.superiorAssigned && !r.dueDate ? [{ path: 'dueDate', message: '上级交办的案件须填写办理期限' }] : []),
    ],
  },
  {
    path: 'submissions',
    kind: 'submission',
    label: '上报材料',
    table: 'submissions',
    personal: false,
    supervisorsOnly: true,
    dateField: 'submittedAt',
    fields: {
      personId: person,
      orgUnitId: unit(true, '上报组织ID'),
      type: f.enum('材料类型', submissionTypes, true),
      period: { ...f.text('所属期间', { max: 20 }), schema: periodPattern },
      title: f.text('标题', { required: true, max: 200 }),
      outletLevel: f.enum('媒体级别', outletLevels),
      milestone: f.text('专项工作', { max: 50 }),
      recipientOrgUnitId: f.ref('报送对象组织ID'),
      // 明确专人负责 (plans); a figure the material reports (subscriptions placed, women registered) and its quota.
      responsible: f.text('负责人', { max: 100 }),
      quantity: f.int('数量'),
      quota: f.int('任务数'),
      submittedAt: { ...f.instant('上报时间'), nullable: false },
    },
    filters: ['type', 'period'],
    check: (r, { milestones }) => [
      ...(r.type === 'news' && !r.outletLevel ? [{ path: 'outletLevel', message: '新闻报道须填写媒体级别' }] : []),
      ...(r.type === 'milestone_report' && !r.milestone ? [{ path: 'milestone', message: '专项工作完成报告须填写专项工作' }] : []),
      // A milestone the rules do not name would silently count for nothing.
      ...(r.type === 'milestone_report' && r.milestone && milestones && !(String(r.milestone) in milestones)
        ? [{ path: 'milestone', message: `未知的专项工作（可选：${Object.keys(milestones).join('、') || '无'}）` }]
        : []),
    ],
  },
  {
    path: 'needs',
    kind: 'needs_ledger',
    label: '妇女需求台帐',
    table: 'needs',
    personal: false,
    dateField: 'recordedOn',
    fields: {
      personId: person,
      orgUnitId: unit(true),
      recordedOn: f.date('登记日期', true),
      category: f.text('需求类别', { max: 50 }),
      need: f.text('需求', { required: true, max: 2000 }),
      action: f.text('办理情况', { max: 2000 }),
      status: { ...f.enum('状态', needStatuses), nullable: false, default: 'open' },
      womanName: f.text('妇女姓名', { max: 100, sensitive: true }),
      involvesMinor: f.bool('涉及未成年人'),
    },
    filters: ['status'],
    aboutMinor: (r) => Boolean(r.involvesMinor),
  },
  {
    path: 'inspections',
    kind: 'inspection',
    label: '督查',
    table: 'inspections',
    personal: false,
    supervisorsOnly: true,
    dateField: 'inspectedOn',
    fields: {
      personId: f.ref('督查人ID'),
      orgUnitId: unit(true, '被督查组织ID'),
      inspectedOn: f.date('督查日期', true),
      inspectingOrgUnitId: f.ref('督查组织ID'),
      findings: f.text('督查情况', { max: 5000 }),
      // Problems found (督促整改): a rectification follow-up is then due.
      foundProblems: f.bool('发现问题'),
      rectifiedOn: f.date('整改落实日期'),
    },
    filters: ['foundProblems'],
    check: after('inspectedOn', 'rectifiedOn', '整改落实日期不能早于督查日期'),
  },
];

/** The description of the kind stored in a table. */
export function kindOfTable(table: string): KindDef {
  const def = kinds.find((k) => k.table === table);
  if (!def) throw new Error(`no record kind for table ${table}`);
  return def;
}
