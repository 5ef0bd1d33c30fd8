/**
 * The console's API types (admin-ui/src/api/schema.d.ts) are generated from the OpenAPI document the server serves at
 * /api/v1/openapi.json, so the console cannot call a route, send a field or read an answer the server does not have.
 *
 *   npm run api:types                        start this checkout's server on a throwaway SQLite database, read its
 *                                            document, write the file
 *   npm run api:types -- --from <base URL>   read the document from a running server instead
 *   npm run api:types -- --check             write nothing; exit 1 when the committed file differs
 *
 * test/integration/console-api-types.test.ts fails when the committed file drifts from the server's document.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import { loadConfig } from '../src/config/load.js';
import { buildRuntime, startWeb } from '../src/main.js';
import { silentLogger } from '../src/observability/logger.js';

export const API_TYPES_FILE = fileURLToPath(new URL('../admin-ui/src/api/schema.d.ts', import.meta.url));
export const OPENAPI_PATH = '/api/v1/openapi.json';

const HEADER = `// Generated from ${OPENAPI_PATH} by \`npm run api:types\` (scripts/api-types.ts). Do not edit.\n\n`;

/** The server's OpenAPI document; undefined when this build has no admin API (404). */
export async function fetchOpenApiDocument(baseUrl: string): Promise<OpenAPI3 | undefined> {
  const res = await fetch(new URL(OPENAPI_PATH, baseUrl));
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`GET ${OPENAPI_PATH} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  return (await res.json()) as OpenAPI3;
}

export async function renderApiTypes(document: OpenAPI3): Promise<string> {
  return HEADER + astToString(await openapiTS(document));
}

/** Runs `fn` against this checkout's web server on a fresh SQLite database in a temporary folder. */
export async function withThrowawayServer<T>(fn: (baseUrl: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-api-types-'));
  try {
    const config = loadConfig({ SWITCHBOARD_DATA_DIR: dir, SWITCHBOARD_SECRET_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: 'silent' });
    const runtime = await buildRuntime(config, { logger: silentLogger });
    try {
      const web = await startWeb(runtime, { port: 0, host: '127.0.0.1' });
      try {
        return await fn(web.url);
      } finally {
        await web.close();
      }
    } finally {
      await runtime.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<number> {
  const fromIndex = argv.indexOf('--from');
  const from = fromIndex >= 0 ? argv[fromIndex + 1] : undefined;
  if (fromIndex >= 0 && !from) throw new Error('--from needs the server base URL, e.g. --from http://127.0.0.1:8080');
  const document = from ? await fetchOpenApiDocument(from) : await withThrowawayServer(fetchOpenApiDocument);
  if (!document) {
    console.error(`${from ?? 'this build'}: ${OPENAPI_PATH} answered 404 (no admin API): nothing generated`);
    return 1;
  }
  const rendered = await renderApiTypes(document);
  if (argv.includes('--check')) {
    const current = readFileSync(API_TYPES_FILE, 'utf8');
    if (current === rendered) return 0;
    console.error(`${API_TYPES_FILE} differs from the server's ${OPENAPI_PATH}: run npm run api:types`);
    return 1;
  }
  writeFileSync(API_TYPES_FILE, rendered);
  console.log(`wrote ${API_TYPES_FILE}`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
