import { Card, Flex, Layout, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../shell/LanguageSwitch';

/** The frame of the pages before sign-in: the product's name, the language switch and one card. */
export function AuthLayout({ title, intro, children }: { title: string; intro?: ReactNode; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ background: 'transparent', display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
        <Typography.Text strong style={{ fontSize: 18 }}>
          {t('app.name')}
        </Typography.Text>
        <LanguageSwitch />
      </Layout.Header>
      <Layout.Content>
        <Flex justify="center" style={{ padding: '24px 16px 48px' }}>
          <Card style={{ width: '100%', maxWidth: 440 }}>
            <main>
              <Typography.Title level={1} style={{ fontSize: 24, marginTop: 0 }}>
                {title}
              </Typography.Title>
              {intro ? <Typography.Paragraph type="secondary">{intro}</Typography.Paragraph> : null}
              {children}
            </main>
          </Card>
        </Flex>
      </Layout.Content>
    </Layout>
  );
}
