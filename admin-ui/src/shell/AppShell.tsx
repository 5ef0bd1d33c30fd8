import { RobotOutlined } from '@ant-design/icons';
import { Flex, Layout, Menu, Typography, theme } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet } from 'react-router';
import { LanguageSwitch } from './LanguageSwitch';
import { TenantSwitcher } from './TenantSwitcher';
import { UserMenu } from './UserMenu';
import { tenantPath, useCurrentTenant, useTenantRoute } from './current-tenant';

/** The frame of every signed-in page: the sections of the tenant on the side, tenant, language and user on top. */
export function AppShell() {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const { section } = useTenantRoute();
  const tenantId = useCurrentTenant()?.tenantId;
  // Below the lg breakpoint (tablets) the side menu shows icons only.
  const [narrow, setNarrow] = useState(false);
  const sections = tenantId ? [{ key: 'bots', icon: <RobotOutlined />, label: <Link to={tenantPath(tenantId, 'bots')}>{t('nav.bots')}</Link> }] : [];
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider
        breakpoint="lg"
        collapsedWidth={64}
        onBreakpoint={setNarrow}
        collapsed={narrow}
        trigger={null}
        theme="light"
        style={{ borderRight: `1px solid ${token.colorBorderSecondary}` }}
      >
        <Flex align="center" justify={narrow ? 'center' : 'start'} style={{ height: 64, paddingInline: narrow ? 0 : 20 }}>
          <Typography.Text strong style={{ fontSize: 18 }} title={t('app.name')}>
            {narrow ? t('app.name').charAt(0) : t('app.name')}
          </Typography.Text>
        </Flex>
        <nav aria-label={t('nav.main')}>
          <Menu mode="inline" selectedKeys={[section]} items={sections} style={{ borderInlineEnd: 'none' }} />
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: token.colorBgContainer,
            borderBottom: `1px solid ${token.colorBorderSecondary}`,
            paddingInline: 24,
            display: 'flex',
            alignItems: 'center',
            gap: 12,
          }}
        >
          <TenantSwitcher />
          <div style={{ flex: 1 }} />
          <LanguageSwitch />
          <UserMenu />
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>
          <main>
            <Outlet />
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
