"""Start the server: `python -m app` (app/server/main.py)."""

from .server.main import main

if __name__ == "__main__":
    main()
