import { registerNamespace } from '../../i18n';
import de from './i18n/de.json';
import en from './i18n/en.json';

// This feature's own texts (namespace `consents`), registered when a chunk using them loads.
export const consentsNamespace = registerNamespace('consents', { en, de });
