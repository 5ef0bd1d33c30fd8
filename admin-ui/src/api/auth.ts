import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, setCsrfToken } from './client';
import { isApiError, unwrap } from './errors';
import type { paths } from './schema';

export type Me = paths['/api/v1/auth/me']['get']['responses'][200]['content']['application/json'];
export type TenantAccess = Me['tenants'][number];
export type SignInBody = paths['/api/v1/auth/login']['post']['requestBody']['content']['application/json'];
export type SetupBody = paths['/api/v1/setup']['post']['requestBody']['content']['application/json'];

export const ME_KEY = ['auth', 'me'] as const;
export const SETUP_KEY = ['setup'] as const;

/** The signed-in user, or null when there is no (valid) session. */
export function useMe() {
  return useQuery({
    queryKey: ME_KEY,
    queryFn: async (): Promise<Me | null> => {
      try {
        return remember(await unwrap(api.GET('/api/v1/auth/me')));
      } catch (err) {
        if (!isApiError(err, 401)) throw err;
        setCsrfToken(null);
        return null;
      }
    },
    staleTime: 60_000,
  });
}

/** Whether the first administrator still has to be created. */
export function useSetupStatus() {
  return useQuery({ queryKey: SETUP_KEY, queryFn: () => unwrap(api.GET('/api/v1/setup')), staleTime: 60_000 });
}

function remember(me: Me): Me {
  setCsrfToken(me.csrfToken);
  return me;
}

function signedIn(client: QueryClient, me: Me): void {
  client.setQueryData(ME_KEY, remember(me));
  client.setQueryData(SETUP_KEY, { needed: false });
}

export function useSignIn() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: SignInBody) => unwrap(api.POST('/api/v1/auth/login', { body })),
    onSuccess: (me) => signedIn(client, me),
  });
}

export function useSetup() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: SetupBody) => unwrap(api.POST('/api/v1/setup', { body })),
    onSuccess: (me) => signedIn(client, me),
  });
}

/** Signed out: every cached answer of the old session is dropped. */
export function signedOut(client: QueryClient): void {
  setCsrfToken(null);
  client.removeQueries({ predicate: (query) => query.queryKey[0] !== ME_KEY[0] && query.queryKey[0] !== SETUP_KEY[0] });
  client.setQueryData(ME_KEY, null);
}

export function useSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      try {
        await unwrap(api.POST('/api/v1/auth/logout'));
      } catch (err) {
        // A session that already ended is signed out all the same.
        if (!isApiError(err, 401)) throw err;
      }
    },
    onSuccess: () => signedOut(client),
  });
}
