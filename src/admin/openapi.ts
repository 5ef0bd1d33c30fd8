import { z } from 'zod';
import { CSRF_HEADER } from './http/csrf.js';
import type { AnyRoute } from './route.js';
import { errorSchema } from './schemas/common.js';

type JsonSchema = Record<string, unknown>;

/** JSON Schema (2020-12, the dialect of OpenAPI 3.1) of one zod schema, without its `$schema` line. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

const ERRORS: Record<string, string> = {
  '401': 'No session cookie or API token, or one that is not valid',
  '403': 'Signed in, but this role or this kind of credential may not do this (or CSRF token / Origin missing or wrong)',
  '404': 'No such resource in this tenant (also: a resource of another tenant)',
  '412': 'If-Match does not match the current ETag: read the resource again',
  '422': 'The input is not valid; details.fields names each wrong field',
  '429': 'Too many requests; Retry-After says when to try again',
};

function errorResponses(route: AnyRoute): Record<string, unknown> {
  const codes = ['422'];
  if (route.access.kind !== 'public') codes.push('401', '403', '429');
  if (route.params) codes.push('404');
  if (route.ifMatch) codes.push('412');
  return Object.fromEntries(codes.sort().map((code) => [code, { $ref: `#/components/responses/E${code}` }]));
}

function parameters(route: AnyRoute): unknown[] {
  const list: unknown[] = [];
  for (const [where, schema] of [['path', route.params], ['query', route.query]] as const) {
    if (!schema) continue;
    for (const [name, field] of Object.entries(schema.shape)) {
      const json = jsonSchemaOf(field as z.ZodType, 'input');
      list.push({ name, in: where, required: where === 'path' || !(field as z.ZodType).safeParse(undefined).success, schema: json });
    }
  }
  if (route.ifMatch) list.push({ name: 'If-Match', in: 'header', required: false, schema: { type: 'string' }, description: 'the ETag you read; 412 when the resource changed since' });
  if (route.method !== 'get' && route.access.kind !== 'public') {
    list.push({ name: CSRF_HEADER, in: 'header', required: false, schema: { type: 'string' }, description: 'required with a session cookie: the csrfToken of GET /api/v1/auth/me' });
  }
  return list;
}

/** The OpenAPI 3.1 document of the admin API, built from the route table the router serves. */
export function buildOpenApi(routes: readonly AnyRoute[], prefix = '/api/v1'): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = prefix + route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const status = String(route.status ?? (route.response ? 200 : 204));
    const roles = route.access.kind === 'tenant' ? ` Roles: ${route.access.roles.join(', ')}.` : '';
    (paths[path] ??= {})[route.method] = {
      operationId: route.operationId,
      summary: route.summary,
      description: `Access: ${route.access.kind}.${roles}`,
      tags: [route.tag],
      security: route.access.kind === 'public' ? [] : route.access.kind === 'session' || route.access.kind === 'instanceAdmin' || (route.access.kind === 'tenant' && route.access.sessionOnly) ? [{ cookieAuth: [] }] : [{ cookieAuth: [] }, { bearerAuth: [] }],
      parameters: parameters(route),
      ...(route.body
        ? { requestBody: { required: true, content: Object.fromEntries((route.textBody ?? ['application/json']).map((type) => [type, { schema: jsonSchemaOf(route.body as z.ZodType, 'input'), ...(route.example?.body !== undefined ? { example: route.example.body } : {}) }])) } }
        : {}),
      responses: {
        [status]: route.response
          ? { description: 'OK', content: { [route.textResponse ?? 'application/json']: { schema: jsonSchemaOf(route.response, 'output') } } }
          : { description: 'Done, nothing to return' },
        ...errorResponses(route),
      },
    };
  }
  const error = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  // A schema with a meta id comes out as {$ref: '#/$defs/Error', $defs}: that reference does not resolve from the
  // document root, so the definition itself is published under components.
  const rawError = jsonSchemaOf(errorSchema, 'output') as Record<string, unknown> & { $defs?: Record<string, Record<string, unknown>> };
  const { id: _id, ...errorJson } = rawError.$defs?.Error ?? rawError;
  return {
    openapi: '3.1.0',
    info: {
      title: 'Switchboard admin API',
      version: '1',
      description:
        'Sign in with POST /api/v1/auth/login (session cookie; send X-CSRF-Token on every change) or use a personal API token (Authorization: Bearer sbp_...). Errors are {error: {code, message, details?}}.',
    },
    paths,
    components: {
      schemas: { Error: errorJson },
      responses: Object.fromEntries(Object.entries(ERRORS).map(([code, description]) => [`E${code}`, { description, ...error }])),
      securitySchemes: {
        cookieAuth: { type: 'apiKey', in: 'cookie', name: 'sb_session', description: '__Host-sb_session when PUBLIC_BASE_URL is https' },
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'a personal API token (sbp_...)' },
      },
    },
  };
}
