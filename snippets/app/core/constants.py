"""Constants of the cross-cutting core: the error codes its own errors answer."""

from enum import StrEnum


# --8<-- [start:error-codes]
class ErrorCode(StrEnum):
    """Codes of the generic errors; each domain adds its own in its constants."""

    INTERNAL_ERROR = "internal-error"
    BAD_REQUEST = "bad-request"
    CORS_PREFLIGHT_REFUSED = "cors-preflight-refused"
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not-found"
    CONFLICT = "conflict"
    UNSUPPORTED_MEDIA_TYPE = "unsupported-media-type"
    PRECONDITION_FAILED = "precondition-failed"
    TOO_MANY_REQUESTS = "too-many-requests"
    DATABASE_UNAVAILABLE = "database-unavailable"
    DATABASE_BUSY = "database-busy"
    SERVER_BUSY = "server-busy"
    QUEUE_UNAVAILABLE = "queue-unavailable"
    VALIDATION_ERROR = "validation-error"
    INVALID_CURSOR = "invalid-cursor"


# --8<-- [end:error-codes]
