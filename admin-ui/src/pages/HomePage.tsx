import { PlusOutlined } from '@ant-design/icons';
import { Button, Empty } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate } from 'react-router';
import { useSignedIn } from '../auth/RequireSession';
import { preferredTenant, tenantPath } from '../shell/current-tenant';
import { CreateTenantModal } from './CreateTenantModal';

/** Opens the tenant used last; a user without any tenant is told what to do next. */
export function HomePage() {
  const { t } = useTranslation();
  const me = useSignedIn();
  const [creating, setCreating] = useState(false);
  const tenant = preferredTenant(me.tenants);
  if (tenant) return <Navigate to={tenantPath(tenant.tenantId)} replace />;
  return (
    <Empty
      style={{ marginTop: 64 }}
      image={Empty.PRESENTED_IMAGE_SIMPLE}
      description={
        <>
          <h1 style={{ fontSize: 20 }}>{t('tenants.noneTitle')}</h1>
          <p>{me.user.isInstanceAdmin ? t('tenants.noneAdmin') : t('tenants.noneMember')}</p>
        </>
      }
    >
      {me.user.isInstanceAdmin ? (
        <>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('tenants.create')}
          </Button>
          <CreateTenantModal open={creating} onClose={() => setCreating(false)} />
        </>
      ) : null}
    </Empty>
  );
}
