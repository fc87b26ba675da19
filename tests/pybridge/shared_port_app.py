"""Several instances on one address (test_reuseport.py, test_haproxy.py): a persisted counter
that shows which process serves it, and a plain page naming the process that answered."""

import os

from liveactor import http

from resume_app import Counter as PersistedCounter


@http.get("/who")
def who(request):
    return str(os.getpid())


class Counter(PersistedCounter):
    template = "<p>{{ count }}|{{ note }}|{{ pid }}</p>"

    def mount(self, params, session):
        super().mount(params, session)
        self.pid = os.getpid()

    def resume(self, state):
        super().resume(state)
        self.pid = os.getpid()


routes = {"/counter": Counter}
