"""A lesson document's check: every refusal names its field by its path, and the normal form;
the built-in `slides` lesson is valid and walks the reference slides in their order."""

from __future__ import annotations

import copy
import re

import pytest

from app.classroom.lessons import BUILT_IN, PANEL_NAMES, check_lesson
from app.classroom.lessons.check import DERIVATION_LINES
from app.classroom.lessons.text import visible_text
from app.classroom.quiz import TARGETS
from app.classroom.shown import PHASES
from app.limits import MAX_LESSON_STOPS, MAX_NOTE, MAX_STEPS
from app.sessions import InputError

HAND = {"dataset": "hand", "hidden": 2}  # s: 2 inputs, y: 2 outputs; A is 3 x 2, B is 3 x 2 with bias


def lesson(*stops: dict, **top) -> dict:
    return {"title": "A lesson", "stops": list(stops) or [{"title": "One"}], **top}


def refused(doc) -> InputError:
    with pytest.raises(InputError) as caught:
        check_lesson(doc)
    assert caught.value.args[0].startswith(caught.value.field + ": ")
    return caught.value


def test_a_stop_gets_every_field_with_its_default():
    out = check_lesson(lesson({"title": "  Start  "}))
    assert out == {
        "title": "A lesson",
        "stops": [
            {"title": "Start", "note": "", "phase": None, "step": 0, "derive": None, "line": None, "hide": [],
             "ask": None},
        ],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        (lesson(colour="red"), "colour"),
        (lesson({"title": "a", "colour": "red"}), "stops[0].colour"),
        (lesson({"title": "a"}, {"title": "b", "ask": {"target": "y_hat", "index": [0], "why": 1}}),
         "stops[1].ask.why"),
        ({"stops": [{"title": "a"}]}, "title"),
        ({"title": "t"}, "stops"),
        (lesson({"note": "no title"}), "stops[0].title"),
        ([1, 2], "body"),
        (lesson(stops="many"), "stops"),
        (lesson({"title": "a", "ask": {"target": "y_hat"}}), "stops[0].ask.index"),
    ],
)  # fmt: skip
def test_an_unknown_or_missing_field_is_named(doc, field):
    assert refused(doc).field == field


def test_a_note_of_281_characters_is_refused_naming_the_field_and_the_limit():
    assert check_lesson(lesson({"title": "a", "note": "é" * MAX_NOTE}))["stops"][0]["note"] == "é" * MAX_NOTE
    e = refused(lesson({"title": "a"}, {"title": "b", "note": "x" * (MAX_NOTE + 1)}))
    assert e.field == "stops[1].note" and "at most 280 characters, not 281" in e.message


def test_a_note_drops_what_is_not_seen_before_it_is_counted():
    hidden = "\u202e\u2066\u200b\ufeff\x00\U000e0041"
    out = check_lesson(lesson({"title": "a", "note": "x" * MAX_NOTE + hidden + "\r\n"}))
    assert out["stops"][0]["note"] == "x" * MAX_NOTE
    # joiners and variation selectors stay: emoji and several scripts need them
    assert visible_text("👩\u200d💻 ☺\ufe0f a\u202eb\r\nc") == "👩\u200d💻 ☺\ufe0f ab\nc"


def test_61_stops_are_refused_naming_stops_and_the_limit():
    assert (
        len(check_lesson(lesson(*({"title": f"{i}"} for i in range(MAX_LESSON_STOPS))))["stops"])
        == MAX_LESSON_STOPS
    )
    e = refused(lesson(*[{"title": "s"}] * (MAX_LESSON_STOPS + 1)))
    assert e.field == "stops" and "1 to 60 stops, not 61" in e.message
    assert refused(lesson(stops=[])).field == "stops"


@pytest.mark.parametrize("phase", ["gradB", "", 3, "PSI"])
def test_a_phase_not_of_the_slides_step_is_refused(phase):
    e = refused(lesson({"title": "a"}, {"title": "b", "phase": phase}))
    assert e.field == "stops[1].phase" and "delta_B" in e.message


def test_every_phase_of_the_server_is_taken():
    out = check_lesson(lesson(*({"title": p, "phase": p} for p in PHASES)))
    assert [s["phase"] for s in out["stops"]] == list(PHASES)


@pytest.mark.parametrize("step", [-1, MAX_STEPS + 1, 1.5, True, "2"])
def test_steps_are_a_bounded_whole_number(step):
    e = refused(lesson({"title": "a", "step": step}))
    assert e.field == "stops[0].step" and str(MAX_STEPS) in e.message


def test_a_line_without_derive_is_refused():
    e = refused(lesson({"title": "a", "line": 2}))
    assert e.field == "stops[0].line" and "derive" in e.message


@pytest.mark.parametrize("weight", ["C.0.0", "B.01.0", "B.1", "b.1.0", 7, "B.٣.0"])
def test_a_weight_in_another_form_is_refused(weight):
    assert refused(lesson({"title": "a", "derive": weight})).field == "stops[0].derive"


def test_a_weight_or_a_line_the_configs_network_lacks_is_refused():
    ok = check_lesson(lesson({"title": "a", "derive": "A.2.1", "line": 5}, config=HAND))
    assert ok["stops"][0]["derive"] == "A.2.1" and ok["config"] == HAND
    e = refused(lesson({"title": "a"}, {"title": "b", "derive": "B.3.0"}, config=HAND))
    assert e.field == "stops[1].derive" and "B has rows 0 to 2" in e.message
    assert refused(lesson({"title": "a", "derive": "A.0.2"}, config=HAND)).field == "stops[0].derive"
    # without a config any size goes: the lesson runs on the session on show
    assert check_lesson(lesson({"title": "a", "derive": "B.30.0"}))["stops"][0]["derive"] == "B.30.0"
    for matrix, lines in DERIVATION_LINES.items():
        e = refused(lesson({"title": "a", "derive": f"{matrix}.0.0", "line": lines}))
        assert e.field == "stops[0].line" and f"lines 0 to {lines - 1}" in e.message


@pytest.mark.parametrize("target", ["y", "grad_B", "Delta_B", None])
def test_a_question_on_what_the_class_quiz_cannot_ask_is_refused(target):
    e = refused(lesson({"title": "a", "ask": {"target": target, "index": [0]}}))
    assert e.field == "stops[0].ask.target" and all(t in e.message for t in TARGETS)


@pytest.mark.parametrize(
    ("ask", "config"),
    [
        ({"target": "B", "index": [0]}, None),
        ({"target": "delta_B", "index": [-1]}, None),
        ({"target": "delta_B", "index": [True]}, None),
        ({"target": "delta_B", "index": [2]}, HAND),
        ({"target": "A", "index": [0, 2]}, HAND),
    ],
)
def test_a_question_index_that_does_not_fit_is_refused(ask, config):
    doc = lesson({"title": "a", "ask": ask}, **({"config": config} if config else {}))
    assert refused(doc).field == "stops[0].ask.index"


def test_a_question_is_asked_before_the_phase_that_answers_it():
    ask = {"target": "delta_A", "index": [0]}
    assert check_lesson(lesson({"title": "a", "phase": "update_B", "ask": ask}))["stops"][0]["ask"] == ask
    e = refused(lesson({"title": "a", "phase": "delta_A", "ask": ask}))
    assert e.field == "stops[0].phase" and "up to update_B" in e.message


def test_hidden_panels_are_the_pages_names_once_each_in_the_pages_order():
    out = check_lesson(lesson({"title": "a", "hide": ["play", "algorithm", "play"]}))
    assert out["stops"][0]["hide"] == ["algorithm", "play"]
    e = refused(lesson({"title": "a", "hide": ["loss", "network"]}))
    assert e.field == "stops[0].hide[1]" and "network" in e.message and "presenter" in e.message
    assert refused(lesson({"title": "a", "hide": "loss"})).field == "stops[0].hide"


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"hidden": 0}, "config.hidden"),
        ({"f_A": "softmax"}, "config.f_A"),
        ({"dataset": "nope"}, "config.dataset"),
        ({"dataset": "hand", "hidden": 2, "A": [[1.0, 2.0]]}, "config.A"),
        ({"colour": "red"}, "config.colour"),
        ({"data": {"s": [[1.0], [2.0, 3.0]], "y": [[1.0], [2.0]]}}, "config.data.s"),
        ({"alpha_A": "0.1"}, "config.alpha_A"),
        ([1], "config"),
    ],
)
def test_the_config_is_checked_as_a_sessions_is(config, field):
    assert refused(lesson(config=config)).field == field


def test_titles_are_text_of_a_bounded_length():
    assert refused(lesson(title="")).field == "title"
    assert refused(lesson(title="x" * 81)).field == "title"
    assert refused(lesson({"title": 3})).field == "stops[0].title"


# ---------------------------------------------------------------- the built-in lesson `slides`


# The reference slides' headings, one per slide in the deck's order (the course's slides
# "Gradient Descent for Training Neural Networks", after its title slide); the second
# "The backprop algorithm" is the one whose f_A' is ReLU's, written u = psi for psi > 0.
REFERENCE_HEADINGS = [
    "Notation", "Notation", "Goal",
    "Deriving the gradient", "Deriving the gradient", "Deriving the gradient",
    "An example of the gradient",
    *["Deriving the gradient"] * 7,
    "The backprop algorithm", "The backprop algorithm",
    "Summary",
]  # fmt: skip


def collapsed(titles: list[str]) -> list[str]:
    return [t for i, t in enumerate(titles) if i == 0 or titles[i - 1] != t]


def test_the_slides_lesson_walks_the_reference_slides_in_their_order():
    slides = BUILT_IN["slides"]
    assert check_lesson(copy.deepcopy(slides)) == slides
    titles = [stop["title"] for stop in slides["stops"]]
    assert titles == [
        "Notation", "Goal", "Deriving the gradient for B", "An example of the gradient",
        "Deriving the gradient for A", "The backprop algorithm", "The backprop algorithm: the ReLU version",
        "Summary",
    ]  # fmt: skip
    # Each stop's slide (its title less what says which part) is the reference's next heading.
    slides_of_stops = [re.split(r" for [AB]$|:", t)[0] for t in titles]
    assert collapsed(REFERENCE_HEADINGS) == collapsed(slides_of_stops)
    # the algorithm's two slides are two stops, the second the ReLU version
    assert slides_of_stops.count("The backprop algorithm") == REFERENCE_HEADINGS.count(
        "The backprop algorithm"
    )


def test_each_slide_shows_what_it_derives_and_says_where_the_slides_err():
    stops = {stop["title"]: stop for stop in BUILT_IN["slides"]["stops"]}
    assert stops["Deriving the gradient for B"]["derive"].startswith("B.")
    assert stops["An example of the gradient"]["derive"].startswith("B.")
    assert stops["Deriving the gradient for A"]["derive"].startswith("A.")
    assert "Σ_k" in stops["Deriving the gradient for A"]["note"]  # erratum 3
    assert "before" in stops["The backprop algorithm"]["note"]  # erratum 2
    assert stops["The backprop algorithm"]["ask"] is not None and stops["The backprop algorithm"]["step"] >= 1
    relu = stops["The backprop algorithm: the ReLU version"]["note"]
    assert "ReLU itself" in relu and "belongs to ∇_B" in relu  # erratum 1 and the stray x_j
    assert all(stop["note"] and len(stop["note"]) <= MAX_NOTE for stop in stops.values())
    assert all(set(stop["hide"]) <= set(PANEL_NAMES) for stop in stops.values())


def test_the_slides_lesson_runs_the_examples_loss_and_f_B_on_the_hand_check_network():
    config = BUILT_IN["slides"]["config"]
    assert (config["loss"], config["f_B"]) == ("half_squared", "linear")  # "An example of the gradient"
    assert (config["dataset"], config["hidden"], config["f_A"]) == ("hand", 2, "sigmoid")
