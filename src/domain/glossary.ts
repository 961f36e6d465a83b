/**
 * One name for one thing: the identifiers of DOMAIN.md's glossary with their
 * Chinese labels. Schemas, configs, the API and emails all read from here.
 */

/** Levels of the organisation tree: city 市 → district/county 区县(市) → street/township 街道/乡镇 → community/village 社区/村. */
export const orgLevels = {
  city: '市级',
  district: '区县级',
  street: '街道/乡镇级',
  community: '社区/村级',
} as const;
export type OrgLevel = keyof typeof orgLevels;
export const orgLevelDepth: Record<OrgLevel, number> = { city: 0, district: 1, street: 2, community: 3 };

/** What kind of body a unit is, beside its level. */
export const orgTypes = {
  federation: '妇联',
  women_congress: '妇代会',
  unorganised: '尚未建立妇女组织',
  department: '机关部室',
  women_committee: '妇委会（委局/企业）',
  dev_zone: '开发区妇工委',
  parents_school: '家长学校',
  womens_home: '妇女之家',
  leading_group: '领导小组',
  two_new_org: '两新组织妇女组织',
  children_committee_member: '妇儿工委成员单位',
} as const;
export type OrgType = keyof typeof orgTypes;

/** Duty roles: what the rules are about. */
export const dutyRoles = {
  leader: '领导班子成员',
  office_cadre: '机关干部',
  committee_member: '常委/执委',
  grassroots_cadre: '基层妇联干部',
} as const;
export type DutyRole = keyof typeof dutyRoles;

/** Access roles: what a person may do in the system. */
export const accessRoles = {
  admin: '管理员',
  supervisor: '督导',
  member: '成员',
} as const;
export type AccessRole = keyof typeof accessRoles;

/** The six household categories that must all be visited (六必访, Binzhou). */
export const householdCategories = {
  problem_family: '问题家庭',
  left_behind: '留守家庭',
  dispute: '矛盾纠纷',
  orphan_disabled_poor: '孤残贫困',
  laid_off: '下岗失业',
  illness_bereavement: '重病亡故',
} as const;

/** Services: Lixia's 五送 (care, health, jobs, law, green) and Binzhou's 五进家 (care, jobs, medical, study aid, law). */
/** Kinds of service that rules count by name (B9, L3, L7): an enumeration, so a typo cannot silently stop counting. */
export const serviceSubtypes = {
  poor_mother: '贫困母亲援助',
  two_cancer_screening: '两癌筛查',
  placement: '就业安置',
  entrepreneurship: '创业扶持',
  sympathy_letter: '慰问信',
  free_clinic: '义诊',
  job_postings: '网上公布就业岗位',
  two_cancer_insurance: '“两癌”健康保险',
  other: '其他',
} as const;

export const serviceCategories = {
  care: '关爱',
  health: '健康',
  jobs: '就业岗位',
  law: '法律',
  green: '绿色',
  medical: '医疗服务',
  study_aid: '助学',
} as const;

export const eventTypes = {
  job_fair: '妇女专场招聘会',
  training: '培训',
  lecture: '讲座',
  family_education: '家庭教育实践活动',
  children_day: '“六一”活动',
  commendation_meeting: '总结表彰会',
  work_week: '下基层工作周',
  petition_reception: '信访接待',
  exemplar: '选树宣传先进典型',
  mobilisation_meeting: '动员会议',
  rights_week: '“三八”维权周活动',
  other: '其他活动',
} as const;

export const beneficiaryTypes = {
  poor_woman: '贫困妇女',
  poor_child: '贫困儿童',
  woman: '妇女群众',
  grassroots_org: '基层组织',
} as const;

export const petitionChannels = {
  letter: '来信',
  visit: '来访',
  phone: '来电',
  hotline: '热线',
  qq_group: 'QQ群',
  other: '其他',
} as const;

export const petitionStatuses = { received: '已受理', assigned: '已交办', closed: '已办结' } as const;

export const submissionTypes = {
  plan: '活动方案',
  progress: '进展情况',
  info: '信息',
  news: '新闻宣传报道',
  statistics: '统计报表',
  research_topic: '重点课题调研报告',
  suggestion: '人民建议',
  milestone_report: '专项工作完成报告',
  summary: '活动总结',
  register: '登记表/台帐',
  petition_statistics: '信访报表及分析报告',
  recheck: '定期核查情况报告',
  nomination: '评先推荐材料',
  press_subscription: '报刊征订完成情况',
} as const;

export const outletLevels = { national: '全国级', province: '省级', city: '市级', district: '区县级' } as const;

export const reportTopics = { general: '一般调研', key_topic: '重点课题', womens_needs: '妇女需求调研' } as const;

/** What a research report was turned into (Harbin 三.1: 信息专报、人大议案、政协提案). */
export const reportConversions = { info_brief: '信息专报', npc_motion: '人大议案', cppcc_proposal: '政协提案' } as const;

export const needStatuses = { open: '待办', in_progress: '办理中', resolved: '已解决' } as const;

export const keys = <T extends Record<string, unknown>>(o: T) => Object.keys(o) as [keyof T & string, ...(keyof T & string)[]];

/** What an email from the scheduled check is. */
export const emailKinds = { reminder: '提醒', overdue: '逾期通知', escalation: '督办', digest: '汇总' } as const;
