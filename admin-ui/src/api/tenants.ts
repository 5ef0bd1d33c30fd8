import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ME_KEY } from './auth';
import { api } from './client';
import { unwrap } from './errors';
import type { paths } from './schema';

export type NewTenant = paths['/api/v1/tenants']['post']['requestBody']['content']['application/json'];

/** Creates a tenant (instance administrators); the caller's tenant list (GET /auth/me) is read again. */
export function useCreateTenant() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: NewTenant) => unwrap(api.POST('/api/v1/tenants', { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: ME_KEY }),
  });
}
