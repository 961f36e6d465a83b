/**
 * Messages for valibot issues: Chinese (the default language of every
 * error) and plain English for `Accept-Language: en`, written for a person
 * rather than valibot's own "Invalid key: Expected …". @valibot/i18n does
 * not support valibot 1.x (its peer range ends below 1), hence this table.
 */
import * as v from 'valibot';

/** The words of one language; `messageIn` turns them into valibot's message function. */
interface Words {
  required: string;
  notAllowed: string;
  choice: (expected: string) => string;
  wrongType: (typeName: string, received: string) => string;
  typeNames: Record<string, string>;
  /** One message per validation (action) type; `r` is its requirement. */
  checks: Record<string, (r: unknown) => string>;
  other: (type: string) => string;
}

const zh: Words = {
  required: '缺少必填字段',
  notAllowed: '不允许的字段',
  choice: (e) => `取值无效，可选值为 ${e}`,
  wrongType: (t, r) => `类型错误：应为${t}，实际为 ${r}`,
  typeNames: { string: '字符串', number: '数字', boolean: '布尔值', object: '对象', strict_object: '对象', loose_object: '对象', array: '数组', integer: '整数', date: '日期', null: 'null', nullable: '值或 null', literal: '指定的值' },
  checks: {
    min_length: (r) => `长度不能少于 ${r}`,
    max_length: (r) => `长度不能超过 ${r}`,
    non_empty: () => '不能为空',
    min_value: (r) => `不能小于 ${String(r)}`,
    max_value: (r) => `不能大于 ${String(r)}`,
    integer: () => '须为整数',
    email: () => '邮箱格式不正确',
    iso_date: () => '日期格式应为 YYYY-MM-DD',
    iso_timestamp: () => '时间格式应为 ISO 8601，例如 2026-01-31T08:00:00+08:00',
    iso_date_time: () => '时间格式应为 ISO 8601，例如 2026-01-31T08:00:00+08:00',
    regex: () => '格式不正确',
    min_bytes: (r) => `字节数超出范围（${r}）`,
    max_bytes: (r) => `字节数超出范围（${r}）`,
  },
  other: (t) => `取值无效（${t}）`,
};

const en: Words = {
  required: 'This field is required',
  notAllowed: 'This field is not allowed',
  choice: (e) => `Not one of the allowed values: ${e}`,
  wrongType: (t, r) => `Expected ${t}, got ${r}`,
  typeNames: { strict_object: 'an object', loose_object: 'an object', object: 'an object', array: 'a list', string: 'text', number: 'a number', boolean: 'true or false', integer: 'a whole number', nullable: 'a value or null' },
  checks: {
    min_length: (r) => `Must be at least ${r} long`,
    max_length: (r) => `Must be at most ${r} long`,
    non_empty: () => 'Must not be empty',
    min_value: (r) => `Must be at least ${String(r)}`,
    max_value: (r) => `Must be at most ${String(r)}`,
    integer: () => 'Must be a whole number',
    email: () => 'Not a valid email address',
    iso_date: () => 'A date must look like YYYY-MM-DD',
    iso_timestamp: () => 'A time must be ISO 8601, e.g. 2026-01-31T08:00:00+08:00',
    iso_date_time: () => 'A time must be ISO 8601, e.g. 2026-01-31T08:00:00+08:00',
    regex: () => 'Not in the expected format',
    min_bytes: (r) => `Size out of range (${r})`,
    max_bytes: (r) => `Size out of range (${r})`,
  },
  other: (t) => `Invalid value (${t})`,
};

const CHOICES = new Set(['picklist', 'enum', 'union', 'variant', 'literal']);

function messageIn(w: Words) {
  return (issue: v.BaseIssue<unknown>): string => {
    const { type, expected, received, requirement } = issue as v.BaseIssue<unknown> & { requirement?: unknown };
    if (issue.kind === 'schema') {
      if (received === 'undefined') return w.required;
      if (expected === 'never') return w.notAllowed;
      if (CHOICES.has(type)) return w.choice(String(expected));
      return w.wrongType(w.typeNames[type] ?? String(expected), received);
    }
    return w.checks[type]?.(requirement) ?? w.other(type);
  };
}

export const zhMessage = messageIn(zh);
export const enMessage = messageIn(en);

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
