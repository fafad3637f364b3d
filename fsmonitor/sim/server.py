"""The simulator server and the two ways to run it from other code.

- :class:`SimServer`: the asyncio server (``await start()``, ``port``, ``await stop()``) with a
  Python API for tests (``channels``, ``originate``, ``hangup``, ``set_rate``...).
- :class:`SimThread`: the same server on its own event loop in a background thread, for
  synchronous and Qt tests (``start()`` returns the port once listening).
- :class:`SimProcess`: ``fsmonitor-sim`` in a subprocess.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Coroutine, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from fsmonitor.esl import events as ev
from fsmonitor.esl import headers as hdr
from fsmonitor.sim import sofia_reg
from fsmonitor.sim.announce import parse_listening
from fsmonitor.sim.api import Api, uptime_text
from fsmonitor.sim.calls import Calls, str2cause
from fsmonitor.sim.channel import SimChannel
from fsmonitor.sim.commands import ClientCommand
from fsmonitor.sim.listener import Listener
from fsmonitor.sim.scheduler import Scheduler
from fsmonitor.sim.switch import (
    MAX_SESSIONS,
    VERSION_FULL,
    Registration,
    Switch,
)
from fsmonitor.sim.traffic import TrafficGenerator, TrafficProfile
from fsmonitor.sim.wire import Block, WireEvent

if TYPE_CHECKING:
    from fsmonitor.sim.estate import EstateTraffic

T = TypeVar("T")

USERS = ("1000", "1001", "1002", "1003", "1004", "1005", "1006", "1007", "1008", "1009")


REGISTER_EXPIRES = 3600
"""The Expires the simulated phones register with."""


class SimServer:
    """A FreeSWITCH look-alike Event Socket server on loopback.

    Options: ``cps`` and ``hold`` drive the traffic generator (0 cps: no generated calls),
    ``preload`` creates that many established channels silently at start, ``seed`` makes
    everything random repeatable, ``heartbeat_interval`` spaces HEARTBEAT/RE_SCHEDULE.
    ``max_queue`` bounds each client's backlog of unsent events; ``max_missed`` consecutive
    drops disconnect it. ``clock_offset`` shifts the switch's clock (event and channel
    times, ``strepoch``/``strmicroepoch``) by that many seconds: a switch not in sync.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        password: str = "ClueCon",
        *,
        cps: float = 0.0,
        hold: float = 30.0,
        seed: int | None = None,
        preload: int = 0,
        heartbeat_interval: float = 20.0,
        answer_ratio: float = 0.85,
        bridged_share: float = 0.6,
        registrations: int = 5,
        answer_delay: float = 0.2,
        max_queue: int = 100_000,
        max_missed: int = 500,
        auth_timeout: float = 25.0,
        hostname: str = "fsmonitor-sim",
        unloaded_modules: tuple[str, ...] = (),
        clock_offset: float = 0.0,
    ) -> None:
        self.host = host
        self.clock_offset = clock_offset  # seconds this switch's clock is ahead of the host's
        self._requested_port = port
        self.password = password
        self.seed = seed
        self.preload = preload
        self.heartbeat_interval = heartbeat_interval
        self.registration_count = registrations
        self.answer_delay = answer_delay
        self.max_queue = max_queue
        self.max_missed = max_missed
        self.auth_timeout = auth_timeout
        self.hostname = hostname
        self.unloaded_modules = unloaded_modules  # e.g. ("mod_callcenter",): not loaded
        self.profile = TrafficProfile(
            cps=cps, hold=hold, answer_ratio=answer_ratio, bridged_share=bridged_share
        )
        self.listeners: set[Listener] = set()
        self.jobs: dict[str, str] = {}
        """Finished bgapi jobs: Job-UUID → output (what its BACKGROUND_JOB carried)."""
        self._stop_task: asyncio.Future[None] | None = None
        self.port = 0
        self._server: asyncio.Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopped: asyncio.Event | None = None
        self.switch: Switch
        self.calls: Calls
        self.api: Api
        self.traffic: TrafficGenerator
        self.estate_traffic: EstateTraffic | None = None  # with generated traffic only
        self.scheduler: Scheduler

    # -- lifecycle -------------------------------------------------------------------------
    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._loop = loop
        self._stopped = asyncio.Event()
        self.scheduler = Scheduler(loop)
        self.switch = Switch(
            self.scheduler, self.seed, hostname=self.hostname, clock_offset=self.clock_offset
        )
        # A real switch loaded like this would have sessions-per-second raised to match.
        self.switch.sps_limit = max(30, int(self.profile.cps * 2.5))
        self.calls = Calls(self.switch, answer_delay=self.answer_delay)
        self.api = Api(self.switch, self.calls, on_shutdown=self.request_shutdown)
        self.traffic = TrafficGenerator(self.calls, self.profile, self.seed)
        from fsmonitor.sim import estate  # the estate's modules: fsmonitor.sim.estate

        self.estate = estate.install(self, self.unloaded_modules)
        self._register_users()
        if self.preload:
            self.traffic.preload(self.preload, churn=self.profile.cps > 0)
        self._server = await loop.create_server(
            lambda: Listener(self),
            self.host,
            self._requested_port,
            reuse_address=True,
            backlog=128,
        )
        sock = self._server.sockets[0]
        self.port = int(sock.getsockname()[1])
        if self.heartbeat_interval > 0:
            self.scheduler.call_later(self.heartbeat_interval, self._heartbeat)
        self.scheduler.call_later(15.0, self._registration_churn)
        if self.profile.cps > 0:
            self.traffic.start()
            self.estate_traffic = estate.EstateTraffic(self).start()

    @property
    def calls_started(self) -> int:
        """Every call the generated traffic originated: the dialled mix and the estate's
        conference, queue and FIFO callers."""
        estate = self.estate_traffic
        return self.traffic.started + (estate.started if estate is not None else 0)

    async def stop(self) -> None:
        """Stop accepting, drop every client, forget every call. Quick and warning-free."""
        if self._server is None:
            return
        server = self._server
        self._server = None
        server.close()
        self.traffic.stop()
        self.scheduler.close()
        for listener in list(self.listeners):
            if listener.transport is not None:
                listener.transport.abort()
        await server.wait_closed()
        # Let the transports' connection_lost callbacks run before the loop may close.
        for _ in range(3):
            await asyncio.sleep(0)
        if self._stopped is not None:
            self._stopped.set()

    async def wait_stopped(self) -> None:
        assert self._stopped is not None
        await self._stopped.wait()

    def request_shutdown(self) -> None:
        """``fsctl shutdown``: SHUTDOWN event, the shutdown notice to every client, then stop."""
        self.switch.running = False
        self.switch.fire(ev.SHUTDOWN, ((hdr.EVENT_INFO, "System Shutting Down"),))
        for listener in list(self.listeners):
            listener.shutdown()
        asyncio.get_running_loop().call_later(0.05, self._finish_shutdown)

    def _finish_shutdown(self) -> None:
        self._stop_task = asyncio.ensure_future(self.stop())

    # -- Python API for tests and --demo ---------------------------------------------------
    @property
    def channels(self) -> Mapping[str, SimChannel]:
        """The channels ``show channels`` lists right now, by uuid, in creation order."""
        return self.switch.listed

    def set_rate(self, cps: float) -> None:
        self.traffic.set_rate(cps)

    def inbound_call(self) -> SimChannel:
        """Start one generated inbound call now (ignores the rate)."""
        return self.traffic.inbound_call()

    def hangup(self, uuid: str, cause: str = "NORMAL_CLEARING") -> bool:
        channel = self.switch.find(uuid)
        if channel is None:
            return False
        return self.calls.hangup(channel, str2cause(cause))

    async def originate(self, args: str) -> str:
        """Run ``originate <args>`` as a client would; returns ``+OK <uuid>\\n`` or ``-ERR ...``."""
        result = self.api.execute("originate", args)
        if isinstance(result, asyncio.Future):
            return await result
        return result or ""

    async def api_command(self, line: str) -> str:
        command, _, args = line.partition(" ")
        result = self.api.execute(command, args)
        if isinstance(result, asyncio.Future):
            return await result
        return result if result is not None else f"-ERR {command} Command not found!\n"

    # -- services used by listeners --------------------------------------------------------
    def fire_api_event(self, command: str, args: str) -> None:
        headers = [(hdr.API_COMMAND, command.strip())]
        if args.strip():
            headers.append((hdr.API_COMMAND_ARGUMENT, args.strip()))
        self.switch.fire(ev.API, headers)

    def run_job(self, job: str, command: str, args: str) -> None:
        result = self.api.execute(command, args)

        def finish(text: str | None) -> None:
            self.fire_api_event(command, args)
            if text is None:
                text = f"-ERR {command} Command not found!\n"
            self.jobs[job] = text
            if len(self.jobs) > 10_000:
                self.jobs.pop(next(iter(self.jobs)))
            headers = [(hdr.JOB_UUID, job), (hdr.JOB_COMMAND, command)]
            if args:
                headers.append((hdr.JOB_COMMAND_ARG, args))
            self.switch.fire(ev.BACKGROUND_JOB, headers, body=text)

        if isinstance(result, asyncio.Future):
            result.add_done_callback(
                lambda f: finish(
                    f.result() if not f.cancelled() and f.exception() is None else "-ERR\n"
                )
            )
        else:
            finish(result)

    def sendmsg(self, channel: SimChannel, cmd: ClientCommand) -> None:
        command = (cmd.header(hdr.MSG_CALL_COMMAND) or "").strip()
        calls = self.calls
        if command == "hangup":
            calls.hangup(channel, str2cause(cmd.header(hdr.MSG_HANGUP_CAUSE) or "NORMAL_CLEARING"))
        elif command == "execute":
            app = (cmd.header(hdr.MSG_EXECUTE_APP_NAME) or "").strip()
            arg = cmd.header(hdr.MSG_EXECUTE_APP_ARG) or ""
            if cmd.body:
                arg = cmd.body.decode("utf-8", "replace")
            loops = int((cmd.header(hdr.LOOPS) or "1").strip() or "1")
            if app:
                channel.next_app_uuid = (cmd.header(hdr.MSG_EVENT_UUID) or "").strip()
                was_parked = channel.parked
                if was_parked:
                    calls.unpark(channel)
                apps = [(app, arg)] * max(loops, 1)
                calls.run_apps(
                    channel, apps, on_done=(lambda: calls.park(channel)) if was_parked else None
                )
        blocks = [Block([(hdr.COMMAND, cmd.line), *cmd.headers])]
        blocks += self.switch.standard_blocks(ev.PRIVATE_COMMAND)
        blocks += channel.data_blocks(False)
        targets = self.switch.targets(ev.PRIVATE_COMMAND)
        if targets:
            self.switch.deliver(
                WireEvent(ev.PRIVATE_COMMAND, blocks, None, None, channel.uuid), targets
            )

    def sendevent(self, name: str, cmd: ClientCommand, event_uuid: str) -> None:
        subclass = cmd.header(hdr.EVENT_SUBCLASS) if name == ev.CUSTOM else None
        targets = self.switch.targets(name, subclass)
        if not targets:
            return
        headers = [(k, v) for k, v in cmd.headers if k.lower() != hdr.MSG_CONTENT_LENGTH]
        blocks = [Block([(hdr.EVENT_UUID, event_uuid), (hdr.COMMAND, cmd.line), *headers])]
        blocks += self.switch.standard_blocks(name)
        body = cmd.body.decode("utf-8", "replace") if cmd.body else None
        self.switch.deliver(WireEvent(name, blocks, body, subclass), targets)

    # -- periodic --------------------------------------------------------------------------
    def _heartbeat(self) -> None:
        sw = self.switch
        uptime = sw.uptime_us()
        sw.fire(
            ev.HEARTBEAT,
            (
                (hdr.EVENT_INFO, "System Ready"),
                (hdr.UP_TIME, uptime_text(uptime)),
                (hdr.FREESWITCH_VERSION, VERSION_FULL),
                (hdr.UPTIME_MSEC, str(uptime // 1000)),
                (hdr.SESSION_COUNT, str(len(sw.channels))),
                (hdr.MAX_SESSIONS, str(MAX_SESSIONS)),
                (hdr.SESSION_PER_SEC, str(sw.sessions_per_sec_budget())),
                (hdr.SESSION_PER_SEC_LAST, str(sw.sps_last)),
                (hdr.SESSION_PER_SEC_MAX, str(sw.sps_peak)),
                (hdr.SESSION_PER_SEC_FIVEMIN, str(sw.sps_peak)),
                (hdr.SESSION_SINCE_STARTUP, str(sw.sessions_since_startup)),
                (hdr.SESSION_PEAK_MAX, str(sw.session_peak)),
                (hdr.SESSION_PEAK_FIVEMIN, str(sw.session_peak)),
                (hdr.IDLE_CPU, "98.500000"),
            ),
        )
        sw.fire(
            ev.RE_SCHEDULE,
            (
                (hdr.TASK_ID, "1"),
                (hdr.TASK_DESC, "heartbeat"),
                (hdr.TASK_GROUP, "core"),
                (
                    hdr.TASK_RUNTIME,
                    str(self.switch.now_us() // 1_000_000 + int(self.heartbeat_interval)),
                ),
            ),
        )
        self.scheduler.call_later(self.heartbeat_interval, self._heartbeat)

    def _register_users(self) -> None:
        for user in USERS[: self.registration_count]:
            self._register(user)

    def _register(self, user: str) -> None:
        sw = self.switch
        rng = sw.rng
        ip = f"10.0.0.{10 + int(user) % 200}"
        port = str(5060 + rng.randrange(1000))
        call_id = sw.new_uuid()
        contact = f"sip:{user}@{ip}:{port}"
        reg = Registration(
            user=user,
            realm=sw.ipv4,
            token=call_id,
            url=f"sofia/internal/{contact}",
            # `show registrations` prints Expires plus sofia's late margin (60 s by default).
            expires=int(time.time()) + REGISTER_EXPIRES + 60,
            network_ip=ip,
            network_port=port,
            network_proto="udp",
            user_agent="Yealink SIP-T46S",
            contact=contact,
        )
        sw.registrations[user] = reg
        # A module event: Event-Subclass first, as switch_event_create_subclass makes it.
        self.estate.fire(
            ev.SOFIA_REGISTER,
            ("sofia_reg.c", "sofia_reg_handle_register_token", "2059"),
            post=sofia_reg.register_headers(reg, REGISTER_EXPIRES),
        )

    def _unregister(self, user: str) -> None:
        sw = self.switch
        reg = sw.registrations.pop(user, None)
        if reg is None:
            return
        # A module event: Event-Subclass first, as switch_event_create_subclass makes it.
        self.estate.fire(
            ev.SOFIA_UNREGISTER,
            ("sofia_reg.c", "sofia_reg_handle_register_token", "2213"),
            post=sofia_reg.unregister_headers(reg),
        )

    def _expire(self, user: str) -> None:
        """The phone stopped refreshing: FreeSWITCH drops the registration and says so."""
        sw = self.switch
        reg = sw.registrations.pop(user, None)
        if reg is None:
            return
        # A module event: Event-Subclass first, as switch_event_create_subclass makes it.
        self.estate.fire(
            ev.SOFIA_EXPIRE,
            ("sofia_reg.c", "sofia_reg_del_callback", "2693"),
            post=sofia_reg.expire_headers(reg),
        )

    def _refresh(self, user: str) -> None:
        """A phone renews its registration: same contact, a later expiry, a new register event."""
        reg = self.switch.registrations.get(user)
        if reg is None:
            return
        reg.expires = int(time.time()) + REGISTER_EXPIRES + 60
        self.estate.fire(
            ev.SOFIA_REGISTER,
            ("sofia_reg.c", "sofia_reg_handle_register_token", "2059"),
            post=sofia_reg.register_headers(reg, REGISTER_EXPIRES),
        )

    def _registration_churn(self) -> None:
        for user in list(self.switch.registrations):
            if self.switch.rng.random() < 0.4:  # phones refresh well before they expire
                self._refresh(user)
        if self.registration_count > 0:
            user = self.switch.rng.choice(USERS[: max(self.registration_count + 1, 1)])
            if user in self.switch.registrations:
                # Most phones unregister; some just go away and their registration expires.
                if self.switch.rng.random() < 0.3:
                    self._expire(user)
                else:
                    self._unregister(user)
            else:
                self._register(user)
        self.scheduler.call_later(15.0, self._registration_churn)


# ---------------------------------------------------------------------------------------------


class SimThread:
    """A :class:`SimServer` on its own asyncio loop in a daemon thread.

    ``start()`` returns the port once the server listens; ``stop()`` stops it and joins the
    thread. Usable as a context manager. ``call(fn)`` runs ``fn(server)`` on the server's loop
    and returns its result (awaiting it if it is a coroutine).
    """

    def __init__(self, **options: Any) -> None:
        self.options = options
        self.server: SimServer | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_event: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def port(self) -> int:
        return self.server.port if self.server is not None else 0

    def start(self, timeout: float = 10.0) -> int:
        self._ready.clear()
        self._error = None
        self._thread = threading.Thread(target=self._run, name="fsmonitor-sim", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise TimeoutError("simulator did not start")
        if self._error is not None:
            raise RuntimeError("simulator failed to start") from self._error
        return self.port

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # reported to start()
            self._error = exc
            self._ready.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop_event = asyncio.Event()
        server = SimServer(**self.options)
        try:
            await server.start()
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            return
        self.server = server
        self._ready.set()
        stop_task = asyncio.ensure_future(self._stop_event.wait())
        shutdown_task = asyncio.ensure_future(server.wait_stopped())
        await asyncio.wait({stop_task, shutdown_task}, return_when=asyncio.FIRST_COMPLETED)
        for task in (stop_task, shutdown_task):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await server.stop()

    def call(
        self, fn: Callable[[SimServer], T | Coroutine[Any, Any, T]], timeout: float = 10.0
    ) -> T:
        """Run ``fn(server)`` on the simulator's loop and return the result."""
        loop, server = self._loop, self.server
        if loop is None or server is None:
            raise RuntimeError("simulator not running")

        async def runner() -> T:
            result = fn(server)
            if asyncio.iscoroutine(result):
                return await result
            return result

        return asyncio.run_coroutine_threadsafe(runner(), loop).result(timeout)

    def stop(self, timeout: float = 10.0) -> None:
        loop, event, thread = self._loop, self._stop_event, self._thread
        if thread is None:
            return
        if loop is not None and event is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(event.set)
        thread.join(timeout)
        self._thread = None
        self._loop = None
        self.server = None

    def __enter__(self) -> SimThread:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# ---------------------------------------------------------------------------------------------


class SimProcess:
    """``fsmonitor-sim`` in a child process (the same Python), for benchmarks and ``--demo``."""

    def __init__(self, **options: Any) -> None:
        self.options = options
        self.port = 0
        self.process: subprocess.Popen[str] | None = None

    def command(self) -> list[str]:
        args = [sys.executable, "-m", "fsmonitor.sim"]
        for key, value in self.options.items():
            if value is None:
                continue
            args += [f"--{key.replace('_', '-')}", str(value)]
        if "port" not in self.options:
            args += ["--port", "0"]
        return args

    def start(self, timeout: float = 15.0) -> int:
        env = dict(os.environ)
        env.setdefault("PYTHONUNBUFFERED", "1")
        self.process = subprocess.Popen(
            self.command(),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        line = ""
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if line or self.process.poll() is not None:
                break
        listening = parse_listening(line)
        if listening is None:
            self.stop()
            raise RuntimeError(f"fsmonitor-sim did not start: {line!r}")
        self.port = listening[1]
        return self.port

    def stop(self, timeout: float = 5.0) -> None:
        proc = self.process
        if proc is None:
            return
        self.process = None
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout)
        if proc.stdout is not None:
            proc.stdout.close()

    def __enter__(self) -> SimProcess:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def free_port() -> int:
    """A currently free loopback port (for tests that restart on the same port)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
