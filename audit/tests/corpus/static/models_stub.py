from pydantic import BaseModel, field_validator


class Task:
    id: int
    title: str


class Signup(BaseModel):
    name: str

    @field_validator("name")
    @classmethod
    def known(cls, value: str) -> str:
        if value == "root":
            raise ValueError("name already exists")  # near: BUILTIN-ERROR-FOR-EXPECTED
        return value
