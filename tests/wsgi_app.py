"""The portal's WSGI application for tests that need a raw WSGI call (schemathesis, a request
body the test client would not send).

Built for each request: middleware reads some settings when it is built (SecurityMiddleware's
HTTPS redirect), and the tests' settings apply only once a test runs. Like the test client, it
keeps the test's database connection open: Django closes "old" connections when a request
starts and finishes, which would end the test's transaction on PostgreSQL.
"""

from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections


def application(environ, start_response):
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(environ, start_response)
        body = b"".join(response)  # read inside: closing the response sends request_finished
        response.close()
        return [body]
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
