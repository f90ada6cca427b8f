"""Security: slow password hashes, expiring tokens, no eval or shell on input."""

import ast
import re
from collections.abc import Iterator

from fastapi_guideline.project import Project
from fastapi_guideline.registry import Hit, check
from fastapi_guideline.source import Module, keyword, walk_body

FAST_HASHES = {
    f"hashlib.{n}"
    for n in (
        "md5",
        "sha1",
        "sha224",
        "sha256",
        "sha384",
        "sha512",
        "blake2b",
        "blake2s",
        "sha3_256",
        "sha3_512",
        "new",
    )
}
PASSWORD = re.compile(r"pass(word|wd)?|pwd", re.I)
DANGEROUS = {
    "eval",
    "exec",
    "pickle.loads",
    "pickle.load",
    "marshal.loads",
    "os.system",
    "os.popen",
    "yaml.load",
    "dill.loads",
}


@check(
    "FAST-PASSWORD-HASH",
    ("SEC-006",),
    "static",
    "module",
    "a password hashed with a fast digest: hash it with Argon2id",
)
def fast_password_hash(module: Module, project: Project) -> Iterator[Hit]:
    for function, _ in module.functions:
        about_passwords = PASSWORD.search(function.name) or any(
            PASSWORD.search(a.arg) for a in function.args.args
        )
        for node in walk_body(function):
            if isinstance(node, ast.Call) and module.qualname(node.func) in FAST_HASHES:
                if about_passwords or PASSWORD.search(ast.unparse(node)):
                    yield Hit(
                        module.path, node.lineno, node.col_offset + 1, module.qualname(node.func)
                    )


@check(
    "JWT-WITHOUT-EXPIRY",
    ("SEC-002",),
    "static",
    "module",
    "a JWT issued without `exp` or decoded without a pinned algorithm or expiry check",
)
def jwt_without_expiry(module: Module, project: Project) -> Iterator[Hit]:
    for call, _ in module.calls:
        name = module.qualname(call.func)
        if name in {"jwt.encode", "jose.jwt.encode"} and call.args:
            claims = call.args[0]
            if isinstance(claims, ast.Dict):
                keys = {k.value for k in claims.keys if isinstance(k, ast.Constant)}
                if "exp" not in keys and None not in claims.keys:
                    yield Hit(module.path, call.lineno, call.col_offset + 1, "no exp claim")
        if name in {"jwt.decode", "jose.jwt.decode"}:
            if keyword(call, "algorithms") is None:
                yield Hit(module.path, call.lineno, call.col_offset + 1, "no algorithms=")
            options = keyword(call, "options")
            if options is not None and re.search(
                r"verify_(exp|signature)['\"]\s*:\s*False", ast.unparse(options)
            ):
                yield Hit(module.path, call.lineno, call.col_offset + 1, "verification off")


@check(
    "EVAL-OR-SHELL",
    ("SEC-007",),
    "static",
    "module",
    "eval/exec, unpickling or a shell: input must never reach them",
)
def eval_or_shell(module: Module, project: Project) -> Iterator[Hit]:
    if module.roles & {"test", "migration"}:
        return
    for call, _ in module.calls:
        name = module.qualname(call.func)
        shell = keyword(call, "shell")
        if name in DANGEROUS and not (name == "yaml.load" and keyword(call, "Loader") is not None):
            yield Hit(module.path, call.lineno, call.col_offset + 1, name)
        elif name.startswith("subprocess.") and isinstance(shell, ast.Constant) and shell.value:
            yield Hit(module.path, call.lineno, call.col_offset + 1, f"{name}(shell=True)")
