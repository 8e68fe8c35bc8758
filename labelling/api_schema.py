"""What the OpenAPI schema says about errors, in one place rather than on every view.

Every error answer of the API is a problem detail (``labelling.api_errors``), so the schema
lists it under ``application/problem+json``, and the answers any operation can give whatever its
view declares (throttled, not found, bad query or body, not logged in) are added where missing.
"""

from __future__ import annotations

from typing import Any

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
METHODS = {"get", "put", "patch", "post", "delete"}
DESCRIPTIONS = {
    "400": "The input is not valid (`errors` names the fields).",
    "401": "No valid credentials.",
    "403": "Logged in, but not allowed to do this.",
    "404": "No such object, or not one the caller may see.",
    "413": "The upload is larger than allowed.",
    "415": "The body is not in a supported format.",
    "429": "Too many requests; try again after `Retry-After` seconds.",
}


def _is_public(operation: dict[str, Any]) -> bool:
    return {} in operation.get("security", [{}])


def _common_errors(operation: dict[str, Any]) -> list[str]:
    codes = ["400", "404", "429"]
    if not _is_public(operation):
        codes += ["401", "403"]
    if "requestBody" in operation:
        codes.append("415")
    return codes


def problem_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: errors as problem details, common ones on all."""
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for code in _common_errors(operation):
                responses.setdefault(code, {"description": DESCRIPTIONS[code]})
            for code, response in responses.items():
                if not code.isdigit() or int(code) < 400:
                    continue
                content = response.setdefault("content", {})
                schema = content.pop("application/json", {}).get("schema", PROBLEM_REF)
                content.setdefault(PROBLEM_CONTENT_TYPE, {"schema": schema})
    return result
