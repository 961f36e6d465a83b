/**
 * Messages for valibot issues: Chinese (the default language of every
 * error) and plain English for `Accept-Language: en`, written for a person
 * rather than valibot's own "Invalid key: Expected …". @valibot/i18n does
 * not support valibot 1.x (its peer range ends below 1), hence this table.
 */
import * as v from 'valibot';

const typeNames: Record<string, string> = {
  string: '字符串',
  number: '数字',
  boolean: '布尔值',
  object: '对象',
  strict_object: '对象',
  loose_object: '对象',
  array: '数组',
  integer: '整数',
  date: '日期',
  null: 'null',
  nullable: '值或 null',
  literal: '指定的值',
};

export function zhMessage(issue: v.BaseIssue<unknown>): string {
  const { type, expected, received, requirement } = issue as v.BaseIssue<unknown> & { requirement?: unknown };
  if (issue.kind === 'schema') {
    if (received === 'undefined') return '缺少必填字段';
    if (expected === 'never') return '不允许的字段';
    if (type === 'picklist' || type === 'enum' || type === 'union' || type === 'variant' || type === 'literal') return `取值无效，可选值为 ${expected}`;
    return `类型错误：应为${typeNames[type] ?? expected}，实际为 ${received}`;
  }
  switch (type) {
    case 'min_length':
      return `长度不能少于 ${requirement}`;
    case 'max_length':
      return `长度不能超过 ${requirement}`;
    case 'non_empty':
      return '不能为空';
    case 'min_value':
      return `不能小于 ${String(requirement)}`;
    case 'max_value':
      return `不能大于 ${String(requirement)}`;
    case 'integer':
      return '须为整数';
    case 'email':
      return '邮箱格式不正确';
    case 'iso_date':
      return '日期格式应为 YYYY-MM-DD';
    case 'iso_timestamp':
    case 'iso_date_time':
      return '时间格式应为 ISO 8601，例如 2026-01-31T08:00:00+08:00';
    case 'regex':
      return '格式不正确';
    case 'min_bytes':
    case 'max_bytes':
      return `字节数超出范围（${requirement}）`;
    default:
      return `取值无效（${type}）`;
  }
}

const enTypeNames: Record<string, string> = {
  strict_object: 'an object',
  loose_object: 'an object',
  object: 'an object',
  array: 'a list',
  string: 'text',
  number: 'a number',
  boolean: 'true or false',
  integer: 'a whole number',
  nullable: 'a value or null',
};

export function enMessage(issue: v.BaseIssue<unknown>): string {
  const { type, expected, received, requirement } = issue as v.BaseIssue<unknown> & { requirement?: unknown };
  if (issue.kind === 'schema') {
    if (received === 'undefined') return 'This field is required';
    if (expected === 'never') return 'This field is not allowed';
    if (type === 'picklist' || type === 'enum' || type === 'union' || type === 'variant' || type === 'literal') return `Not one of the allowed values: ${expected}`;
    return `Expected ${enTypeNames[type] ?? expected}, got ${received}`;
  }
  switch (type) {
    case 'min_length':
      return `Must be at least ${requirement} long`;
    case 'max_length':
      return `Must be at most ${requirement} long`;
    case 'non_empty':
      return 'Must not be empty';
    case 'min_value':
      return `Must be at least ${String(requirement)}`;
    case 'max_value':
      return `Must be at most ${String(requirement)}`;
    case 'integer':
      return 'Must be a whole number';
    case 'email':
      return 'Not a valid email address';
    case 'iso_date':
      return 'A date must look like YYYY-MM-DD';
    case 'iso_timestamp':
    case 'iso_date_time':
      return 'A time must be ISO 8601, e.g. 2026-01-31T08:00:00+08:00';
    case 'regex':
      return 'Not in the expected format';
    case 'min_bytes':
    case 'max_bytes':
      return `Size out of range (${requirement})`;
    default:
      return `Invalid value (${type})`;
  }
}

let installed = false;
export function installZhMessages() {
  if (installed) return;
  installed = true;
  v.setGlobalMessage(zhMessage);
  v.setGlobalMessage(enMessage, 'en');
}

/** `a.b.0.c` for an issue's path, from valibot or from a Standard Schema issue. */
export function issuePath(issue: { path?: readonly unknown[] }): string {
  return (issue.path ?? [])
    .map((p) => (typeof p === 'object' && p !== null && 'key' in p ? (p as { key: unknown }).key : p))
    .map(String)
    .join('.');
}

/** A message for a schema's own check, in the language the request asked for. */
export const msg =
  (zh: string, en: string) =>
  (issue: v.BaseIssue<unknown>): string =>
    issue.lang === 'en' ? en : zh;
