"""Rate limits shared by every server process (Flask-Limiter).

One anonymous client must not be able to deny the service to others, so every way
to create data or start work has a limit per client, and so do bad capability
links. The counters live in Flask-Limiter's storage: in this process's memory for
the embedded default (``make run``: one process), in Redis with ``REDIS_URL`` so
that every gunicorn worker on every host counts against the same limit.

The limits are data (``ROUTE_LIMITS``) applied to the app's views in ``init_app``,
so the views stay as they are and the README can list them. Each is generous
enough that a real officer never meets it: the numbers are in the README.

Bad capability links (``/r/``, ``/w/``, ``/i/``, ``/n/``, ``/nj/``) share one counter per
client. A link that works (the capability model's answer: it exists and the link it was made
through is still current) is exempt: it is never counted and never refused, even from an
address that has been guessing. A link revoked with its parent counts like a guess.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, request
from flask_limiter import Limiter
from limits import parse

from webapp import access


@dataclass(frozen=True)
class RouteLimit:
    endpoint: str
    config_key: str  # the limit string lives in app.config (README: Limits)
    methods: tuple[str, ...] = ("POST",)
    # A download counts when it is served: its page that waits for the render queue (202,
    # reloading itself) does not (the render job has its own limits, REPORT_JOBS_*).
    served_only: bool = False


# What each creation route may do per client (the client address as the app sees it,
# i.e. after TRUSTED_PROXIES). Defaults in webapp/config.py.
ROUTE_LIMITS = (
    RouteLimit("assess.start", "LIMIT_NEW_ASSESSMENTS"),
    RouteLimit("workspace.open_", "LIMIT_NEW_WORKSPACES"),
    RouteLimit("workspace.reassess", "LIMIT_NEW_REASSESSMENTS"),
    RouteLimit("group.invite", "LIMIT_NEW_INVITATIONS"),
    RouteLimit("group.join", "LIMIT_NEW_CONTRIBUTIONS"),
    RouteLimit("group.agree", "LIMIT_NEW_AGREEMENTS"),
    RouteLimit("group.paper", "LIMIT_PAPER_ANSWERS"),
    RouteLimit("group.questionnaire", "LIMIT_QUESTIONNAIRES", methods=("GET",), served_only=True),
    RouteLimit("assess.peer_consent", "LIMIT_PEER_CONSENT"),
    RouteLimit("network.new", "LIMIT_NEW_NETWORKS"),
    RouteLimit("network.join", "LIMIT_NETWORK_JOINS"),
    RouteLimit("network.new_invite_link", "LIMIT_NEW_NETWORKS"),
    RouteLimit("network.pdf", "LIMIT_NETWORK_PDFS", methods=("GET",), served_only=True),
)

# Capability-link routes (the token in the URL): whether a link works is the capability
# model's answer (webapp/access.py), so a link whose parent was replaced counts as a bad one.
TOKEN_ROUTES = ("assess.resume", "workspace.enter", "group.enter", "network.enter", "network.invited")
BAD_TOKEN_SCOPE = "bad-capability-link"


def client_address() -> str:
    """The client as the app sees it (ProxyFix applies TRUSTED_PROXIES before this)."""
    return request.remote_addr or "unknown"


def _valid_token() -> bool:
    token = (request.view_args or {}).get("token")
    return bool(request.endpoint in TOKEN_ROUTES and isinstance(token, str) and access.link_works(request.endpoint, token))


def storage_uri(config: dict) -> str:
    return config.get("RATELIMIT_STORAGE_URI") or config.get("REDIS_URL") or "memory://"


def init_app(app: Flask) -> Limiter:
    """A limiter of this app (kept in app.extensions["limiter"] by Flask-Limiter) with every limit applied."""
    app.config["RATELIMIT_STORAGE_URI"] = storage_uri(app.config)
    app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")  # exact: no burst at a window's edge
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "readiness")
    limiter = Limiter(key_func=client_address, app=app)
    app.extensions["readiness_limiter"] = limiter
    for rule in ROUTE_LIMITS:
        view = app.view_functions[rule.endpoint]
        app.view_functions[rule.endpoint] = limiter.limit(
            lambda key=rule.config_key: current_app.config[key], methods=list(rule.methods),
            deduct_when=(lambda response: response.status_code == 200) if rule.served_only else None)(view)
    bad_tokens = limiter.shared_limit(lambda: current_app.config["LIMIT_BAD_LINKS"], scope=BAD_TOKEN_SCOPE,
                                      exempt_when=_valid_token)
    for endpoint in TOKEN_ROUTES:
        app.view_functions[endpoint] = bad_tokens(app.view_functions[endpoint])
    if not any(app.config.get(key) for key in ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META")):
        # Every limit is one of the above, a decorator that checks its limit in the view it
        # wraps: Flask-Limiter's before_request check is there for default, application and meta
        # limits, which this app does not have, so it is not run at all (it was 3% of a save);
        # its after_request part stays (the headers, and the deductions of served_only).
        app.before_request_funcs[None].remove(limiter._check_request_limit)
    return limiter


def take(name: str, *identifiers: str) -> bool:
    """Count one unit of the limit ``LIMIT_<name>`` for these identifiers; False once it is used up.

    For work started from inside a view (a report job) rather than by a route as such."""
    limiter: Limiter = current_app.extensions["readiness_limiter"]
    if not limiter.enabled:
        return True
    return limiter.limiter.hit(parse(current_app.config[f"LIMIT_{name}"]), "readiness", name.lower(), *identifiers)
