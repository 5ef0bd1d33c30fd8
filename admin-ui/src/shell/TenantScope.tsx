import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useParams } from 'react-router';
import { useSignedIn } from '../auth/RequireSession';
import { ResultWithLink } from '../components/ResultWithLink';
import { rememberTenant } from './current-tenant';

/** The pages of one tenant; a tenant the user is not a member of looks exactly like one that does not exist. */
export function TenantScope() {
  const { t } = useTranslation();
  const me = useSignedIn();
  const { tenantId } = useParams();
  const member = me.tenants.some((tenant) => tenant.tenantId === tenantId);
  useEffect(() => {
    if (member && tenantId) rememberTenant(tenantId);
  }, [member, tenantId]);
  if (!member) {
    return <ResultWithLink status="404" title={t('tenants.notFoundTitle')} subTitle={t('tenants.notFoundText')} to="/" action={t('tenants.goHome')} />;
  }
  return <Outlet />;
}
