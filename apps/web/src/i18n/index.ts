import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';

export type AppLocale = 'en' | 'de';
export const supportedLocales: AppLocale[] = ['en', 'de'];

// Each language is its own chunk: only the one in use is downloaded (keeps the first load small).
const loaders: Record<AppLocale, () => Promise<{ default: Record<string, unknown> }>> = {
  en: () => import('./en.json'),
  de: () => import('./de.json'),
};

/** The browser's preferred supported language (German for any `de-*`, English otherwise). */
export function browserLocale(): AppLocale {
  const languages = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const language of languages) {
    const base = language?.toLowerCase().split('-')[0];
    if (base === 'de' || base === 'en') return base;
  }
  return 'en';
}

async function loadLanguage(locale: AppLocale): Promise<void> {
  if (i18n.hasResourceBundle(locale, 'translation')) return;
  const { default: resources } = await loaders[locale]();
  i18n.addResourceBundle(locale, 'translation', resources);
}

/** Applies the profile's language, or the browser's when the profile has none. */
export function applyLocale(profileLocale: AppLocale | null | undefined): void {
  const next = profileLocale ?? browserLocale();
  if (i18n.language === next) return;
  void loadLanguage(next).then(() => i18n.changeLanguage(next));
}

i18n.on('languageChanged', (language) => {
  document.documentElement.lang = language;
});

// Feature namespaces registered before i18next is initialised (a module imported by the first chunk
// evaluates before `initI18n` runs, and i18next has no resource store until then).
const pendingNamespaces: Array<() => void> = [];

/** Registers a feature's texts (its own namespace) in both languages; safe before and after init. */
export function registerNamespace(ns: string, bundles: Record<AppLocale, Record<string, unknown>>): string {
  const add = () => {
    for (const [lng, resources] of Object.entries(bundles)) {
      if (!i18n.hasResourceBundle(lng, ns)) i18n.addResourceBundle(lng, ns, resources, true, true);
    }
  };
  if (i18n.isInitialized) add();
  else pendingNamespaces.push(add);
  return ns;
}

/** Loads the browser's language and initialises i18next; awaited before the first render. */
export async function initI18n(): Promise<void> {
  const locale = browserLocale();
  await i18n.use(initReactI18next).init({
    resources: {},
    lng: locale,
    fallbackLng: false,
    supportedLngs: supportedLocales,
    interpolation: { escapeValue: false },
    partialBundledLanguages: true,
  });
  for (const add of pendingNamespaces.splice(0)) add();
  await loadLanguage(locale);
  document.documentElement.lang = locale;
}

export { i18n };
