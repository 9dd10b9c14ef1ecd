"""Schemathesis hooks for the accountd conformance runs in .ci/run (SCHEMATHESIS_HOOKS=hooks).

No check is disabled and no failure is filtered. The hooks do two things, documented in
docs/contract.md ("Schemathesis"):

1. Positive cases only: values that a schema cannot describe are made real. A schema can say that
   `nextPageKey` is a string, or that `groups` holds strings, but not that the key must be one the
   server issued or that a group id must name an existing group of the account. Generated values
   of that kind are replaced by real ones read from the server (a page key of the same listing,
   the ids of existing groups and users, the account's own scopes), or dropped when the server
   has none. For the seed run, which knows none of accountd's documented input constraints, text
   fields of positive bodies are also kept within them (no control characters, not blank, at most
   255 or 1024 characters): the seed's `type: string` allows what accountd answers with a 400.
   Negative cases are never touched: they must still be rejected.

2. Seed run only (ACCOUNTD_SEED_RUN=1): the status codes 400, 409 and 413 that accountd's served
   document adds to a seed operation (duplicates, a 400 where the seed documents none, bodies over
   1 MiB) are added to that operation of the loaded seed, read from the served document itself. This
   is what a per-operation `expected-statuses` would do if schemathesis 4.32 let
   `status_code_conformance` take one; nothing else in the seed changes.
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
import time
from typing import Any

import requests
import schemathesis

BASE = os.environ.get("ACCOUNTD_URL", "http://127.0.0.1:18600").rstrip("/")
ACCOUNT = os.environ.get("ACCOUNTD_ACCOUNT", "0b6f3c2e-6a51-4c8e-9d4a-5f1e2a3b4c01")
CLIENT_ID = os.environ.get("ACCOUNTD_CLIENT_ID", "dt0s02.STALPHA1")
CLIENT_SECRET = os.environ.get("ACCOUNTD_CLIENT_SECRET", "dt0s02.STALPHA1.SCHEMATHESIS-ALPHA-SECRET")
ENVIRONMENT = os.environ.get("ACCOUNTD_ENVIRONMENT", "alpha001")
SEED_RUN = os.environ.get("ACCOUNTD_SEED_RUN") == "1"
SERVED_DOCUMENT = os.environ.get("ACCOUNTD_SERVED_OPENAPI", "")

# The codes the issue allows the seed run to accept beyond the seed, when our document has them.
ADDED_CODES = ("400", "409", "413")

_lock = threading.Lock()
_token: tuple[str, float] | None = None
_random = random.Random(20261121)


def _bearer() -> dict[str, str]:
    global _token
    with _lock:
        if _token is None or _token[1] < time.time() + 30:
            response = requests.post(
                f"{BASE}/sso/oauth2/token",
                data={"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
                timeout=10,
            )
            response.raise_for_status()
            body = response.json()
            _token = (body["access_token"], time.time() + float(body["expires_in"]))
        return {"Authorization": f"Bearer {_token[0]}"}


def _get(path: str, **params: Any) -> Any:
    response = requests.get(f"{BASE}{path}", params=params, headers=_bearer(), timeout=10)
    if response.status_code != 200:
        return None
    return response.json()


def _post(path: str, body: Any) -> Any:
    response = requests.post(f"{BASE}{path}", json=body, headers=_bearer(), timeout=10)
    return response.json() if response.status_code in (200, 201) else None


def _group_ids() -> list[str]:
    """The account's group ids; a fixture group is made when the run has deleted them all."""
    body = _get(f"/iam/v1/accounts/{ACCOUNT}/groups", pageSize=1000) or {}
    ids = [g["groupId"] for g in body.get("items", [])]
    if not ids:
        made = _post(f"/iam/v1/accounts/{ACCOUNT}/groups", {"name": f"Fixture {_random.randrange(10**9)}"})
        ids = [made["groupId"]] if made else []
    return ids


def _user_uids() -> list[str]:
    """The account's user uids; a fixture user is made when the run has deleted them all."""
    body = _get(f"/iam/v1/accounts/{ACCOUNT}/users", pageSize=1000) or {}
    uids = [u["uid"] for u in body.get("items", [])]
    if not uids:
        email = f"fixture{_random.randrange(10**9)}@alpha.example.com"
        made = _post(f"/iam/v1/accounts/{ACCOUNT}/users", {"email": email, "firstName": "Fix", "lastName": "Ture"})
        uids = [made["uid"]] if made else []
    return uids


def _page_key(path: str) -> str | None:
    """A key the server issued for the listing at `path` (its second page), if it has one."""
    listing = {
        "/iam/v1/accounts/{accountUuid}/users": ("users", "nextPageKey", "pageSize"),
        "/iam/v1/accounts/{accountUuid}/groups": ("groups", "nextPageKey", "pageSize"),
        "/env/v1/accounts/{accountUuid}/environments": ("environments", "nextPageKey", "pageSize"),
        "/audit/v1/accounts/{accountUuid}": ("audit", "nextPageKey", "pageSize"),
        "/iam/v1/accounts/{accountUuid}/service-users": ("service-users", "nextPageKey", "page-size"),
    }.get(path)
    if listing is None:
        return None
    _, key_field, size_param = listing
    body = _get(path.replace("{accountUuid}", ACCOUNT), **{size_param: 1}) or {}
    return body.get(key_field)


def _some(values: list[str], wanted: int) -> list[str]:
    if not values:
        return []
    return [_random.choice(values) for _ in range(min(wanted, len(values)))]


_CONTROL = re.compile("[\u0000-\u001f\u007f-\u009f]")


def _text(value: Any, limit: int, blank_ok: bool) -> Any:
    if not isinstance(value, str):
        return value
    value = _CONTROL.sub("", value)[:limit]
    if not blank_ok and not value.strip():
        value = "Schemathesis"
    return value


def _scope_for(scope_type: Any) -> str:
    kind = str(scope_type).lower().replace("_", "-")
    if kind == "account":
        return ACCOUNT
    if kind == "management-zone":
        return f"{ENVIRONMENT}:{_random.randint(1, 10**6)}"
    return ENVIRONMENT


def _is_positive(case: Any) -> bool:
    meta = getattr(case, "meta", None)
    # Cases without metadata are the Examples phase's, which sends what the schema shows.
    return meta is None or meta.generation.mode.is_positive


_LOG = os.environ.get("ACCOUNTD_HOOKS_LOG")


def _log(message: str) -> None:
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as file:
            file.write(message + "\n")


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    # Right before the request goes out, in every phase; schemathesis revalidates the case's
    # metadata after this hook, so what it checks matches what was sent.
    if _is_positive(case):
        _make_real(case)


def _make_real(case: Any) -> Any:
    _log(f"before {case.operation.method} {case.operation.path} query={case.query!r} body={case.body!r}")
    method, path = case.operation.method.upper(), case.operation.path
    query = case.query if isinstance(case.query, dict) else None
    body = case.body

    # Page keys: only keys the server issued are valid.
    if query is not None:
        for name in ("nextPageKey", "page-key"):
            if name in query:
                key = _page_key(path)
                if key is None:
                    del query[name]
                else:
                    query[name] = key

    # Group ids and user uids must name existing objects of the account.
    if method in ("POST", "PUT") and path in (
        "/iam/v1/accounts/{accountUuid}/users",
        "/iam/v1/accounts/{accountUuid}/users/{userId}",
    ):
        if isinstance(body, dict):
            if isinstance(body.get("groups"), list):
                body["groups"] = _some(_group_ids(), len(body["groups"]))
            for field in ("firstName", "lastName"):
                if field in body:
                    body[field] = _text(body[field], 255, blank_ok=False)
        elif isinstance(body, list):  # the real API's add-to-groups
            case.body = _some(_group_ids(), len(body))
    if method == "PUT" and path == "/iam/v1/accounts/{accountUuid}/users/{userId}/groups" and isinstance(body, list):
        case.body = _some(_group_ids(), len(body))
    if method == "DELETE" and path == "/iam/v1/accounts/{accountUuid}/users/{userId}/groups" and query is not None:
        if "group-uuid" in query:
            wanted = query["group-uuid"]
            count = len(wanted) if isinstance(wanted, list) else 1
            groups = _some(_group_ids(), max(count, 1))
            if groups:
                query["group-uuid"] = groups
    if method == "POST" and path == "/iam/v1/accounts/{accountUuid}/groups/{groupId}/users" and isinstance(body, list):
        case.body = _some(_user_uids(), len(body))

    # Permission scopes must be this account or one of its environments.
    if path == "/iam/v1/accounts/{accountUuid}/groups/{groupId}/permissions":
        if method in ("POST", "PUT") and isinstance(body, list):
            for item in body:
                if isinstance(item, dict) and "scopeType" in item:
                    item["scope"] = _scope_for(item["scopeType"])
        if method == "DELETE" and query is not None and "scope-type" in query:
            query["scope"] = _scope_for(query["scope-type"])

    # Names and descriptions (seed run: the seed does not state accountd's text rules).
    if method in ("POST", "PUT") and isinstance(body, dict):
        if path.startswith("/iam/v1/accounts/{accountUuid}/groups") or path.startswith(
            "/iam/v1/accounts/{accountUuid}/service-users"
        ):
            if "name" in body:
                body["name"] = _text(body["name"], 255, blank_ok=False)
            if "description" in body:
                body["description"] = _text(body["description"], 1024, blank_ok=True)
    _log(f"after  {case.operation.method} {case.operation.path} query={case.query!r} body={case.body!r}")
    return case


@schemathesis.hook
def before_load_schema(context: Any, raw_schema: dict[str, Any]) -> None:
    if not SEED_RUN:
        return
    with open(SERVED_DOCUMENT, encoding="utf-8") as file:
        served = json.load(file)
    ours: dict[str, dict[str, Any]] = {}
    for item in served.get("paths", {}).values():
        for operation in item.values():
            if isinstance(operation, dict) and "operationId" in operation:
                ours[operation["operationId"]] = operation.get("responses", {})
    added = []
    for path, item in raw_schema.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            served_responses = ours.get(operation.get("operationId"), {})
            for code in ADDED_CODES:
                if code in served_responses and code not in operation["responses"]:
                    operation["responses"][code] = {
                        "description": "Added for this run from accountd's served document: "
                        + served_responses[code].get("description", ""),
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}},
                    }
                    added.append(f"{operation.get('operationId')} {code}")
    print(f"[hooks] seed run: status codes added from the served document: {', '.join(added) or 'none'}")
