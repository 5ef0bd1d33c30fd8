import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import { unwrap } from './errors';
import type { paths } from './schema';

export type Bot = paths['/api/v1/tenants/{tenantId}/bots']['get']['responses'][200]['content']['application/json']['items'][number];

export const botsKey = (tenantId: string) => ['tenants', tenantId, 'bots'] as const;

export function useBots(tenantId: string) {
  return useQuery({
    queryKey: botsKey(tenantId),
    queryFn: async () => (await unwrap(api.GET('/api/v1/tenants/{tenantId}/bots', { params: { path: { tenantId } } }))).items,
  });
}
