"""Developer scripts: `python -m scripts.run_local` and the curl walk-through."""
