"""The error hierarchy and its mapping to problem documents."""

from app.core.exceptions import AppError, NotFoundError, UnauthorizedError
from app.core.problem_details import ProblemDetails, problem_responses
from app.tasks.exceptions import TaskNotFoundError
from app.users.exceptions import RefreshTokenReusedError


def test_subclasses_carry_status_code_and_a_type_uri() -> None:
    error = TaskNotFoundError()

    assert isinstance(error, NotFoundError)
    assert (error.status, error.code, error.detail) == (
        404,
        "task-not-found",
        "Task not found",
    )
    assert error.type == "https://fastapi-guideline.netlify.app/problems/task-not-found"
    assert RefreshTokenReusedError("custom").detail == "custom"
    assert issubclass(RefreshTokenReusedError, UnauthorizedError)
    assert AppError().status == 500


def test_problem_responses_document_the_schema() -> None:
    responses = problem_responses(404, 409)

    assert responses[404] == {"model": ProblemDetails, "description": "Not Found"}
    assert set(responses) == {404, 409}
