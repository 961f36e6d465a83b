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
  department: '机关部室',
  women_committee: '妇委会（委局/企业）',
  dev_zone: '开发区妇工委',
  parents_school: '家长学校',
  womens_home: '妇女之家',
  leading_group: '领导小组',
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

export const keys = <T extends Record<string, unknown>>(o: T) => Object.keys(o) as [keyof T & string, ...(keyof T & string)[]];
