from fastapi import FastAPI


def create_app() -> FastAPI:
    return FastAPI(docs_url=None, openapi_url=None)  # near: APP-OUTSIDE-MAIN, APP-AT-IMPORT, DOCS-ALWAYS-ON
