/**
 * @fileoverview KaTeX and uPlot, the libraries the page typesets and plots
 * with.  Their files are fetched with the page (preloaded by its HTML), but
 * they run, and their styles apply, only once the diagram is drawn: the first
 * nodes wait neither for the libraries' evaluation nor for their styles.
 * Until then `katex()` and `uPlot()` are null and the views that need them
 * wait; `loadLibraries()` runs both and resolves once both are in.
 */

import { appUrl } from './address.js';

const LIBRARIES = [
  { name: 'katex', script: '/vendor/katex/katex.min.js', style: '/vendor/katex/katex.min.css' },
  { name: 'uPlot', script: '/vendor/uplot/uPlot.iife.min.js', style: '/vendor/uplot/uPlot.min.css' },
];

let loading = null;

/** KaTeX, once its script has run; else null. */
export const katex = () => window.katex || null;

/** uPlot, once its script has run; else null. */
export const uPlot = () => window.uPlot || null;

/** `el` in the head, before `before` (null: at the end); resolves once it has loaded. */
function added(el, before, what) {
  return new Promise((resolve, reject) => {
    el.addEventListener('load', resolve);
    el.addEventListener('error', () => reject(new Error(`${what} could not be loaded`)));
    document.head.insertBefore(el, before);
  });
}

function load({ name, script, style }) {
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = appUrl(style);
  // Ahead of the page's own styles, which build on the library's, as the page's order had them.
  const styled = added(link, document.head.querySelector('link[rel=stylesheet]'), style);
  const el = document.createElement('script');
  el.src = appUrl(script);
  el.async = false; // in the list's order
  const ran = added(el, null, script).then(() => {
    if (!window[name]) throw new Error(`${script} did not define ${name}`);
  });
  return Promise.all([styled, ran]);
}

/** Run both libraries and apply their styles (once, however often asked). */
export function loadLibraries() {
  loading ||= Promise.all(LIBRARIES.filter(({ name }) => !window[name]).map(load));
  return loading;
}
