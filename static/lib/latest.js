/**
 * @fileoverview A refresh that keeps one request in flight: asked again
 * meanwhile, it runs once more when that one ends.  While playing, the latest
 * state wins and requests never queue up.  A failed request leaves the last
 * picture; the next change tries again.  And a call held to a rate: at most
 * once in a while, the last call asked for always made.
 */

/**
 * `refresh` wrapped so that at most one call runs, and one more follows if it was asked for
 * meanwhile; with `gapMs` (milliseconds, or a function that says how many now), two calls also
 * start at least that far apart (one asked for sooner waits for the gap, once however many came).
 */
export function latestOnly(refresh, gapMs = 0) {
  const gap = typeof gapMs === 'function' ? gapMs : () => gapMs;
  let last = -Infinity;
  let timer = null;
  let inFlight = false;
  let again = false;
  const start = async () => {
    last = performance.now();
    inFlight = true;
    try {
      await refresh();
    } catch (err) {
      // keep the last picture; the next change tries again
    } finally {
      inFlight = false;
      if (again) {
        again = false;
        ask();
      }
    }
  };
  const ask = () => {
    if (inFlight) {
      again = true;
      return;
    }
    if (timer !== null) return;
    const wait = last + gap() - performance.now();
    if (wait <= 0) start();
    else {
      timer = setTimeout(() => {
        timer = null;
        ask();
      }, wait);
    }
  };
  return ask;
}

/**
 * `fn` wrapped so that it runs at most once every `ms` milliseconds: a call
 * that comes sooner is made when the interval is up (once, however many came).
 */
export function atMostEvery(ms, fn) {
  let last = -Infinity;
  let timer = null;
  const run = () => {
    timer = null;
    last = performance.now();
    fn();
  };
  return () => {
    if (timer !== null) return;
    const wait = last + ms - performance.now();
    if (wait <= 0) run();
    else timer = setTimeout(run, wait);
  };
}
