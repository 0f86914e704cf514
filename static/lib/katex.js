/**
 * @fileoverview KaTeX for the page's modules.  The page loads KaTeX's
 * minified build with a classic deferred script (it defines window.katex)
 * ahead of its modules, which run after it; this module hands it on.
 */

if (!window.katex) throw new Error('KaTeX is not loaded: the page needs /vendor/katex/katex.min.js before its modules');

export default window.katex;
