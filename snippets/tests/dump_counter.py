"""Count Pydantic's JSON dumps: how the tests prove a response is serialized once."""

from collections.abc import Iterator
from contextlib import contextmanager

from pydantic import BaseModel, TypeAdapter


@contextmanager
def counted_dumps() -> Iterator[list[str]]:
    """Every JSON dump while the block runs: a model's, or a TypeAdapter's
    (FastAPI serializes a declared response model through one)."""
    dumps: list[str] = []
    model_dump_json = BaseModel.model_dump_json
    adapter_dump_json = TypeAdapter.dump_json

    def counted_model(self: BaseModel, **kwargs: object) -> str:
        dumps.append(type(self).__name__)
        return model_dump_json(self, **kwargs)  # type: ignore[arg-type]  # passed on

    def counted_adapter(
        self: TypeAdapter[object], value: object, **kwargs: object
    ) -> bytes:
        dumps.append(f"TypeAdapter[{type(value).__name__}]")
        return adapter_dump_json(self, value, **kwargs)  # type: ignore[arg-type]  # passed on

    BaseModel.model_dump_json = counted_model  # type: ignore[method-assign]  # restored below
    TypeAdapter.dump_json = counted_adapter  # type: ignore[method-assign,assignment]  # restored below
    try:
        yield dumps
    finally:
        BaseModel.model_dump_json = model_dump_json  # type: ignore[method-assign]  # put back
        TypeAdapter.dump_json = adapter_dump_json  # type: ignore[method-assign]  # put back
