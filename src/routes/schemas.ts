/** Request and response schemas shared by routes; they also make the OpenAPI document. */
import * as v from 'valibot';
import { accessRoles, dutyRoles, orgLevels, orgTypes, keys } from '../domain/glossary.ts';
import { msg } from '../lib/valibot-zh.ts';
import { noControlChars } from '../records/fields.ts';

export const Id = v.pipe(v.string(), v.minLength(1), v.maxLength(64), v.regex(/^[A-Za-z0-9_-]+$/, msg('只能包含字母、数字、下划线或连字符', 'only letters, digits, _ and -')));
export const IdParam = v.object({ tenant: v.string(), id: Id });

export const Email = v.pipe(v.string(), v.trim(), v.maxLength(254), v.email(), v.toLowerCase());
export const Password = v.pipe(v.string(), v.minLength(8, msg('密码至少 8 位', 'at least 8 characters')), v.maxLength(256));
export const Name = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(100), noControlChars);

export const Access = v.picklist(keys(accessRoles));
export const Duty = v.picklist(keys(dutyRoles));
export const OrgLevel = v.picklist(keys(orgLevels));
export const OrgType = v.picklist(keys(orgTypes));

export const PersonSchema = v.object({
  id: v.string(),
  name: v.string(),
  email: v.nullable(v.string()),
  access: Access,
  duty: v.nullable(Duty),
  orgUnitId: v.nullable(v.string()),
  phone: v.nullable(v.string()),
  canLogin: v.boolean(),
  mustChangePassword: v.boolean(),
  createdAt: v.string(),
  updatedAt: v.string(),
});

export const OrgUnitSchema = v.object({
  id: v.string(),
  name: v.string(),
  level: OrgLevel,
  levelLabel: v.string(),
  type: OrgType,
  typeLabel: v.string(),
  parentId: v.nullable(v.string()),
  sortOrder: v.number(),
  establishedOn: v.pipe(v.nullable(v.string()), v.description('成立日期；null 表示启用本系统之前')),
});

export interface OrgUnitTree extends v.InferOutput<typeof OrgUnitSchema> {
  children: OrgUnitTree[];
}
export const OrgUnitTreeSchema: v.GenericSchema<OrgUnitTree> = v.object({
  ...OrgUnitSchema.entries,
  children: v.array(v.lazy(() => OrgUnitTreeSchema)),
});

export { DateOrInstant as AsOfSchema, isDateOnly } from '../lib/dates.ts';
