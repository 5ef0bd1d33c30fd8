import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

export const CSRF_HEADER = 'X-CSRF-Token';

let csrfToken: string | null = null;

/** The session's CSRF token (from sign-in, setup or GET /auth/me), sent on every change made with the cookie. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

const csrf: Middleware = {
  onRequest({ request }) {
    if (csrfToken && request.method !== 'GET' && request.method !== 'HEAD') request.headers.set(CSRF_HEADER, csrfToken);
    return request;
  },
};

/** Typed by the server's OpenAPI document: paths, parameters, bodies and answers are checked at compile time. */
export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });
api.use(csrf);
