"""The process that serves the app: uvicorn's config and start (main), the loop that accepts
connections in batches (accept), the HTTP protocol with bounded heads (protocol), the
garbage collector's tuning (collector) and logs without secrets (logs).

Nothing here knows a session or a class: it runs whatever app/main.py assembles.
"""
