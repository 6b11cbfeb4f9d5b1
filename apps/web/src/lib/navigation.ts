/**
 * Lets code outside React components (the query cache, the socket) navigate with the router.
 * The router registers itself at start.
 */
type NavigateFn = (to: string, options?: { replace?: boolean; state?: unknown }) => void;

let navigateFn: NavigateFn = (to) => {
  window.location.assign(to);
};

export function registerNavigate(fn: NavigateFn): void {
  navigateFn = fn;
}

export function navigateTo(to: string, options?: { replace?: boolean; state?: unknown }): void {
  navigateFn(to, options);
}

/** `/signin?next=<current path>` unless already on a public page. */
export function signInPathForCurrentLocation(): string {
  const { pathname, search } = window.location;
  if (pathname === '/signin' || pathname === '/setup') return '/signin';
  const next = `${pathname}${search}`;
  return next === '/' ? '/signin' : `/signin?next=${encodeURIComponent(next)}`;
}

/** Only same-site relative paths are allowed as a post-sign-in target (no open redirects). */
export function safeNextPath(next: string | null | undefined): string | null {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return null;
  return next;
}
