/**
 * @fileoverview A QR code of a text drawn as SVG, offline, with the
 * qrcode-generator library served from /vendor.  The library is fetched when
 * the first code is drawn: a page that starts no class never loads it.
 */

import { appUrl } from '../lib/address.js';
import { svgEl } from '../lib/dom.js';

let library = null;

const QUIET = 4; // modules of white border a phone's camera needs around the code

/** An SVG of `text` as a QR code, error correction M, `size` px wide. */
export async function qrSvg(text, size) {
  library ||= import(appUrl('/vendor/qrcode-generator/qrcode.mjs'));
  const qrcode = (await library).default;
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  const n = qr.getModuleCount();
  const side = n + 2 * QUIET;
  const svg = svgEl('svg', { viewBox: `0 0 ${side} ${side}`, width: size, height: size, role: 'img', class: 'qr' });
  svgEl('rect', { width: side, height: side, fill: '#fff' }, svg);
  let d = '';
  for (let r = 0; r < n; r += 1) {
    for (let c = 0; c < n; c += 1) if (qr.isDark(r, c)) d += `M${c + QUIET} ${r + QUIET}h1v1h-1z`;
  }
  svgEl('path', { d, fill: '#000', 'shape-rendering': 'crispEdges' }, svg);
  return svg;
}
