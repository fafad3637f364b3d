"""What mod_sofia's registrar puts in ``sofia::register``, ``sofia::unregister`` and
``sofia::expire``, in FreeSWITCH 1.10's header order.

register and unregister are recorded in ``tests/data/esl-captures-estate``
(gateways_registrations): the registrar's fields, then the directory user's variables.
``sofia::expire`` is fired by ``sofia_reg_del_callback`` when a registration outlives its
Expires without a refresh; it names the user ``user``/``host`` (not ``from-user``/``from-host``).
"""

from __future__ import annotations

from fsmonitor.esl import headers as hdr
from fsmonitor.esl import modules as m
from fsmonitor.sim.switch import Registration

Pairs = tuple[tuple[str, str], ...]
PROFILE = "internal"


def directory_variables(user: str, realm: str) -> Pairs:
    """The default configuration's directory entry for ``user`` (conf/directory/default)."""
    values = (
        user,
        user,
        realm,
        user,
        user,
        realm,
        "true",
        "example.com",
        "918",
        "operator",
        "domestic,international,local",
        user,
        "default",
        f"Extension {user}",
        user,
        "FreeSWITCH",
        "0000000000",
        "techsupport",
    )
    return tuple(zip(hdr.REG_DIRECTORY_VARIABLES, values, strict=True))


def contact_header(reg: Registration) -> str:
    return f'"{reg.user}" <{reg.contact}>'


def register_headers(reg: Registration, expires: int) -> Pairs:
    return (
        (hdr.REG_PROFILE_NAME, PROFILE),
        (hdr.REG_FROM_USER, reg.user),
        (hdr.REG_FROM_HOST, reg.realm),
        (hdr.REG_PRESENCE_HOSTS, reg.realm),
        (hdr.REG_CONTACT, contact_header(reg)),
        (hdr.REG_CALL_ID, reg.token),
        (hdr.REG_RPID, "unknown"),
        (hdr.REG_STATUS, "Registered(UDP)"),
        (hdr.REG_EXPIRES, str(expires)),
        (hdr.REG_TO_USER, reg.user),
        (hdr.REG_TO_HOST, reg.realm),
        (hdr.REG_NETWORK_IP, reg.network_ip),
        (hdr.REG_NETWORK_PORT, reg.network_port),
        (hdr.REG_USERNAME, reg.user),
        (hdr.REG_REALM, reg.realm),
        (hdr.REG_USER_AGENT, reg.user_agent),
        *directory_variables(reg.user, reg.realm),
    )


def unregister_headers(reg: Registration) -> Pairs:
    return (
        (hdr.REG_PROFILE_NAME, PROFILE),
        (hdr.REG_USERNAME, reg.user),
        (hdr.REG_FROM_USER, reg.user),
        (hdr.REG_FROM_HOST, reg.realm),
        (hdr.REG_CONTACT, contact_header(reg)),
        (hdr.REG_CALL_ID, reg.token),
        (hdr.REG_RPID, "unknown"),
        (hdr.REG_REALM, reg.realm),
        (hdr.REG_NETWORK_IP, reg.network_ip),
        (hdr.REG_NETWORK_PORT, reg.network_port),
        (hdr.REG_USER_AGENT, reg.user_agent),
        (hdr.REG_EXPIRES, "0"),
        *directory_variables(reg.user, reg.realm),
    )


def expire_headers(reg: Registration) -> Pairs:
    return (
        (hdr.REG_PROFILE_NAME, PROFILE),
        (hdr.REG_CALL_ID, reg.token),
        (m.EXPIRE_USER, reg.user),
        (m.EXPIRE_HOST, reg.realm),
        (hdr.REG_CONTACT, contact_header(reg)),
        (hdr.REG_EXPIRES, str(reg.expires)),
        (hdr.REG_USER_AGENT, reg.user_agent),
        (hdr.REG_REALM, reg.realm),
    )
