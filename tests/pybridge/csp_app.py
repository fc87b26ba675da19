"""Served by test_csp.py: an app that sets its pages' Content-Security-Policy."""

from views import Waiter

content_security_policy = "default-src 'self'; script-src 'self' https://cdn.example"

routes = {"/": Waiter}
