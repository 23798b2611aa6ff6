"""The test kit, shared by every test folder (``tests/`` is on ``sys.path`` through its
conftest): forms read and submitted as a browser does (``kit.forms``), what a page shows
(``kit.pages``), emails and their links (``kit.mails``), logged-in clients (``kit.clients``),
test data (``kit.factories``) and the browser tests' viewport (``kit.browser``)."""
