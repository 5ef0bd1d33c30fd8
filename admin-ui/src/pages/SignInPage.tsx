import { Alert, Button, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { useMe, useSetupStatus, useSignIn, type SignInBody } from '../api/auth';
import { isApiError } from '../api/errors';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageLoading } from '../components/PageLoading';
import { showFieldErrors } from '../components/describe-error';
import { AuthLayout } from './AuthLayout';

export function SignInPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<SignInBody>();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? '/';
  const me = useMe();
  const setup = useSetupStatus();
  const signIn = useSignIn();

  if (me.isPending) return <PageLoading />;
  if (me.data) return <Navigate to={from} replace />;

  const submit = (values: SignInBody) =>
    signIn.mutate(values, {
      onSuccess: () => void navigate(from, { replace: true }),
      onError: (err) => showFieldErrors(t, form, err),
    });

  return (
    <AuthLayout title={t('signIn.title')} intro={t('signIn.subtitle')}>
      {setup.data?.needed ? (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('signIn.firstRun')}
          action={<Link to="/setup">{t('signIn.goSetup')}</Link>}
        />
      ) : null}
      <Form name="sign-in" form={form} layout="vertical" requiredMark={false} onFinish={submit} disabled={signIn.isPending}>
        <Form.Item
          name="email"
          label={t('signIn.email')}
          rules={[{ required: true, message: t('validation.required', { field: t('signIn.email') }) }]}
        >
          <Input type="email" autoComplete="username" autoFocus />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('signIn.password')}
          rules={[{ required: true, message: t('validation.required', { field: t('signIn.password') }) }]}
        >
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        {signIn.error && !isApiError(signIn.error, 422) ? (
          <Form.Item>
            {isApiError(signIn.error, 401) ? <Alert type="error" showIcon role="alert" title={t('signIn.badCredentials')} /> : <ErrorAlert error={signIn.error} />}
          </Form.Item>
        ) : null}
        <Button type="primary" htmlType="submit" block loading={signIn.isPending}>
          {t('signIn.submit')}
        </Button>
      </Form>
    </AuthLayout>
  );
}
