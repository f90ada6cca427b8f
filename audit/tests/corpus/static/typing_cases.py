import json
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

if TYPE_CHECKING:
    from datetime import datetime  # expect: FUTURE-ANNOTATIONS


def untyped(a, b: int):  # expect: UNANNOTATED-DEF
    return a


def typed(a: int) -> int:  # near: UNANNOTATED-DEF
    return a


class Box:
    def method(self, value: int) -> int:  # near: UNANNOTATED-DEF
        return value


def loose(value: Any) -> int:  # expect: ANY-TYPE
    return 1


def waived(value: Any) -> int:  # noqa: ANN401 - ASGI messages are untyped by definition  # near: ANY-TYPE
    return 1


def nested(value: dict[str, Any]) -> int:  # near: ANY-TYPE
    return len(value)


def parse(raw: str) -> Any:  # noqa: ANN401 - shown  # near: ANY-TYPE
    return json.loads(raw)  # expect: ANY-JSON


def parse_typed(raw: str) -> dict[str, int]:
    return dict(json.loads(raw))  # near: ANY-JSON


class Payload(BaseModel):
    data: dict[str, Any]  # expect: ANY-TYPE
    amount: "Decimal"  # expect: FUTURE-ANNOTATIONS
    name: str  # near: FUTURE-ANNOTATIONS, ANY-TYPE


x: int = "a"  # type: ignore  # expect: TYPE-IGNORE-REASON
y: int = "a"  # type: ignore[assignment]
# expect-prev: TYPE-IGNORE-REASON
v = 1
z: int = "a"  # type: ignore[assignment]  # the demo assigns a str on purpose  # near: TYPE-IGNORE-REASON
# a reason on the line above counts for a type: ignore
w: int = "a"  # type: ignore[assignment]  # near: TYPE-IGNORE-REASON
import os  # noqa  # expect: NOQA-REASON
import sys  # noqa: F401
# expect-prev: NOQA-REASON
import re  # noqa: F401 - re-exported for the plugins  # near: NOQA-REASON


def swallow() -> str | None:
    try:
        return os.environ["X"]  # expect: ENV-BY-HAND
    except Exception:  # expect: BROAD-EXCEPT  # near: ERROR-AS-DEFAULT
        return None


def bare() -> None:
    try:
        sys.exit(0)
    except:  # expect: BROAD-EXCEPT
        raise


def reraise() -> str:
    try:
        return os.environ["X"]  # expect: ENV-BY-HAND
    except Exception as exc:  # near: BROAD-EXCEPT, ERROR-AS-DEFAULT
        raise LookupError("X is not set") from exc


def answer(raw: str) -> bool:
    try:
        Decimal(raw)
    except InvalidOperation:  # near: ERROR-AS-DEFAULT, BROAD-EXCEPT
        return False
    return True


def amounts(raw: list[str]) -> Iterator[Decimal]:
    for item in raw:
        try:
            yield Decimal(item)
        except InvalidOperation:  # near: ERROR-AS-DEFAULT
            return


def parse_amount(raw: str) -> Decimal:
    try:
        return Decimal(raw)
    except InvalidOperation:  # expect: ERROR-AS-DEFAULT
        return Decimal(0)
