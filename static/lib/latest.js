/**
 * @fileoverview A refresh that keeps one request in flight: asked again
 * meanwhile, it runs once more when that one ends.  While playing, the latest
 * state wins and requests never queue up.  A failed request leaves the last
 * picture; the next change tries again.
 */

/** `refresh` wrapped so that at most one call runs, and one more follows if it was asked for meanwhile. */
export function latestOnly(refresh) {
  let inFlight = false;
  let again = false;
  const run = async () => {
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    try {
      await refresh();
    } catch (err) {
      // keep the last picture
    } finally {
      inFlight = false;
      if (again) {
        again = false;
        run();
      }
    }
  };
  return run;
}
