"""Find and render the Jinja2 templates in the repository's top-level templates/ folder.

An installed wheel carries them as migrate/templates (see pyproject.toml); a source checkout or an
editable install reads them from the repository root.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


def templates_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        "migrate-kit's templates folder is missing: reinstall migrate-kit (pip install --force-reinstall migrate-kit)"
    )


@lru_cache(maxsize=1)
def environment(autoescape_html: bool = True):
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "htm", "xml"), default_for_string=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(name: str, **context) -> str:
    return environment().get_template(name).render(**context)
