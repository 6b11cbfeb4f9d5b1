import de from '@emoji-mart/data/i18n/de.json';
import en from '@emoji-mart/data/i18n/en.json';
import { Picker } from 'emoji-mart';
import { useEffect, useRef } from 'react';

/** The emoji data (its own chunk; the package declares no default export for the JSON it points to). */
const loadData = async () => ((await import('@emoji-mart/data')) as unknown as { default: object }).default;

type Props = {
  language: string;
  theme: 'light' | 'dark';
  onSelect: (emoji: string) => void;
};

/**
 * emoji-mart's picker (a web component) with its data bundled: this module is loaded on the first open
 * only, and nothing is fetched from a CDN (data and texts are passed in, the native set needs no images).
 */
export default function EmojiPickerPanel({ language, theme, onSelect }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;
  const german = language.toLowerCase().startsWith('de');

  useEffect(() => {
    const picker = new Picker({
      data: loadData,
      i18n: german ? de : en,
      locale: german ? 'de' : 'en',
      theme,
      set: 'native',
      autoFocus: true,
      previewPosition: 'none',
      skinTonePosition: 'search',
      navPosition: 'top',
      perLine: 8,
      maxFrequentRows: 2,
      onEmojiSelect: (emoji: { native?: string }) => {
        if (emoji.native) onSelectRef.current(emoji.native);
      },
    });
    const el = host.current;
    el?.replaceChildren(picker as unknown as Node);
    return () => el?.replaceChildren();
  }, [german, theme]);

  return <div ref={host} className="composer-emoji-host" data-testid="emoji-picker" />;
}
