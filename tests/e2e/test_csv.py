"""Data of one's own from a CSV file, in the browser, with real files: good ones and bad ones."""

from __future__ import annotations

import re

from tests.e2e.helpers import api
from tests.e2e.test_derivation import press_steps, session_id, settle
from tests.e2e.test_one_home import from_module


def open_file(page, path) -> None:
    page.set_input_files("#csv-file", str(path))


def drop_file(page, path) -> None:
    """A real drop on the drop zone: a DataTransfer holding the file's bytes as a File."""
    data = list(path.read_bytes())
    transfer = page.evaluate_handle(
        """([name, bytes]) => {
            const dt = new DataTransfer();
            dt.items.add(new File([new Uint8Array(bytes)], name, { type: 'text/csv' }));
            return dt;
        }""",
        [path.name, data],
    )
    page.dispatch_event("#csv-drop", "drop", {"dataTransfer": transfer})


def train(page) -> dict:
    with page.expect_response(re.compile(r"/api/sessions$")) as info:
        page.click("#csv-apply")
    settle(page)
    return info.value


def error(page) -> str:
    return page.locator("#csv-error").text_content()


def test_a_file_with_a_header_trains_on_the_chosen_columns(watch, server_url, tmp_path, artifacts):
    page = watch.page
    path = tmp_path / "xor-extra.csv"
    path.write_text("x1,noise,x2,y\n0,9,0,0\n0,9,1,1\n\n1,9,0,1\n1,9,1,0\n")
    open_file(page, path)
    summary = page.locator("#csv-summary")
    summary.wait_for()
    assert "4 rows of 4 columns, with a header row" in summary.text_content()
    roles = [page.locator(f"select[name=csv-role-{i}]").input_value() for i in range(4)]
    assert roles == ["input", "input", "input", "target"]
    page.select_option("select[name=csv-role-1]", "skip")
    answer = train(page).json()
    assert answer["config"]["data"] == {"s": [[0, 0], [0, 1], [1, 0], [1, 1]], "y": [[0], [1], [1], [0]]}
    assert "Training on xor-extra.csv: 4 rows, inputs x1, x2, targets y" in summary.text_content()
    sid = session_id(page)
    assert sid == answer["id"]
    # the session goes on with it: a step takes the file's second row after its first
    with page.expect_response(re.compile(r"/step$")) as info:
        page.click("#step")
    assert info.value.json()["trace"]["s"] == [0, 0, 1]
    press_steps(page, 1)
    # another setting keeps the data
    page.fill("input[name=hidden]", "3")
    with page.expect_response(re.compile(r"/api/sessions$")) as info:
        page.dispatch_event("input[name=hidden]", "change")
    config = info.value.json()["config"]
    assert config["hidden"] == 3 and config["data"]["y"] == [[0], [1], [1], [0]]
    page.locator("#csv-panel").screenshot(path=artifacts / "csv-panel.png")
    assert watch.errors == []


def test_a_file_without_a_header_dropped_on_the_page(watch, tmp_path):
    page = watch.page
    path = tmp_path / "line.csv"
    path.write_text("0.5,1\r\n1.5,2\r\n2.5,3\r\n")
    drop_file(page, path)
    page.wait_for_selector("select[name=csv-role-1]")
    assert "no header row (columns numbered)" in page.locator("#csv-summary").text_content()
    config = train(page).json()["config"]
    assert config["n_s"] == 1 and config["data"] == {"s": [[0.5], [1.5], [2.5]], "y": [[1], [2], [3]]}
    assert "inputs column 1, targets column 2" in page.locator("#csv-summary").text_content()


def test_bad_files_are_named_by_row_and_column_and_the_session_stays(watch, server_url, tmp_path):
    page = watch.page
    sid = session_id(page)
    cases = [
        ("ragged.csv", "a,b,c\n1,2,3\n4,5\n", "ragged.csv: row 3 has 2 cells, but the header (row 1) has 3"),
        ("ragged-no-header.csv", "1,2\n3,4\n\n5\n", "row 4 has 1 cell, but row 1 has 2"),
        ("words.csv", "x1,x2,y\n1,2,3\n4,5,6\n7,abc,9\n", "row 4, column 'x2': 'abc' is not a number"),
        ("hole.csv", "x,y\n1,2\n,3\n", "row 3, column 'x': the cell is empty"),
        ("only-header.csv", "x,y\n", "row 1 is a header and no row of numbers follows it"),
    ]
    for name, text, says in cases:
        path = tmp_path / name
        path.write_text(text)
        open_file(page, path)
        page.wait_for_function(f"document.querySelector('#csv-error').textContent.includes({says!r})")
        assert page.locator("#csv-apply").is_hidden()
    # the limits of data are the server's, said in the file's terms
    big = tmp_path / "big.csv"
    big.write_text("x,y\n1,2\n3,2000000\n")
    open_file(page, big)
    page.wait_for_selector("#csv-apply:not([hidden])")
    train(page)
    assert error(page) == "row 3, column 'y': Input should be less than or equal to 1000000"
    long = tmp_path / "long.csv"
    long.write_text("".join(f"{i},{i % 2}\n" for i in range(2001)))
    open_file(page, long)
    page.wait_for_selector("#csv-apply:not([hidden])")
    train(page)
    assert error(page).startswith("too many rows (2001):") and "at most 2000" in error(page)
    page.select_option("select[name=csv-role-1]", "skip")
    page.click("#csv-apply")
    assert error(page) == "choose at least one target column"
    assert session_id(page) == sid
    assert api(f"{server_url}/api/sessions/{sid}")["config"]["dataset"] == "xor"


def test_files_past_what_the_page_reads_are_refused_before_they_are_parsed_or_drawn(watch, tmp_path):
    """30,001 columns (it froze the tab 9 s, drawing 180,000 elements), one line of 1.9 million cells (the tab
    never came back), 900,000 rows, and a 3.8 MB cell the number pattern backtracked over quadratically."""
    page = watch.page
    elements = page.evaluate("document.getElementsByTagName('*').length")
    columns = "row 1 has more than 2,000 cells; the page reads files of at most 2,000 columns"
    rows = "more than 20,000 rows of numbers; the page reads files of at most 20,000 rows"
    digits = "row 2, column 'x': '111111111111111111111111…' is not a number"
    wide = ",".join(f"c{i}" for i in range(30_001)) + "\n" + ",".join(["1"] * 30_001) + "\n"
    cases = [
        ("wide.csv", wide, columns),
        ("one-line.csv", "1," * 1_900_000 + "1\n", columns),
        ("tall.csv", "x,y\n" + "1,0\n" * 900_000, rows),
        ("digits.csv", "x\n" + "1" * 3_800_000 + "x\n", digits),
    ]
    for name, text, says in cases:
        path = tmp_path / name
        path.write_text(text)
        open_file(page, path)
        page.wait_for_function(f"document.querySelector('#csv-error').textContent.includes({name!r})")
        assert error(page) == f"{name}: {says}"
        assert page.locator("#csv-apply").is_hidden()
        assert page.locator("#csv-columns > *").count() == 0  # no menu drawn for any of its columns
        assert page.evaluate("document.getElementsByTagName('*').length") <= elements + 10
    assert watch.errors == []


def test_files_at_what_the_page_reads_are_listed(watch, tmp_path):
    page = watch.page
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"pixel {i}" for i in range(2_000)) + "\n" + ",".join(["0.5"] * 2_000) + "\n")
    open_file(page, wide)
    page.wait_for_selector("select[name=csv-role-1999]")
    assert "1 rows of 2000 columns, with a header row" in page.locator("#csv-summary").text_content()
    tall = tmp_path / "tall.csv"
    tall.write_text("1,0\n" * 20_000)
    open_file(page, tall)
    page.wait_for_function("document.querySelector('#csv-summary').textContent.startsWith('tall.csv')")
    assert "20000 rows of 2 columns, no header row" in page.locator("#csv-summary").text_content()
    assert error(page) == ""
    # a quoted field may hold the delimiter; a column's long name is shown cut
    named = tmp_path / "named.csv"
    named.write_text(f'"x, first","{"y" * 100}"\n1,2\n')
    open_file(page, named)
    page.wait_for_selector("select[name=csv-role-1]")
    shown = page.locator(".csv-column span").all_text_contents()
    assert shown == ["x, first (1)", f"{'y' * 40}… (2)"]
    assert watch.errors == []


def test_the_pages_bounds_on_a_file_are_above_the_servers_on_data(watch, server_url):
    """The page refuses only files the server could never take whole: the server says its own limits."""
    s, y = api(f"{server_url}/openapi.json")["components"]["schemas"]["DataIn"]["properties"].values()
    rows, columns = from_module(watch.page, "/static/state/csv.js", "[m.MAX_CSV_ROWS, m.MAX_CSV_COLUMNS]")
    assert rows > s["maxItems"] and columns > s["items"]["maxItems"] + y["items"]["maxItems"]
