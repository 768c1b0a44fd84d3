/** Paths under `/console/` as pages; links change the URL with the History API, no reload. */
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/console/';

/** The path below the base without slashes at either end: `''`, `payments`, `payments/pay_1`. */
export function currentRoute(): string {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : '';
  return path.replace(/^\/+|\/+$/g, '');
}

export function href(route: string): string {
  return `${BASE}${route}`;
}

export function navigate(route: string): void {
  history.pushState(null, '', href(route));
  dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute(): string {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    addEventListener('popstate', update);
    return () => removeEventListener('popstate', update);
  }, []);
  return route;
}

/** A link click that the router takes (a plain left click), not a new tab. */
export function onLinkClick(event: MouseEvent, route: string): void {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(route);
}
