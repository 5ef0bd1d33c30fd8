import { App, Form, Input, Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { hasErrorCode, isApiError } from '../api/errors';
import { useCreateTenant, type NewTenant } from '../api/tenants';
import { ErrorAlert } from '../components/ErrorAlert';
import { showFieldErrors } from '../components/describe-error';
import { tenantPath } from '../shell/current-tenant';

/** The server's rule for names (tenants, bots, workflows), checked here first to say so while typing. */
const SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** A short name proposed from a Latin-script name ("Acme Corp" → "acme-corp"); names in other scripts propose none. */
function proposeSlug(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63);
  return SLUG.test(slug) ? slug : '';
}

export function CreateTenantModal({ open, onClose }: { open: boolean; onClose(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<NewTenant>();
  const navigate = useNavigate();
  const create = useCreateTenant();

  const submit = (values: NewTenant) =>
    create.mutate(values, {
      onSuccess: (tenant) => {
        void message.success(t('tenants.created', { name: tenant.name }));
        form.resetFields();
        onClose();
        void navigate(tenantPath(tenant.id));
      },
      onError: (err) => {
        showFieldErrors(t, form, err);
        if (hasErrorCode(err, 'slug_taken')) form.setFields([{ name: 'slug', errors: [t('errors.slug_taken')] }]);
      },
    });

  return (
    <Modal
      open={open}
      title={t('tenants.createTitle')}
      okText={t('tenants.submit')}
      cancelText={t('common.cancel')}
      confirmLoading={create.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form
        name="tenant"
        form={form}
        layout="vertical"
        requiredMark={false}
        onFinish={submit}
        onValuesChange={(changed: Partial<NewTenant>) => {
          if (changed.name !== undefined && !form.isFieldTouched('slug')) form.setFieldValue('slug', proposeSlug(changed.name));
        }}
      >
        <Form.Item name="name" label={t('tenants.name')} rules={[{ required: true, whitespace: true, message: t('validation.required', { field: t('tenants.name') }) }]}>
          <Input autoFocus placeholder={t('tenants.namePlaceholder')} />
        </Form.Item>
        <Form.Item
          name="slug"
          label={t('tenants.slug')}
          extra={t('tenants.slugHelp')}
          rules={[
            { required: true, message: t('validation.required', { field: t('tenants.slug') }) },
            { pattern: SLUG, message: t('validation.slug') },
          ]}
        >
          <Input spellCheck={false} placeholder="acme" />
        </Form.Item>
        {create.error && !isApiError(create.error, 422) && !hasErrorCode(create.error, 'slug_taken') ? <ErrorAlert error={create.error} /> : null}
      </Form>
    </Modal>
  );
}
