/**
 * @fileoverview Writes to the page that happen only when they change something: a class's
 * views redraw with every play frame, and an unchanged write still costs the browser a
 * style pass.  Elements by id, with the page's own helpers (lib/dom.js) underneath.
 */

import { byId, richText, setAttr, setProp, setText } from '../lib/dom.js';

/** Element `id`'s text becomes `text`, if it is not that already. */
export function putText(id, text) {
  setText(byId(id), text);
}

/** Element `id` shows `text` with its raised and lowered letters, if it does not already. */
export function putRich(id, text) {
  const el = byId(id);
  if (el.dataset.text !== text) {
    richText(el, text);
    el.dataset.text = text;
  }
}

/** Attribute `name` of element `el` becomes `value`, if it is not that already. */
export const putAttr = setAttr;

/** Property `name` (hidden, disabled) of element `el` becomes `value`, if it is not that already. */
export const putProp = setProp;
