/**
 * @fileoverview What the network computes over the input space, next to D:
 * for one input, the curve ŷ(s) over the data points; for two, a heat map of
 * ŷ over the input plane with the points on it.  The grid's ŷ comes from the
 * server's predict (the state's `fit`); this view only draws.
 */

import { setAttr, setText } from '../lib/dom.js';
import { span } from '../state/fitgrid.js';
import { rgb } from '../state/unitgrid.js';

const SIZE = { width: 520, height: 300 };

// Blue for low, white in the middle, vermillion for high (unitgrid.js's scale): readable by
// colour-blind viewers, and the points carry their value as a label shape too.
function colour(t) {
  return `rgb(${rgb(t).join(',')})`;
}

/** ŷ over the grid as one pixel a point, row 0 (the lowest s2) at the bottom: scaled up when drawn. */
let heat = null; // the one small canvas the heat map is painted on, then drawn scaled up

function heatImage(grid, yHat, t) {
  const n = grid.xs.length;
  const m = grid.ys.length;
  if (!heat || heat.canvas.width !== n || heat.canvas.height !== m) {
    const canvas = document.createElement('canvas');
    canvas.width = n;
    canvas.height = m;
    heat = { canvas, ctx: canvas.getContext('2d') };
  }
  const { canvas, ctx } = heat;
  const image = ctx.createImageData(n, m);
  for (let r = 0; r < m; r++) {
    for (let c = 0; c < n; c++) {
      const [R, G, B] = rgb(t(yHat[r * n + c][0]));
      const p = 4 * ((m - 1 - r) * n + c);
      image.data[p] = R;
      image.data[p + 1] = G;
      image.data[p + 2] = B;
      image.data[p + 3] = 255;
    }
  }
  ctx.putImageData(image, 0, 0);
  return canvas;
}

export class FitView {
  /** @param {HTMLCanvasElement} canvas  @param {HTMLElement} caption */
  init(canvas, caption) {
    if (!canvas || !caption) throw new Error('FitView needs a canvas and a caption');
    this.canvas = canvas;
    this.caption = caption;
    canvas.width = SIZE.width;
    canvas.height = SIZE.height;
    this.drawn = null;
    return this;
  }

  render(state) {
    const fit = state.fit;
    const key = fit ? `${fit.version}` : 'none';
    if (key === this.drawn) return;
    this.drawn = key;
    const ctx = this.canvas.getContext('2d');
    ctx.clearRect(0, 0, SIZE.width, SIZE.height);
    if (!fit || !fit.y_hat) {
      setText(this.caption, state.data && state.data.s[0].length > 2
        ? 'The fit view draws data with one or two inputs.'
        : '');
      setAttr(this.canvas, 'data-kind', 'none');
      return;
    }
    if (fit.grid.dims === 1) this._curve(ctx, fit.grid, fit.y_hat, state.data);
    else this._heat(ctx, fit.grid, fit.y_hat, state.data);
    setAttr(this.canvas, 'data-kind', fit.grid.dims === 1 ? 'curve' : 'heatmap');
    setAttr(this.canvas, 'data-version', String(fit.version));
  }

  _curve(ctx, grid, yHat, data) {
    const pad = 36;
    const ys = [...yHat.map((r) => r[0]), ...data.y.map((r) => r[0])];
    const [ylo, yhi] = span(ys);
    const [xlo, xhi] = [grid.xs[0], grid.xs[grid.xs.length - 1]];
    const px = (x) => pad + ((x - xlo) / (xhi - xlo)) * (SIZE.width - 2 * pad);
    const py = (y) => SIZE.height - pad - ((y - ylo) / (yhi - ylo)) * (SIZE.height - 2 * pad);
    ctx.strokeStyle = '#999';
    ctx.lineWidth = 1;
    ctx.strokeRect(pad, pad, SIZE.width - 2 * pad, SIZE.height - 2 * pad);
    ctx.fillStyle = '#222';
    ctx.font = '14px sans-serif';
    ctx.fillText('s', SIZE.width / 2, SIZE.height - 8);
    ctx.fillText('ŷ', 8, SIZE.height / 2);
    ctx.strokeStyle = '#0072B2';
    ctx.lineWidth = 3;
    ctx.beginPath();
    grid.xs.forEach((x, i) => (i ? ctx.lineTo(px(x), py(yHat[i][0])) : ctx.moveTo(px(x), py(yHat[i][0]))));
    ctx.stroke();
    ctx.fillStyle = '#D55E00';
    for (let i = 0; i < data.s.length; i++) {
      ctx.beginPath();
      ctx.arc(px(data.s[i][0]), py(data.y[i][0]), 5, 0, 2 * Math.PI);
      ctx.fill();
    }
    setText(this.caption, 'Line: the network’s ŷ(s). Dots: the data (s, y).');
  }

  _heat(ctx, grid, yHat, data) {
    const n = grid.xs.length;
    const cw = SIZE.width / n;
    const ch = SIZE.height / grid.ys.length;
    const values = [...yHat.map((r) => r[0]), ...data.y.map((r) => r[0])];
    const [lo, hi] = [Math.min(...values), Math.max(...values)];
    const t = (v) => (hi > lo ? (v - lo) / (hi - lo) : 0.5);
    // one cell a grid point, as sharp-edged blocks
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(heatImage(grid, yHat, t), 0, 0, n * cw, grid.ys.length * ch);
    const [xlo, xhi] = [grid.xs[0], grid.xs[n - 1]];
    const [ylo, yhi] = [grid.ys[0], grid.ys[grid.ys.length - 1]];
    for (let i = 0; i < data.s.length; i++) {
      const x = ((data.s[i][0] - xlo) / (xhi - xlo)) * SIZE.width;
      const y = SIZE.height - ((data.s[i][1] - ylo) / (yhi - ylo)) * SIZE.height;
      const high = t(data.y[i][0]) >= 0.5;
      ctx.lineWidth = 2;
      ctx.strokeStyle = '#000';
      ctx.fillStyle = colour(t(data.y[i][0]));
      ctx.beginPath();
      // circles for the upper half of the targets, squares for the lower half
      if (high) ctx.arc(x, y, 6, 0, 2 * Math.PI);
      else ctx.rect(x - 5, y - 5, 10, 10);
      ctx.fill();
      ctx.stroke();
    }
    setText(this.caption, `Colour: ŷ over the (s1, s2) plane, from ${lo.toFixed(2)} (blue) to ${hi.toFixed(2)} (vermillion). Marks: the data, circles for high y, squares for low.`);
  }
}
