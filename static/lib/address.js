/**
 * @fileoverview Addresses on this server, under the path its pages are served
 * at: the server's root ('/'), unless a proxy serves them under a prefix (a
 * notebook server's jupyter-server-proxy, at /user/…/proxy/8000/), which the
 * server writes into the page as <body data-root>.
 */

/** `path`, from the server's root ('/api/sessions'), as this page reaches it. */
export function appUrl(path) {
  const root = document.body.dataset.root || '/';
  return root + path.replace(/^\//, '');
}

/** The WebSocket address of `path`, from the server's root. */
export function socketUrl(path) {
  const url = new URL(appUrl(path), location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}
