import { useMatch } from 'react-router';
import type { TenantAccess } from '../api/auth';
import { useSignedIn } from '../auth/RequireSession';

const LAST_TENANT_KEY = 'switchboard.tenant';

/** The tenant of the current address (`/t/:tenantId/...`) and the section shown in it (`bots`). */
export function useTenantRoute(): { tenantId?: string; section: string } {
  const match = useMatch('/t/:tenantId/*');
  const section = match?.params['*']?.split('/')[0] || 'bots';
  return { tenantId: match?.params.tenantId, section };
}

/** The tenant of the current address when the user may act in it; undefined on other pages and for foreign ids. */
export function useCurrentTenant(): TenantAccess | undefined {
  const { tenantId } = useTenantRoute();
  return useSignedIn().tenants.find((tenant) => tenant.tenantId === tenantId);
}

export function rememberTenant(tenantId: string): void {
  localStorage.setItem(LAST_TENANT_KEY, tenantId);
}

/** The tenant to open: the one used last when the user still has it, else the first. */
export function preferredTenant(tenants: readonly TenantAccess[]): TenantAccess | undefined {
  const last = localStorage.getItem(LAST_TENANT_KEY);
  return tenants.find((tenant) => tenant.tenantId === last) ?? tenants[0];
}

export const tenantPath = (tenantId: string, section = 'bots') => `/t/${encodeURIComponent(tenantId)}/${section}`;
