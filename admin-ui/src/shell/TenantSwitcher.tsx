import { PlusOutlined } from '@ant-design/icons';
import { Button, Divider, Select, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useSignedIn } from '../auth/RequireSession';
import { CreateTenantModal } from '../pages/CreateTenantModal';
import { tenantPath, useCurrentTenant, useTenantRoute } from './current-tenant';

/** Every tenant the user may act in, with their role there; instance administrators can add one from here. */
export function TenantSwitcher() {
  const { t } = useTranslation();
  const me = useSignedIn();
  const navigate = useNavigate();
  const { section } = useTenantRoute();
  const current = useCurrentTenant();
  const [creating, setCreating] = useState(false);
  if (me.tenants.length === 0) return null;
  return (
    <>
      <Select
        aria-label={t('tenants.switcher')}
        data-testid="tenant-switcher"
        style={{ minWidth: 200, maxWidth: 320 }}
        value={current?.tenantId}
        placeholder={t('tenants.switcher')}
        onChange={(id: string) => void navigate(tenantPath(id, section))}
        options={me.tenants.map((tenant) => ({
          value: tenant.tenantId,
          label: (
            <span>
              {tenant.name} <Tag bordered={false}>{t(`roles.${tenant.role}`)}</Tag>
            </span>
          ),
        }))}
        popupRender={(menu) =>
          me.user.isInstanceAdmin ? (
            <>
              {menu}
              <Divider style={{ margin: '4px 0' }} />
              <Button type="text" block icon={<PlusOutlined />} onClick={() => setCreating(true)}>
                {t('tenants.create')}
              </Button>
            </>
          ) : (
            menu
          )
        }
      />
      <CreateTenantModal open={creating} onClose={() => setCreating(false)} />
    </>
  );
}
