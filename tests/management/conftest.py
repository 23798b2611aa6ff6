"""The management tests' cast: the gestionnaire of « Les Petits Loups », whose crèche has 20
places (1 free) and opens 7:30–18:30 on weekdays, logged in."""

from __future__ import annotations

from datetime import time

import pytest
from kit.factories import Cast


@pytest.fixture
def cast() -> Cast:
    return Cast(
        structure={"name": "Association Les Petits Loups"},
        offer={
            "capacity": 20,
            "free_places": 1,
            "slots": [(d, time(7, 30), time(18, 30)) for d in range(5)],
        },
        manager={"email": "gestion@lucioles.example.org", "full_name": "Nadia Benali"},
    )


@pytest.fixture
def logged_manager(manager, login):
    login(manager)
    return manager
