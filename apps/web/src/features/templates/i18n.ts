import { registerNamespace } from '../../i18n';
import de from './i18n/de.json';
import en from './i18n/en.json';

// This feature's own texts (namespace `templates`), registered when a chunk using them loads.
export const templatesNamespace = registerNamespace('templates', { en, de });
