import { z } from 'zod';
import { consumeSetupToken, lockSetup, unlockSetup } from '../auth/setup-token.js';
import { startSession } from '../auth/sessions.js';
import { ApiError, conflict } from '../http/errors.js';
import { consumeQuietly, blockedForMs } from '../http/rate-limit.js';
import { tooManyRequests } from '../http/errors.js';
import { defineRoute } from '../route.js';
import { meSchema, presentMe } from '../schemas/users.js';
import { createUser, newUserSchema } from '../users/create-user.js';

const TAG = 'setup';

export const setupStatus = defineRoute({
  method: 'get',
  path: '/setup',
  operationId: 'getSetupStatus',
  summary: 'Whether the first administrator still has to be created',
  tag: TAG,
  access: { kind: 'public' },
  response: z.object({ needed: z.boolean() }),
  async handler({ deps }) {
    return { needed: (await deps.repos.users.count()) === 0 };
  },
});

export const setup = defineRoute({
  method: 'post',
  path: '/setup',
  operationId: 'setup',
  summary: 'First run: create the first instance administrator with the setup token printed in the server log',
  tag: TAG,
  access: { kind: 'public' },
  body: newUserSchema.extend({ setupToken: z.string().min(1).max(200) }),
  response: meSchema,
  status: 201,
  example: { body: { setupToken: 'setup_...', email: 'admin@example.com', name: 'Admin', password: 'correct horse battery staple' } },
  async handler({ body, deps, koa, audit }) {
    const waitMs = await blockedForMs(deps.limiters.loginIp, koa.ip);
    if (waitMs > 0) throw tooManyRequests(waitMs, 'too many failed attempts');
    if (!(await lockSetup(deps))) throw conflict('setup_in_progress', 'another setup is running; try again in a moment');
    try {
      if ((await deps.repos.users.count()) > 0) throw conflict('setup_done', 'setup is done: sign in instead');
      if (!(await consumeSetupToken(deps, body.setupToken))) {
        await consumeQuietly(deps.limiters.loginIp, koa.ip);
        throw new ApiError(403, 'setup_token_invalid', 'wrong setup token: use the one printed in the server log at start');
      }
      const user = await createUser(deps.repos.users, { email: body.email, name: body.name, password: body.password, isInstanceAdmin: true });
      const { csrfToken } = await startSession(koa, deps, user);
      audit({ action: 'setup.first_admin', targetType: 'user', targetId: user.id, tenantId: null, actorUserId: user.id });
      return presentMe({ kind: 'session', user, sessionId: '', csrfToken }, deps, csrfToken);
    } finally {
      await unlockSetup(deps);
    }
  },
});

export const SETUP_ROUTES = [setupStatus, setup];
