import { Badge, Button, Empty, Flex, Table, Tag, Typography, theme, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { useBots, type Bot } from '../api/bots';
import { useWorkflows } from '../api/workflows';
import { ErrorAlert } from '../components/ErrorAlert';
import { modeLabel, platformLabel } from '../components/labels';

/** Modes in which Switchboard connects out to the platform: there is no callback URL to paste. */
const OUTBOUND_MODES = new Set(['slack/socket']);

/** The address the platform calls; the console is normally opened at the server's public address. */
function callbackUrl(bot: Bot): string {
  return new URL(bot.hookPath, window.location.origin).toString();
}

export function BotsPage() {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const tenantId = useParams().tenantId ?? '';
  const bots = useBots(tenantId);
  const workflows = useWorkflows(tenantId);
  const workflowName = new Map((workflows.data ?? []).map((w) => [w.id, w.name]));

  const columns: TableColumnsType<Bot> = [
    { title: t('bots.columns.name'), dataIndex: 'name', render: (name: string) => <Typography.Text strong>{name}</Typography.Text> },
    {
      title: t('bots.columns.status'),
      dataIndex: 'enabled',
      render: (enabled: boolean) => <Badge status={enabled ? 'success' : 'default'} text={enabled ? t('bots.enabled') : t('bots.disabled')} />,
    },
    { title: t('bots.columns.platform'), dataIndex: 'platform', render: (platform: string) => <Tag>{platformLabel(t, platform)}</Tag> },
    { title: t('bots.columns.mode'), key: 'mode', render: (_, bot) => modeLabel(t, bot.platform, bot.mode) },
    {
      title: t('bots.columns.workflow'),
      dataIndex: 'workflowId',
      render: (workflowId: string | null) =>
        workflowId === null ? <Typography.Text type="warning">{t('bots.noWorkflow')}</Typography.Text> : (workflowName.get(workflowId) ?? workflowId),
    },
    {
      title: t('bots.columns.callbackUrl'),
      key: 'callbackUrl',
      width: 340,
      render: (_, bot) =>
        OUTBOUND_MODES.has(`${bot.platform}/${bot.mode}`) ? (
          <Typography.Text type="secondary">{t('bots.noCallback')}</Typography.Text>
        ) : (
          <Typography.Text
            copyable={{ tooltips: [t('common.copy'), t('common.copied')] }}
            title={t('bots.callbackHelp')}
            style={{ fontFamily: token.fontFamilyCode, fontSize: token.fontSizeSM, wordBreak: 'break-all' }}
          >
            {callbackUrl(bot)}
          </Typography.Text>
        ),
    },
  ];

  return (
    <Flex vertical gap={16}>
      <div>
        <Typography.Title level={1} style={{ fontSize: 24, marginTop: 0 }}>
          {t('bots.title')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('bots.intro')}</Typography.Text>
      </div>
      {bots.error ? <ErrorAlert error={bots.error} onRetry={() => void bots.refetch()} /> : null}
      {workflows.error ? <ErrorAlert error={workflows.error} onRetry={() => void workflows.refetch()} /> : null}
      {bots.error ? null : (
        <Table<Bot>
          data-testid="bots-table"
          rowKey="id"
          loading={bots.isPending}
          columns={columns}
          dataSource={bots.data}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{
            emptyText: (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={<Typography.Text strong>{t('bots.emptyTitle')}</Typography.Text>}>
                <Typography.Paragraph style={{ maxWidth: 520, margin: '0 auto 16px' }}>
                  {t('bots.emptyText')}
                </Typography.Paragraph>
                <Button href="/api/docs" target="_blank" rel="noreferrer">
                  {t('bots.apiReference')}
                </Button>
              </Empty>
            ),
          }}
        />
      )}
    </Flex>
  );
}
