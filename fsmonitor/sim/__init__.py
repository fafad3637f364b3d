"""fsmonitor.sim: a FreeSWITCH simulator, a real Event Socket server on loopback.

``SimServer`` (asyncio), ``SimThread`` (background thread, for synchronous and Qt tests) and
``SimProcess`` (``fsmonitor-sim`` in a subprocess). See ``fsmonitor/sim/README.md``.
"""

from fsmonitor.sim.server import SimProcess, SimServer, SimThread, free_port

__all__ = ["SimProcess", "SimServer", "SimThread", "free_port"]
