import { Button, Result } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useParams } from 'react-router';
import { useSignedIn } from '../auth/RequireSession';
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
    return (
      <Result
        status="404"
        title={t('tenants.notFoundTitle')}
        subTitle={t('tenants.notFoundText')}
        extra={
          <Link to="/">
            <Button type="primary">{t('tenants.goHome')}</Button>
          </Link>
        }
      />
    );
  }
  return <Outlet />;
}
