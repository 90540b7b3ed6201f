"""Exception types shared by the core and every adapter."""


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


def _show(value) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, str) else str(value)


class DefinitionError(ICTCO2Error):
    """A model definition or factor set is malformed (a bug in a definition or a user's factor file)."""


class FactorSetError(ICTCO2Error, ValueError):
    """A factor set cannot be found or loaded."""
