"""Served by test_waiting_server.py: views whose handlers wait."""

from views import GatedPage, Waiter

routes = {"/waiter": Waiter, "/gated": GatedPage}
