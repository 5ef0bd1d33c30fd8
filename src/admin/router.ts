import Router from '@koa/router';
import type { Context, Middleware, Next } from 'koa';
import { authenticate, tenantRole } from './auth/authenticate.js';
import { principalKey, type Principal, type Role } from './auth/principal.js';
import type { AdminDeps } from './deps.js';
import { docsPage } from './docs-page.js';
import { assertCsrfToken, assertSameOrigin, isMutation } from './http/csrf.js';
import { forbidden, notFound, unauthorized } from './http/errors.js';
import { etagOf, parseIfMatch } from './http/etag.js';
import { readJsonBody } from './http/json-body.js';
import { readTextBody } from './http/text-body.js';
import { consumeOrReject } from './http/rate-limit.js';
import { validate } from './http/validate.js';
import { buildOpenApi } from './openapi.js';
import type { AnyRoute, AuditInput, Call } from './route.js';
import { ADMIN_ROUTES } from './routes/index.js';

export const API_PREFIX = '/api/v1';

/**
 * The admin API: every route of the table under /api/v1, the OpenAPI document built from the same table at
 * /api/v1/openapi.json, and the API reference page at /api/docs. Other paths pass through.
 */
export function createAdminApi(deps: AdminDeps, routes: readonly AnyRoute[] = ADMIN_ROUTES): Middleware {
  const router = new Router({ prefix: API_PREFIX });
  const openApi = buildOpenApi(routes);
  router.get('/openapi.json', (ctx) => {
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = openApi;
  });
  for (const route of routes) router[route.method](route.path, (ctx: Context) => handle(route, ctx, deps));
  const docs = docsPage('/api/docs', `${API_PREFIX}/openapi.json`);
  const routed = router.routes();
  const unknownApiPath = async (ctx: Context, next: Next) => {
    if (ctx.path === '/api' || ctx.path.startsWith('/api/')) throw notFound(`route ${ctx.method} ${ctx.path}`);
    await next();
  };
  return (ctx, next) => routed(ctx as Parameters<typeof routed>[0], () => docs(ctx, () => unknownApiPath(ctx, next)));
}

async function handle(route: AnyRoute, ctx: Context, deps: AdminDeps): Promise<void> {
  const mutation = isMutation(ctx.method);
  // A stale cookie never stands in the way of signing in again.
  const principal = route.access.kind === 'public' ? await authenticate(ctx, deps).catch(() => null) : await authenticate(ctx, deps);
  if (route.access.kind !== 'public' && !principal) throw unauthorized('no session cookie or API token');
  if (mutation) {
    assertSameOrigin(ctx, deps.publicBaseUrl);
    if (principal?.kind === 'session' && route.access.kind !== 'public') assertCsrfToken(ctx, principal.csrfToken);
  }
  const tenant = principal ? await authorize(route, principal, ctx, deps) : undefined;
  if (mutation && principal) await consumeOrReject(deps.limiters.mutations, principalKey(principal), 'too many changes from this session');

  const params = route.params ? validate('params', route.params, ctx.params) : undefined;
  const query = route.query ? validate('query', route.query, ctx.query) : undefined;
  const body = route.body ? validate('body', route.body, route.textBody ? await readTextBody(ctx, route.textBody) : await readJsonBody(ctx)) : undefined;
  const audits: AuditInput[] = [];
  const call: Call<AdminAccess, unknown, unknown, unknown> = {
    params,
    query,
    body,
    principal: principal as Principal,
    tenant,
    ifMatch: parseIfMatch(route.ifMatch ? ctx.get('if-match') : undefined),
    deps,
    koa: ctx,
    setEtag: (updatedAt) => ctx.set('ETag', etagOf(updatedAt)),
    audit: (entry) => audits.push(entry),
  };
  const result = await route.handler(call as Call<AdminAccess, unknown, unknown, unknown>);
  if (mutation && !route.readOnly && audits.length === 0) throw new Error(`${route.operationId} changed something without an audit entry`);
  for (const entry of audits) await writeAudit(entry, call, ctx, deps);
  if (route.response === null) {
    ctx.status = 204;
    return;
  }
  // Only what the schema declares leaves: a field a handler added by mistake is stripped here.
  ctx.status = route.status ?? 200;
  if (route.textResponse) ctx.type = route.textResponse;
  ctx.body = route.response.parse(result);
  ctx.set('Cache-Control', 'no-store');
}

type AdminAccess = AnyRoute['access'];

/** 403 for a route the caller's kind or role may not use; 404 for a tenant that is not theirs. */
async function authorize(route: AnyRoute, principal: Principal, ctx: Context, deps: AdminDeps): Promise<{ id: string; role: Role } | undefined> {
  const access = route.access;
  switch (access.kind) {
    case 'public':
    case 'user':
      return undefined;
    case 'session':
      if (principal.kind !== 'session') throw forbidden('session_required', 'API tokens cannot use this route; sign in');
      return undefined;
    case 'instanceAdmin':
      if (principal.kind !== 'session' || !principal.user.isSuperAdmin) throw forbidden('instance_admin_required', 'only an instance administrator may do this');
      return undefined;
    case 'tenant': {
      const tenantId = String(ctx.params.tenantId ?? '');
      const role = await tenantRole(principal, tenantId, deps);
      if (!role) throw notFound('tenant');
      if (access.sessionOnly && principal.kind !== 'session') throw forbidden('session_required', 'API tokens cannot use this route; sign in');
      if (!access.roles.includes(role)) throw forbidden('role_forbidden', `your role (${role}) may not do this; it needs ${access.roles.join(' or ')}`);
      return { id: tenantId, role };
    }
  }
}

async function writeAudit(entry: AuditInput, call: Call<AdminAccess, unknown, unknown, unknown>, ctx: Context, deps: AdminDeps): Promise<void> {
  const principal = call.principal as Principal | null;
  await deps.repos.audit.record({
    tenantId: entry.tenantId !== undefined ? entry.tenantId : (call.tenant?.id ?? null),
    actorUserId: entry.actorUserId !== undefined ? entry.actorUserId : (principal?.user.id ?? null),
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    details: {
      ...(entry.before !== undefined ? { before: entry.before } : {}),
      ...(entry.after !== undefined ? { after: entry.after } : {}),
      ...(principal?.kind === 'token' ? { viaApiToken: principal.tokenId } : {}),
    },
    requestId: typeof ctx.state.requestId === 'string' ? ctx.state.requestId : null,
    ip: ctx.ip || null,
  });
}
