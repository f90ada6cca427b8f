"""`python -m fastapi_guideline audit PATH`."""

from fastapi_guideline.cli import main

raise SystemExit(main())
