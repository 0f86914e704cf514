/**
 * @fileoverview Files to take away: any blob or JSON document as a download,
 * the diagram as a standalone SVG or a PNG, the loss chart's canvas as a PNG.
 */

/** Offer `blob` as a download named `name`. */
export function download(name, blob) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadJSON(name, value) {
  download(name, new Blob([JSON.stringify(value, null, 1)], { type: 'application/json' }));
}

// The properties the diagram's look depends on, copied from the stylesheet
// into the file so that it looks the same anywhere.
const STYLE_PROPS = [
  'fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'opacity', 'font-size', 'font-weight',
  'font-family', 'paint-order', 'text-decoration',
];

/** The diagram as a standalone SVG document. */
export function svgDocument(svg) {
  const clone = svg.cloneNode(true);
  const source = svg.querySelectorAll('*');
  const target = clone.querySelectorAll('*');
  source.forEach((el, i) => {
    const cs = getComputedStyle(el);
    const style = STYLE_PROPS.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(';');
    target[i].setAttribute('style', style);
  });
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  const box = svg.viewBox.baseVal;
  clone.setAttribute('width', String(box.width));
  clone.setAttribute('height', String(box.height));
  const background = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute('fill', '#fff');
  clone.insertBefore(background, clone.firstChild);
  return new XMLSerializer().serializeToString(clone);
}

/** Render an SVG document to a PNG blob, at `scale` times its size. */
export function svgToPng(svgText, width, height, scale = 2) {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => {
      const canvas = document.createElement('canvas');
      canvas.width = width * scale;
      canvas.height = height * scale;
      const ctx = canvas.getContext('2d');
      ctx.scale(scale, scale);
      ctx.drawImage(img, 0, 0, width, height);
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('no PNG'))), 'image/png');
    };
    img.onerror = () => reject(new Error('the diagram could not be drawn as an image'));
    const bytes = new TextEncoder().encode(svgText);
    let binary = '';
    bytes.forEach((b) => (binary += String.fromCharCode(b)));
    img.src = `data:image/svg+xml;base64,${btoa(binary)}`;
  });
}

/** A canvas (the loss chart's) as a PNG blob on a white background. */
export function canvasToPng(source) {
  const canvas = document.createElement('canvas');
  canvas.width = source.width;
  canvas.height = source.height;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(source, 0, 0);
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
}
