"""The book's tests: `python -m pytest --nbval` from the repository's root
(pytest.ini, conftest.py).  A package, so that its helpers are imported
by one name from the tests and from bench/ (tests.built_site, tests.prerequisites).
"""
