"""Two-way exchanges with agencies (notices sent and received), registered in
``bistand.connectors.registry.EXCHANGES``: one module per exchange, each with a simulator and a
production adapter. See docs/af_exchange.md."""

from . import af  # noqa: F401  (registers the Arbetsförmedlingen exchange)
