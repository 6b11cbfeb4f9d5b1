import { IconInbox } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ComingSoon } from '../../components/ComingSoon';

/** Placeholder until the inbox view lands. */
export function InboxPage() {
  const { t } = useTranslation();
  return (
    <ComingSoon
      icon={<IconInbox size={30} stroke={1.5} aria-hidden />}
      badge={t('common.comingSoon')}
      title={t('inbox.title')}
      lead={t('inbox.lead')}
      points={[t('inbox.point1'), t('inbox.point2'), t('inbox.point3')]}
      testId="inbox-page"
    />
  );
}
