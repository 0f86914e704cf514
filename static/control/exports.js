/**
 * @fileoverview Taking the run away: the share link to the clipboard, the
 * session as a JSON document and back, the loss history as CSV, the diagram as
 * SVG or PNG, the loss chart as PNG.
 */

import { ApiError, api } from '../api.js';
import { byId } from '../lib/dom.js';
import { linkToRun } from '../state/link.js';
import { lossCSV } from '../state/losses.js';
import { state } from '../state/store.js';
import { canvasToPng, download, downloadJSON, svgDocument, svgToPng } from './files.js';
import { stopPlaying } from './player.js';
import { guarded } from './queue.js';
import { render } from './render.js';
import { adopt } from './session.js';
import { stopWork } from './work.js';

export const exporters = {
  link: async () => {
    const link = linkToRun(state);
    byId('share-link').value = link;
    try {
      await navigator.clipboard.writeText(link);
      state.notice = 'Link copied: opening it reproduces this run.';
    } catch (err) {
      byId('share-link').select();
      state.notice = 'Copy the selected link (the browser did not allow copying here).';
    }
    render();
  },
  session: () =>
    guarded(async () => {
      downloadJSON(`backprop-session-step${state.counters.step}.json`, await api.exportSession(state.session.id));
    }),
  importFile: (file) => {
    stopWork();
    return guarded(async () => {
      let doc;
      try {
        doc = JSON.parse(await file.text());
      } catch (err) {
        throw new ApiError(422, { message: `${file.name} is not a JSON document` });
      }
      stopPlaying();
      const body = await api.importSession(doc);
      if (state.session) api.remove(state.session.id).catch(() => {});
      adopt(body);
      state.notice = `Opened ${file.name}: the run continues from step ${body.state.step}.`;
    });
  },
  csv: () => download('loss-history.csv', new Blob([lossCSV(state.chart)], { type: 'text/csv' })),
  svg: () => download('network.svg', new Blob([svgDocument(byId('network-svg'))], { type: 'image/svg+xml' })),
  png: async () => {
    const svg = byId('network-svg');
    const box = svg.viewBox.baseVal;
    download('network.png', await svgToPng(svgDocument(svg), box.width, box.height));
  },
  chart: async () => download('loss-chart.png', await canvasToPng(byId('loss-chart').querySelector('canvas'))),
};
