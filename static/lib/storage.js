/**
 * @fileoverview The browser's storage for the tab (sessionStorage) and for the
 * browser (localStorage), or, where this page may not use them (a frame of
 * another site, as a notebook shows the page, in a browser that blocks such
 * frames' storage), a stand-in that keeps its items while the page is open.
 */

/** Storage's methods the page uses, over a Map. */
class PageOnly {
  constructor() {
    this.items = new Map();
  }

  getItem(key) {
    return this.items.has(key) ? this.items.get(key) : null;
  }

  setItem(key, value) {
    this.items.set(key, String(value));
  }

  removeItem(key) {
    this.items.delete(key);
  }
}

function usable(name) {
  try {
    const storage = window[name]; // throws where the page may not use it
    storage.getItem('');
    return storage;
  } catch {
    return new PageOnly();
  }
}

/** This tab's storage (sessionStorage where the page may use it). */
export const tabStorage = usable('sessionStorage');

/** This browser's storage (localStorage where the page may use it). */
export const browserStorage = usable('localStorage');
