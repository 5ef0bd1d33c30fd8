/**
 * The console's API types are generated from the OpenAPI document the server serves; this fails when a route, a field
 * or an answer changed on the server and admin-ui/src/api/schema.d.ts was not regenerated (npm run api:types).
 */
import { readFileSync } from 'node:fs';
import type { OpenAPI3 } from 'openapi-typescript';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, fetchOpenApiDocument, OPENAPI_PATH, renderApiTypes, withThrowawayServer } from '../../scripts/api-types.js';

// The same server the generator reads: this checkout's, on a fresh SQLite database.
const document = await withThrowawayServer(fetchOpenApiDocument);
const describeWithApi = document ? describe : (title: string, fn: () => void) => describe.skip(`${title} [skipped: the admin API is not in this build (${OPENAPI_PATH} answers 404)]`, fn);

describeWithApi('console API types', () => {
  it(`admin-ui/src/api/schema.d.ts is what npm run api:types makes of the server's ${OPENAPI_PATH}`, async () => {
    const expected = (await renderApiTypes(document as OpenAPI3)).split('\n');
    // Line by line, so a failure shows which routes or fields changed.
    expect(readFileSync(API_TYPES_FILE, 'utf8').split('\n'), 'the console API types are stale: run npm run api:types').toEqual(expected);
  });
});
