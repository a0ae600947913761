"""Unit tests read messages in English (their message ids) unless a test picks a language
(``inspector_app.i18n.language``): ``pytest.raises(match=...)`` sees ``str(exc)``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from inspector_app.i18n import get_language, set_language


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    previous = get_language()
    set_language("en")
    yield
    set_language(previous)
