"""The command line of each channel action, one function per command.

Each takes values already checked at the field (:mod:`fsmonitor.ui.actions.validation`) and
returns the ``bgapi`` argument string. Keeping every line here, one per command, makes the
actions module free of command syntax.
"""

from __future__ import annotations

from fsmonitor.esl import Originate


def hangup_command(uuid: str, cause: str) -> str:
    return f"uuid_kill {uuid} {cause.strip()}"


def transfer_command(uuid: str, extension: str, dialplan: str, context: str) -> str:
    return f"uuid_transfer {uuid} {extension} {dialplan} {context}"


def hold_command(uuid: str, hold: bool) -> str:
    return f"uuid_hold {uuid}" if hold else f"uuid_hold off {uuid}"


def park_command(uuid: str) -> str:
    return f"uuid_park {uuid}"


def record_start_command(uuid: str, path: str) -> str:
    return f"uuid_record {uuid} start {path}"


def record_stop_command(uuid: str, path: str) -> str:
    return f"uuid_record {uuid} stop {path}"


def send_dtmf_command(uuid: str, digits: str) -> str:
    return f"uuid_send_dtmf {uuid} {digits}"


def bridge_command(first: str, second: str) -> str:
    return f"uuid_bridge {first} {second}"


def dump_command(uuid: str) -> str:
    return f"uuid_dump {uuid} json"


def eavesdrop_command(uuid: str, endpoint: str) -> str:
    """An originate to ``endpoint`` that runs ``&eavesdrop(<uuid>)``; raises
    ``EslCommandError`` naming the field at fault."""
    originate = Originate(
        endpoint=endpoint.strip(),
        application="eavesdrop",
        application_args=uuid,
        caller_id_name="Eavesdrop",
    )
    return f"originate {originate.api_args()}"
