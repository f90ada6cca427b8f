import os
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, SecretStr, validator  # expect: PYDANTIC-V1-API
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")  # near: PYDANTIC-CLASS-CONFIG

    database_url: str  # expect: SECRET-AS-STR
    jwt_secret: SecretStr  # near: SECRET-AS-STR
    jwt_algorithm: str = "HS256"  # near: SECRET-AS-STR
    api_key: str | None = None  # expect: SECRET-AS-STR
    dsn_example: SecretStr = Field(examples=["postgresql://user:secret@db:5432/app"])  # near: HARDCODED-CREDENTIALS


class LegacySettings(BaseSettings):
    class Config:  # expect: PYDANTIC-CLASS-CONFIG
        env_file = ".env"


class LegacyModel(BaseModel):
    name: str

    @validator("name")  # near: PYDANTIC-V1-API
    def strip(cls, value: str) -> str:
        return value.strip()

    class Config:  # expect: PYDANTIC-CLASS-CONFIG
        orm_mode = True  # expect: PYDANTIC-V1-API


class Modern(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Config:  # near: PYDANTIC-CLASS-CONFIG
    debug = False


settings = Settings()  # expect: SETTINGS-AT-IMPORT
legacy = LegacyModel.parse_obj({"name": "x"})  # expect: PYDANTIC-V1-API
modern = Modern.model_validate({})  # near: PYDANTIC-V1-API


@lru_cache
def get_settings() -> Settings:
    return Settings()  # near: SETTINGS-AT-IMPORT


DATABASE_URL = "postgresql://tasks:s3cr3t@db.internal:5432/tasks"  # expect: HARDCODED-CREDENTIALS
PUBLIC_URL = "https://example.com/docs"  # near: HARDCODED-CREDENTIALS
TIMEOUT = int(os.environ.get("TIMEOUT", "5"))  # expect: ENV-BY-HAND
HOME = os.getenv("HOME")  # expect: ENV-BY-HAND
DEFAULTS = {"TIMEOUT": "5"}
FALLBACK = int(DEFAULTS["TIMEOUT"])  # near: ENV-BY-HAND


class ClientSettings(BaseSettings):
    jwt_token_prefix: str = "Token"  # near: SECRET-AS-STR
    aws_access_key_id: str = ""  # near: SECRET-AS-STR
    aws_secret_access_key: str = ""  # expect: SECRET-AS-STR
