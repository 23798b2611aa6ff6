"""The « Estimer mes aides » pages: the form in :mod:`.forms`, what the templates show in
:mod:`.presenters`, routes in :mod:`.views`. The rules themselves are in :mod:`app.estimator`."""
