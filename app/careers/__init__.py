"""« Travailler dans la petite enfance »: the jobs, the qualifications, the ways in and the
guided path « Où j’en suis » (content in ``data/``, rules in :mod:`.path`, no Flask outside
``views.py``)."""
