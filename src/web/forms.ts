/**
 * Record forms, generated from the one description of each kind
 * (src/records/kinds.ts): a field's label, type and values give its input; a
 * submitted form becomes the JSON body the API validates, so every message a
 * person sees next to a field is the API's own (valibot, in Chinese).
 */
import { html } from 'hono/html';
import type { FieldSpec } from '../records/fields.ts';
import { fromCell } from '../records/fields.ts';
import type { ResourceDef } from '../records/resources.ts';
import { refTargets } from '../records/resources.ts';
import type { FieldError } from '../lib/errors.ts';
import { csrfInput, type Html, type Viewer } from './layout.ts';

type Row = Record<string, unknown>;
export type Choices = Partial<Record<'orgUnit' | 'household' | 'fieldTrip', { id: string; label: string }[]>>;

/** What a form is about: its fields (a record kind's, or a page's own such as a person's). */
export type FormDef = Pick<ResourceDef, 'fields'>;
/** A posted form, as hono's parseBody({ all: true }) gives it. */
export type PostedForm = Record<string, string | File | (string | File)[]>;

/** The fields a person fills in: writable, and not the person (a record is about the one who writes it). */
export const formFields = (def: FormDef) => Object.entries(def.fields).filter(([name, spec]) => !spec.readOnly && name !== 'personId');

/** A form field's text values (files are not form fields). */
const texts = (v: PostedForm[string] | undefined): string[] | undefined => (v === undefined ? undefined : (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string'));

/** A submitted form as the API's body: '' is absent on create and cleared (null) on update. */
export function bodyFromForm(def: FormDef, form: PostedForm, mode: 'create' | 'update'): Row {
  const body: Row = {};
  for (const [name, spec] of formFields(def)) {
    const values = texts(form[name]);
    if (spec.kind === 'bool') {
      body[name] = values?.[0] === 'on' || values?.[0] === 'true';
      continue;
    }
    if (spec.kind === 'categories') {
      body[name] = (values ?? []).filter(Boolean);
      continue;
    }
    const text = values?.[0];
    const value = text === undefined ? undefined : fromCell(spec, spec.kind === 'instant' && text ? localInstant(text) : text);
    if (value !== undefined) body[name] = value;
    else if (mode === 'update' && text !== undefined && !spec.required && spec.nullable !== false) body[name] = null;
  }
  return body;
}

/** `<input type="datetime-local">` gives Beijing wall time without a zone; the API wants an instant. */
const localInstant = (text: string) => (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(text) ? `${text.length === 16 ? `${text}:00` : text}+08:00` : text);

function input(name: string, spec: FieldSpec, value: unknown, choices: Choices, describedBy: string | undefined, refs: Record<string, keyof Choices>): Html {
  const id = `f-${name}`;
  const req = spec.required ? true : undefined;
  const aria = describedBy ? html` aria-describedby="${describedBy}" aria-invalid="true"` : '';
  const target = (refs[name] as keyof Choices | undefined) ?? refTargets[name];
  if (spec.kind === 'ref' && target && target !== 'person' && choices[target]) {
    return html`<select id="${id}" name="${name}"${req ? ' required' : ''}${aria}>
      <option value="">（请选择）</option>
      ${choices[target]!.map((o) => html`<option value="${o.id}"${o.id === value ? ' selected' : ''}>${o.label}</option>`)}
    </select>`;
  }
  switch (spec.kind) {
    case 'enum':
      return html`<select id="${id}" name="${name}"${req ? ' required' : ''}${aria}>
        <option value="">（请选择）</option>
        ${Object.entries(spec.values ?? {}).map(([k, l]) => html`<option value="${k}"${k === value ? ' selected' : ''}>${l}</option>`)}
      </select>`;
    case 'date':
      return html`<input id="${id}" name="${name}" type="date" value="${String(value ?? '')}"${req ? ' required' : ''}${aria}>`;
    case 'instant':
      return html`<input id="${id}" name="${name}" type="datetime-local" value="${value ? beijingWallTime(String(value)) : ''}"${aria}>`;
    case 'int':
      return html`<input id="${id}" name="${name}" type="number" inputmode="numeric" min="0" step="1" value="${value ?? ''}"${req ? ' required' : ''}${aria}>`;
    default:
      return spec.kind === 'text' && (spec.max ?? 2000) > 300
        ? html`<textarea id="${id}" name="${name}" rows="4"${req ? ' required' : ''}${aria}>${String(value ?? '')}</textarea>`
        : spec.input === 'password'
          ? html`<input id="${id}" name="${name}" type="password" autocomplete="new-password"${req ? ' required' : ''}${aria}>`
          : html`<input id="${id}" name="${name}" type="${spec.input ?? 'text'}" value="${String(value ?? '')}"${req ? ' required' : ''}${aria}>`;
  }
}

/** An instant as Beijing wall time for datetime-local (the tenants' zone is Asia/Shanghai, UTC+8 all year). */
const beijingWallTime = (iso: string) => new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 16);

export interface FormInput {
  def: FormDef;
  action: string;
  values: Row;
  errors: FieldError[];
  choices: Choices;
  viewer: Viewer;
  submitLabel: string;
  /** Where to go after saving (a task page). */
  next?: string;
  /** Choices for reference fields that are not record references (e.g. an org unit's parentId). */
  refs?: Record<string, keyof Choices>;
}

/** A reference shown as a list of names is labelled without its CSV header's “ID” (所属组织ID → 所属组织). */
const labelOf = (name: string, spec: FieldSpec, f: FormInput) => {
  const target = f.refs?.[name] ?? refTargets[name];
  return spec.kind === 'ref' && target && target !== 'person' && f.choices[target] ? spec.label.replace(/ID$/, '') : spec.label;
};

export function recordForm(f: FormInput): Html {
  const errorOf = (name: string) => f.errors.filter((e) => e.path === name || e.path.startsWith(`${name}.`)).map((e) => e.message);
  const general = f.errors.filter((e) => !formFields(f.def).some(([name]) => e.path === name || e.path.startsWith(`${name}.`)));
  return html`<form method="post" action="${f.action}" class="record" novalidate>
    ${csrfInput(f.viewer)}
    ${f.next ? html`<input type="hidden" name="_next" value="${f.next}">` : ''}
    ${general.length ? html`<div class="error" role="alert">${general.map((e) => html`<p>${e.message}</p>`)}</div>` : ''}
    ${formFields(f.def).map(([name, spec]) => {
      const messages = errorOf(name);
      const errId = messages.length ? `e-${name}` : undefined;
      const err = messages.length ? html`<p class="field-error" id="${errId}">${messages.join('；')}</p>` : '';
      const mark = spec.required ? html`<span class="req" aria-hidden="true">*</span>` : '';
      if (spec.kind === 'bool') {
        return html`<div class="field check${messages.length ? ' invalid' : ''}"><label><input type="checkbox" name="${name}"${f.values[name] ? ' checked' : ''}> ${spec.label}</label>${err}</div>`;
      }
      if (spec.kind === 'categories') {
        const chosen = new Set((f.values[name] as string[] | undefined) ?? []);
        return html`<fieldset class="field${messages.length ? ' invalid' : ''}"${errId ? html` aria-describedby="${errId}"` : ''}><legend>${spec.label}</legend>
          ${Object.entries(spec.values ?? {}).map(([k, l]) => html`<label class="choice"><input type="checkbox" name="${name}" value="${k}"${chosen.has(k) ? ' checked' : ''}> ${l}</label>`)}
          ${err}</fieldset>`;
      }
      return html`<div class="field${messages.length ? ' invalid' : ''}"><label for="f-${name}">${labelOf(name, spec, f)}${mark}</label>${input(name, spec, f.values[name], f.choices, errId, f.refs ?? {})}${err}</div>`;
    })}
    <button type="submit" class="primary">${f.submitLabel}</button>
  </form>`;
}
