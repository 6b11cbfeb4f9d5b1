import { IconAddressBook } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ComingSoon } from '../../components/ComingSoon';

/** Placeholder until contacts land. */
export function ContactsPage() {
  const { t } = useTranslation();
  return (
    <ComingSoon
      icon={<IconAddressBook size={30} stroke={1.5} aria-hidden />}
      badge={t('common.comingSoon')}
      title={t('contacts.title')}
      lead={t('contacts.lead')}
      points={[t('contacts.point1'), t('contacts.point2'), t('contacts.point3')]}
      testId="contacts-page"
    />
  );
}
