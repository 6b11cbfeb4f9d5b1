import { createTheme } from '@mantine/core';

// System font stack only: the CSP allows no external fonts.
const systemFonts =
  'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", "Liberation Sans", Arial, sans-serif';

export const theme = createTheme({
  primaryColor: 'teal',
  // Shade 9 keeps white button text at 5:1 contrast (WCAG AA) in both schemes.
  primaryShade: { light: 9, dark: 9 },
  fontFamily: systemFonts,
  headings: { fontFamily: systemFonts, fontWeight: '650' },
  defaultRadius: 'md',
  focusRing: 'auto',
  cursorType: 'pointer',
});
