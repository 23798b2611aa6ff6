"""The embeddable widget for partner sites: partner tokens (allowed origins, presets), the bare
``/widget/…`` pages, the ``/integrer`` page and the admin pages of the tokens."""
