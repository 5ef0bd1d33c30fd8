import { QueryCache, QueryClient } from '@tanstack/react-query';
import { signedOut } from './api/auth';
import { isApiError } from './api/errors';

/**
 * Reads are retried only when no answer or a 5xx came; a 4xx will not change by asking again. A 401 on any read
 * means the session ended: the console forgets it and the page goes to sign-in.
 */
export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (err, query) => {
        if (isApiError(err, 401) && query.queryKey[0] !== 'auth') signedOut(client);
      },
    }),
    defaultOptions: {
      queries: {
        retry: (failures, err) => failures < 2 && !(isApiError(err) && err.status >= 400 && err.status < 500),
        refetchOnWindowFocus: false,
      },
    },
  });
  return client;
}
