"""Read and validate the catalogue's YAML files (one service per file)."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Union

import yaml
from pydantic import ValidationError

from bot.catalogue.models import FaqEntry, Service
from bot.vietnamese import fold


class CatalogueError(Exception):
    """The catalogue files are invalid; the message names the file and field."""


def _field_path(location) -> str:
    return ".".join(str(part) for part in location if part != "__root__") or "(entry)"


def _problems(error: ValidationError) -> str:
    return "; ".join(f"{_field_path(e['loc'])}: {e['msg']}" for e in error.errors())


def load_service(path: Union[str, Path]) -> Service:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise CatalogueError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise CatalogueError(f"{path}: expected a mapping of fields, got {type(data).__name__}")
    try:
        service = Service.parse_obj(data)
    except ValidationError as error:
        raise CatalogueError(f"{path}: {_problems(error)}") from error
    if service.id != path.stem:
        raise CatalogueError(f"{path}: id: '{service.id}' must match the file name '{path.stem}'")
    return service


def load_catalogue(directory: Union[str, Path]) -> Dict[str, Service]:
    """All services under `directory`, by id; checks that aliases are unambiguous."""
    directory = Path(directory)
    files = sorted(directory.glob("*.yml"))
    if not files:
        raise CatalogueError(f"{directory}: no catalogue entries (*.yml) found")
    services: Dict[str, Service] = {}
    alias_owner: Dict[str, str] = {}
    for path in files:
        service = load_service(path)
        if service.id in services:
            raise CatalogueError(f"{path}: id: '{service.id}' is used twice")
        services[service.id] = service
        for alias in search_terms(service):
            key = fold(alias)
            owner = alias_owner.setdefault(key, service.id)
            if owner != service.id:
                raise CatalogueError(
                    f"{path}: aliases: '{alias}' is also an alias of '{owner}'"
                )
    return services


def search_terms(service: Service) -> List[str]:
    """Every name a service is known by."""
    return [service.name, service.short_name, *service.aliases]


def load_faq(directory: Union[str, Path]) -> Dict[str, FaqEntry]:
    """FAQ entries from every `*.yml` under `directory` (a list under `entries`)."""
    entries: Dict[str, FaqEntry] = {}
    for path in sorted(Path(directory).glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for index, raw in enumerate(data.get("entries") or []):
            try:
                entry = FaqEntry.parse_obj(raw)
            except ValidationError as error:
                raise CatalogueError(f"{path}: entries.{index}: {_problems(error)}") from error
            if entry.id in entries:
                raise CatalogueError(f"{path}: entries.{index}.id: '{entry.id}' is used twice")
            entries[entry.id] = entry
    return entries
