"""One api, bgapi or command sent through an :class:`~fsmonitor.net.EslConnection`."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from .errors import EslError

#: How much of a command line appears in labels, logs and error messages.
LABEL_LIMIT = 80


def make_label(text: str) -> str:
    """A short one-line description of a command, safe for logs and error messages."""
    line = text.replace("\r", " ").replace("\n", " ")
    return line if len(line) <= LABEL_LIMIT else line[: LABEL_LIMIT - 1] + "…"


class EslRequest(QObject):
    """The pending result of one request.

    Exactly one of :attr:`finished` (the result text: the api body, the command's
    Reply-Text, or the body of the BACKGROUND_JOB) or :attr:`failed` (an :class:`EslError`)
    is emitted, exactly once, and never from inside the call that created the request: a
    request that fails at once fails on the next turn of the event loop, after the caller
    had the chance to connect its slots.

    ``kind`` is ``"api"``, ``"bgapi"`` or ``"command"`` (``"internal"`` for the
    connection's own: auth, subscriptions, snapshot, probe); ``job_uuid`` is set for bgapi.
    """

    finished = Signal(object)
    failed = Signal(object)

    def __init__(
        self,
        kind: str,
        label: str,
        timeout: float,
        job_uuid: str | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.kind = kind
        self.label = make_label(label)
        self.timeout = timeout
        self.job_uuid = job_uuid
        self.result: str | None = None
        self.error: EslError | None = None
        self._done = False
        self._deferred_error: EslError | None = None
        self._wire = b""  # what goes on the socket; never logged (it may hold a password)

    @property
    def done(self) -> bool:
        return self._done

    def __repr__(self) -> str:
        state = "done" if self._done else "pending"
        return f"<EslRequest {self.kind} {self.label!r} {state}>"

    def _resolve(self, result: str) -> bool:
        if self._done:
            return False
        self._done = True
        self.result = result
        self.finished.emit(result)
        return True

    def _fail(self, error: EslError) -> bool:
        if self._done:
            return False
        self._done = True
        self.error = error
        self.failed.emit(error)
        return True

    def _fail_later(self, error: EslError) -> None:
        """Fail on the next event-loop turn, so slots connected after creation still run."""
        self._deferred_error = error
        timer = QTimer(self)
        timer.setObjectName("esl-request-fail-later")
        timer.setSingleShot(True)
        timer.timeout.connect(self._fail_deferred)
        timer.start(0)

    def _fail_deferred(self) -> None:
        if self._deferred_error is not None:
            self._fail(self._deferred_error)
