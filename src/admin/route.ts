import type { Context } from 'koa';
import type { z } from 'zod';
import type { Principal, Role } from './auth/principal.js';
import type { AdminDeps } from './deps.js';
import type { IfMatch } from './http/etag.js';

/**
 * Who may call a route:
 * - `public`: anyone (sign-in, first-run setup, the OpenAPI document);
 * - `user`: any signed-in principal (cookie session or API token);
 * - `session`: a signed-in browser only (API tokens cannot manage tokens or passwords);
 * - `instanceAdmin`: an instance administrator's session;
 * - `tenant`: a member of the route's `:tenantId` with one of `roles` (instance admins act as admin everywhere);
 *   `sessionOnly` keeps API tokens out.
 */
export type Access =
  | { kind: 'public' }
  | { kind: 'user' }
  | { kind: 'session' }
  | { kind: 'instanceAdmin' }
  | { kind: 'tenant'; roles: readonly Role[]; sessionOnly?: boolean };

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface AuditInput {
  action: string;
  /** Defaults: the route's tenant, the calling user (routes without a caller, such as sign-in, name them). */
  tenantId?: string | null;
  actorUserId?: string | null;
  targetType: string;
  targetId?: string | null;
  /** API representations only (secrets already masked). */
  before?: unknown;
  after?: unknown;
}

type Input<S> = S extends z.ZodType ? z.output<S> : S extends undefined ? undefined : unknown;

/** What a handler gets: validated input, the caller, the tenant it acts in, and the request's facilities. */
export interface Call<A extends Access, P, Q, B> {
  params: Input<P>;
  query: Input<Q>;
  body: Input<B>;
  principal: A extends { kind: 'public' } ? Principal | null : Principal;
  /** The tenant of `:tenantId` and the caller's effective role there. */
  tenant: A extends { kind: 'tenant' } ? { id: string; role: Role } : undefined;
  ifMatch: IfMatch;
  deps: AdminDeps;
  koa: Context;
  /** Sets the answer's ETag. */
  setEtag(updatedAt: Date): void;
  /** Records what this mutation did; written to the audit log once the handler succeeded. */
  audit(entry: AuditInput): void;
}

export interface RouteSpec<A extends Access = Access, P = unknown, Q = unknown, B = unknown, R extends z.ZodType | null = z.ZodType | null> {
  method: Method;
  /** Below /api/v1, Koa style (`/tenants/:tenantId/bots/:botId`). */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  access: A;
  /** Path parameters (a z.object); ids are plain strings: an id that matches nothing answers 404, never 422. */
  params?: P;
  /** Query parameters (a z.object of strings, coerced where needed). */
  query?: Q;
  body?: B;
  /** The answer's schema; what it does not declare never leaves (unknown keys are stripped). null: 204 No Content. */
  response: R;
  /** The body is text of one of these media types (not JSON), validated by `body` as a string. */
  textBody?: readonly string[];
  /** The answer is text of this media type: the handler returns a string (`response` is a z.string()). */
  textResponse?: string;
  /** @defaultValue 200, or 204 when response is null */
  status?: 200 | 201 | 204;
  /** The route reads If-Match (updates and deletes of versioned resources). */
  ifMatch?: boolean;
  /** A POST that changes nothing (a preview): it needs no audit entry. @defaultValue false */
  readOnly?: boolean;
  /** A valid input, shown in the API reference and used by the route-table tests. */
  example?: { body?: unknown; query?: Record<string, string> };
  handler(call: Call<A, P, Q, B>): Promise<R extends z.ZodType ? z.input<R> : void>;
}

/** The type-erased form the router and the OpenAPI builder iterate. */
export interface AnyRoute {
  method: Method;
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  access: Access;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  response: z.ZodType | null;
  textBody?: readonly string[];
  textResponse?: string;
  status?: 200 | 201 | 204;
  ifMatch?: boolean;
  readOnly?: boolean;
  example?: { body?: unknown; query?: Record<string, string> };
  handler(call: Call<Access, unknown, unknown, unknown>): Promise<unknown>;
}

export function defineRoute<
  const A extends Access,
  P extends z.ZodObject | undefined = undefined,
  Q extends z.ZodObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R extends z.ZodType | null = null,
>(spec: RouteSpec<A, P, Q, B, R>): AnyRoute {
  return spec as unknown as AnyRoute;
}

export function isTenantRoute(route: AnyRoute): route is AnyRoute & { access: Extract<Access, { kind: 'tenant' }> } {
  return route.access.kind === 'tenant';
}
