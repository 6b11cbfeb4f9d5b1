import { i18n } from '../../i18n';
import de from './i18n/de.json';
import en from './i18n/en.json';

// The inbox's own texts (namespace `inbox`), registered once when the inbox chunk loads.
for (const [lng, resources] of [
  ['en', en],
  ['de', de],
] as const) {
  if (!i18n.hasResourceBundle(lng, 'inbox')) i18n.addResourceBundle(lng, 'inbox', resources, true, true);
}

export const inboxNamespace = 'inbox';
