"""The Python side of bench/python: the same counter as the C++ one in bench_python.cpp."""

from liveactor import LiveView, event

TEMPLATE = '<h1>{{ count }}</h1><p>{{ label }}</p><button phx-click="inc">+</button>'


class Counter(LiveView):
    template = TEMPLATE

    def mount(self, params, session):
        self.count = 0
        self.label = "python"

    @event("inc")
    def inc(self, value):
        self.count += 1
