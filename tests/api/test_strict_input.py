"""Strict input: a value of another JSON type is never taken for a field's own, and a key
given twice in one object is refused, in every JSON body the app reads."""

from __future__ import annotations

import json

import pytest

JSON = {"content-type": "application/json"}


def _document(client, make_session) -> dict:
    sid = make_session()["id"]
    return client.get(f"/api/sessions/{sid}/export").json()


# (method, path under the session or None for the app's own path, body, the field named)
COERCED = [
    ("post", "/api/sessions", {"hidden": True}, "hidden"),
    ("post", "/api/sessions", {"hidden": "4"}, "hidden"),
    ("post", "/api/sessions", {"hidden": 4.0}, "hidden"),
    ("post", "/api/sessions", {"seed": "7"}, "seed"),
    ("post", "/api/sessions", {"alpha_A": "0.1"}, "alpha_A"),
    ("post", "/api/sessions", {"alpha_B": False}, "alpha_B"),
    ("post", "/api/sessions", {"A": [["1", "1", "1", "1"]] * 3}, "A.0.0"),
    ("post", "/api/sessions", {"bias": 1}, "bias"),
    ("post", "/api/sessions", {"bias": "yes"}, "bias"),
    ("post", "/api/sessions", {"data": {"s": [[True]], "y": [[1.0]]}}, "data.s.0.0"),
    ("post", "/api/sessions", {"environment": {"states": "7"}}, "environment.states"),
    ("post", "/step", {"n": True}, "n"),
    ("post", "/step", {"n": "7"}, "n"),
    ("post", "/step", {"n": 5, "to_episode_end": 1}, "to_episode_end"),
    ("post", "/reset", {"seed": "7"}, "seed"),
    ("post", "/reset", {"seed": True}, "seed"),
    ("put", "/weights", {"B": [["0.5"]] * 5}, "B.0.0"),
    ("put", "/sample", {"index": "0", "s": [1.0, 0.0], "y": [1.0]}, "index"),
    ("put", "/sample", {"index": 0, "s": [1.0, "0"], "y": [1.0]}, "s.1"),
    ("post", "/predict", {"s": [["1", 0.0]]}, "s.0.0"),
]


@pytest.mark.parametrize(("method", "path", "body", "field"), COERCED)
def test_no_value_is_coerced_into_a_number_or_a_boolean(client, make_session, method, path, body, field):
    sid = make_session()["id"]
    url = path if path.startswith("/api/") else f"/api/sessions/{sid}{path}"
    r = client.request(method, url, json=body)
    assert r.status_code == 422, (url, body, r.text)
    assert r.json()["detail"][0]["field"] == field, r.json()
    assert r.json()["message"].startswith(field.split(".")[0]), r.json()
    assert client.get(f"/api/sessions/{sid}").json()["state"]["step"] == 0


def test_a_coerced_document_is_refused(client, make_session):
    doc = _document(client, make_session)
    for change, field in [({"version": True}, "version"), ({"run": {**doc["run"], "step": "0"}}, "run.step")]:
        r = client.post("/api/sessions/import", json=doc | change)
        assert r.status_code == 422 and r.json()["detail"][0]["field"] == field, r.text
    config = doc["config"] | {"bias": 1}
    r = client.post("/api/sessions/import", json=doc | {"config": config})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "config.bias", r.text


def test_whole_numbers_stay_welcome_where_a_float_goes(client, make_session):
    a = make_session(alpha_A=1, alpha_B=0, data={"s": [[1, 0]], "y": [[2]]})
    b = make_session(alpha_A=1.0, alpha_B=0.0, data={"s": [[1.0, 0.0]], "y": [[2.0]]})
    assert a["config"] == b["config"] and a["state"] == b["state"]
    sid = a["id"]
    assert client.put(f"/api/sessions/{sid}/weights", json={"B": [[1]] * 5}).status_code == 200
    assert client.post(f"/api/sessions/{sid}/predict", json={"s": [[1, 0]]}).status_code == 200


def _raw(client, method: str, url: str, text: str):
    return client.request(method, url, content=text.encode(), headers=JSON)


# (method, path, a body with a key twice, the key)
DUPLICATED = [
    ("post", "/api/sessions", '{"hidden": 2, "hidden": 8}', "hidden"),
    ("post", "/api/sessions", '{"data": {"s": [[1.0]], "y": [[1.0]], "s": [[2.0]]}}', "s"),
    ("post", "/step", '{"n": 1, "n": 100}', "n"),
    ("post", "/step", '{"n": 3, "to_episode_end": false, "to_episode_end": true}', "to_episode_end"),
    ("post", "/reset", '{"seed": 1, "seed": 2}', "seed"),
    ("put", "/weights", '{"B": [[1.0], [1.0], [1.0], [1.0], [1.0]], "B": null}', "B"),
    ("put", "/sample", '{"index": 0, "index": 1, "s": [1.0, 0.0], "y": [1.0]}', "index"),
    ("post", "/predict", '{"s": [[1.0, 0.0]], "s": [[0.0, 1.0]]}', "s"),
]


@pytest.mark.parametrize(("method", "path", "text", "key"), DUPLICATED)
def test_a_key_given_twice_is_refused_naming_the_body(client, make_session, method, path, text, key):
    sid = make_session()["id"]
    url = path if path.startswith("/api/") else f"/api/sessions/{sid}{path}"
    r = _raw(client, method, url, text)
    assert r.status_code == 422, (url, text, r.text)
    detail = r.json()["detail"][0]
    assert detail["field"] == "body" and detail["type"] == "json_invalid"
    assert r.json()["message"] == f'body: not valid JSON (the key "{key}" appears twice in one object)'
    assert client.get(f"/api/sessions/{sid}").json()["state"]["step"] == 0


def test_a_document_with_a_key_twice_is_refused(client, make_session):
    text = json.dumps(_document(client, make_session))
    r = _raw(client, "post", "/api/sessions/import", text[:-1] + ', "history": []}')
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "body", r.text
    assert '"history" appears twice' in r.json()["message"]


MALFORMED = ['{"n": 1', '{"n": 1,}', "{'n': 1}", '{"n": 1, "to_episode_end": tru}', "[1, 2"]


@pytest.mark.parametrize("path", ["/api/sessions", "/step", "/reset", "/predict"])
@pytest.mark.parametrize("text", MALFORMED)
def test_malformed_json_names_the_body_and_says_where(client, make_session, path, text):
    url = path if path.startswith("/api/") else f"/api/sessions/{make_session()['id']}{path}"
    r = _raw(client, "post", url, text)
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["field"] == "body", r.json()
    assert r.json()["message"].startswith("body: not valid JSON ("), r.json()
    assert "line 1" in r.json()["message"] and "column" in r.json()["message"], r.json()


def test_bytes_that_are_not_utf8_name_the_body(client, make_session):
    sid = make_session()["id"]
    for url in ("/api/sessions", f"/api/sessions/{sid}/step", f"/api/sessions/{sid}/reset"):
        r = client.post(url, content=b'{"n": 1, "x": "\xff"}', headers=JSON)
        assert r.status_code == 422 and r.json()["detail"][0]["field"] == "body", r.text


def test_every_operation_with_a_body_refuses_a_key_given_twice(client, make_session):
    # From the OpenAPI schema, so that an operation added later is held to it too.
    sid = make_session()["id"]
    operations = [
        (method, path)
        for path, ops in client.get("/openapi.json").json()["paths"].items()
        for method, op in ops.items()
        if "requestBody" in op
    ]
    assert len(operations) >= 7, operations
    for method, path in operations:
        r = _raw(client, method, path.replace("{session_id}", sid), '{"a": 1, "a": 2}')
        assert r.status_code == 422, (method, path, r.text)
        assert r.json()["detail"][0]["field"] == "body" and '"a" appears twice' in r.json()["message"]
