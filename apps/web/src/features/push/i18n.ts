import { i18n } from '../../i18n';
import de from './i18n/de.json';
import en from './i18n/en.json';

for (const [lng, resources] of [
  ['en', en],
  ['de', de],
] as const) {
  if (!i18n.hasResourceBundle(lng, 'push')) i18n.addResourceBundle(lng, 'push', resources, true, true);
}

export const pushNamespace = 'push';
