"""The one exception type of the package (private module)."""


class Error(Exception):
    """A failure reported by libcimlir, carrying its message.

    ``messages`` holds every diagnostic of the failure (one string each,
    ``"file:line:col: error: ..."`` where the error has a position); ``str()``
    joins them with newlines.
    """

    def __init__(self, messages):
        if isinstance(messages, str):
            messages = [messages]
        self.messages = list(messages) or ["unknown error"]
        super().__init__("\n".join(self.messages))


def check(result, collector, what=None):
    """Raises Error with the collected C messages when `result` failed."""
    from . import _ffi
    if _ffi.failed(result):
        msgs = collector.messages()
        if not msgs:
            msgs = [f"{what or 'the call'} failed"]
        raise Error(msgs)
