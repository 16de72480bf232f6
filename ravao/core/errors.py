"""Errors that services raise and every interface (page, API, CLI) turns into a clear message."""


class ServiceError(Exception):
    """A request that cannot be carried out, with a message for the user (already translated).

    ``status`` is the HTTP status the API answers with; pages show the message and the CLI
    prints it. Raise it before writing anything, or inside a transaction that it rolls back.
    """

    status = 400

    def __init__(self, message: str, *, status: int | None = None, code: str = "", **extra):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        self.code = code
        self.extra = extra

    def body(self) -> dict:
        body = {"detail": self.message}
        if self.code:
            body["code"] = self.code
        body.update(self.extra)
        return body


class NotFound(ServiceError):
    status = 404


class Forbidden(ServiceError):
    status = 403


class Conflict(ServiceError):
    status = 409
