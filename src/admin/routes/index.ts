import type { AnyRoute } from '../route.js';
import { AUTH_ROUTES } from './auth.js';
import { BOT_ROUTES } from './bots.js';
import { CONFIG_ROUTES } from './config.js';
import { BOT_TEST_ROUTES, WORKFLOW_TEST_ROUTES } from './connection-tests.js';
import { CONVERSATION_ROUTES } from './conversations.js';
import { MEMBER_ROUTES } from './members.js';
import { MESSAGE_ROUTES } from './messages.js';
import { PLATFORM_ROUTES } from './platforms.js';
import { SETUP_ROUTES } from './setup.js';
import { TENANT_ROUTES } from './tenants.js';
import { TOKEN_ROUTES } from './tokens.js';
import { USAGE_ROUTES } from './usage.js';
import { WORKFLOW_ROUTES } from './workflows.js';

/** The route table: the router serves it, the OpenAPI document describes it, the route-table tests walk it. */
export const ADMIN_ROUTES: readonly AnyRoute[] = [
  ...SETUP_ROUTES,
  ...AUTH_ROUTES,
  ...PLATFORM_ROUTES,
  ...TENANT_ROUTES,
  ...MEMBER_ROUTES,
  ...TOKEN_ROUTES,
  ...WORKFLOW_TEST_ROUTES,
  ...WORKFLOW_ROUTES,
  ...BOT_TEST_ROUTES,
  ...BOT_ROUTES,
  ...CONFIG_ROUTES,
  ...MESSAGE_ROUTES,
  ...CONVERSATION_ROUTES,
  ...USAGE_ROUTES,
];
