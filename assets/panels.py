"""Sections that apps above the register add to an asset's page (procurement: what bought or repaired it).

An app registers a function when it is ready; the asset page calls each with the asset and the user and
shows what it returns: None, or a Panel. The register itself imports none of those apps.
"""

from dataclasses import dataclass, field


@dataclass
class Panel:
    title: str
    rows: list = field(default_factory=list)  # (text, amount or None, url or "")
    summary: str = ""
    more_url: str = ""


_PROVIDERS: list = []


def register(provider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def panels_for(asset, user) -> list[Panel]:
    return [panel for provider in _PROVIDERS if (panel := provider(asset, user)) is not None]
