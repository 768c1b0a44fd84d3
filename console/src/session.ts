/**
 * The ops key for this browser tab's session only (sessionStorage: gone when the tab closes, never
 * shared with other tabs, never in a cookie the browser would send on its own).
 */
const KEY = 'payments.console.opsKey';

export function storedKey(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function storeKey(key: string | null): void {
  try {
    if (key === null) sessionStorage.removeItem(KEY);
    else sessionStorage.setItem(KEY, key);
  } catch {
    // Storage refused (private mode quotas): the key lives in memory until the page reloads.
  }
}
