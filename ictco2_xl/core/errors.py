"""Exception types shared by the core and every adapter, and the "did you mean" hint of their messages."""
import difflib


class ICTCO2Error(Exception):
    """Base class for all errors raised by ictco2_xl."""


class InputError(ICTCO2Error, ValueError):
    """A model input is missing, not a number, or outside its valid range.

    The message names the model, the input, the offending value and the rule, e.g.
    ``fleet_management: empty_rate_drop must be between 0 and 1, got 1.5``. The parts are also
    available as attributes so adapters (worksheet functions, batch) can reformat them.
    """

    def __init__(self, model: str, name: str, value, rule: str, position=None, message: str | None = None):
        self.model, self.name, self.value, self.rule, self.position = model, name, value, rule, position
        self._message = message
        super().__init__(message or f"{model}: {self.short}")

    @property
    def short(self) -> str:
        """The message without the model prefix, for a worksheet cell.

        ``position`` is text such as ``item 3`` or ``row 'north'`` locating the bad element."""
        if self._message:
            return self._message.removeprefix(f"{self.model}: ")
        where = "" if self.position is None else f" ({self.position})"
        return f"{self.name} {self.rule}, got {_show(self.value)}{where}"


SHOWN_CHARACTERS = 100   # a message quotes at most this much of a bad value: one line stays readable


def _show(value) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, str) and len(value) > SHOWN_CHARACTERS:
        return f"{value[:SHOWN_CHARACTERS // 2]!r}... ({len(value):,} characters)"
    return repr(value) if isinstance(value, str) else str(value)


class DefinitionError(ICTCO2Error):
    """A model definition or factor set is malformed (a bug in a definition or a user's factor file)."""


class FactorSetError(ICTCO2Error, ValueError):
    """A factor set cannot be found or loaded."""


class MissingDependency(ICTCO2Error, ModuleNotFoundError):
    """An optional package an adapter needs is not installed. ``name`` is the module, ``extra`` the
    ictco2-xl extra that installs it; the command line turns this into the exact install command."""

    def __init__(self, module: str, extra: str, needed_for: str):
        self.extra = extra
        super().__init__(f"{needed_for} need {module}, which is not installed (ictco2-xl's '{extra}' extra)",
                         name=module)


def did_you_mean(word, choices) -> str:
    """``" (did you mean 'x'?)"`` for the choice closest to a misspelt ``word``; ``""`` if none is close."""
    text = str(word).strip()
    choices = [str(c) for c in choices]
    by_key = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(text.lower(), list(by_key), n=1, cutoff=0.6)
    return f" (did you mean {by_key[close[0]]!r}?)" if close else ""
