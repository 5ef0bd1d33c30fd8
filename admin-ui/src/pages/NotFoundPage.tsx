import { useTranslation } from 'react-i18next';
import { ResultWithLink } from '../components/ResultWithLink';

export function NotFoundPage() {
  const { t } = useTranslation();
  return <ResultWithLink status="404" title={t('notFound.title')} subTitle={t('notFound.text')} to="/" action={t('notFound.home')} />;
}
