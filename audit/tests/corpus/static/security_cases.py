import hashlib
import pickle
import subprocess

import jwt


def hash_password(password: str) -> str:
    return hashlib.sha256(password.encode()).hexdigest()  # expect: FAST-PASSWORD-HASH


def etag(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()  # near: FAST-PASSWORD-HASH


def tokens(key: str, token: str, exp: int) -> None:
    jwt.encode({"sub": "42"}, key, algorithm="HS256")  # expect: JWT-WITHOUT-EXPIRY
    jwt.encode({"sub": "42", "exp": exp}, key, algorithm="HS256")  # near: JWT-WITHOUT-EXPIRY
    jwt.decode(token, key)  # expect: JWT-WITHOUT-EXPIRY
    jwt.decode(token, key, algorithms=["HS256"])  # near: JWT-WITHOUT-EXPIRY
    jwt.decode(token, key, algorithms=["HS256"], options={"verify_exp": False})  # expect: JWT-WITHOUT-EXPIRY


def dangerous(source: str, data: bytes) -> None:
    eval(source)  # expect: EVAL-OR-SHELL
    pickle.loads(data)  # expect: EVAL-OR-SHELL
    subprocess.run(source, shell=True, check=False)  # expect: EVAL-OR-SHELL
    subprocess.run(["ls", source], check=False)  # near: EVAL-OR-SHELL
