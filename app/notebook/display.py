"""Where a notebook shows the page of its kernel's server, as TensorBoard's notebook integration does.

- Colab: its port proxy (`google.colab.output.serve_kernel_port_as_iframe`).
- Jupyter: a script in the output picks, in the browser, the first that works: a loopback iframe
  when the notebook's page comes from this machine (then the browser is on the kernel's machine),
  else the notebook server's proxy (jupyter-server-proxy: `{base_url}proxy/{port}/`) when the
  kernel's environment has it, else a message with the address.
- Elsewhere (a terminal, a renderer that runs no script): that message.
"""

from __future__ import annotations

import html
import importlib.util
import itertools
import json
import sys

_ids = itertools.count(1)

# Runs in the notebook's page: `box` holds the message until a frame takes its place.
_SCRIPT = """(function () {
  const box = document.getElementById(%(id)s);
  const host = window.location.hostname;
  let src = null;
  if (['localhost', '127.0.0.1', '[::1]'].includes(host)) {
    // The notebook's own host name, so that the frame is of the same site and may keep its run.
    src = 'http://' + (host === '[::1]' ? '127.0.0.1' : host) + ':' + %(port)s + %(path)s;
  } else if (%(proxy)s) {
    const config = document.getElementById('jupyter-config-data');
    const base = (config && JSON.parse(config.textContent).baseUrl) || document.body.dataset.baseUrl || '/';
    src = base.replace(/\\/?$/, '/') + 'proxy/' + %(port)s + %(path)s;
  }
  if (!box || !src) return;
  const frame = document.createElement('iframe');
  frame.src = src;
  frame.title = 'Backprop Explainer';
  frame.width = '100%%';
  frame.height = %(height)s;
  frame.style.border = '0';
  box.replaceChildren(frame);
})();"""


def message(port: int, path: str) -> str:
    """What the notebook says where no frame can show the page."""
    return (
        f"Backprop Explainer runs in this kernel at http://127.0.0.1:{port}{path}, on the loopback of the "
        "kernel's machine only, which this browser cannot reach from here (it is on another machine, "
        "and the notebook server has no jupyter-server-proxy). Open that address on the kernel's machine, "
        f"or forward the port first (ssh -L {port}:127.0.0.1:{port} <the kernel's host>) and open it here, "
        "or install jupyter-server-proxy beside the notebook server and run the cell again."
    )


def has_proxy() -> bool:
    """Whether the notebook server can reach the kernel's port through jupyter-server-proxy, as far
    as the kernel can tell: the proxy is installed in its environment."""
    return importlib.util.find_spec("jupyter_server_proxy") is not None


def in_colab() -> bool:
    return "google.colab" in sys.modules


def bundle(port: int, path: str, height: int, proxy: bool) -> dict[str, str]:
    """The output for Jupyter: the page in a frame where the browser can reach it, else the message."""
    box = f"backprop-explainer-{next(_ids)}"
    script = _SCRIPT % {
        "id": json.dumps(box),
        "port": port,
        "path": json.dumps(path),
        "proxy": json.dumps(proxy),
        "height": json.dumps(str(height)),
    }
    text = message(port, path)
    page = f'<div id="{box}"><p>{html.escape(text)}</p></div>\n<script>\n{script}\n</script>'
    return {"text/html": page, "text/plain": text}


def show(port: int, path: str, height: int) -> None:
    """Shows the page at `path` of the kernel's server in the notebook, or says where it is."""
    if in_colab():
        from google.colab import output  # Colab's own module, there only

        output.serve_kernel_port_as_iframe(port, path=path, height=height)
        return
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        get_ipython = None
    if get_ipython is None or get_ipython() is None:
        print(message(port, path))
        return
    display(bundle(port, path, height, has_proxy()), raw=True)
