import { Button, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useSetup, useSetupStatus, type SetupBody } from '../api/auth';
import { hasErrorCode, isApiError } from '../api/errors';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageLoading } from '../components/PageLoading';
import { ResultWithLink } from '../components/ResultWithLink';
import { showFieldErrors } from '../components/describe-error';
import { AuthLayout } from './AuthLayout';

/** The server's own minimum (POST /setup answers 422 below it); checked here first so the form says so at once. */
const PASSWORD_MIN = 12;

type SetupForm = SetupBody & { confirm: string };

/** First run: the setup token from the server log makes the first instance administrator. */
export function SetupPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<SetupForm>();
  const navigate = useNavigate();
  const status = useSetupStatus();
  const setup = useSetup();

  if (status.isPending) return <PageLoading />;
  if (status.error) {
    return (
      <AuthLayout title={t('setup.title')}>
        <ErrorAlert error={status.error} onRetry={() => void status.refetch()} />
      </AuthLayout>
    );
  }
  if (!status.data.needed && !setup.isSuccess) {
    return (
      <AuthLayout title={t('setup.title')}>
        <ResultWithLink status="success" title={t('setup.doneTitle')} subTitle={t('setup.doneText')} to="/sign-in" action={t('setup.goSignIn')} />
      </AuthLayout>
    );
  }

  const submit = ({ confirm: _confirm, name, ...values }: SetupForm) =>
    setup.mutate(
      { ...values, ...(name?.trim() ? { name: name.trim() } : {}) },
      {
        onSuccess: () => void navigate('/', { replace: true }),
        onError: (err) => {
          showFieldErrors(t, form, err);
          if (hasErrorCode(err, 'setup_token_invalid')) form.setFields([{ name: 'setupToken', errors: [t('errors.setup_token_invalid')] }]);
        },
      },
    );

  const required = (field: string) => ({ required: true, message: t('validation.required', { field }) });

  return (
    <AuthLayout title={t('setup.title')} intro={t('setup.intro')}>
      <Form name="setup" form={form} layout="vertical" requiredMark={false} onFinish={submit} disabled={setup.isPending}>
        <Form.Item name="setupToken" label={t('setup.token')} extra={t('setup.tokenHelp')} rules={[required(t('setup.token'))]}>
          <Input autoComplete="off" spellCheck={false} autoFocus placeholder="setup_…" />
        </Form.Item>
        <Form.Item name="name" label={t('setup.name')}>
          <Input autoComplete="name" placeholder={t('setup.namePlaceholder')} />
        </Form.Item>
        <Form.Item
          name="email"
          label={t('setup.email')}
          rules={[required(t('setup.email')), { type: 'email', message: t('validation.email') }]}
        >
          <Input type="email" autoComplete="username" />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('setup.password')}
          extra={t('setup.passwordHelp')}
          rules={[required(t('setup.password')), { min: PASSWORD_MIN, message: t('validation.passwordMin', { count: PASSWORD_MIN }) }]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t('setup.confirm')}
          dependencies={['password']}
          rules={[
            required(t('setup.confirm')),
            ({ getFieldValue }) => ({
              validator: (_rule, value) =>
                !value || getFieldValue('password') === value ? Promise.resolve() : Promise.reject(new Error(t('validation.passwordMismatch'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        {setup.error && !isApiError(setup.error, 422) && !hasErrorCode(setup.error, 'setup_token_invalid') ? (
          <Form.Item>
            <ErrorAlert error={setup.error} />
          </Form.Item>
        ) : null}
        <Button type="primary" htmlType="submit" block loading={setup.isPending}>
          {t('setup.submit')}
        </Button>
      </Form>
    </AuthLayout>
  );
}
