"""The public JSON API (``/api/v1``): Flask-free request parsing and serialisation in
:mod:`.estimations`, the OpenAPI document in :mod:`.openapi`, routes in :mod:`.views`."""
