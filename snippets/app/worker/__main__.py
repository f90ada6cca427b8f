"""`python -m app.worker` runs the worker; `python -m app.worker purge`, one purge."""

from app.worker.main import main

main()
