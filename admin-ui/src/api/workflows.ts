import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import { unwrap } from './errors';
import type { paths } from './schema';

export type Workflow = paths['/api/v1/tenants/{tenantId}/workflows']['get']['responses'][200]['content']['application/json']['items'][number];

export const workflowsKey = (tenantId: string) => ['tenants', tenantId, 'workflows'] as const;

export function useWorkflows(tenantId: string) {
  return useQuery({
    queryKey: workflowsKey(tenantId),
    queryFn: async () => (await unwrap(api.GET('/api/v1/tenants/{tenantId}/workflows', { params: { path: { tenantId } } }))).items,
  });
}
