// Generated from /api/v1/openapi.json by `npm run api:types` (scripts/api-types.ts). Do not edit.

export interface paths {
    "/api/v1/setup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Whether the first administrator still has to be created
         * @description Access: public.
         */
        get: operations["getSetupStatus"];
        put?: never;
        /**
         * First run: create the first instance administrator with the setup token printed in the server log
         * @description Access: public.
         */
        post: operations["setup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in: sets the session cookie
         * @description Access: public.
         */
        post: operations["login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign out: ends this session
         * @description Access: session.
         */
        post: operations["logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller: user, tenants and roles, CSRF token
         * @description Access: user.
         */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Change your password: every session of yours ends, this client gets a new one
         * @description Access: session.
         */
        post: operations["changePassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/set-password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Accept an invitation: set your password with the one-time token you were given
         * @description Access: public.
         */
        post: operations["setPassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/platforms": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every platform and mode of this build: what it is, setup steps, credential and settings fields as JSON Schema (secrets writeOnly)
         * @description Access: user.
         */
        get: operations["listPlatforms"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tenants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The tenants you may act in, with your role there
         * @description Access: user.
         */
        get: operations["listTenants"];
        put?: never;
        /**
         * Create a tenant (instance administrators)
         * @description Access: instanceAdmin.
         */
        post: operations["createTenant"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tenants/{tenantId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One tenant
         * @description Access: tenant. Roles: admin, builder, operator.
         */
        get: operations["getTenant"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Rename a tenant (the slug stays)
         * @description Access: tenant. Roles: admin.
         */
        patch: operations["updateTenant"];
        trace?: never;
    };
    "/api/v1/tenants/{tenantId}/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The tenant's audit log, newest first (secrets masked)
         * @description Access: tenant. Roles: admin.
         */
        get: operations["listAuditLog"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tenants/{tenantId}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Members of the tenant and their roles
         * @description Access: tenant. Roles: admin.
         */
        get: operations["listMembers"];
        put?: never;
        /**
         * Add a member: an existing user joins; a new address gets an invitation (a one-time set-password token)
         * @description Access: tenant. Roles: admin.
         */
        post: operations["addMember"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tenants/{tenantId}/members/{userId}/invitation": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A new invitation token for a member who has not set a password yet (the old one stops working)
         * @description Access: tenant. Roles: admin.
         */
        post: operations["renewInvitation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tenants/{tenantId}/members/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Change a member's role
         * @description Access: tenant. Roles: admin.
         */
        put: operations["changeMemberRole"];
        post?: never;
        /**
         * Remove a member from the tenant (their API tokens for it are revoked)
         * @description Access: tenant. Roles: admin.
         */
        delete: operations["removeMember"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tenants/{tenantId}/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Your API tokens in this tenant (a tenant admin sees everyone's)
         * @description Access: tenant. Roles: admin, builder, operator.
         */
        get: operations["listApiTokens"];
        put?: never;
        /**
         * Make a personal API token for this tenant; the token is in this answer only
         * @description Access: tenant. Roles: admin, builder, operator.
         */
        post: operations["createApiToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tenants/{tenantId}/tokens/{tokenId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke an API token (yours; a tenant admin may revoke any)
         * @description Access: tenant. Roles: admin, builder, operator.
         */
        delete: operations["revokeApiToken"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tenants/{tenantId}/workflows/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Test a workflow's values before saving them (nothing is saved); the masked apiKey sent back needs the saved workflow's id
         * @description Access: tenant. Roles: admin, builder.
         */
        post: operations["testUnsavedWorkflow"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tenants/{tenantId}/workflows/{workflowId}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Test a saved workflow with its stored key: reachable, key accepted, app type and required inputs (Dify), as a report
         * @description Access: tenant. Roles: admin, builder.
         */
        post: operations["testWorkflow"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tenants/{tenantId}/workflows": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The tenant's workflows (keys masked)
         * @description Access: tenant. Roles: admin, builder, operator.
         */
        get: operations["listWorkflows"];
        put?: never;
        /**
         * Create a workflow (a Dify app or a generic HTTP backend)
         * @description Access: tenant. Roles: admin, builder.
         */
        post: operations["createWorkflow"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tenants/{tenantId}/workflows/preview-inputs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Render an input mapping against a sample message (nothing is saved or sent)
         * @description Access: tenant. Roles: admin, builder.
         */
        post: operations["previewWorkflowInputs"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tenants/{tenantId}/workflows/{workflowId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One workflow (key masked); its ETag for If-Match
         * @description Access: tenant. Roles: admin, builder, operator.
         */
        get: operations["getWorkflow"];
        put?: never;
        post?: never;
        /**
         * Delete a workflow no bot is bound to (409 naming the bots otherwise)
         * @description Access: tenant. Roles: admin, builder.
         */
        delete: operations["deleteWorkflow"];
        options?: never;
        head?: never;
        /**
         * Change a workflow; the masked apiKey sent back keeps the stored key; settings and inputMapping replace the whole object
         * @description Access: tenant. Roles: admin, builder.
         */
        patch: operations["updateWorkflow"];
        trace?: never;
    };
    "/api/v1/tenants/{tenantId}/bots/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Test a bot's values before saving them (the form's Test connection): checked with the platform's schema first (422), nothing is saved; a masked secret sent back needs the saved bot's id
         * @description Access: tenant. Roles: admin, builder.
         */
        post: operations["testUnsavedBot"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tenants/{tenantId}/bots/{botId}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Test a saved bot's connection to its platform with its stored credentials: what passed, what failed, what to do, and the setup facts to paste into the platform
         * @description Access: tenant. Roles: admin, builder.
         */
        post: operations["testBot"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tenants/{tenantId}/bots": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The tenant's bots (secrets masked)
         * @description Access: tenant. Roles: admin, builder, operator.
         */
        get: operations["listBots"];
        put?: never;
        /**
         * Create a bot; credentials and settings are checked with the platform's schema (GET /api/v1/platforms)
         * @description Access: tenant. Roles: admin, builder.
         */
        post: operations["createBot"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tenants/{tenantId}/bots/{botId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One bot (secrets masked); its ETag for If-Match
         * @description Access: tenant. Roles: admin, builder, operator.
         */
        get: operations["getBot"];
        put?: never;
        post?: never;
        /**
         * Delete a bot with its conversations and messages
         * @description Access: tenant. Roles: admin, builder.
         */
        delete: operations["deleteBot"];
        options?: never;
        head?: never;
        /**
         * Change a bot. credentials is a merge patch (null removes a field, a mask sent back keeps the value); settings replaces the whole object
         * @description Access: tenant. Roles: admin, builder.
         */
        patch: operations["updateBot"];
        trace?: never;
    };
    "/api/v1/tenants/{tenantId}/bots/{botId}/enable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Enable a bot (only when its configuration is complete and valid)
         * @description Access: tenant. Roles: admin, builder.
         */
        post: operations["enableBot"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tenants/{tenantId}/bots/{botId}/disable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Disable a bot: its callbacks are refused from now on
         * @description Access: tenant. Roles: admin, builder.
         */
        post: operations["disableBot"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tenants/{tenantId}/bots/{botId}/workflow": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Bind the bot to a workflow of this tenant (null unbinds)
         * @description Access: tenant. Roles: admin, builder.
         */
        put: operations["bindBotWorkflow"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tenants/{tenantId}/config.yaml": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The tenant's workflows and bots as the declarative YAML `switchboard config apply` reads (same bytes as `switchboard config export`); secrets are ${ENV} references listed in the leading comment
         * @description Access: tenant. Roles: admin, builder.
         */
        get: operations["exportConfig"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tenants/{tenantId}/config": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Apply a declarative YAML file to this tenant (body: application/yaml or text/yaml or application/x-yaml); idempotent. A secret's ${ENV} reference keeps the stored value; errors name line and field (details.fields[].line of config.yaml)
         * @description Access: tenant. Roles: admin, builder.
         */
        post: operations["applyConfig"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tenants/{tenantId}/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Messages, newest first, filtered by bot, status, time range and text; page on with nextCursor
         * @description Access: tenant. Roles: admin, builder, operator.
         */
        get: operations["listMessages"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tenants/{tenantId}/dead-letters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Messages that failed for good (status failed), newest first: the ones replay can send again
         * @description Access: tenant. Roles: admin, builder, operator.
         */
        get: operations["listDeadLetters"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tenants/{tenantId}/messages/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Replay up to 100 messages at once; each gets its own outcome (replied ones are refused, queued ones left alone)
         * @description Access: tenant. Roles: admin, builder, operator.
         */
        post: operations["replayMessages"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tenants/{tenantId}/messages/{messageId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One message: normalized message, inputs sent, answer, files, tokens, cost, latency per stage, runs, deliveries, errors; its ETag for If-Match
         * @description Access: tenant. Roles: admin, builder, operator.
         */
        get: operations["getMessage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tenants/{tenantId}/messages/{messageId}/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a failed message through the pipeline again with a fresh retry budget. A workflow run that succeeded is not repeated (only the send is). 409 when it was replied; replaying a message already queued changes nothing
         * @description Access: tenant. Roles: admin, builder, operator.
         */
        post: operations["replayMessage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tenants/{tenantId}/conversations/{conversationId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One conversation; its ETag for If-Match
         * @description Access: tenant. Roles: admin, builder, operator.
         */
        get: operations["getConversation"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tenants/{tenantId}/conversations/{conversationId}/reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Reset a conversation: the workflow forgets its earlier turns and the next message starts a new workflow conversation
         * @description Access: tenant. Roles: admin, builder, operator.
         */
        post: operations["resetConversation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tenants/{tenantId}/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Per bot and UTC day: messages, failures, p50/p95 latency (arrival to reply), tokens and cost, computed by the database
         * @description Access: tenant. Roles: admin, builder, operator.
         */
        get: operations["getUsage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Error: {
            error: {
                /** @description stable, machine-readable */
                code: string;
                message: string;
                details?: {
                    fields?: {
                        /** @enum {string} */
                        in: "body" | "query" | "params";
                        path: string;
                        code: string;
                        message: string;
                        line?: number;
                    }[];
                } & {
                    [key: string]: unknown;
                };
            };
        };
    };
    responses: {
        /** @description No session cookie or API token, or one that is not valid */
        E401: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Signed in, but this role or this kind of credential may not do this (or CSRF token / Origin missing or wrong) */
        E403: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description No such resource in this tenant (also: a resource of another tenant) */
        E404: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description If-Match does not match the current ETag: read the resource again */
        E412: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The input is not valid; details.fields names each wrong field */
        E422: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Too many requests; Retry-After says when to try again */
        E429: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getSetupStatus: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        needed: boolean;
                    };
                };
            };
            422: components["responses"]["E422"];
        };
    };
    setup: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "setupToken": "setup_...",
                 *       "email": "admin@example.com",
                 *       "name": "Admin",
                 *       "password": "correct horse battery staple"
                 *     }
                 */
                "application/json": {
                    /** Format: email */
                    email: string;
                    name?: string;
                    password: string;
                    setupToken: string;
                };
            };
        };
        responses: {
            /** @description OK */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        user: {
                            id: string;
                            email: string;
                            name: string;
                            isInstanceAdmin: boolean;
                            lastLoginAt: string | null;
                            /** Format: date-time */
                            createdAt: string;
                        };
                        tenants: {
                            tenantId: string;
                            slug: string;
                            name: string;
                            /**
                             * @description admin: credentials, members, everything; builder: bots, workflows, tests; operator: messages, replay, approvals
                             * @enum {string}
                             */
                            role: "admin" | "builder" | "operator";
                        }[];
                        csrfToken: string | null;
                        /** @enum {string} */
                        via: "session" | "token";
                    };
                };
            };
            422: components["responses"]["E422"];
        };
    };
    login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "email": "admin@example.com",
                 *       "password": "correct horse battery staple"
                 *     }
                 */
                "application/json": {
                    email: string;
                    password: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        user: {
                            id: string;
                            email: string;
                            name: string;
                            isInstanceAdmin: boolean;
                            lastLoginAt: string | null;
                            /** Format: date-time */
                            createdAt: string;
                        };
                        tenants: {
                            tenantId: string;
                            slug: string;
                            name: string;
                            /**
                             * @description admin: credentials, members, everything; builder: bots, workflows, tests; operator: messages, replay, approvals
                             * @enum {string}
                             */
                            role: "admin" | "builder" | "operator";
                        }[];
                        csrfToken: string | null;
                        /** @enum {string} */
                        via: "session" | "token";
                    };
                };
            };
            422: components["responses"]["E422"];
        };
    };
    logout: {
        parameters: {
            query?: never;
            header?: {
                /** @description required with a session cookie: the csrfToken of GET /api/v1/auth/me */
                "X-CSRF-Token"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done, nothing to return */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        user: {
                            id: string;
                            email: string;
                            name: string;
                            isInstanceAdmin: boolean;
                            lastLoginAt: string | null;
                            /** Format: date-time */
                            createdAt: string;
                        };
                        tenants: {
                            tenantId: string;
                            slug: string;
                            name: string;
                            /**
                             * @description admin: credentials, members, everything; builder: bots, workflows, tests; operator: messages, replay, approvals
                             * @enum {string}
                             */
                            role: "admin" | "builder" | "operator";
                        }[];
                        csrfToken: string | null;
                        /** @enum {string} */
                        via: "session" | "token";
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    changePassword: {
        parameters: {
            query?: never;
            header?: {
                /** @description required with a session cookie: the csrfToken of GET /api/v1/auth/me */
                "X-CSRF-Token"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "currentPassword": "correct horse battery staple",
                 *       "newPassword": "a new, longer passphrase"
                 *     }
                 */
                "application/json": {
                    currentPassword: string;
                    newPassword: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        user: {
                            id: string;
                            email: string;
                            name: string;
                            isInstanceAdmin: boolean;
                            lastLoginAt: string | null;
                            /** Format: date-time */
                            createdAt: string;
                        };
                        tenants: {
                            tenantId: string;
                            slug: string;
                            name: string;
                            /**
                             * @description admin: credentials, members, everything; builder: bots, workflows, tests; operator: messages, replay, approvals
                             * @enum {string}
                             */
                            role: "admin" | "builder" | "operator";
                        }[];
                        csrfToken: string | null;
                        /** @enum {string} */
                        via: "session" | "token";
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    setPassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "token": "sbi_...",
                 *       "password": "a long passphrase of mine"
                 *     }
                 */
                "application/json": {
                    token: string;
                    password: string;
                };
            };
        };
        responses: {
            /** @description Done, nothing to return */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            422: components["responses"]["E422"];
        };
    };
    listPlatforms: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            platform: string;
                            callbackPathPattern: string;
                            modes: {
                                mode: string;
                                summary: string | null;
                                steps: string[];
                                credentials: {
                                    [key: string]: unknown;
                                };
                                settings: {
                                    [key: string]: unknown;
                                };
                            }[];
                        }[];
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    listTenants: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            tenantId: string;
                            slug: string;
                            name: string;
                            /**
                             * @description admin: credentials, members, everything; builder: bots, workflows, tests; operator: messages, replay, approvals
                             * @enum {string}
                             */
                            role: "admin" | "builder" | "operator";
                        }[];
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    createTenant: {
        parameters: {
            query?: never;
            header?: {
                /** @description required with a session cookie: the csrfToken of GET /api/v1/auth/me */
                "X-CSRF-Token"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "slug": "acme",
                 *       "name": "Acme Corp"
                 *     }
                 */
                "application/json": {
                    slug: string;
                    name: string;
                };
            };
        };
        responses: {
            /** @description OK */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        slug: string;
                        name: string;
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    getTenant: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        slug: string;
                        name: string;
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    updateTenant: {
        parameters: {
            query?: never;
            header?: {
                /** @description the ETag you read; 412 when the resource changed since */
                "If-Match"?: string;
                /** @description required with a session cookie: the csrfToken of GET /api/v1/auth/me */
                "X-CSRF-Token"?: string;
            };
            path: {
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "Acme Corporation"
                 *     }
                 */
                "application/json": {
                    name: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        slug: string;
                        name: string;
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            412: components["responses"]["E412"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    listAuditLog: {
        parameters: {
            query?: {
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            action: string;
                            actorUserId: string | null;
                            targetType: string;
                            targetId: string | null;
                            details: {
                                [key: string]: unknown;
                            } | null;
                            requestId: string | null;
                            ip: string | null;
                            /** Format: date-time */
                            createdAt: string;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    listMembers: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            userId: string;
                            email: string;
                            name: string;
                            /**
                             * @description admin: credentials, members, everything; builder: bots, workflows, tests; operator: messages, replay, approvals
                             * @enum {string}
                             */
                            role: "admin" | "builder" | "operator";
                            pending: boolean;
                            lastLoginAt: string | null;
                            /** Format: date-time */
                            joinedAt: string;
                        }[];
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    addMember: {
        parameters: {
            query?: never;
            header?: {
                /** @description required with a session cookie: the csrfToken of GET /api/v1/auth/me */
                "X-CSRF-Token"?: string;
            };
            path: {
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "email": "builder@example.com",
                 *       "role": "builder",
                 *       "name": "Bea Builder"
                 *     }
                 */
                "application/json": {
                    /** Format: email */
                    email: string;
                    /**
                     * @description admin: credentials, members, everything; builder: bots, workflows, tests; operator: messages, replay, approvals
                     * @enum {string}
                     */
                    role: "admin" | "builder" | "operator";
                    name?: string;
                };
            };
        };
        responses: {
            /** @description OK */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        member: {
                            userId: string;
                            email: string;
                            name: string;
                            /**
                             * @description admin: credentials, members, everything; builder: bots, workflows, tests; operator: messages, replay, approvals
                             * @enum {string}
                             */
                            role: "admin" | "builder" | "operator";
                            pending: boolean;
                            lastLoginAt: string | null;
                            /** Format: date-time */
                            joinedAt: string;
                        };
                        invitation: {
                            /** @description one-time set-password token, shown once: POST /api/v1/auth/set-password */
                            token: string;
                            url: string;
                            /** Format: date-time */
                            expiresAt: string;
                        } | null;
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    renewInvitation: {
        parameters: {
            query?: never;
            header?: {
                /** @description required with a session cookie: the csrfToken of GET /api/v1/auth/me */
                "X-CSRF-Token"?: string;
            };
            path: {
                tenantId: string;
                userId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        invitation: {
                            /** @description one-time set-password token, shown once: POST /api/v1/auth/set-password */
                            token: string;
                            url: string;
                            /** Format: date-time */
                            expiresAt: string;
                        } | null;
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    changeMemberRole: {
        parameters: {
            query?: never;
            header?: {
                /** @description required with a session cookie: the csrfToken of GET /api/v1/auth/me */
                "X-CSRF-Token"?: string;
            };
            path: {
                tenantId: string;
                userId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "role": "operator"
                 *     }
                 */
                "application/json": {
                    /**
                     * @description admin: credentials, members, everything; builder: bots, workflows, tests; operator: messages, replay, approvals
                     * @enum {string}
                     */
                    role: "admin" | "builder" | "operator";
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        userId: string;
                        email: string;
                        name: string;
                        /**
                         * @description admin: credentials, members, everything; builder: bots, workflows, tests; operator: messages, replay, approvals
                         * @enum {string}
                         */
                        role: "admin" | "builder" | "operator";
                        pending: boolean;
                        lastLoginAt: string | null;
                        /** Format: date-time */
                        joinedAt: string;
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    removeMember: {
        parameters: {
            query?: never;
            header?: {
                /** @description required with a session cookie: the csrfToken of GET /api/v1/auth/me */
                "X-CSRF-Token"?: string;
            };
            path: {
                tenantId: string;
                userId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done, nothing to return */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    listApiTokens: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                            /**
                             * @description admin: credentials, members, everything; builder: bots, workflows, tests; operator: messages, replay, approvals
                             * @enum {string}
                             */
                            role: "admin" | "builder" | "operator";
                            userId: string;
                            lastUsedAt: string | null;
                            expiresAt: string | null;
                            /** Format: date-time */
                            createdAt: string;
                        }[];
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    createApiToken: {
        parameters: {
            query?: never;
            header?: {
                /** @description required with a session cookie: the csrfToken of GET /api/v1/auth/me */
                "X-CSRF-Token"?: string;
            };
            path: {
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "ci deploy",
                 *       "role": "builder",
                 *       "expiresInDays": 90
                 *     }
                 */
                "application/json": {
                    name: string;
                    /**
                     * @description admin: credentials, members, everything; builder: bots, workflows, tests; operator: messages, replay, approvals
                     * @enum {string}
                     */
                    role?: "admin" | "builder" | "operator";
                    expiresInDays?: number;
                };
            };
        };
        responses: {
            /** @description OK */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        token: {
                            id: string;
                            name: string;
                            /**
                             * @description admin: credentials, members, everything; builder: bots, workflows, tests; operator: messages, replay, approvals
                             * @enum {string}
                             */
                            role: "admin" | "builder" | "operator";
                            userId: string;
                            lastUsedAt: string | null;
                            expiresAt: string | null;
                            /** Format: date-time */
                            createdAt: string;
                        };
                        /** @description Authorization: Bearer <secret>; shown once */
                        secret: string;
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    revokeApiToken: {
        parameters: {
            query?: never;
            header?: {
                /** @description required with a session cookie: the csrfToken of GET /api/v1/auth/me */
                "X-CSRF-Token"?: string;
            };
            path: {
                tenantId: string;
                tokenId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done, nothing to return */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    testUnsavedWorkflow: {
        parameters: {
            query?: never;
            header?: {
                /** @description required with a session cookie: the csrfToken of GET /api/v1/auth/me */
                "X-CSRF-Token"?: string;
            };
            path: {
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "kind": "dify_chat",
                 *       "baseUrl": "https://dify.example.com/v1",
                 *       "apiKey": "app-xxxxxxxxxxxxxxxx",
                 *       "inputMapping": {
                 *         "customer": "{{sender.id}}"
                 *       }
                 *     }
                 */
                "application/json": {
                    name?: string;
                    /** @enum {string} */
                    kind: "dify_chat" | "dify_workflow" | "dify_completion" | "http";
                    /** Format: uri */
                    baseUrl: string;
                    apiKey: string;
                    /** @default {} */
                    inputMapping?: {
                        [key: string]: string;
                    };
                    /** @default null */
                    outputSelector?: string | null;
                    /**
                     * @default streaming
                     * @enum {string}
                     */
                    responseMode?: "streaming" | "blocking";
                    /** @default 120000 */
                    timeoutMs?: number;
                    /** @default {} */
                    settings?: {
                        [key: string]: unknown;
                    };
                    /** @description The id of the saved bot or workflow whose stored secrets a masked value sent back stands for. */
                    id?: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description every item passed */
                        ok: boolean;
                        items: {
                            name: string;
                            ok: boolean;
                            /** @description one sentence; on failure it says what to fix */
                            detail: string;
                        }[];
                        /** @description what to paste where on the platform: callback URL, Token and EncodingAESKey (WeCom), manifest (Slack) */
                        setup?: {
                            [key: string]: string;
                        };
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    testWorkflow: {
        parameters: {
            query?: never;
            header?: {
                /** @description required with a session cookie: the csrfToken of GET /api/v1/auth/me */
                "X-CSRF-Token"?: string;
            };
            path: {
                tenantId: string;
                workflowId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description every item passed */
                        ok: boolean;
                        items: {
                            name: string;
                            ok: boolean;
                            /** @description one sentence; on failure it says what to fix */
                            detail: string;
                        }[];
                        /** @description what to paste where on the platform: callback URL, Token and EncodingAESKey (WeCom), manifest (Slack) */
                        setup?: {
                            [key: string]: string;
                        };
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    listWorkflows: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                            /** @enum {string} */
                            kind: "dify_chat" | "dify_workflow" | "dify_completion" | "http";
                            baseUrl: string;
                            apiKey: string;
                            inputMapping: {
                                [key: string]: string;
                            };
                            outputSelector: string | null;
                            /** @enum {string} */
                            responseMode: "streaming" | "blocking";
                            timeoutMs: number;
                            settings: {
                                [key: string]: unknown;
                            };
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        }[];
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    createWorkflow: {
        parameters: {
            query?: never;
            header?: {
                /** @description required with a session cookie: the csrfToken of GET /api/v1/auth/me */
                "X-CSRF-Token"?: string;
            };
            path: {
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "support-chat",
                 *       "kind": "dify_chat",
                 *       "baseUrl": "https://dify.example.com/v1",
                 *       "apiKey": "app-xxxxxxxxxxxxxxxx",
                 *       "inputMapping": {
                 *         "customer": "{{sender.id}}"
                 *       },
                 *       "responseMode": "streaming",
                 *       "timeoutMs": 120000,
                 *       "settings": {}
                 *     }
                 */
                "application/json": {
                    name: string;
                    /** @enum {string} */
                    kind: "dify_chat" | "dify_workflow" | "dify_completion" | "http";
                    /** Format: uri */
                    baseUrl: string;
                    apiKey: string;
                    /** @default {} */
                    inputMapping?: {
                        [key: string]: string;
                    };
                    /** @default null */
                    outputSelector?: string | null;
                    /**
                     * @default streaming
                     * @enum {string}
                     */
                    responseMode?: "streaming" | "blocking";
                    /** @default 120000 */
                    timeoutMs?: number;
                    /** @default {} */
                    settings?: {
                        [key: string]: unknown;
                    };
                };
            };
        };
        responses: {
            /** @description OK */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        /** @enum {string} */
                        kind: "dify_chat" | "dify_workflow" | "dify_completion" | "http";
                        baseUrl: string;
                        apiKey: string;
                        inputMapping: {
                            [key: string]: string;
                        };
                        outputSelector: string | null;
                        /** @enum {string} */
                        responseMode: "streaming" | "blocking";
                        timeoutMs: number;
                        settings: {
                            [key: string]: unknown;
                        };
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    previewWorkflowInputs: {
        parameters: {
            query?: never;
            header?: {
                /** @description required with a session cookie: the csrfToken of GET /api/v1/auth/me */
                "X-CSRF-Token"?: string;
            };
            path: {
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "inputMapping": {
                 *         "customer": "{{sender.id}}",
                 *         "question": "Q: {{message.text}}"
                 *       },
                 *       "sample": {
                 *         "text": "Where is my parcel?"
                 *       }
                 *     }
                 */
                "application/json": {
                    inputMapping: {
                        [key: string]: string;
                    };
                    /**
                     * @default {
                     *       "platform": "wecom",
                     *       "text": "Hello, where is my order #1234?",
                     *       "senderId": "user-1",
                     *       "conversationType": "direct"
                     *     }
                     */
                    sample?: {
                        /** @default wecom */
                        platform?: string;
                        /** @default Hello, where is my order #1234? */
                        text?: string;
                        /** @default user-1 */
                        senderId?: string;
                        senderName?: string;
                        /**
                         * @default direct
                         * @enum {string}
                         */
                        conversationType?: "direct" | "group";
                        threadId?: string;
                    };
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        inputs: {
                            [key: string]: string;
                        };
                        /** @description what {{ }} may name */
                        fields: string[];
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    getWorkflow: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenantId: string;
                workflowId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        /** @enum {string} */
                        kind: "dify_chat" | "dify_workflow" | "dify_completion" | "http";
                        baseUrl: string;
                        apiKey: string;
                        inputMapping: {
                            [key: string]: string;
                        };
                        outputSelector: string | null;
                        /** @enum {string} */
                        responseMode: "streaming" | "blocking";
                        timeoutMs: number;
                        settings: {
                            [key: string]: unknown;
                        };
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    deleteWorkflow: {
        parameters: {
            query?: never;
            header?: {
                /** @description the ETag you read; 412 when the resource changed since */
                "If-Match"?: string;
                /** @description required with a session cookie: the csrfToken of GET /api/v1/auth/me */
                "X-CSRF-Token"?: string;
            };
            path: {
                tenantId: string;
                workflowId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done, nothing to return */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            412: components["responses"]["E412"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    updateWorkflow: {
        parameters: {
            query?: never;
            header?: {
                /** @description the ETag you read; 412 when the resource changed since */
                "If-Match"?: string;
                /** @description required with a session cookie: the csrfToken of GET /api/v1/auth/me */
                "X-CSRF-Token"?: string;
            };
            path: {
                tenantId: string;
                workflowId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "timeoutMs": 60000,
                 *       "settings": {
                 *         "fallbackText": "Sorry, try again later."
                 *       }
                 *     }
                 */
                "application/json": {
                    name?: string;
                    /** @enum {string} */
                    kind?: "dify_chat" | "dify_workflow" | "dify_completion" | "http";
                    /** Format: uri */
                    baseUrl?: string;
                    apiKey?: string;
                    inputMapping?: {
                        [key: string]: string;
                    };
                    outputSelector?: string | null;
                    /** @enum {string} */
                    responseMode?: "streaming" | "blocking";
                    timeoutMs?: number;
                    settings?: {
                        [key: string]: unknown;
                    };
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        /** @enum {string} */
                        kind: "dify_chat" | "dify_workflow" | "dify_completion" | "http";
                        baseUrl: string;
                        apiKey: string;
                        inputMapping: {
                            [key: string]: string;
                        };
                        outputSelector: string | null;
                        /** @enum {string} */
                        responseMode: "streaming" | "blocking";
                        timeoutMs: number;
                        settings: {
                            [key: string]: unknown;
                        };
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            412: components["responses"]["E412"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    testUnsavedBot: {
        parameters: {
            query?: never;
            header?: {
                /** @description required with a session cookie: the csrfToken of GET /api/v1/auth/me */
                "X-CSRF-Token"?: string;
            };
            path: {
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "platform": "wecom",
                 *       "mode": "app",
                 *       "credentials": {
                 *         "corpId": "ww0123456789abcdef",
                 *         "agentId": "1000002",
                 *         "secret": "app-secret-from-wecom",
                 *         "token": "CallbackToken123",
                 *         "encodingAesKey": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"
                 *       },
                 *       "settings": {}
                 *     }
                 */
                "application/json": {
                    /** @description The id of the saved bot or workflow whose stored secrets a masked value sent back stands for. */
                    id?: string;
                    name?: string;
                    /** @enum {string} */
                    platform: "wecom" | "dingtalk" | "slack";
                    mode: string;
                    credentials: {
                        [key: string]: string;
                    };
                    /** @default {} */
                    settings?: {
                        [key: string]: unknown;
                    };
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description every item passed */
                        ok: boolean;
                        items: {
                            name: string;
                            ok: boolean;
                            /** @description one sentence; on failure it says what to fix */
                            detail: string;
                        }[];
                        /** @description what to paste where on the platform: callback URL, Token and EncodingAESKey (WeCom), manifest (Slack) */
                        setup?: {
                            [key: string]: string;
                        };
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    testBot: {
        parameters: {
            query?: never;
            header?: {
                /** @description required with a session cookie: the csrfToken of GET /api/v1/auth/me */
                "X-CSRF-Token"?: string;
            };
            path: {
                tenantId: string;
                botId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description every item passed */
                        ok: boolean;
                        items: {
                            name: string;
                            ok: boolean;
                            /** @description one sentence; on failure it says what to fix */
                            detail: string;
                        }[];
                        /** @description what to paste where on the platform: callback URL, Token and EncodingAESKey (WeCom), manifest (Slack) */
                        setup?: {
                            [key: string]: string;
                        };
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    listBots: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            name: string;
                            /** @enum {string} */
                            platform: "wecom" | "dingtalk" | "slack";
                            mode: string;
                            credentials: {
                                [key: string]: string;
                            };
                            settings: {
                                [key: string]: unknown;
                            };
                            enabled: boolean;
                            workflowId: string | null;
                            /** @enum {string} */
                            approvalPolicy: "none" | "always";
                            hookPath: string;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        }[];
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    createBot: {
        parameters: {
            query?: never;
            header?: {
                /** @description required with a session cookie: the csrfToken of GET /api/v1/auth/me */
                "X-CSRF-Token"?: string;
            };
            path: {
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "helpdesk",
                 *       "platform": "wecom",
                 *       "mode": "app",
                 *       "credentials": {
                 *         "corpId": "ww0123456789abcdef",
                 *         "agentId": "1000002",
                 *         "secret": "app-secret-from-wecom",
                 *         "token": "CallbackToken123",
                 *         "encodingAesKey": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"
                 *       },
                 *       "settings": {},
                 *       "enabled": true,
                 *       "workflowId": null,
                 *       "approvalPolicy": "none"
                 *     }
                 */
                "application/json": {
                    name: string;
                    /** @enum {string} */
                    platform: "wecom" | "dingtalk" | "slack";
                    mode: string;
                    credentials: {
                        [key: string]: string;
                    };
                    /** @default {} */
                    settings?: {
                        [key: string]: unknown;
                    };
                    /** @default true */
                    enabled?: boolean;
                    /** @default null */
                    workflowId?: string | null;
                    /**
                     * @default none
                     * @enum {string}
                     */
                    approvalPolicy?: "none" | "always";
                };
            };
        };
        responses: {
            /** @description OK */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        /** @enum {string} */
                        platform: "wecom" | "dingtalk" | "slack";
                        mode: string;
                        credentials: {
                            [key: string]: string;
                        };
                        settings: {
                            [key: string]: unknown;
                        };
                        enabled: boolean;
                        workflowId: string | null;
                        /** @enum {string} */
                        approvalPolicy: "none" | "always";
                        hookPath: string;
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    getBot: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenantId: string;
                botId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        /** @enum {string} */
                        platform: "wecom" | "dingtalk" | "slack";
                        mode: string;
                        credentials: {
                            [key: string]: string;
                        };
                        settings: {
                            [key: string]: unknown;
                        };
                        enabled: boolean;
                        workflowId: string | null;
                        /** @enum {string} */
                        approvalPolicy: "none" | "always";
                        hookPath: string;
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    deleteBot: {
        parameters: {
            query?: never;
            header?: {
                /** @description the ETag you read; 412 when the resource changed since */
                "If-Match"?: string;
                /** @description required with a session cookie: the csrfToken of GET /api/v1/auth/me */
                "X-CSRF-Token"?: string;
            };
            path: {
                tenantId: string;
                botId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done, nothing to return */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            412: components["responses"]["E412"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    updateBot: {
        parameters: {
            query?: never;
            header?: {
                /** @description the ETag you read; 412 when the resource changed since */
                "If-Match"?: string;
                /** @description required with a session cookie: the csrfToken of GET /api/v1/auth/me */
                "X-CSRF-Token"?: string;
            };
            path: {
                tenantId: string;
                botId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "settings": {
                 *         "replyFormat": "text"
                 *       },
                 *       "credentials": {
                 *         "secret": "a-new-app-secret"
                 *       }
                 *     }
                 */
                "application/json": {
                    name?: string;
                    mode?: string;
                    credentials?: {
                        [key: string]: string | null;
                    };
                    settings?: {
                        [key: string]: unknown;
                    };
                    enabled?: boolean;
                    workflowId?: string | null;
                    /** @enum {string} */
                    approvalPolicy?: "none" | "always";
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        /** @enum {string} */
                        platform: "wecom" | "dingtalk" | "slack";
                        mode: string;
                        credentials: {
                            [key: string]: string;
                        };
                        settings: {
                            [key: string]: unknown;
                        };
                        enabled: boolean;
                        workflowId: string | null;
                        /** @enum {string} */
                        approvalPolicy: "none" | "always";
                        hookPath: string;
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            412: components["responses"]["E412"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    enableBot: {
        parameters: {
            query?: never;
            header?: {
                /** @description the ETag you read; 412 when the resource changed since */
                "If-Match"?: string;
                /** @description required with a session cookie: the csrfToken of GET /api/v1/auth/me */
                "X-CSRF-Token"?: string;
            };
            path: {
                tenantId: string;
                botId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        /** @enum {string} */
                        platform: "wecom" | "dingtalk" | "slack";
                        mode: string;
                        credentials: {
                            [key: string]: string;
                        };
                        settings: {
                            [key: string]: unknown;
                        };
                        enabled: boolean;
                        workflowId: string | null;
                        /** @enum {string} */
                        approvalPolicy: "none" | "always";
                        hookPath: string;
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            412: components["responses"]["E412"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    disableBot: {
        parameters: {
            query?: never;
            header?: {
                /** @description the ETag you read; 412 when the resource changed since */
                "If-Match"?: string;
                /** @description required with a session cookie: the csrfToken of GET /api/v1/auth/me */
                "X-CSRF-Token"?: string;
            };
            path: {
                tenantId: string;
                botId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        /** @enum {string} */
                        platform: "wecom" | "dingtalk" | "slack";
                        mode: string;
                        credentials: {
                            [key: string]: string;
                        };
                        settings: {
                            [key: string]: unknown;
                        };
                        enabled: boolean;
                        workflowId: string | null;
                        /** @enum {string} */
                        approvalPolicy: "none" | "always";
                        hookPath: string;
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            412: components["responses"]["E412"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    bindBotWorkflow: {
        parameters: {
            query?: never;
            header?: {
                /** @description the ETag you read; 412 when the resource changed since */
                "If-Match"?: string;
                /** @description required with a session cookie: the csrfToken of GET /api/v1/auth/me */
                "X-CSRF-Token"?: string;
            };
            path: {
                tenantId: string;
                botId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "workflowId": null
                 *     }
                 */
                "application/json": {
                    workflowId: string | null;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        /** @enum {string} */
                        platform: "wecom" | "dingtalk" | "slack";
                        mode: string;
                        credentials: {
                            [key: string]: string;
                        };
                        settings: {
                            [key: string]: unknown;
                        };
                        enabled: boolean;
                        workflowId: string | null;
                        /** @enum {string} */
                        approvalPolicy: "none" | "always";
                        hookPath: string;
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            412: components["responses"]["E412"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    exportConfig: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/yaml; charset=utf-8": string;
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    applyConfig: {
        parameters: {
            query?: never;
            header?: {
                /** @description required with a session cookie: the csrfToken of GET /api/v1/auth/me */
                "X-CSRF-Token"?: string;
            };
            path: {
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example version: 1
                 *     tenants:
                 *       - slug: acme
                 *         name: Acme Support
                 *         workflows: []
                 *         bots: []
                 */
                "application/yaml": string;
                /**
                 * @example version: 1
                 *     tenants:
                 *       - slug: acme
                 *         name: Acme Support
                 *         workflows: []
                 *         bots: []
                 */
                "text/yaml": string;
                /**
                 * @example version: 1
                 *     tenants:
                 *       - slug: acme
                 *         name: Acme Support
                 *         workflows: []
                 *         bots: []
                 */
                "application/x-yaml": string;
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        changed: {
                            /** @enum {string} */
                            kind: "tenant" | "workflow" | "bot";
                            name: string;
                            id: string;
                        }[];
                        unchanged: number;
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    listMessages: {
        parameters: {
            query?: {
                botId?: string;
                from?: string;
                to?: string;
                q?: string;
                limit?: number;
                cursor?: string;
                status?: "queued" | "running" | "awaiting_approval" | "replied" | "failed" | "ignored";
            };
            header?: never;
            path: {
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            botId: string;
                            platform: string;
                            platformMessageId: string;
                            conversationId: string | null;
                            sender: {
                                id: string;
                                name: string | null;
                            };
                            text: string;
                            /** @enum {string} */
                            status: "queued" | "running" | "awaiting_approval" | "replied" | "failed" | "ignored";
                            attempts: number;
                            errorCode: string | null;
                            lastError: string | null;
                            warning: string | null;
                            /** Format: date-time */
                            receivedAt: string;
                            finishedAt: string | null;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    listDeadLetters: {
        parameters: {
            query?: {
                botId?: string;
                from?: string;
                to?: string;
                q?: string;
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            id: string;
                            botId: string;
                            platform: string;
                            platformMessageId: string;
                            conversationId: string | null;
                            sender: {
                                id: string;
                                name: string | null;
                            };
                            text: string;
                            /** @enum {string} */
                            status: "queued" | "running" | "awaiting_approval" | "replied" | "failed" | "ignored";
                            attempts: number;
                            errorCode: string | null;
                            lastError: string | null;
                            warning: string | null;
                            /** Format: date-time */
                            receivedAt: string;
                            finishedAt: string | null;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    replayMessages: {
        parameters: {
            query?: never;
            header?: {
                /** @description required with a session cookie: the csrfToken of GET /api/v1/auth/me */
                "X-CSRF-Token"?: string;
            };
            path: {
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "messageIds": [
                 *         "0193a2b4-0000-7000-8000-000000000000"
                 *       ]
                 *     }
                 */
                "application/json": {
                    messageIds: string[];
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        results: {
                            id: string;
                            /**
                             * @description replayed: back in the queue with a fresh retry budget; already_queued: a replay (or the pipeline) has it already; already_replied: refused, it was answered; not_replayable: refused (ignored or awaiting approval); not_found: no such message in this tenant
                             * @enum {string}
                             */
                            outcome: "replayed" | "already_queued" | "already_replied" | "not_replayable" | "not_found";
                        }[];
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    getMessage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenantId: string;
                messageId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        botId: string;
                        platform: string;
                        platformMessageId: string;
                        conversationId: string | null;
                        sender: {
                            id: string;
                            name: string | null;
                        };
                        text: string;
                        /** @enum {string} */
                        status: "queued" | "running" | "awaiting_approval" | "replied" | "failed" | "ignored";
                        attempts: number;
                        errorCode: string | null;
                        lastError: string | null;
                        warning: string | null;
                        /** Format: date-time */
                        receivedAt: string;
                        finishedAt: string | null;
                        normalized: {
                            conversation: {
                                id: string;
                                type: string;
                                threadId?: string;
                            } | null;
                            mentionsBot: boolean | null;
                            attachments: {
                                kind: string;
                                name?: string;
                                mime?: string;
                                size?: number;
                            }[];
                        };
                        answer: string | null;
                        files: unknown;
                        tokens: {
                            prompt: number;
                            completion: number;
                            total: number;
                        };
                        cost: {
                            amount: string;
                            currency: string | null;
                        } | null;
                        latency: {
                            queuedMs: number | null;
                            workflowMs: number | null;
                            deliveryMs: number | null;
                            totalMs: number | null;
                        };
                        runs: {
                            id: string;
                            attempt: number;
                            status: string;
                            inputs: unknown;
                            answer: string | null;
                            files: unknown;
                            promptTokens: number | null;
                            completionTokens: number | null;
                            totalTokens: number | null;
                            totalPrice: string | null;
                            currency: string | null;
                            latencyMs: number | null;
                            workflowRunId: string | null;
                            errorCode: string | null;
                            error: string | null;
                            /** Format: date-time */
                            startedAt: string;
                            finishedAt: string | null;
                        }[];
                        deliveries: {
                            id: string;
                            runId: string | null;
                            kind: string;
                            status: string;
                            platformMessageId: string | null;
                            attempts: number;
                            errorCode: string | null;
                            error: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        }[];
                        errors: {
                            /** @enum {string} */
                            source: "message" | "run" | "delivery";
                            id: string;
                            code: string | null;
                            message: string;
                        }[];
                        conversation: {
                            id: string;
                            workflowConversationId: string | null;
                            /** Format: date-time */
                            updatedAt: string;
                        } | null;
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    replayMessage: {
        parameters: {
            query?: never;
            header?: {
                /** @description the ETag you read; 412 when the resource changed since */
                "If-Match"?: string;
                /** @description required with a session cookie: the csrfToken of GET /api/v1/auth/me */
                "X-CSRF-Token"?: string;
            };
            path: {
                tenantId: string;
                messageId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /**
                         * @description replayed: back in the queue with a fresh retry budget; already_queued: a replay (or the pipeline) has it already; already_replied: refused, it was answered; not_replayable: refused (ignored or awaiting approval); not_found: no such message in this tenant
                         * @enum {string}
                         */
                        outcome: "replayed" | "already_queued" | "already_replied" | "not_replayable" | "not_found";
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            412: components["responses"]["E412"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    getConversation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenantId: string;
                conversationId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        botId: string;
                        platformConversationId: string;
                        threadKey: string;
                        type: string;
                        workflowConversationId: string | null;
                        /** Format: date-time */
                        lastActivityAt: string;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    resetConversation: {
        parameters: {
            query?: never;
            header?: {
                /** @description the ETag you read; 412 when the resource changed since */
                "If-Match"?: string;
                /** @description required with a session cookie: the csrfToken of GET /api/v1/auth/me */
                "X-CSRF-Token"?: string;
            };
            path: {
                tenantId: string;
                conversationId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        botId: string;
                        platformConversationId: string;
                        threadKey: string;
                        type: string;
                        workflowConversationId: string | null;
                        /** Format: date-time */
                        lastActivityAt: string;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            412: components["responses"]["E412"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
    getUsage: {
        parameters: {
            query: {
                from: string;
                to: string;
                botId?: string;
            };
            header?: never;
            path: {
                tenantId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: {
                            botId: string;
                            /** Format: date */
                            day: string;
                            messages: number;
                            failures: number;
                            /** @description of the replied messages; null when none */
                            p50LatencyMs: number | null;
                            p95LatencyMs: number | null;
                            promptTokens: number;
                            completionTokens: number;
                            totalTokens: number;
                            /** @description sum of the runs' reported prices */
                            cost: string;
                            /** @description null when none was reported or the runs differ */
                            currency: string | null;
                        }[];
                    };
                };
            };
            401: components["responses"]["E401"];
            403: components["responses"]["E403"];
            404: components["responses"]["E404"];
            422: components["responses"]["E422"];
            429: components["responses"]["E429"];
        };
    };
}
