import { Alert, Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { describeError } from './describe-error';

/** An API error in words, where the action that failed is; with a retry button for reads. */
export function ErrorAlert({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title={describeError(t, error)}
      action={
        onRetry ? (
          <Button size="small" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        ) : undefined
      }
    />
  );
}
