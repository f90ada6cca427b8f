"""Do: test data from a factory, valid by construction, overridable per test."""

from decimal import Decimal

from polyfactory.factories.pydantic_factory import ModelFactory
from pydantic import BaseModel, Field


class TaskCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    budget: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    currency: str = Field(pattern=r"^[A-Z]{3}$")


# --8<-- [start:demo]
class TaskCreateFactory(ModelFactory[TaskCreate]):
    """Random but valid payloads; Faker fills the text fields."""

    __random_seed__ = 2025  # the same data on every run: failures reproduce

    @classmethod
    def title(cls) -> str:
        return cls.__faker__.sentence(nb_words=4)


def test_budget_is_kept_exactly() -> None:
    """Only the field this test is about is spelled out."""
    payload = TaskCreateFactory.build(budget=Decimal("10.50"))
    assert payload.budget == Decimal("10.50")  # noqa: S101  # a pytest assertion


# --8<-- [end:demo]
