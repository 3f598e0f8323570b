"""The plugin registry of register sources, in the manner of Open Forms' ``plugins/registry.py``.

Each source module registers its plugin class with ``@register``; the registry keeps one
instance per code. ``SOURCES`` is the registry itself: a dict from code to plugin, in the order
the modules register (the order answers and documentation use).
"""

from __future__ import annotations

from collections.abc import Callable

from .base import Source


class Registry(dict[str, Source]):
    def register(self, cls: type[Source]) -> type[Source]:
        """Class decorator: instantiate the plugin and file it under its ``code``."""
        code = getattr(cls, "code", None)
        if not code or not isinstance(code, str):
            raise ValueError(f"{cls.__name__} has no source code")
        if code in self:
            raise ValueError(f"source {code!r} is already registered ({self[code]!r})")
        for attribute in ("label_sv", "legal_basis", "ssbtek_service"):
            if not getattr(cls, attribute, ""):
                raise ValueError(f"{cls.__name__} has no {attribute}")
        self[code] = cls()
        return cls

    def check(self, codes) -> list[str]:
        """Requested codes, without repeats and in the order asked. Unknown codes: ValueError."""
        if isinstance(codes, str):
            raise ValueError("sources must be a sequence of source codes, not one string")
        result: list[str] = []
        for code in codes:
            if code not in self:
                known = ", ".join(self)
                raise ValueError(f"unknown register source {code!r} (known: {known})")
            if code not in result:
                result.append(code)
        if not result:
            raise ValueError("no register source asked for")
        return result


SOURCES = Registry()
register: Callable[[type[Source]], type[Source]] = SOURCES.register


class ExchangeRegistry(dict[str, dict[str, type]]):
    """Two-way exchanges with an agency (notices sent and received, not register queries): per
    exchange code, one adapter class per kind, ``"simulator"`` and ``"production"``. The
    exchanges register from ``bistand/connectors/exchanges/``."""

    KINDS = ("simulator", "production")

    def register(self, code: str, kind: str) -> Callable[[type], type]:
        if kind not in self.KINDS:
            raise ValueError(f"an exchange adapter is one of {self.KINDS}, not {kind!r}")

        def decorator(cls: type) -> type:
            adapters = self.setdefault(code, {})
            if kind in adapters and adapters[kind] is not cls:
                raise ValueError(f"exchange {code!r} already has a {kind} adapter")
            adapters[kind] = cls
            return cls

        return decorator

    def adapter(self, code: str, kind: str) -> type:
        try:
            return self[code][kind]
        except KeyError:
            raise ValueError(f"no {kind!r} adapter for the exchange {code!r}") from None


EXCHANGES = ExchangeRegistry()
register_exchange = EXCHANGES.register
