/**
 * @fileoverview The few DOM helpers the views share: an element by id, an SVG
 * element with its attributes, text with the slides' raised and lowered
 * letters, and writes that touch the DOM only when they change something (an
 * unchanged text written again still makes the browser lay the page out anew).
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

// What richText last wrote into an element, so that writing it again can be skipped.
const richWritten = new WeakMap();

/**
 * Put text into an element, turning `^{…}` and `_{…}` into superscripts and
 * subscripts, so that δ^{A}_{j} reads as on the slides without relying on
 * rare Unicode letters a projector's font may lack.
 */
export function richText(element, text) {
  const last = richWritten.get(element);
  if (last && last.text === text && last.first === element.firstChild && last.count === element.childNodes.length &&
      last.plain === element.textContent) return; // what it wrote is still there, character for character
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
  richWritten.set(element, { text, first: element.firstChild, count: element.childNodes.length, plain: element.textContent });
}

/**
 * Set an element's text, unless it already is `text`.  An element holding one text node keeps
 * it and changes its characters: a new node would be styled and laid out from scratch, and a
 * played diagram changes some twenty numbers a frame.
 */
export function setText(element, text) {
  const only = element.firstChild;
  if (only !== null && only === element.lastChild && only.nodeType === Node.TEXT_NODE && text !== '') {
    if (only.data !== text) only.data = text;
  } else if (element.textContent !== text) element.textContent = text;
}

/** Set an attribute, unless it already has `value`. */
export function setAttr(element, name, value) {
  if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}

/** Set a property (hidden, disabled, checked, value), unless it already is `value`. */
export function setProp(element, name, value) {
  if (element[name] !== value) element[name] = value;
}

/** Add or remove a class, touching the element only when that changes it. */
export function mark(element, name, on) {
  if (element.classList.contains(name) !== on) element.classList.toggle(name, on);
}
