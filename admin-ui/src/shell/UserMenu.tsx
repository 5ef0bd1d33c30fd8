import { LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { App, Button, Dropdown } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useSignOut } from '../api/auth';
import { useSignedIn } from '../auth/RequireSession';
import { describeError } from '../components/describe-error';

export function UserMenu() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useSignedIn();
  const navigate = useNavigate();
  const signOut = useSignOut();
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items: [
          { key: 'who', label: me.user.isInstanceAdmin ? `${me.user.email} · ${t('user.instanceAdmin')}` : me.user.email, disabled: true },
          { type: 'divider' },
          { key: 'sign-out', icon: <LogoutOutlined />, label: t('user.signOut') },
        ],
        onClick: ({ key }) => {
          if (key !== 'sign-out') return;
          signOut.mutate(undefined, {
            onSuccess: () => void navigate('/sign-in', { replace: true }),
            onError: (err) => void message.error(describeError(t, err)),
          });
        },
      }}
    >
      <Button type="text" icon={<UserOutlined />} aria-label={t('user.menu')} loading={signOut.isPending} data-testid="user-menu">
        {me.user.name}
      </Button>
    </Dropdown>
  );
}
