/**
 * @fileoverview uPlot for the page's modules.  The page loads uPlot's
 * minified build with a classic deferred script (it defines window.uPlot)
 * ahead of its modules, which run after it; this module hands it on.
 */

if (!window.uPlot) throw new Error('uPlot is not loaded: the page needs /vendor/uplot/uPlot.iife.min.js before its modules');

export default window.uPlot;
