/**
 * @fileoverview Whether an element is on the screen or close to it, as the
 * browser last reported.  While playing, a picture far below the fold (the
 * fit view, TD mode's values) is not asked for again at each refresh; it is
 * brought up to date as it comes into view, and whenever play stops.
 */

const MARGIN = '300px'; // this close to the screen counts as on it: scrolled to, it is up to date
const shown = new Map(); // element → on the screen
let observer = null;

/** Whether `element` is on the screen: true until the browser has first said. */
export function onScreen(element) {
  if (!element) return false;
  observer ||= new IntersectionObserver((entries) => {
    for (const entry of entries) shown.set(entry.target, entry.isIntersecting);
  }, { rootMargin: MARGIN });
  if (!shown.has(element)) {
    shown.set(element, true);
    observer.observe(element);
  }
  return shown.get(element);
}
