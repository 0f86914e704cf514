// The page's modules as one file: build/static/main.js (and its source map) from static/main.js,
// and its styles as another: build/static/page.css from static/page.css and what it imports.
//
// The browser then asks for one script instead of some eighty modules, which over HTTP/1.1's six
// connections arrive one batch after another.  Two kinds of import stay outside the bundle:
//   - the libraries under /vendor (the QR code's, loaded when a class starts);
//   - state/store.js, the page's one state object, which stays a module of its own at
//     /static/state/store.js, so that whatever imports that URL (a test, the console) shares it
//     (named from the bundle's own URL, so that it holds under a proxy's prefix too).
// build/static/sources.json records the hash of every module bundled: the server serves the
// bundle only while every module still has that hash, else the modules themselves.
//
//   node scripts/bundle.mjs        (make run and make test run it when a module changed)

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const STATIC = join(ROOT, 'static');
const OUT = join(ROOT, 'build', 'static');
const SHARED = join(STATIC, 'state', 'store.js');

const shared = {
  name: 'shared-state',
  setup(build) {
    build.onResolve({ filter: /store\.js$/ }, (args) => {
      if (resolve(args.resolveDir, args.path) !== SHARED) return undefined;
      return { path: '../static/state/store.js', external: true };
    });
  },
};

const common = { bundle: true, minify: true, sourcemap: 'linked', metafile: true, logLevel: 'warning' };
const script = await esbuild.build({
  ...common,
  entryPoints: [join(STATIC, 'main.js')],
  outfile: join(OUT, 'main.js'),
  format: 'esm',
  target: 'es2022',
  external: ['/vendor/*'],
  plugins: [shared],
});
const styles = await esbuild.build({ ...common, entryPoints: [join(STATIC, 'page.css')], outfile: join(OUT, 'page.css') });

// Every module bundled, with its hash: what the server compares with static/ before serving the bundle.
const sources = {};
const inputs = { ...script.metafile.inputs, ...styles.metafile.inputs };
for (const path of Object.keys(inputs).sort()) {
  const file = resolve(ROOT, path);
  sources[relative(STATIC, file).split('\\').join('/')] = createHash('sha256').update(readFileSync(file)).digest('hex');
}
mkdirSync(OUT, { recursive: true });
writeFileSync(join(OUT, 'sources.json'), `${JSON.stringify({ sources }, null, 1)}\n`);
console.log(`bundled ${Object.keys(sources).length} modules and styles into ${relative(ROOT, OUT)}`);
