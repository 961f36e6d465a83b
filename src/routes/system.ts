import { Hono } from '../lib/hono.ts';
import * as v from 'valibot';
import type { AppDeps, AppEnv } from '../env.ts';
import { doc } from '../lib/openapi.ts';

const TenantsResult = v.object({ items: v.array(v.object({ id: v.string(), name: v.string() })) });
const HealthResult = v.object({ status: v.literal('ok'), time: v.string() });

export const systemRoutes = (deps: AppDeps) =>
  new Hono<AppEnv>()
    .get('/health', doc({ tag: '系统', summary: '健康检查', auth: false, ok: { schema: HealthResult } }), (c) =>
      c.json({ status: 'ok' as const, time: deps.clock.now().toISOString() }),
    )
    .get('/v1/tenants', doc({ tag: '系统', summary: '本服务接入的妇联（服务中的）', auth: false, ok: { schema: TenantsResult } }), async (c) =>
      c.json({ items: (await deps.tenants.active()).map((t) => ({ id: t.id, name: t.name })) }),
    );
