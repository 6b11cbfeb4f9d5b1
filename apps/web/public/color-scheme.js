// Sets Mantine's colour-scheme attribute before the app loads so a dark-mode user sees no white flash.
// Kept as an external file because the Content-Security-Policy allows no inline scripts.
(() => {
  let value = 'auto';
  try {
    value = window.localStorage.getItem('parley-color-scheme') || 'auto';
  } catch {
    // storage blocked: follow the system
  }
  const dark =
    value === 'dark' || (value !== 'light' && window.matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.setAttribute('data-mantine-color-scheme', dark ? 'dark' : 'light');
})();
