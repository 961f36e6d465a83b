/**
 * Record forms and lists for every record kind, generated from the kind
 * descriptions (src/records/kinds.ts). Saving goes through the API, so a
 * refusal comes back as the API's Chinese messages next to the fields and
 * nothing is written.
 */
import { Hono } from '../lib/hono.ts';
import type { Context } from 'hono';
import { html } from 'hono/html';
import type { TenantConfig } from '../tenants/schema.ts';
import { resourceByPath, resources, type ResourceDef } from '../records/resources.ts';
import type { FieldError } from '../lib/errors.ts';
import { toCell } from '../records/fields.ts';
import type { Api } from './api.ts';
import { page, csrfInput, type Viewer } from './layout.ts';
import { bodyFromForm, recordForm, type Choices } from './forms.ts';
import { backHere, formRefusal, noticeOf, one, safeNext, type Kit, type Me, type Row } from './kit.ts';

export const recordPages = (kit: Kit) => {
  const app = new Hono();
  const { sameOrigin, signedInPage, signedInPost, errorPage } = kit;

  const mayRecord = (def: ResourceDef, me: Me) => !def.supervisorsOnly || me.access !== 'member';

  async function choicesFor(api: Api, def: ResourceDef, me: Me): Promise<Choices> {
    const choices: Choices = {};
    const names = Object.keys(def.fields);
    if (names.some((n) => /OrgUnitId$|^orgUnitId$/.test(n))) {
      const units = await api<{ items: { id: string; name: string }[] }>('GET', '/org-units?flat=true');
      if (units.ok) choices.orgUnit = units.data.items.map((u) => ({ id: u.id, label: u.name }));
    }
    if (names.includes('householdId')) {
      const hs = await api<{ items: { id: string; address?: string; headName?: string | null }[] }>('GET', '/households?limit=200');
      if (hs.ok) choices.household = hs.data.items.map((h) => ({ id: h.id, label: [h.headName, h.address].filter(Boolean).join(' · ') || h.id }));
    }
    if (names.includes('fieldTripId')) {
      const ts = await api<{ items: { id: string; startDate: string; endDate: string; purpose?: string | null }[] }>('GET', `/field-trips?person=${me.id}&limit=200`);
      if (ts.ok) choices.fieldTrip = ts.data.items.map((t) => ({ id: t.id, label: `${t.startDate}至${t.endDate}${t.purpose ? ` ${t.purpose}` : ''}` }));
    }
    return choices;
  }

  /** What a list shows of a record: its date and its first few filled-in fields, in Chinese. */
  function summary(def: ResourceDef, row: Row): string {
    return Object.entries(def.fields)
      .filter(([name, spec]) => name !== def.dateField && spec.kind !== 'ref' && row[name] !== null && row[name] !== undefined && row[name] !== '' && !(Array.isArray(row[name]) && !(row[name] as unknown[]).length))
      .slice(0, 3)
      .map(([name, spec]) => `${spec.label}：${toCell(spec, row[name])}`.slice(0, 80))
      .join('；');
  }

  app.get('/:tenant/records', signedInPage((c, s) => {
    const tenant = s.tenant;
    const kinds = resources.filter((d) => mayRecord(d, s.me));
    return c.html(
      page({
        tenant,
        title: '我的记录',
        viewer: s.viewer,
        body: html`<ul class="kinds">${kinds.map((d) => html`<li><a href="/${tenant.id}/records/${d.path}">${d.label}</a> <a class="button small" href="/${tenant.id}/records/${d.path}/new">登记</a></li>`)}</ul>`,
      }),
    );
  }));

  const recordDef = (c: Context) => resourceByPath.get(c.req.param('path') ?? '');
  /** A record kind's route: 404 for an unknown kind before anything else. */
  const ofKind = (route: (def: ResourceDef) => (c: Context) => Promise<Response>) => (c: Context) => {
    const def = recordDef(c);
    return def ? route(def)(c) : c.notFound();
  };

  app.get('/:tenant/records/:path', ofKind((def) => signedInPage(async (c, s) => {
    const tenant = s.tenant;
    const query = new URLSearchParams({ limit: '100' });
    if (def.personal) query.set('person', s.me.id);
    const res = await s.api<{ items: Row[] }>('GET', `/${def.path}?${query}`);
    if (!res.ok) return errorPage(c, tenant, res.status === 403 ? 403 : 400, res.error!.message, s.viewer);
    const dateOf = (r: Row) => String(r[def.dateField ?? 'createdAt'] ?? '').slice(0, 10);
    const rows = res.data.items.sort((a, b) => String(b[def.dateField ?? 'createdAt'] ?? '').localeCompare(String(a[def.dateField ?? 'createdAt'] ?? '')));
    const dateLabel = def.dateField ? def.fields[def.dateField].label : '登记时间';
    const body = html`${mayRecord(def, s.me) ? html`<p><a class="button primary" href="/${tenant.id}/records/${def.path}/new">登记${def.label}</a></p>` : ''}
      ${rows.length
        ? html`<table class="records"><caption>${def.label}（${rows.length}条）</caption><thead><tr><th scope="col">${dateLabel}</th><th scope="col">内容</th><th scope="col">操作</th></tr></thead><tbody>
          ${rows.map(
            (r) => html`<tr><td>${dateOf(r)}</td><td>${summary(def, r)}</td>
              <td class="actions"><a href="/${tenant.id}/records/${def.path}/${String(r.id)}">修改</a>
              <form method="post" action="/${tenant.id}/records/${def.path}/${String(r.id)}/delete" class="inline">${csrfInput(s.viewer)}<button type="submit" class="link danger" aria-label="删除 ${dateOf(r)} 的${def.label}">删除</button></form></td></tr>`,
          )}</tbody></table>`
        : html`<p class="muted">还没有${def.label}记录。</p>`}`;
    return c.html(page({ tenant, title: def.label, viewer: s.viewer, notice: noticeOf(c), body }));
  })));

  const formPage = async (c: Context, tenant: TenantConfig, def: ResourceDef, s: { api: Api; me: Me; viewer: Viewer }, opts: { id?: string; values: Row; errors?: FieldError[]; next?: string; message?: string }, status: 200 | 400 | 403 = 200) =>
    c.html(
      page({
        tenant,
        title: `${opts.id ? '修改' : '登记'}${def.label}`,
        viewer: s.viewer,
        body: html`${opts.message ? html`<p class="error" role="alert">${opts.message}</p>` : ''}
          ${def.path === 'household-visits' && !opts.id ? html`<p class="muted">住户不在列表中？<a href="/${tenant.id}/records/households/new?next=${encodeURIComponent(backHere(c))}">先新增住户</a></p>` : ''}
          ${recordForm({
            def,
            action: `/${tenant.id}/records/${def.path}${opts.id ? `/${opts.id}` : ''}`,
            values: opts.values,
            errors: opts.errors ?? [],
            choices: await choicesFor(s.api, def, s.me),
            viewer: s.viewer,
            submitLabel: opts.id ? '保存修改' : '保存',
            next: opts.next,
          })}`,
      }),
      status,
    );

  app.get('/:tenant/records/:path/new', ofKind((def) => signedInPage((c, s) => {
    const tenant = s.tenant;
    if (!mayRecord(def, s.me)) return errorPage(c, tenant, 403, `${def.label}由督导或管理员登记。`, s.viewer);
    const values: Row = {};
    for (const [name, value] of Object.entries(c.req.query())) if (def.fields[name]) values[name] = value;
    if (!values.orgUnitId && s.me.orgUnitId && def.fields.orgUnitId && !def.fields.orgUnitId.readOnly) values.orgUnitId = s.me.orgUnitId;
    return formPage(c, tenant, def, s, { values, next: safeNext(tenant.id, c.req.query('next')) });
  })));

  /** Create or update through the API; on a refusal the form comes back with the API's messages and nothing is written. */
  const save = (def: ResourceDef, id: (c: Context) => string | undefined) => signedInPost(async (c, s, form) => {
    const tenant = s.tenant;
    const next = safeNext(tenant.id, one(form._next));
    const recordId = id(c);
    const body = bodyFromForm(def, form, recordId ? 'update' : 'create');
    const res = recordId ? await s.api('PATCH', `/${def.path}/${recordId}`, body) : await s.api('POST', `/${def.path}`, body);
    if (!res.ok) {
      if (res.status === 404) return errorPage(c, tenant, 404, res.error!.message, s.viewer);
      const values: Row = { ...body };
      for (const [name, v] of Object.entries(form)) if (def.fields[name] && typeof v === 'string' && body[name] === undefined) values[name] = v;
      const r = formRefusal(res);
      return formPage(c, tenant, def, s, { id: recordId, values, errors: r.errors, next, message: r.message }, r.status);
    }
    return c.redirect(next ? `${next}${next.includes('?') ? '&' : '?'}notice=saved` : `/${tenant.id}/records/${def.path}?notice=saved`, 303);
  });

  app.post('/:tenant/records/:path', sameOrigin, ofKind((def) => save(def, () => undefined)));

  app.get('/:tenant/records/:path/:id', ofKind((def) => signedInPage(async (c, s) => {
    const tenant = s.tenant;
    const res = await s.api<Row>('GET', `/${def.path}/${encodeURIComponent(c.req.param('id') ?? '')}`);
    if (!res.ok) return errorPage(c, tenant, res.status === 403 ? 403 : 404, res.status === 403 ? '无权查看这条记录。' : '未找到这条记录，或您无权查看。', s.viewer);
    return formPage(c, tenant, def, s, { id: String(res.data.id), values: res.data });
  })));

  app.post('/:tenant/records/:path/:id', sameOrigin, ofKind((def) => save(def, (c) => c.req.param('id'))));

  app.post('/:tenant/records/:path/:id/delete', sameOrigin, ofKind((def) => signedInPost(async (c, s) => {
    const tenant = s.tenant;
    const res = await s.api('DELETE', `/${def.path}/${encodeURIComponent(c.req.param('id') ?? '')}`);
    if (!res.ok) return errorPage(c, tenant, res.status === 403 ? 403 : 404, res.error!.message, s.viewer);
    return c.redirect(`/${tenant.id}/records/${def.path}?notice=deleted`, 303);
  })));

  return app;
};
