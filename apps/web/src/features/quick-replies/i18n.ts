import { i18n } from '../../i18n';
import de from './i18n/de.json';
import en from './i18n/en.json';

// The quick replies' own texts (namespace `quickReplies`), registered once when a chunk using them loads.
for (const [lng, resources] of [
  ['en', en],
  ['de', de],
] as const) {
  if (!i18n.hasResourceBundle(lng, 'quickReplies'))
    i18n.addResourceBundle(lng, 'quickReplies', resources, true, true);
}

export const quickRepliesNamespace = 'quickReplies';
