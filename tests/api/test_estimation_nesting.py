"""JSON nested 1,000 levels deep on ``POST /api/v1/estimations`` (issue 24, finding 8): a clear
400 in French, not a 500 from a RecursionError."""

from __future__ import annotations

import pytest

DEEP_MESSAGE = "Le corps de la requête est imbriqué trop profondément (au plus 20 niveaux)."


@pytest.mark.parametrize(
    "body",
    [
        "[" * 1000 + "]" * 1000,
        '{"a":' * 1000 + "1" + "}" * 1000,
        "[" * 100_000 + "]" * 100_000,
        '{"enfants": ' + "[" * 50 + "]" * 50 + "}",
    ],
    ids=["1,000 lists", "1,000 objects", "100,000 lists", "50 levels in a field"],
)
def test_deeply_nested_json_gets_a_clear_400(client, body):
    response = client.post("/api/v1/estimations", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == {"message": DEEP_MESSAGE}


def test_an_ordinary_body_is_still_read(client):
    response = client.post("/api/v1/estimations", json={"enfants": [{"age_mois": 24}]})
    assert response.status_code in (200, 422)
    assert "imbriqué" not in response.get_data(as_text=True)
