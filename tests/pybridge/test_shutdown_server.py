"""Under the real server: SIGTERM while a handler blocks its executor thread (a time.sleep in a
plain sync handler run inline) still closes the clients with 1001 and ends the process, bounded
by --shutdown-timeout instead of by the handler."""

import os
import signal
import struct

from gates import Gates
from serving import HERE, serve_process
from wsclient import LiveClient


def test_sigterm_with_a_stuck_handler_closes_with_1001_and_exits(tmp_path):
    gates = Gates(tmp_path)
    with serve_process(os.path.join(HERE, "waiting_app.py"), "--sync-handlers", "inline",
                       "--handler-timeout", "0", "--shutdown-timeout", "1000") as (proc, port):
        stuck = LiveClient(port, "/waiter")
        stuck.join()
        stuck.ref += 1
        stuck._send(["1", str(stuck.ref), "lv:" + stuck.container, "event",
                     {"type": "click", "event": "stuck", "value": {"gate": gates.path("stuck")}}])
        gates.wait_entered(["stuck"])            # the executor is inside time.sleep(600) now
        proc.send_signal(signal.SIGTERM)
        stuck.sock.settimeout(120)              # generous: the handler alone would take 600 s
        opcode, payload = stuck.frame()
        while opcode != 0x8:                    # skip anything sent before the close frame
            opcode, payload = stuck.frame()
        assert struct.unpack("!H", payload[:2])[0] == 1001, payload
        assert proc.wait(120) == 0
        output = proc.stdout.read()
        assert "closed 1 WebSockets whose session did not stop in time" in output, output
