/**
 * @fileoverview The few DOM helpers the views share: an element by id, an SVG
 * element with its attributes, and text with the slides' raised and lowered
 * letters.
 */

const SVG = 'http://www.w3.org/2000/svg';

/** The page's element with this id. */
export function byId(id) {
  return document.getElementById(id);
}

/** An SVG element `name` with `attrs`, appended to `parent` when one is given. */
export function svgEl(name, attrs = {}, parent = null) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (parent) parent.appendChild(node);
  return node;
}

/**
 * Put text into an element, turning `^{…}` and `_{…}` into superscripts and
 * subscripts, so that δ^{A}_{j} reads as on the slides without relying on
 * rare Unicode letters a projector's font may lack.
 */
export function richText(element, text) {
  element.replaceChildren();
  const parts = text.split(/([_^])\{([^}]*)\}/);
  for (let i = 0; i < parts.length; i += 3) {
    if (parts[i]) element.appendChild(document.createTextNode(parts[i]));
    if (i + 2 < parts.length) {
      const tag = document.createElement(parts[i + 1] === '^' ? 'sup' : 'sub');
      tag.textContent = parts[i + 2];
      element.appendChild(tag);
    }
  }
}
